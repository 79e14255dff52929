"""Harvest of a café: duplicates, clusters, labels and ranking of notes, and their exports.

Pure: no web framework, no database, no other worldcafe modules.
"""

from .curation import Curation
from .notes import Note, NotesError, parse_notes, read_notes
from .pipeline import synthesize
from .plenary import theme_points
from .report import FORMATS, ReportContext, render, synthesis_json
from .result import Cluster, Synthesis, TableSynthesis, ThemeSynthesis, synthesis_to_json

__all__ = [
    "FORMATS",
    "Cluster",
    "Curation",
    "Note",
    "NotesError",
    "ReportContext",
    "Synthesis",
    "TableSynthesis",
    "ThemeSynthesis",
    "parse_notes",
    "read_notes",
    "render",
    "synthesis_json",
    "synthesis_to_json",
    "synthesize",
    "theme_points",
]
