"""Organiser edits, anchored on note ids, replayed on every synthesis."""

from __future__ import annotations

import json
from typing import Any

import pytest

from worldcafe.synthesis import Curation, Note, synthesis_to_json, synthesize


def _cluster(data: dict[str, Any], note_id: str) -> dict[str, Any]:
    for table in data["tables"]:
        for cluster in table["clusters"]:
            if note_id in cluster["notes"]:
                return dict(cluster)
    raise AssertionError(note_id)


def test_rename_by_any_member_note(labelled_notes: list[Note]) -> None:
    curation = Curation()
    curation.rename("d2", "Safe cycling")
    data = synthesis_to_json(synthesize(labelled_notes, curation))
    cluster = _cluster(data, "d2")
    assert cluster["label"] == "Safe cycling"
    assert cluster["renamed"] is True


def test_merge_split_move_hide_and_key(labelled_notes: list[Note]) -> None:
    plain = synthesis_to_json(synthesize(labelled_notes))
    assert _cluster(plain, "d1")["id"] != _cluster(plain, "d6")["id"]
    curation = Curation()
    curation.merge(["d1", "d6"])
    curation.split(["d11", "d12"])
    curation.move("d16", "d13")
    curation.hide("d20")
    curation.mark_key("d19")
    data = synthesis_to_json(synthesize(labelled_notes, curation))
    merged = _cluster(data, "d1")
    assert "d6" in merged["notes"] and "d8" in merged["notes"]
    assert sorted(_cluster(data, "d11")["notes"]) == ["d11", "d12"]
    assert "d16" in _cluster(data, "d13")["notes"]
    assert all("d20" not in c["notes"] for t in data["tables"] for c in t["clusters"])
    assert "d20" in data["tables"][0]["hidden"] + data["tables"][1]["hidden"]
    assert _cluster(data, "d19")["key"] is True
    assert sum(c["key"] for t in data["tables"] for c in t["clusters"]) == 1


def test_duplicates_stay_inside_one_cluster_after_a_move(labelled_notes: list[Note]) -> None:
    curation = Curation()
    curation.move("d4", "d6")
    data = synthesis_to_json(synthesize(labelled_notes, curation))
    for table in data["tables"]:
        for group in table["duplicates"]:
            assert len({_cluster(data, i)["id"] for i in group}) == 1
    assert ["d1", "d4"] not in data["tables"][0]["duplicates"]


def test_edits_survive_new_notes_and_unknown_ids_are_ignored(labelled_notes: list[Note]) -> None:
    curation = Curation()
    curation.rename("e2", "Bikes")
    curation.merge(["nope", "e12"])
    curation.move("e1", "missing")
    curation.hide("ghost")
    later = [*labelled_notes, Note("e21", "en-1", "Mobility", "Bike lanes on every main road")]
    data = synthesis_to_json(synthesize(later, curation))
    assert _cluster(data, "e2")["label"] == "Bikes"
    assert any("e21" in c["notes"] for t in data["tables"] for c in t["clusters"])


def test_moves_never_cross_tables(labelled_notes: list[Note]) -> None:
    curation = Curation()
    curation.move("d1", "e1")
    data = synthesis_to_json(synthesize(labelled_notes, curation))
    assert "d1" not in _cluster(data, "e1")["notes"]


def test_unhide_brings_a_note_back(labelled_notes: list[Note]) -> None:
    curation = Curation()
    curation.hide("e5")
    curation.unhide("e5")
    data = synthesis_to_json(synthesize(labelled_notes, curation))
    _cluster(data, "e5")


def test_round_trip_through_json() -> None:
    curation = Curation()
    curation.rename("a", "A")
    curation.merge(["a", "b"])
    curation.split(["c"])
    curation.move("c", "d")
    curation.hide("e")
    curation.mark_key("a", False)
    again = Curation.from_dict(json.loads(json.dumps(curation.to_dict())))
    assert again == curation
    assert Curation.from_dict(None) == Curation()


@pytest.mark.parametrize(
    "bad",
    [
        [],
        {"ops": {}},
        {"ops": [{"op": "explode", "note_id": "a"}]},
        {"ops": [{"op": "rename", "note_id": "a"}]},
        {"ops": [{"op": "merge", "note_ids": "ab"}]},
        {"ops": [{"op": "move", "note_id": "a"}]},
        {"ops": ["hide"]},
    ],
)
def test_malformed_curations_are_refused(bad: Any) -> None:
    with pytest.raises(ValueError):
        Curation.from_dict(bad)


def test_a_merged_cluster_quotes_the_note_it_is_named_after(
    labelled_notes: list[Note],
) -> None:
    plain = synthesis_to_json(synthesize(labelled_notes))
    first, second = _cluster(plain, "d1"), _cluster(plain, "d6")
    assert first["id"] != second["id"] and len(first["notes"]) > 1 and len(second["notes"]) > 1
    curation = Curation()
    curation.merge(["d1", "d6"])
    merged = _cluster(synthesis_to_json(synthesize(labelled_notes, curation)), "d1")
    texts = {n.note_id: n.text for n in labelled_notes}
    stem = merged["label"].rstrip("…. ").lower()
    sources = [i for i in merged["notes"] if stem and stem in texts[i].lower()]
    assert sources, (merged["label"], [texts[i] for i in merged["notes"]])
    assert merged["representative"] in sources


def test_a_point_of_a_merged_cluster_quotes_notes_on_its_title_idea(
    labelled_notes: list[Note],
) -> None:
    plain = synthesis_to_json(synthesize(labelled_notes))
    first, second = _cluster(plain, "d1"), _cluster(plain, "d6")
    curation = Curation()
    curation.merge(["d1", "d6"])
    data = synthesis_to_json(synthesize(labelled_notes, curation))
    texts = {n.note_id: n.text for n in labelled_notes}
    points = [
        p for t in data["tables"] for p in t["summary"]["points"] if {"d1", "d6"} & set(p["notes"])
    ]
    assert points
    for point in points:
        stem = point["title"].rstrip("…. ").lower()
        sources = [i for i in point["notes"] if stem in texts[i].lower()]
        assert sources, point["title"]
        idea = first if sources[0] in first["notes"] else second
        others = [i for i in point["notes"] if i in idea["notes"] and i != sources[0]]
        if others:  # the title's idea has more notes in the point: the first quote is one
            assert point["quotes"][0] in idea["notes"], (point["title"], point["quote_texts"])
