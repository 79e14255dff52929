"""The outline as a PDF (fpdf2): shaped text in every script the fonts folder covers.

Text is set ragged right (no justified gaps); a heading stays with what follows it, a short
block is never split, and a long one leaves at least two lines on each page (no orphans, no
widows). Characters no font has are printed as a visible replacement mark.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import MethodReturnValue
from fpdf.outline import OutlineSection

from .outline import Block, ReportContext

FONTS = Path(__file__).resolve().parent / "fonts"
MAIN = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FALLBACKS = {
    "arabic": {"": "NotoSansArabic-Regular.ttf", "B": "NotoSansArabic-Bold.ttf"},
    "hebrew": {"": "NotoSansHebrew-Regular.ttf"},
    "cjk": {"": "DroidSansFallback.ttf"},
    "emoji": {"": "NotoEmoji-Regular.ttf"},
}
MISSING = "\ufffd"
# Longer texts are cut in the PDF with a visible count of what is left out (the other formats
# hold every character); line breaking of one huge word would take quadratic time.
PDF_TEXT_LIMIT = 1500
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LTR = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")


_SHAPED = re.compile(
    "[\u0300-\u036f\u0590-\u08ff\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
    "\u200c\u200d\ufb1d-\ufdff\ufe00-\ufe0f\ufe70-\ufeff\U0001f3fb-\U0001f3ff]"
)


@lru_cache(maxsize=8)
def _cmap(name: str) -> frozenset[int]:
    with TTFont(FONTS / name, lazy=True) as font:
        return frozenset(font.getBestCmap())


@lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """Every code point some font of the folder can print."""
    points = _cmap(MAIN[""])
    for faces in FALLBACKS.values():
        points = points | _cmap(faces[""])
    return points


def fallbacks_for(texts: Sequence[str]) -> list[str]:
    """The fallback families some character of these texts needs (the main font lacks it)."""
    main = _cmap(MAIN[""])
    missing = {ord(c) for text in texts for c in text if ord(c) not in main}
    return [family for family, faces in FALLBACKS.items() if missing & _cmap(faces[""])]


def needs_shaping(text: str) -> bool:
    """Text whose letters join, reorder or combine (Arabic, Hebrew, marks, emoji sequences)."""
    return _SHAPED.search(text) is not None


def printable(text: str) -> str:
    """The text with every character no font has replaced by a visible mark."""
    fonts = covered()
    out = []
    for char in text:
        if ord(char) in fonts or char.isspace():
            out.append(char)
        elif unicodedata.category(char) in ("Cf", "Mn", "Me") or 0xFE00 <= ord(char) <= 0xFE0F:
            out.append(char)  # joiners, marks and variation selectors shape with their neighbours
        elif 0xE0020 <= ord(char) <= 0xE007F:
            continue  # emoji tag characters carry no glyph of their own
        else:
            out.append(MISSING)
    return "".join(out)


def shortened(text: str) -> str:
    """The text up to PDF_TEXT_LIMIT characters, then "… [+N]" for the rest."""
    if len(text) <= PDF_TEXT_LIMIT:
        return text
    return f"{text[:PDF_TEXT_LIMIT]} … [+{len(text) - PDF_TEXT_LIMIT}]"


def right_to_left(text: str) -> bool:
    """Mostly Arabic or Hebrew letters."""
    return len(_RTL.findall(text)) > len(_LTR.findall(text))


@dataclass(frozen=True)
class Style:
    size: float
    height: float
    bold: bool = False
    grey: bool = False
    indent: float = 0.0
    bar: bool = False
    space_before: float = 0.0
    space_after: float = 0.0


STYLES = {
    "title": Style(24, 10.5, bold=True, space_after=4),
    "h1": Style(18, 8, bold=True, space_after=3),
    "h2": Style(13.5, 6.5, bold=True, space_before=5, space_after=1.5),
    "h3": Style(11.5, 5.6, bold=True, space_before=3.5, space_after=0.6),
    "p": Style(10, 5, space_after=2),
    "meta": Style(8.5, 4.3, grey=True, space_after=2),
    "quote": Style(10.5, 5.4, indent=6, bar=True, space_before=1),
    "item": Style(10, 5, indent=5, space_before=0.6),
    "detail": Style(8, 4, grey=True, indent=6, space_after=1.2),
    "toc": Style(10, 5.5),
}


@dataclass(frozen=True)
class Row:
    """One printed line."""

    style: Style
    text: str
    align: str
    bullet: bool = False
    first: bool = False
    tail: str = ""
    tail_style: Style | None = None


class _Pdf(FPDF):
    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-13)
        self.set_font("main", size=8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, str(self.page_no()), align="C")
        self.set_text_color(0, 0, 0)


def _document(context: ReportContext, families: Sequence[str]) -> _Pdf:
    pdf = _Pdf(format="A4")
    pdf.set_title(context.title)
    pdf.set_lang(context.language)
    pdf.set_creator("worldcafe")
    for style, name in MAIN.items():
        pdf.add_font("main", style, str(FONTS / name))
    for family in families:
        for style, name in FALLBACKS[family].items():
            pdf.add_font(family, style, str(FONTS / name))
    if families:
        pdf.set_fallback_fonts(list(families), exact_match=False)
    pdf.set_auto_page_break(auto=False, margin=18)
    pdf.set_margins(22, 20, 22)
    return pdf


class _Layout:
    """Places rows on pages, keeping headings with their text and blocks whole."""

    def __init__(self, pdf: _Pdf) -> None:
        self.pdf = pdf
        self.width = pdf.w - pdf.l_margin - pdf.r_margin
        self.bottom = pdf.h - 20
        self.shaped = False

    def _font(self, style: Style) -> None:
        self.pdf.set_font("main", "B" if style.bold else "", style.size)

    def _shaping(self, text: str) -> None:
        shaped = needs_shaping(text)
        if shaped != self.shaped:
            self.pdf.set_text_shaping(shaped)
            self.shaped = shaped

    def rows(self, block: Block) -> list[Row]:
        kind = "p" if block.kind not in STYLES else block.kind
        style = STYLES[kind]
        text = printable(shortened(block.text))
        if block.kind == "quote" and not right_to_left(text):
            text = f"“{text}”"
        rows = self._wrap(style, text, bullet=block.kind == "item")
        if block.detail:
            detail_style = STYLES["detail"] if block.kind in ("quote", "item") else STYLES["meta"]
            if block.kind in ("h3", "h2"):
                detail_style = Style(9, 4.5, bold=True, grey=True, space_after=1)
            detail = printable(block.detail)
            tail = self._tail(rows[-1], detail_style, detail) if block.kind != "meta" else None
            if tail is not None:
                rows[-1] = tail
            else:
                rows.extend(self._wrap(detail_style, detail))
        return rows

    def _tail(self, row: Row, style: Style, text: str) -> Row | None:
        """The last line with the detail set after it, when both fit on one line."""
        if row.align != "L" or needs_shaping(row.text + text):
            return None
        self._font(row.style)
        used = self.pdf.get_string_width(row.text)
        self._font(style)
        room = self.width - row.style.indent - used - 3
        if self.pdf.get_string_width(text) > room:
            return None
        tail_style = Style(style.size, row.style.height, grey=True, bold=style.bold)
        return Row(row.style, row.text, row.align, row.bullet, row.first, text, tail_style)

    def _wrap(self, style: Style, text: str, *, bullet: bool = False) -> list[Row]:
        self._font(style)
        width = self.width - style.indent
        self._shaping(text)
        result = self.pdf.multi_cell(
            width, style.height, text, align="L", dry_run=True, output=MethodReturnValue.LINES
        )
        lines = [str(line) for line in result] if isinstance(result, list) else []
        align = "R" if right_to_left(text) else "L"
        return [
            Row(style, line, align, bullet=bullet and i == 0, first=i == 0)
            for i, line in enumerate(lines or [""])
        ]

    @staticmethod
    def height(rows: Sequence[Row]) -> float:
        total = 0.0
        for row in rows:
            total += row.style.height
            if row.first:
                total += row.style.space_before
        return total + (rows[-1].style.space_after if rows else 0)

    def space(self) -> float:
        return self.bottom - self.pdf.get_y()

    def place(
        self, rows: list[Row], keep: float, *, splittable: bool, section: tuple[str, int] | None
    ) -> None:
        """Print rows; ``keep`` is the height of what must follow on the same page; a section
        (heading, level) becomes a bookmark and an entry of the contents."""
        if not rows:
            return
        needed = self.height(rows) + keep
        if needed > self.space() and self.pdf.get_y() > self.pdf.t_margin + 0.1:
            if splittable and len(rows) >= 4:
                self._split(rows, keep)
                return
            self.pdf.add_page()
        if section is not None:
            self.pdf.start_section(section[0], level=section[1], strict=False)
        self._print(rows)

    def _split(self, rows: list[Row], keep: float) -> None:
        fit = 0
        while fit < len(rows) and self.height(rows[: fit + 1]) <= self.space():
            fit += 1
        if fit < 2:
            self.pdf.add_page()
            self.place(rows, keep, splittable=True, section=None)
            return
        fit = min(fit, len(rows) - 2)
        self._print(rows[:fit], end=False)
        self.pdf.add_page()
        self.place(rows[fit:], keep, splittable=True, section=None)

    def _print(self, rows: Sequence[Row], *, end: bool = True) -> None:
        pdf = self.pdf
        for row in rows:
            style = row.style
            if row.first and pdf.get_y() > pdf.t_margin + 0.1:
                pdf.ln(style.space_before)
            self._font(style)
            pdf.set_text_color(*((95, 95, 95) if style.grey else (0, 0, 0)))
            x = pdf.l_margin + style.indent
            if row.bullet:
                pdf.set_xy(pdf.l_margin + 1, pdf.get_y())
                pdf.cell(4, style.height, "•")
            if style.bar:
                pdf.set_draw_color(170, 170, 170)
                pdf.set_line_width(0.6)
                y = pdf.get_y()
                pdf.line(pdf.l_margin + 2, y + 0.4, pdf.l_margin + 2, y + style.height - 0.2)
            pdf.set_xy(x, pdf.get_y())
            self._shaping(row.text)
            if row.tail and row.tail_style is not None:
                pdf.cell(pdf.get_string_width(row.text) + 3, style.height, row.text)
                self._font(row.tail_style)
                pdf.set_text_color(95, 95, 95)
                pdf.cell(0, style.height, row.tail)
            else:
                pdf.cell(self.width - style.indent, style.height, row.text, align=row.align)
            pdf.ln(style.height)
        if end and rows:
            pdf.ln(rows[-1].style.space_after)
        pdf.set_text_color(0, 0, 0)


def _keep_height(layout: _Layout, following: Sequence[list[Row]]) -> float:
    """What a heading needs below it: the next block whole if short, else its first two lines."""
    if not following or not following[0]:
        return 0.0
    rows = following[0]
    return layout.height(rows if len(rows) <= 4 else rows[:2])


def _contents(title: str) -> Callable[[FPDF, list[OutlineSection]], None]:
    """Prints the contents: every theme and table with its page number."""

    def render(pdf: FPDF, outline: list[OutlineSection]) -> None:
        width = pdf.w - pdf.l_margin - pdf.r_margin
        pdf.set_x(pdf.l_margin)
        pdf.set_font("main", "B", 18)
        pdf.cell(width, 10, printable(title))
        pdf.ln(14)
        for section in outline:
            indent = 6.0 * section.level
            pdf.set_font(
                "main", "B" if section.level == 0 else "", 11 if section.level == 0 else 10
            )
            if section.level == 0:
                pdf.ln(2)
            pdf.set_x(pdf.l_margin + indent)
            pdf.set_text_shaping(needs_shaping(section.name))
            pdf.cell(width - indent - 14, 6, section.name)
            pdf.cell(14, 6, str(section.page_number), align="R")
            pdf.ln(6)
        pdf.set_text_shaping(False)

    return render


def render_pdf(blocks: Sequence[Block], context: ReportContext) -> bytes:
    """A PDF of the outline, with embedded fonts."""
    texts = [b.text + b.detail for b in blocks] + [context.title]
    pdf = _document(context, fallbacks_for(texts))
    pdf.add_page()
    layout = _Layout(pdf)
    pdf.ln(30)
    prepared: list[tuple[Block, list[Row]]] = []
    for block in blocks:
        if block.kind in ("break", "toc"):
            prepared.append((block, []))
        else:
            prepared.append((block, layout.rows(block)))
    after_contents = False
    listed = not any(b.kind == "toc" for b in blocks)
    for index, (block, rows) in enumerate(prepared):
        if block.kind == "break":
            if not after_contents:
                pdf.add_page()
            after_contents = False
            continue
        if block.kind == "toc":
            entries = sum(1 for b in blocks if b.kind in ("h1", "h2"))
            pdf.add_page()
            pdf.insert_toc_placeholder(_contents(block.text), pages=1 + entries // 42)
            after_contents = listed = True
            continue
        after_contents = False
        keep = 0.0
        if block.kind in ("title", "h1", "h2", "h3", "meta"):
            after = [r for b, r in prepared[index + 1 : index + 3] if b.kind != "break"]
            keep = _keep_height(layout, after)
            if (
                block.kind in ("h1", "h2", "h3")
                and len(after) > 1
                and prepared[index + 1][0].kind == "meta"
            ):
                keep += _keep_height(layout, after[1:])
        levels = {"h1": 0, "h2": 1}
        section = None
        if listed and block.kind in levels:
            section = (printable(block.text), levels[block.kind])
        layout.place(rows, keep, splittable=block.kind in ("p", "quote", "item"), section=section)
    return bytes(pdf.output())
