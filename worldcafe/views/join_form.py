"""The setup form's rows for the questions at the door (join fields)."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from worldcafe.services.join_fields import LANGUAGES_KEY, key_from_label

BLANK_ROWS = 2


def fields_from_form(form: MultiDict[str, str]) -> list[dict[str, Any]]:
    """The join fields the setup form describes; a row without a label is dropped."""
    fields: list[dict[str, Any]] = []
    index = 0
    while f"join-{index}-label" in form:
        label = form.get(f"join-{index}-label", "").strip()
        kind = form.get(f"join-{index}-kind", "text")
        key = form.get(f"join-{index}-key", "").strip()
        if label:
            if not key:
                key = LANGUAGES_KEY if kind == "languages" else key_from_label(label)
            field: dict[str, Any] = {"key": key, "label": label, "kind": kind}
            if form.get(f"join-{index}-mix") == "1":
                field["mix"] = True
            fields.append(field)
        index += 1
    return fields


def field_rows(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows to show: the café's fields, then blank rows to add more."""
    rows = [
        {
            "key": f.get("key", ""),
            "label": f.get("label", ""),
            "kind": f.get("kind", "text"),
            "mix": bool(f.get("mix", False)),
        }
        for f in fields
    ]
    return rows + [{"key": "", "label": "", "kind": "text", "mix": False}] * BLANK_ROWS
