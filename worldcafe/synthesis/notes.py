"""Notes: the input of a synthesis, and reading them from CSV or JSON files."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REQUIRED_FIELDS = ("note_id", "table", "theme", "text")
OPTIONAL_FIELDS = ("round", "question", "votes", "language", "author", "key_insight")


class NotesError(ValueError):
    """A notes file or object that cannot be used; the message is one clear line."""


@dataclass(frozen=True)
class Note:
    """One participant note at a table."""

    note_id: str
    table: str
    theme: str
    text: str
    round: int | None = None
    question: str | None = None
    votes: int = 0
    language: str | None = None
    author: str | None = None
    key: bool = False


def natural_key(value: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders "n2" before "n10"."""
    parts = re.split(r"(\d+)", value)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def _text(value: Any, field: str, where: str, *, required: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise NotesError(f"{where}: missing {field!r}")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise NotesError(f"{where}: {field!r} must be text")
    return str(value).strip()


def _int(value: Any, field: str, where: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise NotesError(f"{where}: {field!r} must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise NotesError(f"{where}: {field!r} must be a whole number, not {value!r}") from None
        if number.is_integer():
            return int(number)
    raise NotesError(f"{where}: {field!r} must be a whole number, not {value!r}")


def _flag(value: Any, field: str, where: str) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().casefold() in ("", "0", "1", "true", "false"):
        return value.strip().casefold() in ("1", "true")
    raise NotesError(f"{where}: {field!r} must be true or false")


def _note(obj: Mapping[str, Any], where: str) -> Note:
    note_id = _text(obj.get("note_id"), "note_id", where, required=True)
    table = _text(obj.get("table"), "table", where, required=True)
    theme = _text(obj.get("theme"), "theme", where, required=True)
    text = _text(obj.get("text"), "text", where, required=True)
    assert note_id is not None and table is not None and theme is not None and text is not None
    round_ = _int(obj.get("round"), "round", where)
    if round_ is not None and round_ < 1:
        raise NotesError(f"{where}: 'round' must be 1 or more, not {round_}")
    votes = _int(obj.get("votes"), "votes", where) or 0
    if votes < 0:
        raise NotesError(f"{where}: 'votes' must not be negative")
    language = _text(obj.get("language"), "language", where, required=False)
    return Note(
        note_id=note_id,
        table=table,
        theme=theme,
        text=text,
        round=round_,
        question=_text(obj.get("question"), "question", where, required=False),
        votes=votes,
        language=language.lower() if language else None,
        author=_text(obj.get("author"), "author", where, required=False),
        key=_flag(obj.get("key_insight"), "key_insight", where),
    )


def parse_notes(obj: Iterable[Mapping[str, Any]] | Any) -> list[Note]:
    """Notes from a list of objects with the contracts' fields; raises NotesError."""
    if not isinstance(obj, list):
        raise NotesError("notes must be a list of objects")
    notes: list[Note] = []
    seen: set[str] = set()
    for index, item in enumerate(obj, start=1):
        where = f"note {index}"
        if not isinstance(item, Mapping):
            raise NotesError(f"{where}: must be an object")
        note = _note(item, where)
        if note.note_id in seen:
            raise NotesError(f"{where}: duplicate note_id {note.note_id!r}")
        seen.add(note.note_id)
        notes.append(note)
    return notes


def _parse_csv(content: str) -> list[Note]:
    first_line = content.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = ","
    if first_line.count(";") > first_line.count(",") or first_line.count("\t") > first_line.count(
        ","
    ):
        delimiter = ";" if first_line.count(";") >= first_line.count("\t") else "\t"
    reader = csv.DictReader(io.StringIO(content), delimiter=delimiter)
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_FIELDS if name not in header]
    if missing:
        raise NotesError(
            f"CSV header lacks {', '.join(missing)} (fields separated by commas, semicolons "
            "or tabs, with a header line naming note_id, table, theme, text)"
        )
    rows: list[dict[str, Any]] = []
    for row in reader:
        if None in row:
            raise NotesError(f"CSV line {reader.line_num}: more values than header fields")
        rows.append({(k or "").strip(): v for k, v in row.items()})
    notes: list[Note] = []
    seen: set[str] = set()
    for index, row in enumerate(rows, start=1):
        note = _note(row, f"CSV row {index}")
        if note.note_id in seen:
            raise NotesError(f"CSV row {index}: duplicate note_id {note.note_id!r}")
        seen.add(note.note_id)
        notes.append(note)
    return notes


def read_notes(path: Path) -> list[Note]:
    """Notes from a CSV file with a header or a JSON list of objects; raises NotesError."""
    try:
        content = Path(path).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise NotesError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise NotesError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise NotesError(f"{path}: {exc.strerror or exc}") from None
    stripped = content.lstrip()
    if not stripped:
        raise NotesError(f"{path}: empty file")
    if stripped[0] in "[{":
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise NotesError(f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
        if isinstance(data, dict) and isinstance(data.get("notes"), list):
            data = data["notes"]
        try:
            return parse_notes(data)
        except NotesError as exc:
            raise NotesError(f"{path}: {exc}") from None
    try:
        return _parse_csv(content)
    except csv.Error as exc:
        raise NotesError(f"{path}: invalid CSV: {exc}") from None
    except NotesError as exc:
        raise NotesError(f"{path}: {exc}") from None
