"""The synthesis as data, and its JSON form (the contract of `--format json`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .notes import Note


@dataclass(frozen=True)
class Cluster:
    """Related notes of a table, or of a theme across its tables."""

    id: str
    label: str
    keyphrases: tuple[str, ...]
    notes: tuple[str, ...]
    representative: str
    support: int
    votes: int
    rounds: tuple[int, ...]
    tables: tuple[str, ...]
    weight: float
    key: bool = False
    renamed: bool = False


@dataclass(frozen=True)
class Point:
    """One idea several notes share, for the plenary: a grounded title, quotes and support.

    `notes` are the notes of the idea (`support` is these notes plus their votes, the same
    figure wherever the point is shown); `dissent` are those of them that take the opposite
    position, marked rather than merged; `quotes` are 1-3 of the others.
    """

    title: str
    language: str
    notes: tuple[str, ...]
    quotes: tuple[str, ...]
    tables: tuple[str, ...]
    rounds: tuple[int, ...]
    questions: tuple[str, ...]
    languages: tuple[str, ...]
    support: int
    votes: int
    key: bool = False
    dissent: tuple[str, ...] = ()
    cluster: str = ""
    renamed: bool = False

    @property
    def cross_table(self) -> bool:
        """The idea came up at more than one table."""
        return len(self.tables) > 1

    @property
    def cross_language(self) -> bool:
        """The idea was written in more than one language."""
        return len(self.languages) > 1


@dataclass(frozen=True)
class Summary:
    """The plenary layer of a table or a theme: at most seven points, strongest first."""

    points: tuple[Point, ...] = ()


@dataclass(frozen=True)
class TableSynthesis:
    """What one table said: its clusters, strongest first, and its duplicate groups."""

    table: str
    theme: str
    note_count: int
    clusters: tuple[Cluster, ...]
    duplicates: tuple[tuple[str, ...], ...]
    hidden: tuple[str, ...] = ()
    rounds: tuple[int, ...] = ()
    summary: Summary = Summary()


@dataclass(frozen=True)
class ThemeSynthesis:
    """A theme's clusters across its tables, ranked by support normalised per table."""

    theme: str
    tables: tuple[str, ...]
    clusters: tuple[Cluster, ...]
    summary: Summary = Summary()


@dataclass(frozen=True)
class Synthesis:
    """The harvest of a café: per table and per theme."""

    tables: tuple[TableSynthesis, ...]
    themes: tuple[ThemeSynthesis, ...]
    notes: dict[str, Note] = field(default_factory=dict)
    languages: dict[str, str] = field(default_factory=dict)
    language: str = "en"

    def cluster_of(self, note_id: str) -> Cluster | None:
        """The table cluster holding a note (None when hidden or unknown)."""
        for table in self.tables:
            for cluster in table.clusters:
                if note_id in cluster.notes:
                    return cluster
        return None


def _cluster_json(cluster: Cluster, s: Synthesis) -> dict[str, Any]:
    provenance = []
    for note_id in cluster.notes:
        note = s.notes[note_id]
        provenance.append(
            {"note": note_id, "table": note.table, "round": note.round, "question": note.question}
        )
    return {
        "id": cluster.id,
        "label": cluster.label,
        "keyphrases": list(cluster.keyphrases),
        "notes": list(cluster.notes),
        "representative": cluster.representative,
        "representative_text": s.notes[cluster.representative].text,
        "support": cluster.support,
        "note_count": len(cluster.notes),
        "votes": cluster.votes,
        "rounds": list(cluster.rounds),
        "tables": list(cluster.tables),
        "weight": cluster.weight,
        "key": cluster.key,
        "renamed": cluster.renamed,
        "provenance": provenance,
    }


def point_json(point: Point, s: Synthesis) -> dict[str, Any]:
    """A point as the contract's object, with extra keys (texts, rounds, flags, dissent)."""
    return {
        "title": point.title,
        "language": point.language,
        "notes": list(point.notes),
        "quotes": list(point.quotes),
        "quote_texts": [s.notes[i].text for i in point.quotes],
        "tables": list(point.tables),
        "rounds": list(point.rounds),
        "questions": list(point.questions),
        "languages": list(point.languages),
        "support": point.support,
        "votes": point.votes,
        "note_count": len(point.notes),
        "key": point.key,
        "renamed": point.renamed,
        "cross_table": point.cross_table,
        "cross_language": point.cross_language,
        "dissent": list(point.dissent),
        "cluster": point.cluster,
    }


def summary_json(summary: Summary, s: Synthesis) -> dict[str, Any]:
    """`{"points": [...]}` of a table or a theme."""
    return {"points": [point_json(p, s) for p in summary.points]}


def synthesis_to_json(s: Synthesis, *, anonymise: bool = False) -> dict[str, Any]:
    """The contracts.md shape, with extra keys (ids, votes, tables, key, provenance, notes)."""
    cluster_of: dict[str, str] = {}
    for table in s.tables:
        for cluster in table.clusters:
            for note_id in cluster.notes:
                cluster_of[note_id] = cluster.id
    notes = []
    for note in s.notes.values():
        item: dict[str, Any] = {
            "note_id": note.note_id,
            "table": note.table,
            "theme": note.theme,
            "round": note.round,
            "question": note.question,
            "votes": note.votes,
            "language": note.language or s.languages.get(note.note_id),
            "text": note.text,
            "cluster": cluster_of.get(note.note_id),
            "hidden": note.note_id not in cluster_of,
        }
        if note.author and not anonymise:
            item["author"] = note.author
        notes.append(item)
    return {
        "tables": [
            {
                "table": table.table,
                "theme": table.theme,
                "note_count": table.note_count,
                "rounds": list(table.rounds),
                "clusters": [_cluster_json(c, s) for c in table.clusters],
                "duplicates": [list(group) for group in table.duplicates],
                "hidden": list(table.hidden),
                "summary": summary_json(table.summary, s),
            }
            for table in s.tables
        ],
        "themes": [
            {
                "theme": theme.theme,
                "tables": list(theme.tables),
                "clusters": [_cluster_json(c, s) for c in theme.clusters],
                "summary": summary_json(theme.summary, s),
            }
            for theme in s.themes
        ],
        "notes": notes,
        "language": s.language,
    }
