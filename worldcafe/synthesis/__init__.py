"""Harvest of a café: duplicates, clusters, labels and ranking of notes, and their exports.

Pure: no web framework, no database, no other worldcafe modules.
"""

from .curation import Curation
from .notes import Note, NotesError, parse_notes, read_notes
from .pipeline import synthesize
from .result import Cluster, Synthesis, TableSynthesis, ThemeSynthesis, synthesis_to_json

__all__ = [
    "Cluster",
    "Curation",
    "Note",
    "NotesError",
    "Synthesis",
    "TableSynthesis",
    "ThemeSynthesis",
    "parse_notes",
    "read_notes",
    "synthesis_to_json",
    "synthesize",
]
