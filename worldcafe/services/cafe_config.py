"""A café's configuration (contracts.md CONFIG): checked field by field, one clear refusal each."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from worldcafe.catalogues import LANGUAGES
from worldcafe.messages import N_, Message, Text
from worldcafe.models import QUESTION_MAX, TITLE_MAX
from worldcafe.services.errors import InvalidInput
from worldcafe.services.join_fields import JoinField, parse_join_fields
from worldcafe.services.text_input import clean_text, require_text

MAX_THEMES = 20
MAX_TABLES = 300
MAX_ROUNDS = 12
MAX_ROUND_MINUTES = 240
MAX_CAPACITY = 20
MAX_HEAD_COUNT = 5000


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


def _finite(value: object, *, field: Text, refusal: str) -> float:
    """A finite number from a JSON number or a form's text, else the refusal (a message id)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidInput(refusal, field=field)
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise InvalidInput(refusal, field=field) from None
    if not math.isfinite(number):
        raise InvalidInput(refusal, field=field)
    return number


def _int(value: object, *, field: Text, low: int, high: int) -> int:
    number = _finite(value, field=field, refusal=N_("%(field)s must be a whole number."))
    if number != int(number):
        raise InvalidInput(N_("%(field)s must be a whole number."), field=field)
    if not low <= number <= high:
        raise InvalidInput(
            N_("%(field)s must be between %(low)s and %(high)s."), field=field, low=low, high=high
        )
    return int(number)


def _number(value: object, *, field: Text, low: float, high: float) -> float:
    number = _finite(value, field=field, refusal=N_("%(field)s must be a number."))
    if not low <= number <= high:
        raise InvalidInput(
            N_("%(field)s must be a number between %(low)s and %(high)s."),
            field=field,
            low=f"{low:g}",
            high=f"{high:g}",
        )
    return number


def _language(value: object, *, field: Text) -> str:
    if not isinstance(value, str) or value.strip().lower() not in LANGUAGES:
        raise InvalidInput(
            N_("%(field)s must be one of: %(choices)s."), field=field, choices=", ".join(LANGUAGES)
        )
    return value.strip().lower()


def parse_cafe_spec(obj: object) -> CafeSpec:
    """Validate a café configuration (contracts.md CONFIG); raise InvalidInput with a clear line."""
    if not isinstance(obj, dict):
        raise InvalidInput(N_("The café configuration must be a JSON object."))
    title = require_text(obj.get("title"), field=N_("Title"), max_length=TITLE_MAX)
    language = _language(obj.get("language", "en"), field=N_("Language"))
    rounds = _int(obj.get("rounds", 3), field=N_("Rounds"), low=1, high=MAX_ROUNDS)
    minutes = _number(
        obj.get("round_minutes", 20),
        field=N_("Round length (minutes)"),
        low=0.5,
        high=MAX_ROUND_MINUTES,
    )
    capacity = _int(
        obj.get("table_capacity", 6), field=N_("Table capacity"), low=2, high=MAX_CAPACITY
    )
    raw_themes = obj.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        raise InvalidInput(N_("A café needs at least one theme."))
    if len(raw_themes) > MAX_THEMES:
        raise InvalidInput(N_("A café has at most %(n)s themes."), n=MAX_THEMES)
    themes: list[ThemeSpec] = []
    for index, raw in enumerate(raw_themes, start=1):
        if not isinstance(raw, dict):
            raise InvalidInput(N_("Theme %(n)s must be an object with a name."), n=index)
        name = require_text(
            raw.get("name"), field=Message(N_("Theme %(n)s name"), n=index), max_length=TITLE_MAX
        )
        quoted = repr(name)
        tables = _int(
            raw.get("tables", 1),
            field=Message(N_("Tables of theme %(name)s"), name=quoted),
            low=1,
            high=100,
        )
        questions_raw = raw.get("questions", [])
        if isinstance(questions_raw, str):
            questions_raw = [questions_raw]
        if not isinstance(questions_raw, list):
            raise InvalidInput(
                N_("Questions of theme %(name)s must be a list of text."), name=quoted
            )
        questions = [
            q
            for q in (
                clean_text(
                    q,
                    field=Message(N_("A question of theme %(name)s"), name=quoted),
                    max_length=QUESTION_MAX,
                )
                for q in questions_raw
            )
            if q
        ]
        if not questions:
            raise InvalidInput(N_("Theme %(name)s needs a question."), name=quoted)
        if len(questions) not in (1, rounds):
            raise InvalidInput(
                N_(
                    "Theme %(name)s has %(n)s questions: give one for all rounds or one per "
                    "round (%(rounds)s)."
                ),
                name=quoted,
                n=len(questions),
                rounds=rounds,
            )
        themes.append(ThemeSpec(name=name, tables=tables, questions=questions))
    names = [t.name.casefold() for t in themes]
    if len(set(names)) != len(names):
        raise InvalidInput(N_("Two themes have the same name."))
    if sum(t.tables for t in themes) > MAX_TABLES:
        raise InvalidInput(N_("A café has at most %(n)s tables."), n=MAX_TABLES)
    languages_raw = obj.get("languages")
    languages: list[str] | None = None
    if languages_raw is not None:
        if not isinstance(languages_raw, list) or not languages_raw:
            raise InvalidInput(N_('Languages must be a non-empty list such as ["en", "de"].'))
        languages = []
        for item in languages_raw:
            code = _language(item, field=N_("Each offered language"))
            if code not in languages:
                languages.append(code)
        if language not in languages:
            languages.insert(0, language)
    purpose = clean_text(
        obj.get("purpose", ""), field=N_("Purpose"), max_length=1000, multiline=True
    )
    retention = obj.get("retention_days")
    retention_days = (
        None
        if retention in (None, "")
        else _int(retention, field=N_("Retention"), low=1, high=3650)
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
        raise InvalidInput(N_("The head count and the number of themes must be positive."))
    if head_count > MAX_HEAD_COUNT:
        raise InvalidInput(
            N_("%(field)s must be between %(low)s and %(high)s."),
            field=N_("Expected head count"),
            low=1,
            high=MAX_HEAD_COUNT,
        )
    total = max(n_themes, math.ceil(head_count / high))
    while total * low > head_count + low and total > n_themes:
        total -= 1
    base, extra = divmod(total, n_themes)
    return [base + (1 if i < extra else 0) for i in range(n_themes)]
