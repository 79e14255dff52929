"""Cafés and rounds on a bare session: set-up, edits, the timer, seating, the last round."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from worldcafe.models import Cafe, CafeStatus, Participant, Round, Seat
from worldcafe.services import rounds
from worldcafe.services.cafes import (
    cafe_spec_of,
    get_cafe,
    offered_languages,
    parse_cafe_spec,
    renew_secret,
    update_cafe,
)
from worldcafe.services.errors import Conflict, InvalidInput, NotFound

NOON = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)


def test_tables_are_numbered_through_the_themes_in_order(
    db: Session, create_cafe: Callable[..., Cafe]
) -> None:
    cafe = create_cafe(tables=2, languages=["de", "en"])
    assert [(t.number, t.theme.name) for t in cafe.tables] == [
        (1, "Streets"),
        (2, "Streets"),
        (3, "Parks"),
        (4, "Parks"),
    ]
    assert cafe.themes[1].question_for(2) == "Who?"
    assert offered_languages(cafe) == ["de", "en"]
    assert len({cafe.host_secret, cafe.projector_secret, cafe.organiser_secret}) == 3
    assert get_cafe(db, str(cafe.id)) is cafe
    for wrong in ("x", 0, 2**40, cafe.id + 1):
        with pytest.raises(NotFound):
            get_cafe(db, wrong)


def test_a_renewed_link_replaces_only_its_own_secret(
    db: Session, create_cafe: Callable[..., Cafe]
) -> None:
    cafe = create_cafe()
    host, projector = cafe.host_secret, cafe.projector_secret
    assert renew_secret(db, cafe, "host") == cafe.host_secret != host
    assert cafe.projector_secret == projector
    with pytest.raises(InvalidInput):
        renew_secret(db, cafe, "participant")


def test_after_the_start_questions_change_but_tables_do_not(
    db: Session,
    create_cafe: Callable[..., Cafe],
    join: Callable[..., Participant],
    start_round: Callable[[Cafe], Round],
) -> None:
    cafe = create_cafe()
    join(cafe, "Ana")
    start_round(cafe)
    spec = cafe_spec_of(cafe)
    spec.themes[0].questions = ["What first?"]
    update_cafe(db, cafe, spec)
    assert cafe.themes[0].question_for(1) == "What first?"
    more = parse_cafe_spec(
        {**_config(cafe), "themes": [{"name": "Streets", "tables": 3, "questions": ["Q"]}]}
    )
    with pytest.raises(Conflict, match="cannot change"):
        update_cafe(db, cafe, more)


def _config(cafe: Cafe) -> dict[str, object]:
    return {"title": cafe.title, "language": cafe.language, "rounds": cafe.n_rounds}


def test_a_round_seats_everyone_present_and_its_timer_pauses_and_resumes(
    db: Session,
    create_cafe: Callable[..., Cafe],
    join: Callable[..., Participant],
) -> None:
    cafe = create_cafe(tables=2)
    with pytest.raises(Conflict, match="Nobody has joined"):
        rounds.start_round(db, cafe, plan_seconds=0.05)
    people = [join(cafe, name) for name in ("Ana", "Ben", "Cem", "Dora", "Eli")]
    first, _ = rounds.start_round(db, cafe, now=NOON, plan_seconds=0.05)
    seated = db.scalar(select(func.count(Seat.id)).where(Seat.round_id == first.id))
    assert seated == len(people) and cafe.status == CafeStatus.RUNNING
    assert rounds.timer_state(cafe).ends_at_ms == int((NOON.timestamp() + 20 * 60) * 1000)
    with pytest.raises(Conflict, match="End the current round"):
        rounds.start_round(db, cafe, plan_seconds=0.05)

    rounds.pause_round(db, cafe, now=NOON + dt.timedelta(minutes=5))
    paused = rounds.timer_state(cafe)
    assert paused.status == "paused" and paused.remaining_ms == 15 * 60 * 1000
    rounds.resume_round(db, cafe, now=NOON + dt.timedelta(minutes=30))
    rounds.extend_round(db, cafe, 5, now=NOON + dt.timedelta(minutes=31))
    assert rounds.timer_state(cafe).ends_at_ms == int(
        (NOON + dt.timedelta(minutes=50)).timestamp() * 1000
    )
    with pytest.raises(InvalidInput):
        rounds.extend_round(db, cafe, "a while")


def test_the_last_round_ends_the_cafe(
    db: Session,
    create_cafe: Callable[..., Cafe],
    join: Callable[..., Participant],
) -> None:
    cafe = create_cafe(rounds=1, themes=[{"name": "Parks", "tables": 1, "questions": ["Q"]}])
    join(cafe, "Ana")
    rounds.start_round(db, cafe, plan_seconds=0.05)
    ended, plan = rounds.end_round(db, cafe, plan_seconds=0.05)
    assert ended.status == "ended" and plan is None
    assert cafe.status == CafeStatus.FINISHED
    assert rounds.timer_state(cafe).status == "ended"
    with pytest.raises(Conflict, match="All rounds"):
        rounds.start_round(db, cafe, plan_seconds=0.05)
