"""The harvest is computed once per version of a café's notes and curation, never served stale."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from worldcafe.models import Cafe, Note, Participant, Round
from worldcafe.services import harvest as harvest_service
from worldcafe.services import moderation
from worldcafe.services import notes as note_service
from worldcafe.services.harvest_cache import DOCUMENTS, SYNTHESES, VersionCache, forget_cafe
from worldcafe.services.rounds import end_round

TEXTS = [
    "Protected bike lanes on the main street",
    "Safe cycle paths to every school",
    "Plant trees for shade on the square",
    "More benches and shade in the park",
]


@pytest.fixture
def seated(
    db: Session,
    create_cafe: Callable[..., Cafe],
    join: Callable[..., Participant],
    start_round: Callable[[Cafe], Round],
) -> tuple[Cafe, list[Participant]]:
    cafe = create_cafe(themes=[{"name": "Streets", "tables": 1, "questions": ["What?"]}])
    people = [join(cafe, "Ana"), join(cafe, "Ben")]
    start_round(cafe)
    # The caches serve the whole process: a café of an earlier test may have had this id.
    forget_cafe(cafe.id)
    return cafe, people


def _texts(result: Any) -> set[str]:
    return {note.text for note in result.notes.values()}


def test_every_reader_shares_one_synthesis_until_a_note_changes(
    db: Session, seated: tuple[Cafe, list[Participant]], write: Callable[..., Note]
) -> None:
    cafe, (ana, ben) = seated
    for index, text in enumerate(TEXTS[:3]):
        write((ana, ben)[index % 2], text)
    before = SYNTHESES.computed
    first = harvest_service.harvest(db, cafe)
    _, themes = harvest_service.harvest_points(db, cafe)
    summary = harvest_service.table_summary(db, cafe, 1)
    assert harvest_service.harvest(db, cafe) is first
    assert summary is not None and summary is first.tables[0] and summary.note_count == 3
    assert [name for name, _ in themes] == ["Streets"]
    assert SYNTHESES.computed == before + 1

    # A new note, a vote and an edit each make a new version, computed once more.
    note = write(ben, TEXTS[3])
    assert TEXTS[3] in _texts(harvest_service.harvest(db, cafe))
    note_service.toggle_vote(db, ana, note.id)
    voted = harvest_service.harvest(db, cafe)
    assert voted.notes[str(note.id)].votes == 1
    note_service.edit_note(db, ben, note.id, "More benches under trees in the park")
    assert "More benches under trees in the park" in _texts(harvest_service.harvest(db, cafe))
    assert SYNTHESES.computed == before + 4


def test_curation_and_hiding_show_at_once(
    db: Session, seated: tuple[Cafe, list[Participant]], write: Callable[..., Note]
) -> None:
    cafe, (ana, _) = seated
    notes = [write(ana, text) for text in TEXTS]
    harvest_service.harvest(db, cafe)
    rename = {"op": "rename", "note_id": str(notes[0].id), "label": "Bikes"}
    harvest_service.curate(db, cafe, rename)
    labels = {c.label for t in harvest_service.harvest(db, cafe).tables for c in t.clusters}
    assert "Bikes" in labels

    moderation.set_note_hidden(db, cafe, notes[1].id, True, actor="organiser")
    assert TEXTS[1] not in _texts(harvest_service.harvest(db, cafe))
    harvest_service.reset_curation(db, cafe)
    moderation.set_note_hidden(db, cafe, notes[1].id, False, actor="organiser")
    result = harvest_service.harvest(db, cafe)
    assert TEXTS[1] in _texts(result)
    assert "Bikes" not in {c.label for t in result.tables for c in t.clusters}


def test_while_a_round_is_on_new_notes_wait_apart_but_no_other_change_does(
    db: Session, seated: tuple[Cafe, list[Participant]], write: Callable[..., Note]
) -> None:
    cafe, (ana, ben) = seated
    notes = [write(ana, text) for text in TEXTS[:2]]
    made = harvest_service.harvest(db, cafe)
    computed = SYNTHESES.computed
    added = write(ben, TEXTS[2])
    kept, pending = harvest_service.harvest_so_far(db, cafe)
    assert kept is made and [n.text for n in pending] == [TEXTS[2]]
    assert not harvest_service.harvest_is_current(db, cafe)
    assert SYNTHESES.computed == computed

    # A vote changes a note the harvest holds: computed again, nothing apart.
    note_service.toggle_vote(db, ben, notes[1].id)
    result, pending = harvest_service.harvest_so_far(db, cafe)
    assert pending == [] and result.notes[str(notes[1].id)].votes == 1
    assert str(added.id) in result.notes and harvest_service.harvest_is_current(db, cafe)

    write(ana, TEXTS[3])
    rename = {"op": "rename", "note_id": str(notes[0].id), "label": "Bikes"}
    harvest_service.curate(db, cafe, rename)
    result, pending = harvest_service.harvest_so_far(db, cafe)
    assert pending == [] and "Bikes" in {c.label for t in result.tables for c in t.clusters}
    assert TEXTS[3] in _texts(result)


def test_once_no_round_is_on_every_note_is_grouped(
    db: Session, seated: tuple[Cafe, list[Participant]], write: Callable[..., Note]
) -> None:
    cafe, (ana, _) = seated
    write(ana, TEXTS[0])
    harvest_service.harvest(db, cafe)
    write(ana, TEXTS[1])
    end_round(db, cafe, plan_seconds=0.05)
    result, pending = harvest_service.harvest_so_far(db, cafe)
    assert pending == [] and _texts(result) == set(TEXTS[:2])


def test_a_document_is_rendered_once_per_version(
    db: Session, seated: tuple[Cafe, list[Participant]], write: Callable[..., Note]
) -> None:
    cafe, (ana, _) = seated
    notes = [write(ana, text) for text in TEXTS]
    before = DOCUMENTS.computed
    first = harvest_service.export_cafe(db, cafe.id, "md")
    assert harvest_service.export_cafe(db, cafe.id, "md") is first
    assert harvest_service.export_cafe(db, cafe.id, "md", anonymise=True) is not first
    rename = {"op": "rename", "note_id": str(notes[2].id), "label": "Shade"}
    harvest_service.curate(db, cafe, rename)
    assert b"Shade" in harvest_service.export_cafe(db, cafe.id, "md")
    assert DOCUMENTS.computed == before + 3


def test_requests_for_one_version_wait_for_a_single_computation() -> None:
    cache: VersionCache[object] = VersionCache(size=4)
    release, started = threading.Event(), threading.Event()
    calls: list[int] = []

    def compute() -> object:
        calls.append(1)
        started.set()
        release.wait(5)
        return object()

    results: list[object] = []
    readers = [
        threading.Thread(target=lambda: results.append(cache.get("cafe", "v1", compute)))
        for _ in range(4)
    ]
    readers[0].start()
    assert started.wait(5)
    for reader in readers[1:]:
        reader.start()
    release.set()
    for reader in readers:
        reader.join(5)
    assert len(calls) == 1 and len(results) == 4 and len({id(r) for r in results}) == 1
    assert cache.peek("cafe", "v1") is results[0] and cache.peek("cafe", "v2") is None


def test_a_failure_reaches_every_waiter_and_is_not_kept() -> None:
    cache: VersionCache[str] = VersionCache(size=4)

    def broken() -> str:
        raise RuntimeError("no model")

    with pytest.raises(RuntimeError, match="no model"):
        cache.get("cafe", "v1", broken)
    assert cache.get("cafe", "v1", lambda: "done") == "done"


def test_the_newest_version_stays_and_old_slots_make_room() -> None:
    cache: VersionCache[str] = VersionCache(size=2)
    release, started = threading.Event(), threading.Event()

    def old() -> str:
        started.set()
        release.wait(5)
        return "old"

    slow = threading.Thread(target=lambda: cache.get("a", "old", old))
    slow.start()
    assert started.wait(5)
    assert cache.get("a", "new", lambda: "new") == "new"
    release.set()
    slow.join(5)
    # The older computation finished last; the slot keeps the version asked for last.
    assert cache.peek("a", "new") == "new" and cache.peek("a", "old") is None
    cache.get("b", "1", lambda: "b")
    cache.get("c", "1", lambda: "c")
    assert cache.peek("a", "new") is None and cache.peek("c", "1") == "c"
