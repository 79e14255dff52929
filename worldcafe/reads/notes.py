"""What the screens read about notes: tablecloths, key insights, carried ideas (no writes)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Row, func, select
from sqlalchemy.orm import Session, selectinload

from worldcafe.models import (
    Cafe,
    CafeTable,
    CarriedIdea,
    KeyInsight,
    Note,
    Participant,
    Round,
    Seat,
    Vote,
)
from worldcafe.services.notes import NoteView, vote_count


def _visible_note_rows(
    session: Session, which: ColumnElement[bool]
) -> Sequence[Row[Note, int, str | None, int]]:
    """Visible notes matching `which`, newest first, with votes, author name and round."""
    votes = select(Vote.note_id, func.count(Vote.id).label("n")).group_by(Vote.note_id).subquery()
    return session.execute(
        select(Note, func.coalesce(votes.c.n, 0), Participant.name, Round.number)
        .join(Round, Round.id == Note.round_id)
        .outerjoin(Participant, Participant.id == Note.participant_id)
        .outerjoin(votes, votes.c.note_id == Note.id)
        .where(which, Note.deleted.is_(False), Note.hidden.is_(False))
        .order_by(Note.created_at.desc(), Note.id.desc())
    ).all()


def table_notes(session: Session, table: CafeTable) -> list[NoteView]:
    """The tablecloth: every visible note of a table, newest first, with votes and round."""
    return [
        NoteView(n, int(v), name or "", number, table.number, table.theme.name)
        for n, v, name, number in _visible_note_rows(session, Note.table_id == table.id)
    ]


def cafe_notes_by_table(session: Session, cafe: Cafe) -> dict[int, list[NoteView]]:
    """Every table's tablecloth in one query: visible notes newest first, by table id."""
    labels = {t.id: (t.number, t.theme.name) for t in cafe.tables}
    out: dict[int, list[NoteView]] = {}
    for n, v, name, number in _visible_note_rows(session, Note.cafe_id == cafe.id):
        table_number, theme = labels.get(n.table_id, (0, ""))
        out.setdefault(n.table_id, []).append(
            NoteView(n, int(v), name or "", number, table_number, theme)
        )
    return out


def insight_note_ids_by_table(session: Session, cafe: Cafe) -> dict[int, set[int]]:
    """Key insights of every table of a café, by table id, in one query."""
    out: dict[int, set[int]] = {}
    rows = session.execute(
        select(KeyInsight.table_id, KeyInsight.note_id)
        .join(CafeTable, CafeTable.id == KeyInsight.table_id)
        .where(CafeTable.cafe_id == cafe.id)
    )
    for table_id, note_id in rows:
        out.setdefault(table_id, set()).add(note_id)
    return out


def carried_ideas_by_table(session: Session, round_: Round) -> dict[int, list[NoteView]]:
    """Ideas carried into every table of a round from the round before, by table id."""
    previous = _round_before(session, round_)
    if previous is None:
        return {}
    rows = session.execute(
        select(Seat.table_id, CarriedIdea)
        .join(CarriedIdea, CarriedIdea.participant_id == Seat.participant_id)
        .where(Seat.round_id == round_.id, CarriedIdea.round_id == previous.id)
    ).all()
    out: dict[int, list[NoteView]] = {}
    for table_id, idea in rows:
        if not idea.note.deleted:
            out.setdefault(table_id, []).append(note_view(session, idea.note))
    return out


def note_view(session: Session, note: Note) -> NoteView:
    """One note with its votes, author and round, as the screens show it."""
    author = note.participant.name if note.participant is not None else ""
    return NoteView(
        note,
        vote_count(session, note.id),
        author,
        note.round.number,
        note.table.number,
        note.table.theme.name,
    )


def insight_note_ids(session: Session, table: CafeTable) -> set[int]:
    """Notes the table's host marked as key insights."""
    return set(session.scalars(select(KeyInsight.note_id).where(KeyInsight.table_id == table.id)))


def _round_before(session: Session, round_: Round) -> Round | None:
    return session.scalar(
        select(Round).where(Round.cafe_id == round_.cafe_id, Round.number == round_.number - 1)
    )


def carried_ideas_at(session: Session, round_: Round, table: CafeTable) -> list[NoteView]:
    """Ideas that the people now at a table carried in from their previous round."""
    previous = _round_before(session, round_)
    if previous is None:
        return []
    sitting = select(Seat.participant_id).where(
        Seat.round_id == round_.id, Seat.table_id == table.id
    )
    ideas = session.scalars(
        select(CarriedIdea).where(
            CarriedIdea.round_id == previous.id, CarriedIdea.participant_id.in_(sitting)
        )
    )
    return [note_view(session, idea.note) for idea in ideas if not idea.note.deleted]


def carried_ideas_of_round(session: Session, round_: Round) -> dict[int, Note]:
    """The notes everyone pinned in a round, by participant id."""
    ideas = session.scalars(
        select(CarriedIdea)
        .where(CarriedIdea.round_id == round_.id)
        .options(selectinload(CarriedIdea.note))
    )
    return {idea.participant_id: idea.note for idea in ideas}


def carried_idea_of(session: Session, participant: Participant, round_: Round) -> Note | None:
    """The note a participant pinned in a round, if any."""
    idea = session.scalar(
        select(CarriedIdea).where(
            CarriedIdea.participant_id == participant.id, CarriedIdea.round_id == round_.id
        )
    )
    return idea.note if idea is not None else None


def visible_note_texts(session: Session, cafe: Cafe, note_ids: Sequence[str]) -> dict[str, str]:
    """The texts of these notes of a café that are still visible, by id as the synthesis has it."""
    ids = [int(i) for i in note_ids if i.isdigit()]
    rows = session.execute(
        select(Note.id, Note.text).where(
            Note.cafe_id == cafe.id,
            Note.id.in_(ids),
            Note.deleted.is_(False),
            Note.hidden.is_(False),
        )
    )
    return {str(note_id): text for note_id, text in rows}
