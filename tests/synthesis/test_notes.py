"""Reading notes files: CSV with a header or a JSON list of objects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from worldcafe.synthesis import Note, NotesError, parse_notes, read_notes


def test_csv_with_header(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(
        "note_id,table,theme,text,round,question,votes,language\n"
        'n1,t1,Investment,"Mehr Geld für Schulen, bitte",1,Was fehlt?,3,de\n'
        "n2,t1,Investment,More money for schools,,,,\n",
        "utf-8",
    )
    notes = read_notes(path)
    assert notes == [
        Note("n1", "t1", "Investment", "Mehr Geld für Schulen, bitte", 1, "Was fehlt?", 3, "de"),
        Note("n2", "t1", "Investment", "More money for schools"),
    ]


def test_json_list(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    items = [{"note_id": 7, "table": "t2", "theme": "Care", "text": "Łódź", "round": "2"}]
    path.write_text(json.dumps(items), "utf-8")
    assert read_notes(path) == [Note("7", "t2", "Care", "Łódź", round=2)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("note_id,table,text\nn1,t1,x\n", "theme"),
        ("[{]", "invalid JSON"),
        ('{"a": 1}', "list"),
        ('[{"note_id": "n1", "table": "t", "theme": "T"}]', "text"),
        ('[{"note_id": "n1", "table": "t", "theme": "T", "text": "x", "votes": "many"}]', "votes"),
        ('[{"note_id": "n1", "table": "t", "theme": "T", "text": "x", "round": 0}]', "round"),
        ("note_id,table,theme,text\nn1,t,T,x\nn1,t,T,y\n", "duplicate"),
        ("note_id,table,theme,text\nn1,t,T,x,extra\n", "more values"),
    ],
)
def test_bad_files_raise_one_clear_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(content, "utf-8")
    with pytest.raises(NotesError) as error:
        read_notes(path)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NotesError, match="no such file"):
        read_notes(tmp_path / "absent.csv")


def test_parse_notes_requires_objects() -> None:
    with pytest.raises(NotesError):
        parse_notes(["n1"])
    with pytest.raises(NotesError):
        parse_notes({"note_id": "n1"})


def test_a_note_keeps_its_phones_language_unless_plainly_written_in_another() -> None:
    from worldcafe.synthesis.language import written_language
    from worldcafe.synthesis.normalise import analyse

    # A German phone's note written in English at an international table is read as English.
    english = "Open the air-conditioned libraries as cool rooms during every heat wave"
    assert written_language(english, "de") == "en"
    assert analyse(english, "de").language == "en"
    # Short notes keep the language they were written in: too little to overrule it.
    assert written_language("Sofort Kerosin besteuern.", "de") == "de"
    assert written_language("Free fountains on squares", "it") == "it"
    german = "Eine öffentliche Karte aller Bäume mit ihrem Alter und Zustand"
    assert written_language(german, "de") == "de"
