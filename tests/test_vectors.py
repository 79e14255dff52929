"""Note vectors: stored beside the note's path, dropped on an edit, used by the harvest."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from tests.factories import load_cafe, make_cafe, run_round_with_notes
from worldcafe import synthesis
from worldcafe.catalogues import catalogue
from worldcafe.extensions import database
from worldcafe.models import Cafe, Note
from worldcafe.services.harvest import harvest, synthesis_notes
from worldcafe.services.vectors import (
    MISSING,
    Backlog,
    fill_missing,
    notes_without_vectors,
    stored_vector_data,
    stored_vectors,
)
from worldcafe.vector_process import VectorProcess

TEXTS = [
    "Safe bike lanes on the way to school",
    "Sichere Radwege auf dem Schulweg",
    "Open the library on Sundays",
]


def _fill(app: Flask) -> int:
    with app.app_context():
        db = database()
        return fill_missing(db.read, db.write)


def test_vectors_are_filled_in_after_the_note_and_again_after_an_edit(app: Flask) -> None:
    cafe: dict[str, Any] = make_cafe(app)
    run_round_with_notes(app, app.test_client(), cafe, TEXTS, people=3)
    with app.app_context(), database().read() as db:
        assert len(notes_without_vectors(db)) == 3
    assert _fill(app) == 3
    assert _fill(app) == 0
    with app.app_context():
        with database().read() as db:
            assert len(stored_vectors(db, cafe["cafe_id"])) == 3
        with database().write() as db:
            note = db.scalars(select(Note).order_by(Note.id)).first()
            assert note is not None
            note.text = "Safe bike lanes to every school"
        with database().read() as db:
            assert [text for _, text in notes_without_vectors(db)] == [
                "Safe bike lanes to every school"
            ]


def test_the_harvest_uses_stored_vectors_and_groups_translations(app: Flask) -> None:
    cafe: dict[str, Any] = make_cafe(app)
    run_round_with_notes(app, app.test_client(), cafe, TEXTS, people=1)
    _fill(app)
    with app.app_context(), database().read() as db:
        result = harvest(db, load_cafe(app, cafe["cafe_id"]))
    groups = [set(g) for t in result.tables for g in t.duplicates]
    ids = {n.text: n.note_id for n in result.notes.values()}
    assert {ids[TEXTS[0]], ids[TEXTS[1]]} in groups


def test_the_vector_process_computes_the_synthesis_this_process_would(app: Flask) -> None:
    """…from the vectors as stored, computing a missing one itself, with the curation."""
    cafe: dict[str, Any] = make_cafe(app)
    run_round_with_notes(app, app.test_client(), cafe, [*TEXTS, "Sichere Radwege"], people=2)
    _fill(app)
    curation = {"ops": [{"op": "key", "note_id": "2", "key": True}]}
    with app.app_context(), database().write() as db:
        db.execute(update(Note).where(Note.text == "Sichere Radwege").values(vector=None))
        row = db.get(Cafe, cafe["cafe_id"])
        assert row is not None
        notes = synthesis_notes(db, row)
        data = stored_vector_data(db, row.id)
        here = synthesis.synthesize(
            notes,
            synthesis.Curation.from_dict(curation),
            language=row.language,
            vectors=stored_vectors(db, row.id),
        )
    assert len(data) == len(notes) - 1
    german = synthesis.ReportContext(title="Radwege", language="de", catalogue=catalogue("de"))
    child = VectorProcess()
    child.start()
    try:
        there = child.synthesize(notes, curation, "en", data)
        document = child.render(there, "md", german)
    finally:
        child.stop()
    assert there == here
    assert any(c.key for t in there.tables for c in t.clusters)
    assert document == synthesis.render(here, "md", german)
    assert catalogue("de").gettext("Languages of the notes") in document.decode()


def test_the_background_backlog_reads_only_newer_notes_until_it_looks_again(app: Flask) -> None:
    """The serving loop's cursor: new notes by a primary-key range; an edited older note is
    found when the loop looks from the start again."""
    cafe: dict[str, Any] = make_cafe(app)
    run_round_with_notes(app, app.test_client(), cafe, TEXTS, people=3)
    now = [0.0]
    backlog = Backlog(rescan=30.0, clock=lambda: now[0])
    computed: list[str] = []

    def compute(texts: Sequence[str]) -> list[bytes]:
        computed.extend(texts)
        return [b"\x00" * 8 for _ in texts]

    def fill() -> int:
        with app.app_context():
            db = database()
            return backlog.fill(db.read, db.write, lambda work: work(), compute)

    assert fill() == 3 and computed == TEXTS
    assert fill() == 0
    with app.app_context(), database().write() as db:
        first = db.scalars(select(Note).order_by(Note.id)).first()
        assert first is not None
        first.text = "Safe bike lanes to every school"
    assert fill() == 0  # older than the cursor: not looked at yet
    now[0] = 31.0
    assert fill() == 1 and computed[-1] == "Safe bike lanes to every school"
    assert fill() == 0


def test_notes_without_a_vector_are_found_by_their_index(app: Flask) -> None:
    """The background loop's look reads the partial index, not every note of the database."""
    with app.app_context(), database().read() as db:
        if db.get_bind().dialect.name != "sqlite":
            pytest.skip("a query plan of SQLite's")
        compiled = MISSING.compile(dialect=db.get_bind().dialect)
        values = {"after": 0, "limit": 64, **compiled.params}
        plan = db.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}",
            tuple(values.get(name, 0) for name in compiled.positiontup or ()),
        )
        details = " ".join(str(row[-1]) for row in plan)
    assert "ix_note_vector_missing" in details, details


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="scheduling policies of Linux")
def test_the_vector_child_computes_background_vectors_only_on_an_idle_processor() -> None:
    """Vectors of new notes nobody waits for run under SCHED_IDLE (the sockets preempt them at
    once); a request someone waits for runs under the normal policy again, at niceness 19."""
    child = VectorProcess()
    child.start()
    try:
        pid = child.pid
        assert pid is not None
        assert len(child.stored(["Shade trees on every square"])) == 1
        assert os.sched_getscheduler(pid) == os.SCHED_IDLE
        assert child.encode(["Shade trees on every square"]).shape[0] == 1
        assert os.sched_getscheduler(pid) == os.SCHED_OTHER
        assert os.getpriority(os.PRIO_PROCESS, pid) == 19
    finally:
        child.stop()
