"""The JSON shape of contracts.md and its promises; determinism."""

from __future__ import annotations

import json
import random
from typing import Any

from worldcafe.synthesis import Note, synthesis_to_json, synthesize


def _check(data: dict[str, Any], notes: list[Note], hidden: frozenset[str] = frozenset()) -> None:
    by_id = {n.note_id: n for n in notes}
    seen: dict[str, str] = {}
    for table in data["tables"]:
        assert set(table) >= {"table", "theme", "note_count", "clusters", "duplicates"}
        count = 0
        for cluster in table["clusters"]:
            assert set(cluster) >= {
                "label",
                "keyphrases",
                "notes",
                "representative",
                "support",
                "rounds",
            }
            assert cluster["label"]
            # The name is a headline from one of its own notes, not a list of key words.
            headline = cluster["label"].rstrip("…")[1:].casefold()
            texts = [" ".join(by_id[i].text.split()).casefold() for i in cluster["notes"]]
            assert any(headline in text for text in texts), cluster["label"]
            assert cluster["representative"] in cluster["notes"]
            for note_id in cluster["notes"]:
                assert note_id not in seen
                assert by_id[note_id].table == table["table"]
                assert by_id[note_id].theme == table["theme"]
                seen[note_id] = cluster["id"]
            count += len(cluster["notes"])
            rounds = {r for i in cluster["notes"] if (r := by_id[i].round) is not None}
            assert cluster["rounds"] == sorted(rounds)
        assert count == table["note_count"]
        supports = [c["support"] for c in table["clusters"]]
        assert supports == sorted(supports, reverse=True)
        for group in table["duplicates"]:
            assert len(group) >= 2
            assert len({seen[i] for i in group}) == 1
    assert set(seen) == set(by_id) - hidden
    for theme in data["themes"]:
        supports = [c["support"] for c in theme["clusters"]]
        assert supports == sorted(supports, reverse=True)
        members = [i for c in theme["clusters"] for i in c["notes"]]
        assert len(members) == len(set(members))
        assert set(members) == {i for i in seen if by_id[i].theme == theme["theme"]}
        for cluster in theme["clusters"]:
            assert cluster["representative"] in cluster["notes"]
            assert cluster["tables"] == sorted({by_id[i].table for i in cluster["notes"]})


def test_every_note_is_in_exactly_one_cluster_of_its_table(cafe_notes: list[Note]) -> None:
    _check(synthesis_to_json(synthesize(cafe_notes)), cafe_notes)


def test_the_json_is_serialisable_and_quotes_representatives(cafe_notes: list[Note]) -> None:
    data = synthesis_to_json(synthesize(cafe_notes))
    json.dumps(data)
    texts = {n.note_id: n.text for n in cafe_notes}
    for table in data["tables"]:
        for cluster in table["clusters"]:
            assert cluster["representative_text"] == texts[cluster["representative"]]
            assert cluster["support"] == len(cluster["notes"]) + cluster["votes"]
    assert {n["note_id"] for n in data["notes"]} == set(texts)


def test_a_synthesis_is_deterministic_whatever_the_input_order(cafe_notes: list[Note]) -> None:
    shuffled = list(cafe_notes)
    random.Random(3).shuffle(shuffled)
    first = synthesis_to_json(synthesize(cafe_notes))
    assert synthesis_to_json(synthesize(cafe_notes)) == first
    assert synthesis_to_json(synthesize(shuffled)) == first


def test_a_small_tables_strong_point_is_not_drowned() -> None:
    notes = [
        Note(f"big{i}", "big", "T", f"Idea number {i} about {topic}")
        for i, topic in enumerate(["trees", "bins", "benches", "lights", "fountains"] * 8)
    ]
    notes += [Note(f"small{i}", "small", "T", "Open the library on Sundays") for i in range(4)]
    data = synthesis_to_json(synthesize(notes))
    theme = data["themes"][0]
    assert theme["clusters"][0]["tables"] == ["small"]


def test_cross_table_patterns_name_their_tables(cafe_notes: list[Note]) -> None:
    data = synthesis_to_json(synthesize(cafe_notes))
    tables = {t for theme in data["themes"] for c in theme["clusters"] for t in c["tables"]}
    assert any(len(c["tables"]) > 1 for theme in data["themes"] for c in theme["clusters"])
    assert tables == {t["table"] for t in data["tables"]}


def test_empty_and_tiny_inputs() -> None:
    assert synthesis_to_json(synthesize([])) == {
        "tables": [],
        "themes": [],
        "notes": [],
        "language": "en",
    }
    one = [Note("a", "t", "T", "?")]
    data = synthesis_to_json(synthesize(one))
    _check(data, one)
    assert data["tables"][0]["clusters"][0]["notes"] == ["a"]
