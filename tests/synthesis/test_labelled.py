"""The hand-labelled German and English notes: groups, duplicates, negations and numbers."""

from __future__ import annotations

from collections import Counter
from typing import Any

from worldcafe.synthesis import Note, synthesize


def test_groups_are_recovered_at_every_table(
    labelled: dict[str, Any], labelled_notes: list[Note]
) -> None:
    group = {n["note_id"]: n["group"] for n in labelled["notes"]}
    s = synthesize(labelled_notes)
    for table in s.tables:
        majority = sum(
            Counter(group[i] for i in c.notes).most_common(1)[0][1] for c in table.clusters
        )
        assert majority / table.note_count >= 0.75, table.table
        assert 3 <= len(table.clusters) <= 8


def test_duplicate_pairs_are_found(labelled: dict[str, Any], labelled_notes: list[Note]) -> None:
    s = synthesize(labelled_notes)
    groups = [set(g) for t in s.tables for g in t.duplicates]
    for first, second in labelled["duplicates"]:
        assert any({first, second} <= g for g in groups), (first, second)


def test_notes_differing_in_a_number_or_negation_are_not_duplicates(
    labelled: dict[str, Any], labelled_notes: list[Note]
) -> None:
    s = synthesize(labelled_notes)
    groups = [set(g) for t in s.tables for g in t.duplicates]
    for first, second in labelled["different"]:
        assert not any({first, second} <= g for g in groups), (first, second)


def test_duplicates_found_are_true_pairs(
    labelled: dict[str, Any], labelled_notes: list[Note]
) -> None:
    s = synthesize(labelled_notes)
    expected = [set(pair) for pair in labelled["duplicates"]]
    for table in s.tables:
        for found in table.duplicates:
            assert set(found) in expected


def test_languages_are_detected(labelled_notes: list[Note]) -> None:
    s = synthesize(labelled_notes)
    assert {s.languages[n.note_id] for n in labelled_notes if n.table == "de-1"} == {"de"}
    assert {s.languages[n.note_id] for n in labelled_notes if n.table == "en-1"} == {"en"}
