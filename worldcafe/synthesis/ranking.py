"""Support of clusters, and ranking normalised per table so small tables are heard."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .notes import Note, natural_key


def note_support(note: Note) -> int:
    """A note counts once, and once more for every vote it got."""
    return 1 + max(0, note.votes)


def support(note_ids: Iterable[str], notes: Mapping[str, Note]) -> int:
    """Notes plus their votes."""
    return sum(note_support(notes[i]) for i in note_ids)


def table_share(
    note_ids: Iterable[str], notes: Mapping[str, Note], totals: Mapping[str, int]
) -> float:
    """Sum over tables of the cluster's share of that table's support."""
    per_table: dict[str, int] = {}
    for note_id in note_ids:
        note = notes[note_id]
        per_table[note.table] = per_table.get(note.table, 0) + note_support(note)
    return sum(value / max(1, totals[table]) for table, value in per_table.items())


def normalised_support(weight: float, totals: Mapping[str, int]) -> int:
    """A share of tables expressed in the support of an average table of the theme."""
    if not totals:
        return 0
    return round(weight * sum(totals.values()) / len(totals))


def rank_key(
    support_value: float, count: int, first_note: str
) -> tuple[float, int, tuple[tuple[int, int | str], ...]]:
    """Sort key: strongest support first, then more notes, then by note id."""
    return (-support_value, -count, natural_key(first_note))


def sorted_ids(note_ids: Sequence[str]) -> list[str]:
    """Note ids in natural order."""
    return sorted(note_ids, key=natural_key)
