"""Café setup: create, edit and look up cafés, their themes, questions and tables."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from worldcafe.models import (
    MAX_ID,
    QUESTION_MAX,
    TITLE_MAX,
    AuditEvent,
    Cafe,
    CafeTable,
    Question,
    Round,
    RoundStatus,
    Theme,
)
from worldcafe.services.errors import Conflict, InvalidInput, NotFound
from worldcafe.services.join_fields import JoinField, fields_of, parse_join_fields
from worldcafe.services.text_input import clean_text, require_text

LANGUAGES = ("en", "de", "fr", "es", "it", "pl")
MAX_THEMES = 20
MAX_TABLES = 300
MAX_ROUNDS = 12
MAX_ROUND_MINUTES = 240
MAX_CAPACITY = 20
MAX_HEAD_COUNT = 5000
JOIN_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass
class ThemeSpec:
    name: str
    tables: int
    questions: list[str]


@dataclass
class CafeSpec:
    title: str
    language: str
    rounds: int
    round_minutes: float
    themes: list[ThemeSpec]
    languages: list[str] | None = None
    table_capacity: int = 6
    purpose: str = ""
    retention_days: int | None = None
    join_fields: list[JoinField] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def _int(value: object, *, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidInput(f"{field} must be a whole number.")
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise InvalidInput(f"{field} must be a whole number.") from None
    if not math.isfinite(number) or number != int(number):
        raise InvalidInput(f"{field} must be a whole number.")
    if not low <= number <= high:
        raise InvalidInput(f"{field} must be between {low} and {high}.")
    return int(number)


def _number(value: object, *, field: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidInput(f"{field} must be a number.")
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise InvalidInput(f"{field} must be a number.") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise InvalidInput(f"{field} must be a number between {low:g} and {high:g}.")
    return number


def _language(value: object, *, field: str) -> str:
    if not isinstance(value, str) or value.strip().lower() not in LANGUAGES:
        raise InvalidInput(f"{field} must be one of: {', '.join(LANGUAGES)}.")
    return value.strip().lower()


def parse_cafe_spec(obj: object) -> CafeSpec:
    """Validate a café configuration (contracts.md CONFIG); raise InvalidInput with a clear line."""
    if not isinstance(obj, dict):
        raise InvalidInput("The café configuration must be a JSON object.")
    title = require_text(obj.get("title"), field="Title", max_length=TITLE_MAX)
    language = _language(obj.get("language", "en"), field="Language")
    rounds = _int(obj.get("rounds", 3), field="Rounds", low=1, high=MAX_ROUNDS)
    minutes = _number(
        obj.get("round_minutes", 20),
        field="Round length (minutes)",
        low=0.5,
        high=MAX_ROUND_MINUTES,
    )
    capacity = _int(obj.get("table_capacity", 6), field="Table capacity", low=2, high=MAX_CAPACITY)
    raw_themes = obj.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        raise InvalidInput("A café needs at least one theme.")
    if len(raw_themes) > MAX_THEMES:
        raise InvalidInput(f"A café has at most {MAX_THEMES} themes.")
    themes: list[ThemeSpec] = []
    for index, raw in enumerate(raw_themes, start=1):
        if not isinstance(raw, dict):
            raise InvalidInput(f"Theme {index} must be an object with a name.")
        name = require_text(raw.get("name"), field=f"Theme {index} name", max_length=TITLE_MAX)
        tables = _int(raw.get("tables", 1), field=f"Tables of theme {name!r}", low=1, high=100)
        questions_raw = raw.get("questions", [])
        if isinstance(questions_raw, str):
            questions_raw = [questions_raw]
        if not isinstance(questions_raw, list):
            raise InvalidInput(f"Questions of theme {name!r} must be a list of text.")
        questions = [
            q
            for q in (
                clean_text(q, field=f"A question of theme {name!r}", max_length=QUESTION_MAX)
                for q in questions_raw
            )
            if q
        ]
        if not questions:
            raise InvalidInput(f"Theme {name!r} needs a question.")
        if len(questions) not in (1, rounds):
            raise InvalidInput(
                f"Theme {name!r} has {len(questions)} questions: give one for all rounds "
                f"or one per round ({rounds})."
            )
        themes.append(ThemeSpec(name=name, tables=tables, questions=questions))
    names = [t.name.casefold() for t in themes]
    if len(set(names)) != len(names):
        raise InvalidInput("Two themes have the same name.")
    if sum(t.tables for t in themes) > MAX_TABLES:
        raise InvalidInput(f"A café has at most {MAX_TABLES} tables.")
    languages_raw = obj.get("languages")
    languages: list[str] | None = None
    if languages_raw is not None:
        if not isinstance(languages_raw, list) or not languages_raw:
            raise InvalidInput('Languages must be a non-empty list such as ["en", "de"].')
        languages = []
        for item in languages_raw:
            code = _language(item, field="Each offered language")
            if code not in languages:
                languages.append(code)
        if language not in languages:
            languages.insert(0, language)
    purpose = clean_text(obj.get("purpose", ""), field="Purpose", max_length=1000, multiline=True)
    retention = obj.get("retention_days")
    retention_days = (
        None if retention in (None, "") else _int(retention, field="Retention", low=1, high=3650)
    )
    return CafeSpec(
        title=title,
        language=language,
        rounds=rounds,
        round_minutes=minutes,
        themes=themes,
        languages=languages,
        table_capacity=capacity,
        purpose=purpose,
        retention_days=retention_days,
        join_fields=parse_join_fields(obj.get("join_fields")),
    )


def suggest_tables(head_count: int, n_themes: int, *, low: int = 4, high: int = 6) -> list[int]:
    """Tables per theme for an expected head count, aiming at low..high people a table."""
    if head_count < 1 or n_themes < 1:
        raise InvalidInput("The head count and the number of themes must be positive.")
    if head_count > MAX_HEAD_COUNT:
        raise InvalidInput(f"Expected head count must be between 1 and {MAX_HEAD_COUNT}.")
    total = max(n_themes, math.ceil(head_count / high))
    while total * low > head_count + low and total > n_themes:
        total -= 1
    base, extra = divmod(total, n_themes)
    return [base + (1 if i < extra else 0) for i in range(n_themes)]


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
    session.add(
        AuditEvent(cafe_id=cafe.id, actor="organiser", action="create_cafe", detail=spec.title)
    )
    session.flush()
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
        raise InvalidInput(f"{played} rounds have already been played.")
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
                "Themes and tables cannot change once the café has started; "
                "questions, title and timing can."
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
    session.add(AuditEvent(cafe_id=cafe.id, actor="organiser", action="update_cafe"))
    session.flush()
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
        raise NotFound("No such café.") from None
    if not 0 < key <= MAX_ID:
        raise NotFound("No such café.")
    cafe = session.get(Cafe, key)
    if cafe is None:
        raise NotFound("No such café.")
    return cafe


def get_cafe_by_join_code(session: Session, code: str) -> Cafe:
    """The café a join code opens, or NotFound."""
    cafe = session.scalar(select(Cafe).where(Cafe.join_code == code.strip().lower()))
    if cafe is None:
        raise NotFound("No café has this join code.")
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
        raise InvalidInput("Unknown role.")
    session.add(AuditEvent(cafe_id=cafe.id, actor="organiser", action=f"renew_{role}_link"))
    session.flush()
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
