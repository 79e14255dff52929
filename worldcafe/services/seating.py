"""Seating of the remaining rounds: the café's state handed to the rotation planner."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from worldcafe import rotation
from worldcafe.models import Cafe, Participant, Round, RoundStatus, Seat
from worldcafe.services.join_fields import LANGUAGES_KEY, fields_of, languages_field

PLAN_SECONDS = 2.0


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


def _summary(
    plan_score: rotation.Score, bound: int, rounds: int, instance: rotation.Instance
) -> PlanSummary:
    return PlanSummary(
        repeat_pairs=plan_score.repeat_pairs,
        lower_bound=bound,
        max_meetings=plan_score.max_meetings,
        theme_coverage=plan_score.theme_coverage,
        rounds_planned=rounds,
        mix=instance.mix,
        mix_conflicts=plan_score.mix_conflicts,
        mix_bound=plan_score.mix_bound,
        common_language=instance.common_language,
        language_violations=plan_score.language_violations,
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
    return _summary(plan.score, plan.lower_bound, cafe.n_rounds - first + 1, instance)


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
        attributes=instance.attributes,
        mix=instance.mix,
        common_language=instance.common_language,
    )
    score = rotation.score_plan(full, rounds)
    return _summary(score, rotation.lower_bound(full), len(rounds), full)
