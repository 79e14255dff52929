"""Notes and moderation on a bare session: the hot path, the author's edits, votes, hiding."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from worldcafe.models import AuditEvent, Cafe, Note, Participant, Round
from worldcafe.services import harvest, moderation
from worldcafe.services import notes as note_service
from worldcafe.services.errors import Conflict, Forbidden, NotFound


@pytest.fixture
def table(
    create_cafe: Callable[..., Cafe], join: Callable[..., Participant]
) -> tuple[Cafe, Participant, Participant]:
    """One table, two people at it, no round yet."""
    cafe = create_cafe(themes=[{"name": "Streets", "tables": 1, "questions": ["What?"]}])
    return cafe, join(cafe, "Ana", "de"), join(cafe, "Ben")


def test_a_note_is_stored_once_per_client_id_and_only_in_a_round(
    db: Session,
    table: tuple[Cafe, Participant, Participant],
    start_round: Callable[[Cafe], Round],
) -> None:
    cafe, ana, ben = table
    client_id = str(uuid.uuid4())
    with pytest.raises(Conflict):
        note_service.post_note(db.connection(), cafe.id, ana.id, client_id, "Too early")
    start_round(cafe)
    posted = note_service.post_note(db.connection(), cafe.id, ana.id, client_id, " Bike lanes ")
    again = note_service.post_note(db.connection(), cafe.id, ana.id, client_id, "Bike lanes")
    assert posted.created and not again.created
    assert again.view.note.id == posted.view.note.id
    assert posted.view.note.text == "Bike lanes" and posted.view.note.language == "de"
    # Everyone at the table hears it in their own language (the writer's other phones too).
    assert posted.recipients == {"de": [ana.id], "en": [ben.id]}
    with pytest.raises(Conflict, match="already taken"):
        note_service.post_note(db.connection(), cafe.id, ben.id, client_id, "Mine")
    assert db.scalars(select(Note.text)).all() == ["Bike lanes"]


def test_only_the_author_edits_or_withdraws_and_anyone_at_the_table_votes(
    db: Session,
    table: tuple[Cafe, Participant, Participant],
    start_round: Callable[[Cafe], Round],
    write: Callable[[Participant, str], Note],
) -> None:
    cafe, ana, ben = table
    start_round(cafe)
    note = write(ana, "Bike lanes")
    with pytest.raises(Forbidden):
        note_service.edit_note(db, ben, note.id, "Car lanes")
    assert note_service.edit_note(db, ana, note.id, "Bike lanes everywhere").edited_at
    assert note_service.toggle_vote(db, ben, note.id)[1] == 1
    assert note_service.toggle_vote(db, ana, str(note.id))[1] == 2
    assert note_service.toggle_vote(db, ben, note.id)[1] == 1
    note_service.delete_note(db, ana, note.id)
    with pytest.raises(NotFound):
        note_service.get_note(db, cafe.id, note.id)
    assert harvest.harvest(db, cafe).notes == {}


def test_hiding_is_audited_and_showing_undoes_the_harvests_hide(
    db: Session,
    table: tuple[Cafe, Participant, Participant],
    start_round: Callable[[Cafe], Round],
    write: Callable[[Participant, str], Note],
) -> None:
    cafe, ana, _ = table
    start_round(cafe)
    note = write(ana, "Rude words")
    harvest.curate(db, cafe, {"op": "hide", "note_id": str(note.id)})
    moderation.set_note_hidden(db, cafe, note.id, True, actor="organiser")
    assert moderation.hidden_notes_by_table(db, cafe)[note.table_id][0].note.id == note.id
    # The host shows it again: the organiser's hide in the harvest is undone with it.
    moderation.set_note_hidden(db, cafe, note.id, False)
    assert not note.hidden
    assert [op["op"] for op in (cafe.curation or {})["ops"]] == ["hide", "unhide"]
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.cafe_id == cafe.id)).all()
    assert [a for a in actions if a.endswith("_note")] == ["hide_note", "show_note"]
    assert moderation.show_notes_hidden_by_curation(db, cafe) == []
