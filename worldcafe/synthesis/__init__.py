"""Harvest of a café: duplicates, clusters, labels and ranking of notes, and their exports.

Pure: no web framework, no database, no other worldcafe modules.
"""

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
