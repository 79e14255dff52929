"""DOCX (python-docx) and PDF (fpdf2, DejaVu Sans for every European script) documents."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .report import Block, ReportContext

FONTS = Path(__file__).resolve().parent / "fonts"


def render_docx(blocks: Sequence[Block], context: ReportContext) -> bytes:
    """A Word document of the outline."""
    document = Document()
    document.core_properties.title = context.title
    document.core_properties.language = context.language
    document.core_properties.author = ""
    levels = {"h1": 1, "h2": 2, "h3": 3}
    for block in blocks:
        if block.kind == "title":
            document.add_heading(block.text, level=0)
        elif block.kind in levels:
            document.add_heading(block.text, level=levels[block.kind])
        elif block.kind == "quote":
            document.add_paragraph(f"“{block.text}”", style="Quote")
        elif block.kind == "item":
            document.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "break":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            document.add_paragraph(block.text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        self.cell(0, 6, str(self.page_no()), align="C")


def render_pdf(blocks: Sequence[Block], context: ReportContext) -> bytes:
    """A PDF of the outline, with embedded DejaVu Sans."""
    pdf = _Pdf(format="A4")
    pdf.set_title(context.title)
    pdf.set_lang(context.language)
    pdf.set_creator("worldcafe")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    sizes = {"title": 22.0, "h1": 17.0, "h2": 14.0, "h3": 11.5}
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for block in blocks:
        if block.kind == "break":
            pdf.add_page()
            continue
        if block.kind in sizes:
            size = sizes[block.kind]
            if block.kind == "title":
                pdf.ln(60)
            else:
                pdf.ln(3 if block.kind == "h3" else 5)
            pdf.set_font("DejaVu", "B", size)
            pdf.multi_cell(width, size * 0.5, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
            continue
        pdf.set_font("DejaVu", "", 10)
        if block.kind == "quote":
            pdf.set_x(pdf.l_margin + 8)
            pdf.set_text_color(60, 60, 60)
            pdf.multi_cell(width - 8, 5.5, f"“{block.text}”", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_text_color(0, 0, 0)
            pdf.ln(1.5)
        elif block.kind == "item":
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(width - 4, 5, f"• {block.text}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            pdf.multi_cell(width, 5.5, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1.5)
    return bytes(pdf.output())
