"""Notes at a table: add (idempotent), edit, delete, dot-votes, carried ideas, key insights."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    Table,
    bindparam,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session

from worldcafe.links import same_secret
from worldcafe.messages import N_
from worldcafe.models import (
    Cafe,
    CafeTable,
    CarriedIdea,
    KeyInsight,
    Note,
    Participant,
    Round,
    Seat,
    Theme,
    Vote,
    utcnow,
)
from worldcafe.services.admission import Place, RateCheck, admit
from worldcafe.services.errors import Conflict, Forbidden, InvalidInput, NoLongerValid, NotFound
from worldcafe.services.participants import latest_started_round

MAX_INSIGHTS_PER_ROUND = 3
_CLIENT_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


@dataclass(frozen=True)
class NoteView:
    """A note with what the screens show beside it."""

    # On the hot path a transient Note (in no session): the row was written or read by Core.
    note: Note
    votes: int
    author: str
    round_number: int
    table_number: int = 0
    theme: str = ""


@dataclass(frozen=True)
class PostedNote:
    """A note just stored (or found again), with all its screens need, loaded in one go."""

    view: NoteView
    created: bool
    table_id: int
    # The people at the note's table now, by the language their phones show.
    recipients: dict[str, list[int]]


def _client_id(value: object) -> str:
    if value is None or value == "":
        return str(uuid.uuid4())
    if not isinstance(value, str) or not _CLIENT_ID.match(value):
        raise InvalidInput(N_("The note's id is malformed."))
    return value


def _cafe_of(session: Session, participant: Participant) -> Cafe:
    cafe = session.get(Cafe, participant.cafe_id)
    if cafe is None:
        raise NotFound(N_("No such café."))
    return cafe


def _place(session: Session, participant: Participant) -> tuple[Round | None, Seat | None, Place]:
    """The latest started round, the participant's seat in it, and both as the rule sees them."""
    current = latest_started_round(session, _cafe_of(session, participant))
    seat = (
        session.scalar(
            select(Seat).where(Seat.round_id == current.id, Seat.participant_id == participant.id)
        )
        if current is not None
        else None
    )
    place = Place(
        participant_id=participant.id,
        round_id=current.id if current is not None else None,
        round_ended=current is not None and current.ended_at is not None,
        table_id=seat.table_id if seat is not None else None,
    )
    return current, seat, place


def _seat_now(
    session: Session, participant: Participant, rate: RateCheck | None = None
) -> tuple[Round, Seat]:
    """The round and seat of a participant admitted to act at their table now."""
    current, seat, place = _place(session, participant)
    admit(place, rate=rate)
    assert current is not None and seat is not None
    return current, seat


# The hot path's statements, built once: only their parameters change from note to note.
_NOTE_TABLE: Table = Note.__table__  # type: ignore[assignment]
_EXISTING = (
    select(_NOTE_TABLE, Round.number.label("round_number"))
    .join(Round, Round.id == _NOTE_TABLE.c.round_id)
    .where(_NOTE_TABLE.c.cafe_id == bindparam("cafe"), _NOTE_TABLE.c.client_id == bindparam("key"))
)
_LABEL = (
    select(CafeTable.number, Theme.name)
    .join(Theme, Theme.id == CafeTable.theme_id)
    .where(CafeTable.id == bindparam("table"))
)
_INSERT = insert(_NOTE_TABLE).returning(_NOTE_TABLE.c.id)


def _context_statement() -> Select[Any]:
    """Writer, current round, seat, table label, table-mates and an earlier copy, in one query.

    One row per person at the writer's table in the latest started round (one row with nulls
    when the writer has no seat yet).
    """
    participant, round_, seat = Participant.__table__, Round.__table__, Seat.__table__
    table, theme, note = CafeTable.__table__, Theme.__table__, Note.__table__
    latest = round_.alias("latest")
    mate_seat, mate = seat.alias("mate_seat"), participant.alias("mate")
    latest_id = (
        select(latest.c.id)
        .where(latest.c.cafe_id == participant.c.cafe_id, latest.c.started_at.is_not(None))
        .order_by(latest.c.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    earlier = (
        select(note.c.id)
        .where(note.c.cafe_id == bindparam("cafe"), note.c.client_id == bindparam("key"))
        .scalar_subquery()
    )
    return (
        select(
            participant.c.cafe_id,
            participant.c.resume_token,
            participant.c.name,
            participant.c.language,
            earlier.label("earlier"),
            round_.c.id.label("round_id"),
            round_.c.number.label("round_number"),
            round_.c.ended_at.label("round_ended_at"),
            seat.c.table_id,
            table.c.number.label("table_number"),
            theme.c.name.label("theme"),
            mate.c.id.label("mate"),
            mate.c.language.label("mate_language"),
        )
        .select_from(participant)
        .outerjoin(round_, round_.c.id == latest_id)
        .outerjoin(
            seat, (seat.c.round_id == round_.c.id) & (seat.c.participant_id == participant.c.id)
        )
        .outerjoin(table, table.c.id == seat.c.table_id)
        .outerjoin(theme, theme.c.id == table.c.theme_id)
        .outerjoin(
            mate_seat,
            (mate_seat.c.round_id == round_.c.id) & (mate_seat.c.table_id == seat.c.table_id),
        )
        .outerjoin(mate, mate.c.id == mate_seat.c.participant_id)
        .where(participant.c.id == bindparam("participant"))
    )


_CONTEXT = _context_statement()


def post_note(
    conn: Connection,
    cafe_id: int,
    participant_id: int,
    client_id: object,
    text: object,
    *,
    rate: RateCheck | None = None,
    token: str | None = None,
) -> PostedNote:
    """Store a note at the writer's table once per client id: one query, one insert.

    This is the hot path of a live café. Everything announcing the note needs (the writer,
    the table's label, the round, the table-mates) comes from one query in the same
    transaction, which also tells whether this client id was stored before and whether
    `token`, the resume token the writer's device holds (when given), is still theirs.
    """
    key = _client_id(client_id)
    rows = conn.execute(_CONTEXT, {"participant": participant_id, "cafe": cafe_id, "key": key})
    context = rows.all()
    if (
        not context
        or context[0].cafe_id != cafe_id
        or (token is not None and not same_secret(token, context[0].resume_token))
    ):
        raise NoLongerValid(N_("Join the café first."))
    writer = context[0]
    if writer.earlier is not None:
        return _posted_before(conn, cafe_id, participant_id, key, writer.name)
    place = Place(
        participant_id=participant_id,
        round_id=writer.round_id,
        round_ended=writer.round_ended_at is not None,
        table_id=writer.table_id,
    )
    body = admit(place, text=text, rate=rate)
    values = {
        "cafe_id": cafe_id,
        "client_id": key,
        "table_id": writer.table_id,
        "round_id": writer.round_id,
        "participant_id": participant_id,
        "text": body,
        "language": writer.language,
        "created_at": utcnow(),
        "hidden": False,
        "deleted": False,
    }
    note_id = conn.execute(_INSERT, values).scalar_one()
    note = Note(id=note_id, **values)  # for the screens; the insert above wrote the row
    recipients: dict[str, list[int]] = {}
    for row in context:
        if row.mate is not None:
            recipients.setdefault(row.mate_language or "en", []).append(row.mate)
    view = NoteView(
        note=note,
        votes=0,
        author=writer.name,
        round_number=int(writer.round_number),
        table_number=writer.table_number,
        theme=writer.theme,
    )
    return PostedNote(view=view, created=True, table_id=note.table_id, recipients=recipients)


def _posted_before(
    conn: Connection, cafe_id: int, participant_id: int, key: str, author: str
) -> PostedNote:
    """The same client id again (an outbox retry): the stored note, nobody is told twice."""
    found = conn.execute(_EXISTING, {"cafe": cafe_id, "key": key}).one()
    if found.participant_id != participant_id:
        raise Conflict(N_("This note id is already taken."))
    note = Note(**{column.key: found._mapping[column] for column in _NOTE_TABLE.c})
    label = conn.execute(_LABEL, {"table": note.table_id}).one()
    view = NoteView(
        note=note,
        votes=vote_count(conn, note.id),
        author=author,
        round_number=int(found.round_number),
        table_number=label.number,
        theme=label.name,
    )
    return PostedNote(view=view, created=False, table_id=note.table_id, recipients={})


def _own_note(
    session: Session,
    participant: Participant,
    note_id: object,
    text: object = None,
    rate: RateCheck | None = None,
) -> tuple[Note, str]:
    """The author's note, admitted for a change during its round, and the new text if any."""
    note = get_note(session, participant.cafe_id, note_id)
    if note.participant_id != participant.id:
        raise Forbidden(N_("Only the author can change a note."))
    _, _, place = _place(session, participant)
    return note, admit(place, text=text, rate=rate, written_in=note.round_id, seated=False)


def get_note(session: Session, cafe_id: int, note_id: object) -> Note:
    """A visible note of the café by its id or client id, or NotFound."""
    note: Note | None = None
    if isinstance(note_id, str) and note_id.isdigit():
        note_id = int(note_id)
    if isinstance(note_id, int) and not isinstance(note_id, bool):
        # Ids are 32-bit in PostgreSQL and 64-bit in SQLite: a larger one is no row.
        note = session.get(Note, note_id) if 0 < note_id < 2**31 else None
    elif isinstance(note_id, str) and _CLIENT_ID.match(note_id):
        note = session.scalar(
            select(Note).where(Note.cafe_id == cafe_id, Note.client_id == note_id)
        )
    if note is None or note.cafe_id != cafe_id or note.deleted:
        raise NotFound(N_("No such note."))
    return note


def edit_note(
    session: Session,
    participant: Participant,
    note_id: object,
    text: object,
    *,
    rate: RateCheck | None = None,
) -> Note:
    """The author rewrites their note during its round."""
    note, body = _own_note(session, participant, note_id, "" if text is None else text, rate)
    note.text = body
    note.edited_at = utcnow()
    session.flush()
    return note


def delete_note(
    session: Session, participant: Participant, note_id: object, *, rate: RateCheck | None = None
) -> Note:
    """The author withdraws their note during its round."""
    note, _ = _own_note(session, participant, note_id, rate=rate)
    note.deleted = True
    session.flush()
    return note


def _at_same_table(
    session: Session, participant: Participant, note: Note, rate: RateCheck | None = None
) -> Seat:
    _, seat = _seat_now(session, participant, rate)
    if seat.table_id != note.table_id:
        raise Forbidden(N_("You can act only on notes of the table you sit at."))
    return seat


def toggle_vote(
    session: Session, participant: Participant, note_id: object, *, rate: RateCheck | None = None
) -> tuple[Note, int]:
    """Give or take back a dot-vote on a note at one's table; returns the new count."""
    note = get_note(session, participant.cafe_id, note_id)
    _at_same_table(session, participant, note, rate)
    vote = session.scalar(
        select(Vote).where(Vote.note_id == note.id, Vote.participant_id == participant.id)
    )
    if vote is None:
        session.add(Vote(note_id=note.id, participant_id=participant.id))
    else:
        session.delete(vote)
    session.flush()
    return note, vote_count(session, note.id)


def vote_count(session: Session | Connection, note_id: int) -> int:
    """How many dot-votes a note has."""
    return int(session.scalar(select(func.count(Vote.id)).where(Vote.note_id == note_id)) or 0)


def carry_idea(
    session: Session, participant: Participant, note_id: object, *, rate: RateCheck | None = None
) -> CarriedIdea:
    """Pin the one note a traveller carries to their next table (replaces an earlier pin)."""
    note = get_note(session, participant.cafe_id, note_id)
    seat = _at_same_table(session, participant, note, rate)
    current_id = seat.round_id
    idea = session.scalar(
        select(CarriedIdea).where(
            CarriedIdea.participant_id == participant.id, CarriedIdea.round_id == current_id
        )
    )
    if idea is None:
        idea = CarriedIdea(participant_id=participant.id, round_id=current_id, note_id=note.id)
        session.add(idea)
    else:
        idea.note_id = note.id
    session.flush()
    return idea


def toggle_insight(
    session: Session, participant: Participant, note_id: object, *, rate: RateCheck | None = None
) -> bool:
    """A table host marks (or unmarks) a key insight; at most three a round. True if marked."""
    note = get_note(session, participant.cafe_id, note_id)
    if participant.hosted_table_id is None or participant.hosted_table_id != note.table_id:
        raise Forbidden(N_("Only this table's host can mark key insights."))
    current, _ = _seat_now(session, participant, rate)
    existing = session.scalar(
        select(KeyInsight).where(KeyInsight.round_id == current.id, KeyInsight.note_id == note.id)
    )
    if existing is not None:
        session.delete(existing)
        session.flush()
        return False
    marked = session.scalar(
        select(func.count(KeyInsight.id)).where(
            KeyInsight.round_id == current.id, KeyInsight.table_id == note.table_id
        )
    )
    if (marked or 0) >= MAX_INSIGHTS_PER_ROUND:
        raise Conflict(N_("At most %(n)s key insights a round."), n=MAX_INSIGHTS_PER_ROUND)
    session.add(
        KeyInsight(
            round_id=current.id,
            table_id=note.table_id,
            note_id=note.id,
            marked_by_id=participant.id,
        )
    )
    session.flush()
    return True
