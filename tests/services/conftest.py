"""Services on a bare SQLAlchemy session: no Flask app, a fresh SQLite database per test.

Factory fixtures build what a test needs by calling the services themselves, so that a test
reads as the story it checks: `cafe = create_cafe(tables=2)`, `ana = join(cafe, "Ana")`,
`start_round(cafe)`, `note = write(ana, "Bike lanes")`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from worldcafe.database import make_engine
from worldcafe.models import Base, Cafe, Note, Participant, Round
from worldcafe.services import notes as note_service
from worldcafe.services import participants as participant_service
from worldcafe.services import rounds as round_service
from worldcafe.services.cafes import create_cafe as create_cafe_service
from worldcafe.services.cafes import parse_cafe_spec


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Session]:
    """A session on a new SQLite database with every table (foreign keys enforced)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'services.db'}", write=True)
    Base.metadata.create_all(engine)
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        engine.dispose()


@pytest.fixture
def create_cafe(db: Session) -> Callable[..., Cafe]:
    """A café: two themes by default, `tables` tables each; any spec field can be given."""

    def factory(tables: int = 1, **spec: Any) -> Cafe:
        config: dict[str, Any] = {
            "title": "Neighbourhood futures",
            "language": "en",
            "rounds": 2,
            "round_minutes": 20,
            "table_capacity": 6,
            "themes": [
                {"name": "Streets", "tables": tables, "questions": ["What should change?"]},
                {"name": "Parks", "tables": tables, "questions": ["What is missing?", "Who?"]},
            ],
            **spec,
        }
        return create_cafe_service(db, parse_cafe_spec(config))

    return factory


@pytest.fixture
def join(db: Session) -> Callable[..., Participant]:
    """Someone joins a café under a name, in a language."""

    def factory(cafe: Cafe, name: str, language: str = "en") -> Participant:
        return participant_service.join_cafe(db, cafe, name, language)

    return factory


@pytest.fixture
def start_round(db: Session) -> Callable[[Cafe], Round]:
    """The next round starts: everyone present is seated (a short planner search)."""

    def factory(cafe: Cafe) -> Round:
        started, _ = round_service.start_round(db, cafe, plan_seconds=0.05)
        return started

    return factory


@pytest.fixture
def write(db: Session) -> Callable[[Participant, str], Note]:
    """A participant writes a note at their table through the hot path's `post_note`."""

    def factory(participant: Participant, text: str) -> Note:
        posted = note_service.post_note(
            db.connection(), participant.cafe_id, participant.id, str(uuid.uuid4()), text
        )
        note = db.get(Note, posted.view.note.id)
        assert note is not None
        return note

    return factory
