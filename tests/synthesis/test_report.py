"""Exports opened and read back: JSON, Markdown, CSV, DOCX (python-docx) and PDF (pypdf)."""

from __future__ import annotations

import csv
import io
import json

import docx
import pypdf
import pytest

from worldcafe.catalogues import catalogue
from worldcafe.synthesis import FORMATS, Note, ReportContext, Synthesis, render, synthesize

EUROPEAN = [
    Note(
        "g1", "t1", "Größe", "Die Größe der Straßen überprüfen", 1, "Was ändern?", 2, None, "Jürgen"
    ),
    Note("g2", "t1", "Größe", "die größe der strassen überprüfen!", 2, author="Zoë"),
    Note("p1", "t2", "Größe", "Łódź: więcej zieleni w mieście, źródła wody", 1, language="pl"),
    Note("e1", "t2", "Größe", "Αθήνα: περισσότερα δέντρα στους δρόμους", 2, language="el"),
    Note("f1", "t2", "Größe", "Façades végétales à Besançon, ça coûte peu", 2, language="fr"),
]


@pytest.fixture(scope="module")
def synthesis() -> Synthesis:
    return synthesize(EUROPEAN)


@pytest.fixture()
def context() -> ReportContext:
    return ReportContext(
        title="Café Größe · Łódź · Αθήνα",
        generated_at="2026-11-26 18:00",
        attendance=[(1, 24), (2, 21)],
        insights={"t1": ["Straßen für Menschen"], "t2": ["Więcej drzew"]},
        questions={"Größe": ["Was ändern?", "Wie weiter?"]},
        description="Stadtklima",
    )


def test_formats() -> None:
    assert FORMATS == ("json", "md", "csv", "docx", "pdf")
    with pytest.raises(ValueError, match="unknown format"):
        render(synthesize([]), "xls")


def test_json(synthesis: Synthesis, context: ReportContext) -> None:
    data = json.loads(render(synthesis, "json", context))
    assert [t["table"] for t in data["tables"]] == ["t1", "t2"]
    assert {n["author"] for n in data["notes"] if "author" in n} == {"Jürgen", "Zoë"}
    context.anonymise = True
    data = json.loads(render(synthesis, "json", context))
    assert all("author" not in n for n in data["notes"])


def test_markdown(synthesis: Synthesis, context: ReportContext) -> None:
    text = render(synthesis, "md", context).decode("utf-8")
    assert text.startswith("# Café Größe · Łódź · Αθήνα")
    for expected in ("## Größe", "Table 1", "Round 1 · 24 participants", "> “", "Method", "Jürgen"):
        assert expected in text
    context.language, context.catalogue = "de", catalogue("de")
    context.anonymise = True
    text = render(synthesis, "md", context).decode("utf-8")
    assert "Tisch 2 · Größe" in text and "Die wichtigsten Punkte" in text and "Methode" in text
    assert "Jürgen" not in text


def test_csv_has_one_row_per_note(synthesis: Synthesis, context: ReportContext) -> None:
    rows = list(csv.DictReader(io.StringIO(render(synthesis, "csv", context).decode("utf-8"))))
    assert sorted(r["note_id"] for r in rows) == sorted(n.note_id for n in EUROPEAN)
    by_id = {r["note_id"]: r for r in rows}
    assert by_id["g1"]["cluster_id"] == by_id["g2"]["cluster_id"]
    assert by_id["g1"]["duplicate_group"] == "g1"
    assert by_id["e1"]["text"] == EUROPEAN[3].text
    assert by_id["g1"]["author"] == "Jürgen"
    context.anonymise = True
    rows = list(csv.DictReader(io.StringIO(render(synthesis, "csv", context).decode("utf-8"))))
    assert "author" not in rows[0]


def test_docx(synthesis: Synthesis, context: ReportContext) -> None:
    document = docx.Document(io.BytesIO(render(synthesis, "docx", context)))
    text = "\n".join(p.text for p in document.paragraphs)
    for expected in ("Größe", "Łódź", "Αθήνα", "Besançon", "Table 2", "Method", "Więcej drzew"):
        assert expected in text
    assert "Round 2 · 21 participants" in text
    headings = [
        p.text
        for p in document.paragraphs
        if str(p.style.name if p.style else "").startswith("Heading")
    ]
    assert "Größe" in headings and "Contents" in text


def test_pdf_renders_every_european_script(synthesis: Synthesis, context: ReportContext) -> None:
    data = render(synthesis, "pdf", context)
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Größe", "Łódź", "Αθήνα", "źródła", "Besançon", "Straßen", "Method"):
        assert expected in text
    assert len(reader.pages) >= 3


def test_anonymous_documents_drop_names(synthesis: Synthesis, context: ReportContext) -> None:
    context.anonymise = True
    document = docx.Document(io.BytesIO(render(synthesis, "docx", context)))
    assert "Jürgen" not in "\n".join(p.text for p in document.paragraphs)
    reader = pypdf.PdfReader(io.BytesIO(render(synthesis, "pdf", context)))
    assert "Jürgen" not in "\n".join(page.extract_text() for page in reader.pages)


def test_empty_synthesis_renders_everywhere() -> None:
    empty = synthesize([])
    for fmt in FORMATS:
        assert render(empty, fmt)
