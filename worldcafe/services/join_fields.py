"""Questions at the door: the optional fields a café asks when people join, and their answers.

A café may ask, beside the name, a few optional questions ("Your city", "Languages you speak").
A field marked `mix` spreads people who give the same answer over the tables; a field of kind
`languages` holds language codes, and the seating then gives every table a shared language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError

from worldcafe.messages import N_, Message, Text
from worldcafe.services.errors import InvalidInput
from worldcafe.services.text_input import clean_text, require_text

MAX_FIELDS = 8
KEY_MAX = 32
LABEL_MAX = 100
ANSWER_MAX = 100
MAX_LANGUAGES = 12
KINDS = ("text", "languages")
LANGUAGES_KEY = "languages"
LANGUAGES_FIELD = N_("Languages")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")

# Offered as tick boxes on the join page; any other language can be typed by name or code.
COMMON_LANGUAGES = (
    "en", "de", "fr", "es", "it", "pl", "nl", "pt", "sv", "da", "fi", "nb", "cs", "sk", "hu",
    "ro", "el", "bg", "hr", "sl", "lt", "lv", "et", "uk", "ru", "tr", "ar", "zh", "ja",
)  # fmt: skip
# Languages whose names are recognised when typed (the app's and the common ones' own names).
_NAME_LOCALES = ("en", "de", "fr", "es", "it", "pl")


@dataclass(frozen=True)
class JoinField:
    """One question at the door."""

    key: str
    label: str
    mix: bool = False
    kind: str = "text"

    @property
    def is_languages(self) -> bool:
        return self.kind == "languages"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "label": self.label}
        if self.mix:
            out["mix"] = True
        if self.kind != "text":
            out["kind"] = self.kind
        return out


def key_from_label(label: str) -> str:
    """A field key made from its label ("Your city" → "your_city")."""
    slug = re.sub(r"[^a-z0-9]+", "_", label.casefold()).strip("_")
    slug = slug[:KEY_MAX].rstrip("_")
    if not slug or not slug[0].isalpha():
        slug = f"field_{slug}".rstrip("_")[:KEY_MAX]
    return slug


def parse_join_fields(raw: object) -> list[JoinField]:
    """Validate CONFIG `join_fields`; raise InvalidInput with a clear line."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidInput(
            N_('Join fields must be a list such as [{"key": "city", "label": "..."}].')
        )
    if len(raw) > MAX_FIELDS:
        raise InvalidInput(N_("A café asks at most %(n)s join fields."), n=MAX_FIELDS)
    fields: list[JoinField] = []
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise InvalidInput(
                N_("Join field %(n)s must be an object with a key and a label."), n=index
            )
        unknown = sorted(set(item) - {"key", "label", "mix", "kind"})
        if unknown:
            raise InvalidInput(
                N_("Join field %(n)s has an unknown setting: %(name)s."), n=index, name=unknown[0]
            )
        label = require_text(
            item.get("label"), field=Message(N_("Join field %(n)s label"), n=index), max_length=100
        )
        key = item.get("key")
        if key is None or key == "":
            key = key_from_label(label)
        if not isinstance(key, str) or not _KEY.match(key):
            raise InvalidInput(
                N_(
                    "Join field %(n)s key must be lower-case letters, digits and _ "
                    "(at most %(max)s), starting with a letter."
                ),
                n=index,
                max=KEY_MAX,
            )
        kind = item.get("kind", "text")
        if kind not in KINDS:
            raise InvalidInput(
                N_("Join field %(n)s kind must be one of: %(choices)s."),
                n=index,
                choices=", ".join(KINDS),
            )
        mix = item.get("mix", False)
        if not isinstance(mix, bool):
            raise InvalidInput(N_("Join field %(n)s mix must be true or false."), n=index)
        if mix and kind == "languages":
            raise InvalidInput(
                N_(
                    "A languages field cannot be mixed: the seating gives every table a shared "
                    "language instead."
                )
            )
        if kind == "text" and key == LANGUAGES_KEY:
            raise InvalidInput(N_('The key "languages" is kept for a languages field.'))
        fields.append(JoinField(key=key, label=label, mix=mix, kind=kind))
    keys = [f.key for f in fields]
    if len(set(keys)) != len(keys):
        raise InvalidInput(N_("Two join fields have the same key."))
    if sum(1 for f in fields if f.is_languages) > 1:
        raise InvalidInput(N_("A café asks at most one languages field."))
    return fields


def fields_of(raw: Sequence[Mapping[str, Any]] | None) -> list[JoinField]:
    """The join fields stored on a café (already validated when they were saved)."""
    return [
        JoinField(
            key=str(f["key"]),
            label=str(f["label"]),
            mix=bool(f.get("mix", False)),
            kind=str(f.get("kind", "text")),
        )
        for f in raw or []
    ]


def languages_field(fields: Sequence[JoinField]) -> JoinField | None:
    """The café's languages field, if it asks one."""
    return next((f for f in fields if f.is_languages), None)


@cache
def _language_lookup() -> dict[str, str]:
    """Lower-cased language names and codes → the code (names in the app's languages)."""
    lookup: dict[str, str] = {}
    english = Locale("en").languages
    for code in english:
        base = str(code).split("_")[0]
        if len(base) in (2, 3) and base.isalpha():
            lookup.setdefault(base.casefold(), base)
    for locale_code in _NAME_LOCALES:
        for code, name in Locale(locale_code).languages.items():
            if "_" not in code and len(code) in (2, 3):
                lookup.setdefault(name.casefold(), code)
    for code in COMMON_LANGUAGES:
        try:
            own = Locale.parse(code).get_display_name(code)
        except (UnknownLocaleError, ValueError):
            continue
        if own:
            lookup.setdefault(own.casefold(), code)
    lookup.setdefault("norwegian", "nb")
    lookup.setdefault("no", "nb")
    return lookup


def language_name(code: str, locale: str) -> str:
    """A language's name in the reader's language (the code when unknown)."""
    try:
        name = Locale.parse(locale).languages.get(code)
    except (UnknownLocaleError, ValueError):
        name = None
    return name[:1].upper() + name[1:] if name else code


def parse_languages(value: object, *, field: Text = LANGUAGES_FIELD) -> list[str]:
    """Language codes from ticked codes or free text ("German, en; Français")."""
    if value is None:
        return []
    items: list[object] = list(value) if isinstance(value, list | tuple) else [value]
    lookup = _language_lookup()
    codes: list[str] = []
    for item in items:
        text = clean_text(item, field=field, max_length=300)
        for piece in re.split(r"[,;/+&|\n]+", text):
            words = piece.strip().strip(".").strip()
            if not words:
                continue
            code = lookup.get(words.casefold().replace("_", "-").split("-")[0])
            found = [code] if code else []
            if not found:
                found = [lookup.get(w.casefold(), "") for w in re.split(r"\s+", words)]
                found = [c for c in found if c]
                if not found:
                    raise InvalidInput(
                        N_(
                            "%(field)s: no language is called %(name)s; write names or codes, "
                            "such as German, fr."
                        ),
                        field=field,
                        name=repr(words),
                    )
            codes.extend(c for c in found if c not in codes)
    if len(codes) > MAX_LANGUAGES:
        raise InvalidInput(N_("%(field)s: at most %(n)s languages."), field=field, n=MAX_LANGUAGES)
    return codes


def clean_answers(fields: Sequence[JoinField], raw: Mapping[str, object]) -> dict[str, Any]:
    """Validated answers by field key; empty answers are left out (every field is optional)."""
    answers: dict[str, Any] = {}
    for f in fields:
        value = raw.get(f.key)
        if f.is_languages:
            codes = parse_languages(value, field=f.label)
            if codes:
                answers[f.key] = codes
        else:
            if isinstance(value, list):
                value = " ".join(str(v) for v in value)
            text = clean_text(value, field=f.label, max_length=ANSWER_MAX)
            if text:
                answers[f.key] = text
    return answers


def answers_from_form(fields: Sequence[JoinField], form: Mapping[str, list[str]]) -> dict[str, Any]:
    """Answers from the join form: `field-KEY` inputs; a languages field's ticks plus free text."""
    raw: dict[str, object] = {}
    for f in fields:
        values = form.get(f"field-{f.key}", [])
        if f.is_languages:
            raw[f.key] = [*values, *form.get(f"field-{f.key}-other", [])]
        else:
            raw[f.key] = values[0] if values else ""
    return clean_answers(fields, raw)


def display_answer(value: object) -> str:
    """An answer as text (languages joined by commas)."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def answer_counts(
    fields: Sequence[JoinField], answers: Sequence[Mapping[str, Any] | None]
) -> dict[str, dict[str, int]]:
    """How many people gave each answer, per field (languages: per language)."""
    counts: dict[str, dict[str, int]] = {f.key: {} for f in fields}
    for given in answers:
        for f in fields:
            value = (given or {}).get(f.key)
            values = value if isinstance(value, list) else [value] if value else []
            for item in values:
                counts[f.key][str(item)] = counts[f.key].get(str(item), 0) + 1
    return {
        key: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for key, c in counts.items()
    }
