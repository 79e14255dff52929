"""The outline as a Word document (python-docx), with a table of contents Word fills in."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from .outline import Block, ReportContext, headings_of

GREY = RGBColor(0x55, 0x55, 0x55)
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LTR = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")


def _right_to_left(text: str) -> bool:
    return len(_RTL.findall(text)) > len(_LTR.findall(text))


def _direction(paragraph: Paragraph, text: str) -> None:
    if _right_to_left(text):
        properties = paragraph._p.get_or_add_pPr()
        properties.append(OxmlElement("w:bidi"))
        for run in paragraph.runs:
            run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))


def _detail(paragraph: Paragraph, text: str, *, new_line: bool = True) -> None:
    if not text:
        return
    run = paragraph.add_run()
    if new_line:
        run.add_break()
    else:
        run.add_text(" — ")
    detail = paragraph.add_run(text)
    detail.font.size = Pt(9)
    detail.font.color.rgb = GREY


def _field(paragraph: Paragraph, kind: str, text: str = "") -> None:
    run = paragraph.add_run()
    if kind == "instr":
        element = OxmlElement("w:instrText")
        element.set(qn("xml:space"), "preserve")
        element.text = text
    else:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")
    run._r.append(element)


def _table_of_contents(document: DocumentObject, title: str, blocks: Sequence[Block]) -> None:
    """A TOC field over headings 1–2, pre-filled with the headings so it reads before an update."""
    heading = document.add_paragraph(title, style="TOC Heading")
    heading.paragraph_format.page_break_before = True
    heading.paragraph_format.keep_with_next = True
    entries = headings_of(blocks)
    first = document.add_paragraph()
    _field(first, "begin")
    _field(first, "instr", ' TOC \\o "1-2" \\h \\z \\u ')
    _field(first, "separate")
    if not entries:
        first.add_run("")
    for index, block in enumerate(entries):
        paragraph = first if index == 0 else document.add_paragraph()
        style = "TOC 1" if block.kind == "h1" else "TOC 2"
        paragraph.style = document.styles[style]
        paragraph.add_run(block.text)
    last = document.paragraphs[-1]
    _field(last, "end")
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _ensure_toc_styles(document: DocumentObject) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    for level in (1, 2):
        name = f"TOC {level}"
        if name not in document.styles:
            style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = document.styles["Normal"]
            style.paragraph_format.left_indent = Pt(12 * (level - 1))
            style.paragraph_format.space_after = Pt(2)


def render_docx(blocks: Sequence[Block], context: ReportContext) -> bytes:
    """A Word document of the outline."""
    document = Document()
    document.core_properties.title = context.title
    document.core_properties.language = context.language
    document.core_properties.author = ""
    normal = document.styles["Normal"].element.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), context.language)
    normal.append(language)
    _ensure_toc_styles(document)
    levels = {"h1": 1, "h2": 2, "h3": 3}
    page_break = False
    title_page = any(b.kind == "toc" for b in blocks)
    for block in blocks:
        if block.kind == "break":
            page_break = True
            continue
        if block.kind == "toc":
            _table_of_contents(document, block.text, blocks)
            title_page = False
            continue
        if block.kind == "title":
            paragraph = document.add_heading(block.text, level=0)
        elif block.kind in levels and title_page:
            # The title page's own headings stay out of the table of contents.
            paragraph = document.add_paragraph()
            run = paragraph.add_run(block.text)
            run.bold = True
            run.font.size = Pt(14 if block.kind == "h2" else 12)
            _detail(paragraph, block.detail, new_line=False)
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.space_before = Pt(10)
        elif block.kind in levels:
            paragraph = document.add_heading(block.text, level=levels[block.kind])
            if block.key:
                paragraph.add_run(" ★")
            _detail(paragraph, block.detail, new_line=False)
            paragraph.paragraph_format.keep_with_next = True
        elif block.kind == "quote":
            paragraph = document.add_paragraph(f"“{block.text}”", style="Quote")
            _detail(paragraph, block.detail)
            paragraph.paragraph_format.keep_together = True
        elif block.kind == "item":
            paragraph = document.add_paragraph(block.text, style="List Bullet")
            _detail(paragraph, block.detail)
        elif block.kind == "meta":
            paragraph = document.add_paragraph()
            run = paragraph.add_run(block.text)
            run.font.size = Pt(9)
            run.font.color.rgb = GREY
            paragraph.paragraph_format.keep_with_next = True
        else:
            paragraph = document.add_paragraph(block.text)
        paragraph.paragraph_format.widow_control = True
        if page_break:
            paragraph.paragraph_format.page_break_before = True
            page_break = False
        _direction(paragraph, block.text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
