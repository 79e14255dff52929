"""Participants: join, resume, presence, table hosts and moves by the host."""

from __future__ import annotations

import secrets
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from worldcafe.catalogues import LANGUAGES
from worldcafe.messages import N_, MessageId
from worldcafe.models import MAX_ID, NAME_MAX, Cafe, CafeTable, Participant, Round, Seat
from worldcafe.services import audit
from worldcafe.services.errors import Conflict, InvalidInput, NotFound
from worldcafe.services.text_input import clean_text

RESUME_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Ten characters of 32: 50 bits, beyond guessing even at a thousand tries a second for a year.
RESUME_CODE_LENGTH = 10
MAX_PARTICIPANTS = 5000

_ADJECTIVES = (
    "Curious",
    "Bold",
    "Calm",
    "Bright",
    "Kind",
    "Quick",
    "Wise",
    "Brave",
    "Gentle",
    "Lively",
    "Clever",
    "Sunny",
    "Keen",
    "Witty",
    "Merry",
    "Steady",
)
_ANIMALS = (
    "Owl",
    "Fox",
    "Otter",
    "Heron",
    "Lynx",
    "Badger",
    "Falcon",
    "Hare",
    "Robin",
    "Beaver",
    "Dolphin",
    "Panda",
    "Swift",
    "Marten",
    "Crane",
    "Wren",
)


def suggest_name() -> str:
    """A friendly nickname for people who would rather not give their name."""
    return f"{secrets.choice(_ADJECTIVES)} {secrets.choice(_ANIMALS)}"


def _new_resume_code(session: Session, cafe: Cafe) -> str:
    while True:
        code = "".join(secrets.choice(RESUME_ALPHABET) for _ in range(RESUME_CODE_LENGTH))
        taken = session.scalar(
            select(Participant.id).where(
                Participant.cafe_id == cafe.id, Participant.resume_code == code
            )
        )
        if taken is None:
            return code


def seat_count(cafe: Cafe) -> int:
    """How many people the café holds: its tables times their capacity."""
    return min(sum(table.capacity for table in cafe.tables), MAX_PARTICIPANTS)


def participant_count(session: Session, cafe: Cafe) -> int:
    """How many people joined the café (whether here now or gone)."""
    return int(
        session.scalar(select(func.count(Participant.id)).where(Participant.cafe_id == cafe.id))
        or 0
    )


def set_joining_open(session: Session, cafe: Cafe, is_open: bool) -> None:
    """Close the café's door to new participants, or open it again; who joined stays."""
    cafe.joining_open = is_open
    audit.record(session, cafe, "host", "open_joining" if is_open else "close_joining")


def join_cafe(
    session: Session,
    cafe: Cafe,
    name: object,
    language: object = None,
    answers: dict[str, Any] | None = None,
) -> Participant:
    """Add a participant (no account); an empty name becomes a friendly nickname.

    Refused while the host has closed joining, and once every seat is taken: a café never
    holds more participants than its tables seat. `answers`: the café's join fields as
    `join_fields.answers_from_form` cleaned them.
    """
    if not cafe.joining_open:
        raise Conflict(N_("This café is not taking new participants right now."))
    clean = clean_text(name, field=N_("Your name"), max_length=NAME_MAX) or suggest_name()
    lang = language if isinstance(language, str) and language in LANGUAGES else cafe.language
    # One join at a time per café, also on PostgreSQL, so that the last seat goes only once.
    session.execute(select(Cafe.id).where(Cafe.id == cafe.id).with_for_update())
    if participant_count(session, cafe) >= seat_count(cafe):
        raise Conflict(N_("This café is full: every seat is taken."))
    participant = Participant(
        cafe_id=cafe.id,
        name=clean,
        language=lang,
        resume_token=secrets.token_urlsafe(32),
        resume_code=_new_resume_code(session, cafe),
        present=True,
        attributes=answers or None,
    )
    session.add(participant)
    session.flush()
    seat_late_joiner(session, cafe, participant)
    return participant


def participant_by_token(session: Session, cafe: Cafe, token: object) -> Participant | None:
    """The café's participant holding this resume token, if any."""
    if not isinstance(token, str) or not token:
        return None
    return session.scalar(
        select(Participant).where(Participant.cafe_id == cafe.id, Participant.resume_token == token)
    )


def participant_by_code(session: Session, cafe: Cafe, code: object) -> Participant:
    """The participant a resume code belongs to (to continue on another device).

    The code works once: it changes as soon as it is used, so a code seen over someone's
    shoulder or left on a screen is worthless afterwards.
    """
    if not isinstance(code, str) or not code.strip():
        raise InvalidInput(N_("Enter the code shown on your other device."))
    typed = "".join(char for char in code.upper() if char.isalnum())
    if len(typed) != RESUME_CODE_LENGTH:
        raise NotFound(N_("No participant has this code."))
    found = session.scalar(
        select(Participant).where(Participant.cafe_id == cafe.id, Participant.resume_code == typed)
    )
    if found is None:
        raise NotFound(N_("No participant has this code."))
    found.resume_code = _new_resume_code(session, cafe)
    session.flush()
    return found


_Row = TypeVar("_Row", Participant, CafeTable)


def _cafe_row(
    session: Session, model: type[_Row], cafe: Cafe, raw_id: object, message: MessageId
) -> _Row:
    """The row of `model` with this id in this café, or NotFound (also for malformed ids)."""
    try:
        key = int(str(raw_id))
    except ValueError:
        raise NotFound(message) from None
    if not 0 < key <= MAX_ID:
        raise NotFound(message)
    row = session.get(model, key)
    if row is None or row.cafe_id != cafe.id:
        raise NotFound(message)
    return row


def get_participant(session: Session, cafe: Cafe, participant_id: object) -> Participant:
    """The café's participant with this id, or NotFound."""
    return _cafe_row(session, Participant, cafe, participant_id, N_("No such participant."))


def list_participants(session: Session, cafe: Cafe) -> list[Participant]:
    """Everyone who joined, in joining order."""
    return list(
        session.scalars(
            select(Participant).where(Participant.cafe_id == cafe.id).order_by(Participant.id)
        )
    )


def set_presence(session: Session, participant: Participant, present: bool) -> None:
    """Mark someone as here or gone; the seating of later rounds follows."""
    participant.present = present
    session.flush()


def leave_cafe(session: Session, participant: Participant) -> None:
    """The participant leaves: gone from later rounds, and their resume token is replaced, so
    the cookie that held it (and every socket opened with it) no longer stands for them."""
    participant.present = False
    participant.resume_token = secrets.token_urlsafe(32)
    session.flush()


def set_table_host(
    session: Session, cafe: Cafe, participant: Participant, table_id: object
) -> None:
    """Make a participant the host of a table (None: no longer a host)."""
    if table_id in (None, "", "none"):
        participant.hosted_table_id = None
        session.flush()
        return
    table = _table(session, cafe, table_id)
    previous = session.scalar(select(Participant).where(Participant.hosted_table_id == table.id))
    if previous is not None and previous.id != participant.id:
        previous.hosted_table_id = None
        session.flush()
    participant.hosted_table_id = table.id
    audit.record(
        session,
        cafe,
        "host",
        "set_table_host",
        f"participant {participant.id} hosts table {table.number}",
    )
    _move_in_open_round(session, cafe, participant, table)


def _table(session: Session, cafe: Cafe, table_id: object) -> CafeTable:
    return _cafe_row(session, CafeTable, cafe, table_id, N_("No such table."))


def latest_started_round(session: Session, cafe: Cafe) -> Round | None:
    """The most recent round that has been started (running, paused or ended)."""
    return session.scalar(
        select(Round)
        .where(Round.cafe_id == cafe.id, Round.started_at.is_not(None))
        .order_by(Round.number.desc())
        .limit(1)
    )


def open_round(session: Session, cafe: Cafe) -> Round | None:
    """The round on now (running or paused), if any."""
    current = latest_started_round(session, cafe)
    return current if current is not None and current.ended_at is None else None


def current_seat(session: Session, cafe: Cafe, participant: Participant) -> Seat | None:
    """Where a participant sits now: their seat in the latest started round."""
    current = latest_started_round(session, cafe)
    return None if current is None else _seat_in(session, current, participant)


def _seat_in(session: Session, round_: Round, participant: Participant) -> Seat | None:
    return session.scalar(
        select(Seat).where(Seat.round_id == round_.id, Seat.participant_id == participant.id)
    )


def _move_in_open_round(
    session: Session, cafe: Cafe, participant: Participant, table: CafeTable
) -> None:
    current = open_round(session, cafe)
    if current is None:
        return
    seat = _seat_in(session, current, participant)
    if seat is None:
        session.add(Seat(round_id=current.id, participant_id=participant.id, table_id=table.id))
    else:
        seat.table_id = table.id
    session.flush()


def move_participant(
    session: Session, cafe: Cafe, participant: Participant, table_id: object
) -> Seat:
    """The host moves someone to another table in the current round."""
    if open_round(session, cafe) is None:
        raise Conflict(N_("People can be moved while a round is on."))
    table = _table(session, cafe, table_id)
    if participant.hosted_table_id is not None and participant.hosted_table_id != table.id:
        raise Conflict(N_("A table host stays at their table; unmark them as host first."))
    _move_in_open_round(session, cafe, participant, table)
    audit.record(
        session,
        cafe,
        "host",
        "move_participant",
        f"participant {participant.id} to table {table.number}",
    )
    seat = current_seat(session, cafe, participant)
    assert seat is not None
    return seat


def seat_late_joiner(session: Session, cafe: Cafe, participant: Participant) -> None:
    """Seat someone who arrives while a round is on at the emptiest table."""
    current = open_round(session, cafe)
    if current is None:
        return
    counts = dict(
        session.execute(
            select(Seat.table_id, func.count(Seat.id))
            .where(Seat.round_id == current.id)
            .group_by(Seat.table_id)
        ).all()
    )
    tables = sorted(cafe.tables, key=lambda t: (counts.get(t.id, 0) / t.capacity, t.number))
    if tables:
        session.add(Seat(round_id=current.id, participant_id=participant.id, table_id=tables[0].id))
        session.flush()


def set_language(session: Session, participant_id: int, language: str) -> None:
    """Remember the language a participant's phone shows (live updates follow it)."""
    participant = session.get(Participant, participant_id)
    if participant is not None and language in LANGUAGES:
        participant.language = language
        session.flush()
