"""Harvest of a café: duplicates, clusters, labels and ranking of notes, and their exports.

Pure: no web framework, no database, no other worldcafe modules.

The names below load with their own module on first use: a process that only reads a made
synthesis (its data classes, the plenary points) never loads numpy's neighbours scikit-learn
and SciPy, the sentence model or the document renderers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .curation import Curation
    from .notes import Note, NotesError, parse_notes, read_notes
    from .pipeline import synthesize
    from .plenary import theme_points
    from .report import FORMATS, ReportContext, render, synthesis_json
    from .result import (
        Cluster,
        Point,
        Summary,
        Synthesis,
        TableSynthesis,
        ThemeSynthesis,
        summary_json,
        synthesis_to_json,
    )
    from .semantic import DiskCache, encode, vector_from_bytes, vector_to_bytes

_HOMES = {
    "Curation": "curation",
    "Note": "notes",
    "NotesError": "notes",
    "parse_notes": "notes",
    "read_notes": "notes",
    "synthesize": "pipeline",
    "theme_points": "plenary",
    "FORMATS": "report",
    "ReportContext": "report",
    "render": "report",
    "synthesis_json": "report",
    "Cluster": "result",
    "Point": "result",
    "Summary": "result",
    "Synthesis": "result",
    "TableSynthesis": "result",
    "ThemeSynthesis": "result",
    "summary_json": "result",
    "synthesis_to_json": "result",
    "DiskCache": "semantic",
    "encode": "semantic",
    "vector_from_bytes": "semantic",
    "vector_to_bytes": "semantic",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "FORMATS",
    "Cluster",
    "Curation",
    "DiskCache",
    "Note",
    "NotesError",
    "Point",
    "ReportContext",
    "Summary",
    "Synthesis",
    "TableSynthesis",
    "ThemeSynthesis",
    "encode",
    "parse_notes",
    "read_notes",
    "render",
    "summary_json",
    "synthesis_json",
    "synthesis_to_json",
    "synthesize",
    "theme_points",
    "vector_from_bytes",
    "vector_to_bytes",
]
