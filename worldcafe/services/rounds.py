"""Rounds and the shared timer: start, pause, resume, extend, end, broadcast."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from worldcafe.messages import N_
from worldcafe.models import (
    Cafe,
    CafeStatus,
    Round,
    RoundStatus,
    utcnow,
)
from worldcafe.rotation import Plan
from worldcafe.services import audit
from worldcafe.services.errors import Conflict, InvalidInput
from worldcafe.services.participants import list_participants
from worldcafe.services.seating import (
    PlanOutdated,
    PlanRequest,
    PlanSummary,
    Runner,
    compute_plan,
    prepare_plan,
    store_plan,
)
from worldcafe.services.text_input import clean_text

BROADCAST_MAX = 280
MAX_EXTEND_MINUTES = 60


@dataclass(frozen=True)
class TimerState:
    """What every screen needs to show the same countdown; the server never ticks."""

    round_number: int | None
    status: str
    ends_at_ms: int | None
    remaining_ms: int | None
    duration_ms: int | None

    def as_dict(self) -> dict[str, object]:
        return {
            "round": self.round_number,
            "status": self.status,
            "ends_at": self.ends_at_ms,
            "remaining": self.remaining_ms,
            "duration": self.duration_ms,
        }


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def active_round(cafe: Cafe) -> Round | None:
    """The round that is running or paused, if any."""
    for r in cafe.rounds:
        if r.status in (RoundStatus.RUNNING, RoundStatus.PAUSED):
            return r
    return None


def last_started_round(cafe: Cafe) -> Round | None:
    """The latest round that was started."""
    started = [r for r in cafe.rounds if r.started_at is not None]
    return max(started, key=lambda r: r.number) if started else None


def next_round_number(cafe: Cafe) -> int:
    """The number the next round to start will have."""
    last = last_started_round(cafe)
    return 1 if last is None else last.number + 1


def timer_state(cafe: Cafe) -> TimerState:
    """The countdown of the current round, or of none."""
    current = last_started_round(cafe)
    if current is None:
        return TimerState(None, "lobby", None, None, None)
    duration = int(current.duration_seconds * 1000)
    if current.status == RoundStatus.RUNNING and current.ends_at is not None:
        return TimerState(current.number, "running", _ms(current.ends_at), None, duration)
    if current.status == RoundStatus.PAUSED:
        remaining = int((current.paused_remaining or 0) * 1000)
        return TimerState(current.number, "paused", None, remaining, duration)
    return TimerState(current.number, "ended", None, 0, duration)


def prepare_start(session: Session, cafe: Cafe, *, seed: int = 0) -> PlanRequest:
    """Check that the next round can start and read what seating it needs (no write)."""
    if active_round(cafe) is not None:
        raise Conflict(N_("End the current round before starting the next."))
    number = next_round_number(cafe)
    if number > cafe.n_rounds:
        raise Conflict(N_("All rounds have been played."))
    if not any(p.present for p in list_participants(session, cafe)):
        raise Conflict(N_("Nobody has joined yet: share the QR code first."))
    if not cafe.tables:
        raise Conflict(N_("This café has no tables."))
    return prepare_plan(session, cafe, number, seed=seed)


def finish_start(
    session: Session,
    cafe: Cafe,
    request: PlanRequest,
    plan: Plan,
    *,
    now: dt.datetime | None = None,
) -> tuple[Round, PlanSummary]:
    """Store a plan made from `request` and start its first round's timer (one transaction)."""
    if active_round(cafe) is not None:
        raise Conflict(N_("End the current round before starting the next."))
    number = request.first
    if next_round_number(cafe) != number:
        raise PlanOutdated(N_("The café changed while the seats were planned: try again."))
    summary = store_plan(session, cafe, request, plan)
    session.refresh(cafe, ["rounds"])
    current = next(r for r in cafe.rounds if r.number == number)
    moment = now or utcnow()
    current.duration_seconds = cafe.round_minutes * 60
    current.status = RoundStatus.RUNNING
    current.started_at = moment
    current.ends_at = moment + dt.timedelta(seconds=current.duration_seconds)
    current.paused_remaining = None
    cafe.status = CafeStatus.RUNNING
    cafe.broadcast = ""  # a message belongs to the round it was sent in
    audit.record(session, cafe, "host", "start_round", str(number))
    return current, summary


def start_round(
    session: Session,
    cafe: Cafe,
    *,
    now: dt.datetime | None = None,
    plan_seconds: float = 2.0,
    runner: Runner | None = None,
) -> tuple[Round, PlanSummary]:
    """Seat everyone present with the planner and start the next round's timer."""
    request = prepare_start(session, cafe)

    def work() -> Plan:
        return compute_plan(request, plan_seconds)

    plan = runner(work) if runner is not None else work()
    return finish_start(session, cafe, request, plan, now=now)


def _require_active(cafe: Cafe) -> Round:
    current = active_round(cafe)
    if current is None:
        raise Conflict(N_("No round is on."))
    return current


def pause_round(session: Session, cafe: Cafe, *, now: dt.datetime | None = None) -> Round:
    """Stop the clock, keeping the time that is left."""
    current = _require_active(cafe)
    if current.status == RoundStatus.PAUSED:
        raise Conflict(N_("The round is already paused."))
    moment = now or utcnow()
    assert current.ends_at is not None
    current.paused_remaining = max(0.0, (current.ends_at - moment).total_seconds())
    current.ends_at = None
    current.status = RoundStatus.PAUSED
    audit.record(session, cafe, "host", "pause_round")
    return current


def resume_round(session: Session, cafe: Cafe, *, now: dt.datetime | None = None) -> Round:
    """Let the clock run again from where it was paused."""
    current = _require_active(cafe)
    if current.status != RoundStatus.PAUSED:
        raise Conflict(N_("The round is not paused."))
    moment = now or utcnow()
    current.ends_at = moment + dt.timedelta(seconds=current.paused_remaining or 0)
    current.paused_remaining = None
    current.status = RoundStatus.RUNNING
    audit.record(session, cafe, "host", "resume_round")
    return current


def extend_round(
    session: Session, cafe: Cafe, minutes: object, *, now: dt.datetime | None = None
) -> Round:
    """Give the current round more time (from now if its time is already up)."""
    try:
        amount = float(str(minutes))
    except ValueError:
        raise InvalidInput(N_("Extend by a number of minutes.")) from None
    if not 0 < amount <= MAX_EXTEND_MINUTES:
        raise InvalidInput(N_("Extend by 1 to %(n)s minutes."), n=MAX_EXTEND_MINUTES)
    current = _require_active(cafe)
    delta = dt.timedelta(minutes=amount)
    if current.status == RoundStatus.PAUSED:
        current.paused_remaining = (current.paused_remaining or 0) + delta.total_seconds()
    else:
        moment = now or utcnow()
        assert current.ends_at is not None
        current.ends_at = max(current.ends_at, moment) + delta
    current.duration_seconds += delta.total_seconds()
    audit.record(session, cafe, "host", "extend_round", f"{amount:g}")
    return current


def end_current_round(
    session: Session, cafe: Cafe, *, now: dt.datetime | None = None
) -> tuple[Round, PlanRequest | None]:
    """End the current round; returns what planning the next rounds needs (None: no more)."""
    current = _require_active(cafe)
    moment = now or utcnow()
    current.status = RoundStatus.ENDED
    current.ended_at = moment
    current.ends_at = None
    current.paused_remaining = None
    cafe.broadcast = ""  # a message belongs to the round it was sent in
    audit.record(session, cafe, "host", "end_round", str(current.number))
    if current.number >= cafe.n_rounds:
        cafe.status = CafeStatus.FINISHED
        session.flush()
        return current, None
    if not any(p.present for p in list_participants(session, cafe)):
        return current, None
    session.expire(cafe, ["rounds"])
    return current, prepare_plan(session, cafe, current.number + 1)


def end_round(
    session: Session,
    cafe: Cafe,
    *,
    now: dt.datetime | None = None,
    plan_seconds: float = 2.0,
    runner: Runner | None = None,
) -> tuple[Round, PlanSummary | None]:
    """End the current round and plan where everyone goes next."""
    current, request = end_current_round(session, cafe, now=now)
    summary = None
    if request is not None:
        work_request = request

        def work() -> Plan:
            return compute_plan(work_request, plan_seconds)

        plan = runner(work) if runner is not None else work()
        summary = store_plan(session, cafe, request, plan)
        session.refresh(cafe, ["rounds"])
    session.flush()
    return current, summary


def set_broadcast(session: Session, cafe: Cafe, message: object) -> str:
    """Show a message on every screen (empty text clears it)."""
    text = clean_text(message, field=N_("Message to everyone"), max_length=BROADCAST_MAX)
    cafe.broadcast = text
    audit.record(session, cafe, "host", "broadcast", text)
    return text
