"""Seating of the remaining rounds: the café's state handed to the rotation planner."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from worldcafe import rotation
from worldcafe.models import Cafe, Participant, Round, RoundStatus, Seat

PLAN_SECONDS = 2.0


@dataclass(frozen=True)
class PlanSummary:
    """What the host sees of a plan: repeats against the bound, and theme coverage."""

    repeat_pairs: int
    lower_bound: int
    max_meetings: int
    theme_coverage: float
    rounds_planned: int


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
    )


Runner = Callable[[Callable[[], rotation.Plan]], rotation.Plan]


def plan_remaining_rounds(
    session: Session,
    cafe: Cafe,
    first: int,
    *,
    seconds: float = PLAN_SECONDS,
    seed: int = 0,
    runner: Runner | None = None,
) -> PlanSummary:
    """Plan rounds `first`..n and store their seats (rounds before `first` stay as played)."""
    if first > cafe.n_rounds:
        return PlanSummary(0, 0, 0, 1.0, 0)
    instance = _instance(session, cafe, first)

    def work() -> rotation.Plan:
        return rotation.plan_rounds(instance, seed=seed + cafe.id, time_limit=seconds)

    plan = runner(work) if runner is not None else work()
    rounds_by_number = {r.number: r for r in cafe.rounds}
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
        for table_id, members in plan.rounds[number - 1].items():
            for pid in members:
                session.add(
                    Seat(round_id=planned.id, participant_id=int(pid), table_id=int(table_id))
                )
    session.flush()
    session.expire(cafe, ["rounds"])
    return PlanSummary(
        repeat_pairs=plan.score.repeat_pairs,
        lower_bound=plan.lower_bound,
        max_meetings=plan.score.max_meetings,
        theme_coverage=plan.score.theme_coverage,
        rounds_planned=cafe.n_rounds - first + 1,
    )


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
    full = rotation.Instance(
        participants=instance.participants,
        tables=instance.tables,
        n_rounds=len(rounds),
        hosts=instance.hosts,
        rounds=[],
        present=[[p for members in r.values() for p in members] for r in rounds],
    )
    score = rotation.score_plan(full, rounds)
    return PlanSummary(
        repeat_pairs=score.repeat_pairs,
        lower_bound=rotation.lower_bound(full),
        max_meetings=score.max_meetings,
        theme_coverage=score.theme_coverage,
        rounds_planned=len(rounds),
    )
