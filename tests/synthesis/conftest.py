"""Fixtures of the synthesis tests: the hand-labelled notes and a café built from them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from worldcafe.synthesis import Note, parse_notes

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def labelled() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "labelled_notes.json").read_text("utf-8"))
    return data


@pytest.fixture(scope="session")
def labelled_notes(labelled: dict[str, Any]) -> list[Note]:
    return parse_notes([{k: v for k, v in n.items() if k != "group"} for n in labelled["notes"]])


@pytest.fixture(scope="session")
def cafe_notes(labelled_notes: list[Note]) -> list[Note]:
    """The labelled notes spread over two tables per theme, with a small second table."""
    notes: list[Note] = []
    for index, note in enumerate(labelled_notes):
        second = index % 4 == 3
        table = f"{note.table}-b" if second else note.table
        notes.append(
            Note(
                note_id=note.note_id,
                table=table,
                theme=note.theme,
                text=note.text,
                round=note.round,
                question=f"Question {note.round}",
                votes=note.votes,
                author=f"Person {index}",
            )
        )
    return notes
