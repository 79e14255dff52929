"""What each screen shows: one context per screen, read once and rendered per language.

No Flask and no writes: the views and the live edge render these contexts (presenters.py).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from worldcafe.models import Cafe, CafeTable, Note, Participant, Round, RoundStatus, Seat
from worldcafe.reads import notes as note_reads
from worldcafe.services import harvest as harvest_service
from worldcafe.services import moderation, publishing
from worldcafe.services import participants as participant_service
from worldcafe.services import rounds as round_service
from worldcafe.services.notes import NoteView
from worldcafe.services.seating import plan_summary, tables_without_language

HOST_LATEST_NOTES = 6
WALL_NOTES = 24


@dataclass
class TableView:
    """One table in one round: who sits there, its question and its tablecloth."""

    table: CafeTable
    round: Round | None
    question: str
    people: list[Participant] = field(default_factory=list)
    host: Participant | None = None
    notes: list[NoteView] = field(default_factory=list)
    insights: set[int] = field(default_factory=set)
    carried: list[NoteView] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"Table {self.table.number} · {self.table.theme.name}"


def timer_payload(cafe: Cafe) -> dict[str, Any]:
    """The timer event: the round's end time or remaining time, and the server's clock."""
    state = round_service.timer_state(cafe).as_dict()
    state["now"] = int(time.time() * 1000)
    return state


def _seats_by_table(
    db: Session, round_: Round | None, table_id: int | None = None
) -> dict[int, list[Participant]]:
    """Who sits where in a round (at one table when `table_id` is given), sorted by name."""
    seated: dict[int, list[Participant]] = defaultdict(list)
    if round_ is None:
        return seated
    query = (
        select(Seat.table_id, Participant)
        .join(Participant, Participant.id == Seat.participant_id)
        .where(Seat.round_id == round_.id)
        .order_by(Participant.name, Participant.id)
    )
    if table_id is not None:
        query = query.where(Seat.table_id == table_id)
    rows = db.execute(query).all()
    for table_id, person in rows:
        seated[table_id].append(person)
    return seated


def table_view(
    db: Session,
    table: CafeTable,
    round_: Round | None,
    people: list[Participant],
    *,
    with_notes: bool = True,
) -> TableView:
    """Gather one table's view for a round."""
    number = round_.number if round_ is not None else 1
    host = next((p for p in people if p.hosted_table_id == table.id), None)
    view = TableView(
        table=table,
        round=round_,
        question=table.theme.question_for(number),
        people=people,
        host=host,
    )
    if with_notes:
        view.notes = note_reads.table_notes(db, table)
        view.insights = note_reads.insight_note_ids(db, table)
        if round_ is not None:
            view.carried = note_reads.carried_ideas_at(db, round_, table)
    return view


def table_views(
    db: Session, cafe: Cafe, round_: Round | None, seated: dict[int, list[Participant]]
) -> list[TableView]:
    """Every table's view for a round, from a handful of queries whatever the table count."""
    notes = note_reads.cafe_notes_by_table(db, cafe)
    insights = note_reads.insight_note_ids_by_table(db, cafe)
    carried = note_reads.carried_ideas_by_table(db, round_) if round_ is not None else {}
    views = []
    for table in cafe.tables:
        view = table_view(db, table, round_, seated.get(table.id, []), with_notes=False)
        view.notes = notes.get(table.id, [])
        view.insights = insights.get(table.id, set())
        view.carried = carried.get(table.id, []) if round_ is not None else []
        views.append(view)
    return views


def _next_round(cafe: Cafe, current: Round | None) -> Round | None:
    if current is None or current.status != RoundStatus.ENDED:
        return None
    return next((r for r in cafe.rounds if r.number == current.number + 1), None)


def _next_seat(db: Session, next_round: Round | None, participant: Participant) -> Seat | None:
    if next_round is None:
        return None
    return db.scalar(
        select(Seat).where(Seat.round_id == next_round.id, Seat.participant_id == participant.id)
    )


def participant_panel(db: Session, cafe: Cafe, participant: Participant) -> dict[str, Any]:
    """A participant's table panel: heading, question, people, notes, next table."""
    current = participant_service.latest_started_round(db, cafe)
    seat = participant_service.current_seat(db, cafe, participant)
    view = None
    if seat is not None and current is not None:
        people = _seats_by_table(db, current, seat.table_id).get(seat.table_id, [])
        view = table_view(db, seat.table, current, people)
    upcoming = _next_seat(db, _next_round(cafe, current), participant)
    carried = note_reads.carried_idea_of(db, participant, current) if current is not None else None
    return {
        "cafe": cafe,
        "participant": participant,
        "view": view,
        "current": current,
        "upcoming": upcoming,
        "carried": carried,
        "summary_table": _summary_table(db, cafe, participant, view, current),
    }


def _finished(cafe: Cafe, current: Round | None) -> bool:
    return current is not None and current.ended_at is not None and current.number >= cafe.n_rounds


def _summary_table(
    db: Session, cafe: Cafe, participant: Participant, view: TableView | None, current: Round | None
) -> CafeTable | None:
    """The table whose summary the thank-you card links: where they sat in the last round, else
    the one they host or sat at last (someone who sat the last round out)."""
    if not _finished(cafe, current):
        return None
    if view is not None:
        return view.table
    return publishing.summary_table(db, cafe, participant, None)


def participant_panels_by_table(
    db: Session, cafe: Cafe, only_tables: set[int] | None = None
) -> list[tuple[str, dict[str, Any], list[int]]]:
    """After a round change: (language, panel, participant ids), one per table and language
    (one per phone between rounds, when each phone shows its own next table).

    With `only_tables`, just those tables (someone joined, moved or became their host).
    """
    current = participant_service.latest_started_round(db, cafe)
    out: list[tuple[str, dict[str, Any], list[int]]] = []
    if current is None:
        return out
    seated = _seats_by_table(db, current)
    upcoming_round = _next_round(cafe, current)
    next_seats: dict[int, Seat] = {}
    carried_of: dict[int, Note] = {}
    if upcoming_round is not None:
        next_seats = {
            seat.participant_id: seat
            for seat in db.scalars(select(Seat).where(Seat.round_id == upcoming_round.id))
        }
        carried_of = note_reads.carried_ideas_of_round(db, current)
    for view in table_views(db, cafe, current, seated):
        people = view.people
        if not people or (only_tables is not None and view.table.id not in only_tables):
            continue
        by_language: dict[str, list[Participant]] = defaultdict(list)
        for person in people:
            by_language[person.language or cafe.language].append(person)
        for lang, group in by_language.items():
            if upcoming_round is not None:
                # Between rounds each phone shows its own next table.
                for person in group:
                    panel = {
                        "cafe": cafe,
                        "participant": person,
                        "view": view,
                        "current": current,
                        "upcoming": next_seats.get(person.id),
                        "carried": carried_of.get(person.id),
                        "summary_table": None,
                    }
                    out.append((lang, panel, [person.id]))
                continue
            panel = {
                "cafe": cafe,
                "participant": None,
                "view": view,
                "current": current,
                "upcoming": None,
                "carried": None,
                "summary_table": view.table if _finished(cafe, current) else None,
            }
            out.append((lang, panel, [p.id for p in group]))
    if only_tables is None and _finished(cafe, current):
        # Those who sat the last round out see the thank-you card too, with their own table.
        seated_ids = {p.id for people in seated.values() for p in people}
        for person in participant_service.list_participants(db, cafe):
            if person.id in seated_ids or person.invite_token is not None:
                continue
            panel = participant_panel(db, cafe, person)
            out.append((person.language or cafe.language, panel, [person.id]))
    return out


def host_context(db: Session, cafe: Cafe) -> dict[str, Any]:
    """Everything the host console shows."""
    current = participant_service.latest_started_round(db, cafe)
    active = round_service.active_round(cafe)
    people = participant_service.list_participants(db, cafe)
    seated = _seats_by_table(db, current)
    seat_of = {p.id: tid for tid, members in seated.items() for p in members}
    tables = table_views(db, cafe, current, seated)
    hidden = moderation.hidden_notes_by_table(db, cafe)
    for view in tables:
        # The host keeps hidden notes in view, marked, to show them again.
        notes = view.notes + hidden.get(view.table.id, [])
        notes.sort(key=lambda v: (v.note.created_at, v.note.id), reverse=True)
        view.notes = notes[:HOST_LATEST_NOTES]
    summary = plan_summary(db, cafe) if current is not None else None
    next_number = round_service.next_round_number(cafe)
    return {
        "cafe": cafe,
        "current": current,
        "active": active,
        "people": people,
        "present_count": sum(1 for p in people if p.present),
        "tables": tables,
        "no_language": tables_without_language(cafe, seated) if current is not None else set(),
        "seat_of": seat_of,
        "table_numbers": {t.id: t.number for t in cafe.tables},
        "summary": summary,
        "next_number": next_number,
        "can_start": active is None and next_number <= cafe.n_rounds,
    }


def projector_context(db: Session, cafe: Cafe) -> dict[str, Any]:
    """Everything the projector shows: lobby, round, or where to go next."""
    current = participant_service.latest_started_round(db, cafe)
    joined = db.scalar(
        select(func.count(Participant.id)).where(
            Participant.cafe_id == cafe.id, Participant.present.is_(True)
        )
    )
    wall = []
    if current is not None:
        rows = db.scalars(
            select(Note)
            .where(Note.cafe_id == cafe.id, Note.deleted.is_(False), Note.hidden.is_(False))
            .order_by(Note.id.desc())
            .limit(WALL_NOTES)
        )
        wall = [note_reads.note_view(db, n) for n in rows]
    upcoming_round = _next_round(cafe, current)
    directions: list[tuple[str, CafeTable]] = []
    if upcoming_round is not None:
        rows2 = db.execute(
            select(Participant.name, Seat.table_id)
            .join(Seat, Seat.participant_id == Participant.id)
            .where(Seat.round_id == upcoming_round.id)
            .order_by(func.lower(Participant.name))
        ).all()
        tables = {t.id: t for t in cafe.tables}
        directions = [(name, tables[tid]) for name, tid in rows2 if tid in tables]
    number = current.number if current is not None else 1
    return {
        "cafe": cafe,
        "current": current,
        "joined": joined or 0,
        "wall": wall,
        "upcoming_round": upcoming_round,
        "directions": directions,
        "questions": [(theme, theme.question_for(number)) for theme in cafe.themes],
    }


def join_count(db: Session, cafe: Cafe) -> int:
    """How many people are present, for the projector's join counter."""
    joined = db.scalar(
        select(func.count(Participant.id)).where(
            Participant.cafe_id == cafe.id, Participant.present.is_(True)
        )
    )
    return joined or 0


HARVEST_TOP = 4


def projector_harvest_context(db: Session, cafe: Cafe) -> dict[str, Any]:
    """The strongest points of each theme (key points first), for the plenary."""
    result, themes = harvest_service.harvest_points(db, cafe)
    return {
        "cafe": cafe,
        "themes": [(name, points[:HARVEST_TOP]) for name, points in themes],
        "notes": result.notes,
    }
