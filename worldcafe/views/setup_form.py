"""The café setup form: its fields to a configuration and back, its errors, suggestions."""

from __future__ import annotations

from typing import Any

from flask import (
    render_template,
)
from werkzeug.datastructures import MultiDict

from worldcafe.i18n import LANGUAGE_NAMES, translated
from worldcafe.messages import N_, Message
from worldcafe.services import cafe_config
from worldcafe.services.errors import InvalidInput
from worldcafe.views import join_form

BLANK_THEME_ROWS = 2


def spec_from_form(form: MultiDict[str, str]) -> dict[str, Any]:
    """The café configuration a setup form describes (validated by the café service)."""
    themes = []
    index = 0
    while f"theme-{index}-name" in form:
        name = form.get(f"theme-{index}-name", "").strip()
        questions = [q for q in form.get(f"theme-{index}-questions", "").splitlines() if q.strip()]
        tables = form.get(f"theme-{index}-tables", "").strip()
        if name or questions:
            themes.append({"name": name, "tables": tables or "0", "questions": questions})
        index += 1
    languages = form.getlist("languages")
    return {
        "title": form.get("title", ""),
        "purpose": form.get("purpose", ""),
        "language": form.get("language", "en"),
        "languages": languages or None,
        "rounds": form.get("rounds", ""),
        "round_minutes": form.get("round_minutes", ""),
        "table_capacity": form.get("table_capacity", "6"),
        "retention_days": form.get("retention_days", ""),
        "themes": themes,
        "join_fields": join_form.fields_from_form(form),
    }


def form_values(spec: cafe_config.CafeSpec | dict[str, Any]) -> dict[str, Any]:
    if isinstance(spec, cafe_config.CafeSpec):
        return {
            "title": spec.title,
            "purpose": spec.purpose,
            "language": spec.language,
            "languages": spec.languages or [],
            "rounds": spec.rounds,
            "round_minutes": f"{spec.round_minutes:g}",
            "table_capacity": spec.table_capacity,
            "retention_days": spec.retention_days or "",
            "themes": [
                {"name": t.name, "tables": t.tables, "questions": "\n".join(t.questions)}
                for t in spec.themes
            ],
            "join_fields": [f.to_dict() for f in spec.join_fields],
        }
    values = dict(spec)
    values["languages"] = values.get("languages") or []
    values["themes"] = [
        {"name": t["name"], "tables": t["tables"], "questions": "\n".join(t["questions"])}
        for t in spec.get("themes", [])
    ]
    return values


# Where a validation message belongs on the setup form: the field it names, else the message
# itself, begins with one of these message ids.
ERROR_FIELDS = (
    ("Title", "title"),
    ("Purpose", "purpose"),
    ("Language", "cafe-language"),
    ("Each offered language", "cafe-language"),
    ("Rounds", "rounds"),
    ("Round length", "round_minutes"),
    ("Table capacity", "table_capacity"),
    ("Retention", "retention_days"),
    ("Expected head count", "head_count"),
    ("Give the expected head count", "head_count"),
    ("The head count", "head_count"),
)
HEAD_COUNT = N_("Give the expected head count as a whole number.")
NO_THEMES = N_("Name the themes first, then ask for a suggestion.")


def error_field(error: Message | None) -> str | None:
    """The id of the form field a validation message is about (themes: the first theme)."""
    if error is None:
        return None
    field = error.values.get("field")
    subject = field.id if isinstance(field, Message) else str(field or error.id)
    for prefix, field_id in ERROR_FIELDS:
        if subject.startswith(prefix):
            return field_id
    about = f"{error.id} {subject}".lower()
    if "theme" in about or "question" in about or "tables" in about:
        return "theme-0-name"
    return None


def render_form(
    template: str, values: dict[str, Any], error: Message | None = None, **extra: Any
) -> str:
    themes = list(values.get("themes", []))
    themes += [{"name": "", "tables": "", "questions": ""}] * BLANK_THEME_ROWS
    return render_template(
        template,
        values=values,
        themes=themes,
        join_rows=join_form.field_rows(list(values.get("join_fields") or [])),
        error=translated(error) if error is not None else None,
        error_at=error_field(error),
        language_names=LANGUAGE_NAMES,
        **extra,
    )


def suggest_tables(values: dict[str, Any], head_count: str) -> Message | None:
    try:
        count = int(head_count)
    except ValueError:
        return Message(HEAD_COUNT)
    themes = [t for t in values["themes"] if t["name"]]
    if not themes:
        return Message(NO_THEMES)
    try:
        split = cafe_config.suggest_tables(count, len(themes))
    except InvalidInput as error:
        return error.message
    for theme, tables in zip(themes, split, strict=True):
        theme["tables"] = tables
    values["themes"] = themes
    return None
