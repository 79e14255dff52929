"""Seating of the remaining rounds: the café's state handed to the rotation planner."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from worldcafe import rotation
from worldcafe.messages import N_
from worldcafe.models import Cafe, Participant, Round, RoundStatus, Seat
from worldcafe.rotation.people import spoken as spoken_codes
from worldcafe.services.errors import Conflict
from worldcafe.services.join_fields import LANGUAGES_KEY, fields_of, languages_field

PLAN_SECONDS = 1.0


@dataclass(frozen=True)
class PlanSummary:
    """What the host sees of a plan: repeats against the bound, theme coverage, and (when the
    café asks at the door) pairs sharing a mixed answer against their bound, and tables without
    a shared language."""

    repeat_pairs: int
    lower_bound: int
    max_meetings: int
    theme_coverage: float
    rounds_planned: int
    mix: tuple[str, ...] = ()
    mix_conflicts: int = 0
    mix_bound: int = 0
    common_language: bool = False
    language_violations: int = 0


def _who(cafe: Cafe, participants: list[Participant]) -> dict[str, Any]:
    """The planner's view of the answers at the door: attributes, mix and common_language.

    Mixed answers are compared without case and surrounding space ("Leipzig" = "leipzig ");
    the languages field's codes go under the planner's `languages` attribute.
    """
    fields = fields_of(cafe.join_fields)
    mix = tuple(f.key for f in fields if f.mix)
    spoken = languages_field(fields)
    attributes: dict[str, dict[str, object]] = {}
    for p in participants:
        given = p.attributes or {}
        attrs: dict[str, object] = {}
        for key in mix:
            value = given.get(key)
            if isinstance(value, str) and value.strip():
                attrs[key] = " ".join(value.split()).casefold()
        codes = given.get(spoken.key) if spoken is not None else None
        if isinstance(codes, list) and codes:
            attrs[LANGUAGES_KEY] = [str(c) for c in codes]
        if attrs:
            attributes[str(p.id)] = attrs
    return {"attributes": attributes, "mix": mix, "common_language": spoken is not None}


def tables_without_language(cafe: Cafe, seated: dict[int, list[Participant]]) -> set[int]:
    """The tables (ids) whose people who gave languages share none, where the café asks."""
    spoken = languages_field(fields_of(cafe.join_fields))
    if spoken is None:
        return set()
    lacking = set()
    for table_id, people in seated.items():
        given = [
            spoken_codes(codes)
            for p in people
            if isinstance(codes := (p.attributes or {}).get(spoken.key), list) and codes
        ]
        if len(given) >= 2 and not frozenset.intersection(*given):
            lacking.add(table_id)
    return lacking


def _summary(
    score: rotation.Score, bound: int, rounds: int, instance: rotation.Instance
) -> PlanSummary:
    return PlanSummary(
        repeat_pairs=score.repeat_pairs,
        lower_bound=bound,
        max_meetings=score.max_meetings,
        theme_coverage=score.theme_coverage,
        rounds_planned=rounds,
        mix=instance.mix,
        mix_conflicts=score.mix_conflicts,
        mix_bound=score.mix_bound,
        common_language=instance.common_language,
        language_violations=score.language_violations,
    )


def _instance(session: Session, cafe: Cafe, first: int) -> rotation.Instance:
    participants = list(
        session.scalars(
            select(Participant).where(Participant.cafe_id == cafe.id).order_by(Participant.id)
        )
    )
    present_now = [str(p.id) for p in participants if p.present]
    played = [r for r in cafe.rounds if r.number < first and r.started_at is not None]
    rounds: list[dict[str, list[str]]] = []
    present: list[list[str]] = []
    for played_round in sorted(played, key=lambda r: r.number):
        seating: dict[str, list[str]] = {}
        for seat in session.scalars(
            select(Seat).where(Seat.round_id == played_round.id).order_by(Seat.id)
        ):
            seating.setdefault(str(seat.table_id), []).append(str(seat.participant_id))
        rounds.append(seating)
        present.append([pid for members in seating.values() for pid in members])
    while len(present) < cafe.n_rounds:
        present.append(present_now)
    seats_needed = max([len(members) for members in present] + [1])
    per_table = max(cafe.table_capacity, math.ceil(seats_needed / max(len(cafe.tables), 1)))
    tables = [
        rotation.TableSpec(id=str(t.id), theme=t.theme.name, capacity=per_table)
        for t in cafe.tables
    ]
    hosts = {
        str(p.hosted_table_id): str(p.id)
        for p in participants
        if p.hosted_table_id is not None and p.present
    }
    return rotation.Instance(
        participants=[str(p.id) for p in participants],
        tables=tables,
        n_rounds=max(cafe.n_rounds, len(rounds)),
        hosts=hosts,
        rounds=rounds,
        present=present,
        **_who(cafe, participants),
    )


Runner = Callable[[Callable[[], rotation.Plan]], rotation.Plan]


class PlanOutdated(Conflict):
    """The café's rounds, tables or table hosts changed while its seats were planned."""


@dataclass(frozen=True)
class PlanRequest:
    """What the planner works from, read in one short transaction, and the state it assumed."""

    cafe_id: int
    first: int
    instance: rotation.Instance
    state: tuple[object, ...]
    seed: int


def _state(session: Session, cafe: Cafe) -> tuple[object, ...]:
    """What a stored plan depends on besides who is present: rounds, tables and table hosts."""
    rounds = tuple(
        (r.number, r.status, r.started_at is not None)
        for r in sorted(cafe.rounds, key=lambda r: r.number)
    )
    tables = tuple((t.id, t.theme_id) for t in cafe.tables)
    hosts = tuple(
        session.execute(
            select(Participant.id, Participant.hosted_table_id)
            .where(
                Participant.cafe_id == cafe.id,
                Participant.hosted_table_id.is_not(None),
                Participant.present.is_(True),
            )
            .order_by(Participant.id)
        ).all()
    )
    return rounds, tables, hosts


def prepare_plan(session: Session, cafe: Cafe, first: int, *, seed: int = 0) -> PlanRequest:
    """Read what planning rounds `first`..n needs (no write, no lock held afterwards)."""
    return PlanRequest(cafe.id, first, _instance(session, cafe, first), _state(session, cafe), seed)


def compute_plan(request: PlanRequest, seconds: float = PLAN_SECONDS) -> rotation.Plan:
    """The planner's work: pure, and safe to run in a worker thread beside the event loop."""
    return rotation.plan_rounds(
        request.instance, seed=request.seed + request.cafe_id, time_limit=seconds
    )


def store_plan(
    session: Session, cafe: Cafe, request: PlanRequest, plan: rotation.Plan
) -> PlanSummary:
    """Write a plan's seats in one transaction, if the café is still as the plan assumed.

    Rounds, tables or hosts that changed meanwhile make the plan worthless (PlanOutdated).
    People who joined or left meanwhile are fitted in: leavers lose their planned seats, and
    newcomers sit down at the emptiest table of each planned round, like any late joiner.
    """
    first = request.first
    if first > cafe.n_rounds:
        return PlanSummary(0, 0, 0, 1.0, 0)
    if _state(session, cafe) != request.state:
        raise PlanOutdated(N_("The café changed while the seats were planned: try again."))
    present = set(
        session.scalars(
            select(Participant.id).where(
                Participant.cafe_id == cafe.id, Participant.present.is_(True)
            )
        )
    )
    capacity = {t.id: t.capacity for t in cafe.tables}
    rounds_by_number = {r.number: r for r in cafe.rounds}
    rows: list[dict[str, int]] = []
    for number in range(first, cafe.n_rounds + 1):
        planned = rounds_by_number.get(number)
        if planned is None:
            planned = Round(
                cafe_id=cafe.id,
                number=number,
                duration_seconds=cafe.round_minutes * 60,
                status=RoundStatus.PLANNED,
            )
            session.add(planned)
            session.flush()
        session.execute(delete(Seat).where(Seat.round_id == planned.id))
        seating = {
            int(table_id): [int(pid) for pid in members if int(pid) in present]
            for table_id, members in plan.rounds[number - 1].items()
        }
        seated = {pid for members in seating.values() for pid in members}
        for newcomer in sorted(present - seated):
            if not seating:
                break
            emptiest = min(seating, key=lambda t: (len(seating[t]) / max(capacity.get(t, 1), 1), t))
            seating[emptiest].append(newcomer)
        rows += [
            {"round_id": planned.id, "participant_id": pid, "table_id": table_id}
            for table_id, members in seating.items()
            for pid in members
        ]
    if rows:
        session.execute(insert(Seat), rows)
    session.flush()
    session.expire(cafe, ["rounds"])
    return _summary(plan.score, plan.lower_bound, cafe.n_rounds - first + 1, request.instance)


def plan_remaining_rounds(
    session: Session,
    cafe: Cafe,
    first: int,
    *,
    seconds: float = PLAN_SECONDS,
    seed: int = 0,
    runner: Runner | None = None,
) -> PlanSummary:
    """Plan rounds `first`..n and store their seats (rounds before `first` stay as played).

    All in the caller's transaction; the web edge instead plans between two short ones
    (prepare_plan, compute_plan, store_plan), so that no lock is held while it searches.
    """
    if first > cafe.n_rounds:
        return PlanSummary(0, 0, 0, 1.0, 0)
    request = prepare_plan(session, cafe, first, seed=seed)

    def work() -> rotation.Plan:
        return compute_plan(request, seconds)

    plan = runner(work) if runner is not None else work()
    return store_plan(session, cafe, request, plan)


def plan_summary(session: Session, cafe: Cafe) -> PlanSummary | None:
    """Repeats, coverage and bound of the café's seating as it stands (played + planned)."""
    instance = _instance(session, cafe, cafe.n_rounds + 1)
    if not instance.rounds:
        return None
    rounds = instance.rounds
    for r in sorted(cafe.rounds, key=lambda r: r.number):
        if r.started_at is None:
            seating: dict[str, list[str]] = {}
            for seat in session.scalars(select(Seat).where(Seat.round_id == r.id)):
                seating.setdefault(str(seat.table_id), []).append(str(seat.participant_id))
            rounds.append(seating)
    present = [[p for members in r.values() for p in members] for r in rounds]
    everyone = set(instance.participants)
    full = rotation.Instance(
        participants=instance.participants,
        tables=instance.tables,
        n_rounds=len(rounds),
        hosts=instance.hosts,
        rounds=[],
        # Everyone in every round is no coming and going (the themed bound then applies).
        present=None if all(set(r) == everyone for r in present) else present,
        attributes=instance.attributes,
        mix=instance.mix,
        common_language=instance.common_language,
    )
    score = rotation.score_plan(full, rounds)
    bound = rotation.lower_bound(full, full_coverage=score.theme_coverage >= 1.0)
    return _summary(score, bound, len(rounds), full)
