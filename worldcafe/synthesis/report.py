"""Exports of a synthesis in every format: JSON, Markdown, CSV, DOCX and PDF."""

from __future__ import annotations

import json
from typing import Any

from .outline import ReportContext, ordered_themes, outline
from .plenary import point_json, table_points, theme_points
from .result import Synthesis, synthesis_to_json
from .text_exports import render_csv, render_markdown

FORMATS: tuple[str, ...] = ("json", "md", "csv", "docx", "pdf")


def synthesis_json(s: Synthesis, context: ReportContext) -> dict[str, Any]:
    """The JSON of contracts.md with the plenary layer in the café's theme order; a theme's
    points as curated (merges across tables, names, key points first)."""
    data = synthesis_to_json(s, anonymise=context.anonymise)
    for table in data["tables"]:
        if "summary" not in table:
            points = table_points(s, table["table"])
            table["summary"] = {"points": [point_json(p, s) for p in points]}
    order = {name: index for index, name in enumerate(ordered_themes(s, context))}
    data["themes"].sort(key=lambda t: order.get(t["theme"], len(order)))
    for theme in data["themes"]:
        if "summary" not in theme or context.curation:
            points = theme_points(s, theme["theme"], context.curation)
            theme["summary"] = {"points": [point_json(p, s) for p in points]}
    return data


def render(s: Synthesis, fmt: str, context: ReportContext | None = None) -> bytes:
    """The synthesis in one of FORMATS; raises ValueError on an unknown format."""
    context = context or ReportContext()
    if fmt == "json":
        data = synthesis_json(s, context)
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "md":
        return render_markdown(s, context).encode("utf-8")
    if fmt == "csv":
        return render_csv(s, context).encode("utf-8")
    if fmt == "docx":
        from .documents import render_docx

        return render_docx(outline(s, context), context)
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(outline(s, context), context)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "ReportContext", "render", "synthesis_json"]
