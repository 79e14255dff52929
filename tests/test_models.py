"""The domain model: relationships, constraints and derived values."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from worldcafe.extensions import database
from worldcafe.models import Cafe, Note, Participant, Round, Theme


def test_a_cafe_has_numbered_tables_per_theme(app: Flask, cafe: dict[str, Any]) -> None:
    with app.app_context(), database().read() as db:
        found = db.get(Cafe, cafe["cafe_id"])
        assert found is not None
        assert [t.number for t in found.tables] == [1, 2]
        assert [t.theme.name for t in found.tables] == ["Citizen participation", "Investment"]
        assert all(t.capacity == 6 for t in found.tables)


def test_a_theme_asks_one_question_for_all_rounds_or_one_per_round(
    app: Flask, cafe: dict[str, Any]
) -> None:
    with app.app_context(), database().read() as db:
        themes = list(db.scalars(select(Theme).order_by(Theme.position)))
        assert themes[0].question_for(1) == themes[0].question_for(2) == "How to involve everyone?"
        assert themes[1].question_for(1) == "Where to invest?"
        assert themes[1].question_for(2) == "What to stop?"


def test_a_note_client_id_is_stored_once_per_cafe(app: Flask, cafe: dict[str, Any]) -> None:
    with app.app_context(), database().write() as db:
        found = db.get(Cafe, cafe["cafe_id"])
        assert found is not None
        r = Round(cafe_id=found.id, number=1, duration_seconds=60)
        p = Participant(cafe_id=found.id, name="A", resume_token="t1", resume_code="C1")
        db.add_all([r, p])
        db.flush()
        for _ in range(2):
            db.add(
                Note(
                    cafe_id=found.id,
                    client_id="same-id-123",
                    table_id=found.tables[0].id,
                    round_id=r.id,
                    participant_id=p.id,
                    text="x",
                )
            )
        with pytest.raises(IntegrityError):
            db.flush()
        db.rollback()


def test_timestamps_come_back_in_utc(app: Flask, cafe: dict[str, Any]) -> None:
    moment = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    with app.app_context():
        with database().write() as db:
            db.add(Round(cafe_id=cafe["cafe_id"], number=1, duration_seconds=60, ends_at=moment))
        with database().read() as db:
            stored = db.scalar(select(Round.ends_at))
    assert stored is not None
    assert stored.utcoffset() == dt.timedelta(0)
    assert stored == moment
