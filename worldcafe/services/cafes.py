"""Café setup: create, edit and look up cafés, their themes, questions and tables."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from worldcafe.catalogues import LANGUAGES
from worldcafe.messages import N_
from worldcafe.models import (
    MAX_ID,
    Cafe,
    CafeTable,
    Question,
    Round,
    RoundStatus,
    Theme,
)
from worldcafe.services import audit
from worldcafe.services.cafe_config import CafeSpec, ThemeSpec, parse_cafe_spec
from worldcafe.services.errors import Conflict, InvalidInput, NotFound
from worldcafe.services.join_fields import fields_of

JOIN_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _new_join_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(6))
        if session.scalar(select(Cafe.id).where(Cafe.join_code == code)) is None:
            return code


def new_secret() -> str:
    """A URL-safe secret for a host, projector or organiser link."""
    return secrets.token_urlsafe(24)


def create_cafe(session: Session, spec: CafeSpec, *, owner_id: int | None = None) -> Cafe:
    """Create a café with its themes, questions and numbered tables."""
    cafe = Cafe(
        title=spec.title,
        purpose=spec.purpose,
        language=spec.language,
        languages=spec.languages,
        n_rounds=spec.rounds,
        round_minutes=spec.round_minutes,
        table_capacity=spec.table_capacity,
        join_code=_new_join_code(session),
        host_secret=new_secret(),
        projector_secret=new_secret(),
        organiser_secret=new_secret(),
        owner_id=owner_id,
        retention_days=spec.retention_days,
        join_fields=[f.to_dict() for f in spec.join_fields] or None,
    )
    session.add(cafe)
    _apply_themes(session, cafe, spec)
    audit.record(session, cafe, "organiser", "create_cafe", spec.title)
    return cafe


def _apply_themes(session: Session, cafe: Cafe, spec: CafeSpec) -> None:
    number = 1
    for position, theme_spec in enumerate(spec.themes):
        theme = Theme(name=theme_spec.name, position=position)
        theme.questions = [Question(position=i, text=q) for i, q in enumerate(theme_spec.questions)]
        cafe.themes.append(theme)
        for _ in range(theme_spec.tables):
            cafe.tables.append(CafeTable(theme=theme, number=number, capacity=spec.table_capacity))
            number += 1
    session.flush()


def has_started(session: Session, cafe: Cafe) -> bool:
    """Whether any round of the café has been started."""
    started = session.scalar(
        select(func.count(Round.id)).where(
            Round.cafe_id == cafe.id, Round.status != RoundStatus.PLANNED
        )
    )
    return bool(started)


def update_cafe(session: Session, cafe: Cafe, spec: CafeSpec) -> Cafe:
    """Edit a café; themes and tables can change only until the first round starts."""
    started = has_started(session, cafe)
    played = sum(1 for r in cafe.rounds if r.status != RoundStatus.PLANNED)
    if spec.rounds < played:
        raise InvalidInput(N_("%(n)s rounds have already been played."), n=played)
    cafe.title = spec.title
    cafe.purpose = spec.purpose
    cafe.language = spec.language
    cafe.languages = spec.languages
    cafe.n_rounds = spec.rounds
    cafe.round_minutes = spec.round_minutes
    cafe.retention_days = spec.retention_days
    cafe.join_fields = [f.to_dict() for f in spec.join_fields] or None
    if started:
        structure = [(t.name, len(t.tables)) for t in cafe.themes]
        wanted = [(t.name, t.tables) for t in spec.themes]
        if structure != wanted or spec.table_capacity != cafe.table_capacity:
            raise Conflict(
                N_(
                    "Themes and tables cannot change once the café has started; "
                    "questions, title and timing can."
                )
            )
        for theme, theme_spec in zip(cafe.themes, spec.themes, strict=True):
            theme.questions.clear()
            session.flush()
            theme.questions.extend(
                Question(position=i, text=q) for i, q in enumerate(theme_spec.questions)
            )
    else:
        cafe.table_capacity = spec.table_capacity
        for table in list(cafe.tables):
            session.delete(table)
        for theme in list(cafe.themes):
            session.delete(theme)
        session.flush()
        cafe.tables.clear()
        cafe.themes.clear()
        _apply_themes(session, cafe, spec)
    audit.record(session, cafe, "organiser", "update_cafe")
    return cafe


def cafe_spec_of(cafe: Cafe) -> CafeSpec:
    """The editable configuration of an existing café."""
    return CafeSpec(
        title=cafe.title,
        language=cafe.language,
        rounds=cafe.n_rounds,
        round_minutes=cafe.round_minutes,
        themes=[
            ThemeSpec(name=t.name, tables=len(t.tables), questions=[q.text for q in t.questions])
            for t in cafe.themes
        ],
        languages=cafe.languages,
        table_capacity=cafe.table_capacity,
        purpose=cafe.purpose,
        retention_days=cafe.retention_days,
        join_fields=fields_of(cafe.join_fields),
    )


def get_cafe(session: Session, cafe_id: object) -> Cafe:
    """The café with this id, or NotFound."""
    try:
        key = int(str(cafe_id))
    except ValueError:
        raise NotFound(N_("No such café.")) from None
    if not 0 < key <= MAX_ID:
        raise NotFound(N_("No such café."))
    cafe = session.get(Cafe, key)
    if cafe is None:
        raise NotFound(N_("No such café."))
    return cafe


def get_cafe_by_join_code(session: Session, code: str) -> Cafe:
    """The café a join code opens, or NotFound."""
    cafe = session.scalar(select(Cafe).where(Cafe.join_code == code.strip().lower()))
    if cafe is None:
        raise NotFound(N_("No café has this join code."))
    return cafe


def renew_secret(session: Session, cafe: Cafe, role: str) -> str:
    """Replace the host, projector or organiser secret; the old link stops working."""
    secret = new_secret()
    if role == "host":
        cafe.host_secret = secret
    elif role == "projector":
        cafe.projector_secret = secret
    elif role == "organiser":
        cafe.organiser_secret = secret
    else:
        raise InvalidInput(N_("Unknown role."))
    audit.record(session, cafe, "organiser", f"renew_{role}_link")
    return secret


def offered_languages(cafe: Cafe) -> list[str]:
    """The interface languages a café offers its participants."""
    return list(cafe.languages) if cafe.languages else list(LANGUAGES)


DEMO_TITLE = "Digital City · World Café"


def demo_spec() -> CafeSpec:
    """The demo café: three themes of a European city-IT conference."""
    return parse_cafe_spec(
        {
            "title": DEMO_TITLE,
            "language": "en",
            "rounds": 3,
            "round_minutes": 20,
            "table_capacity": 6,
            "join_fields": [
                {"key": "city", "label": "Your city", "mix": True},
                {"key": "languages", "label": "Languages you speak", "kind": "languages"},
            ],
            "purpose": (
                "Day three of the Digital City conference: together we collect what makes "
                "digital public services work for the people who live in our cities."
            ),
            "themes": [
                {
                    "name": "Citizen participation",
                    "tables": 2,
                    "questions": [
                        "How can digital tools bring residents who never come to town-hall "
                        "meetings into city decisions?",
                        "What would make you trust a city's online consultation?",
                        "Which one participation idea would you start next month?",
                    ],
                },
                {
                    "name": "Investment",
                    "tables": 2,
                    "questions": [
                        "Where does a euro spent on city IT create the most public value?",
                        "How can smaller cities share the cost of digital infrastructure?",
                        "What should we stop funding to pay for what matters?",
                    ],
                },
                {
                    "name": "Collaboration",
                    "tables": 2,
                    "questions": [
                        "What keeps cities from reusing each other's software and data?",
                        "How could cities across Europe build one service together?",
                        "Which partnership would you propose on the way home?",
                    ],
                },
            ],
        }
    )


def find_demo_cafe(session: Session) -> Cafe | None:
    """The demo café, if one was created."""
    return session.scalar(select(Cafe).where(Cafe.is_demo.is_(True)).order_by(Cafe.id))


def create_demo_cafe(session: Session) -> Cafe:
    """Create the demo café."""
    cafe = create_cafe(session, demo_spec())
    cafe.is_demo = True
    session.flush()
    return cafe
