"""The benchmark's reader of Pol.is conversations (benchmarks/synthesis_polis.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from benchmarks import synthesis_polis as polis

HEADER = [
    "timestamp",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
]


def _conversation(root: Path, name: str, rows: list[tuple[str, str, str]]) -> None:
    """rows: (comment-id, moderated, text), written as a Pol.is comments.csv."""
    (root / name).mkdir()
    with (root / name / "comments.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for comment, moderated, text in rows:
            writer.writerow(["0", comment, "1", "3", "0", moderated, text])


def test_comments_moderated_out_or_said_in_two_conversations_are_left_out(
    tmp_path: Path,
) -> None:
    _conversation(
        tmp_path,
        "parks",
        [
            ("1", "1", "More benches in the park"),
            ("2", "-1", "spam spam"),
            ("3", "0", "Plant trees along the paths"),
            ("4", "1", "I live in a city"),
            ("5", "1", "   "),
        ],
    )
    _conversation(
        tmp_path,
        "buses",
        [("1", "1", "Buses every ten minutes"), ("2", "1", "I live in a city!")],
    )
    loaded = polis.load(tmp_path)
    assert {name: [r["comment-id"] for r in rows] for name, rows in loaded.items()} == {
        "buses": ["1"],
        "parks": ["1", "3"],
    }


def test_a_table_draws_the_same_number_from_each_conversation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(polis, "PER_CONVERSATION", 3)
    _conversation(tmp_path, "a", [(str(i), "1", f"first {i}") for i in range(6)])
    _conversation(tmp_path, "b", [(str(i), "1", f"second {i}") for i in range(2)])
    conversations = polis.load(tmp_path)
    notes, truth = polis.table(conversations, ("a", "b"), seed=0)
    assert sorted(truth.values()) == ["a", "a", "a", "b", "b"]
    assert len({n.note_id for n in notes}) == 5
    assert [n.note_id for n in notes] == [
        n.note_id for n in polis.table(conversations, ("a", "b"), 0)[0]
    ]
    assert all(n.votes == 3 for n in notes)


def test_mixes_are_capped_and_spread_over_all_conversations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(polis, "MAX_MIXES", 4)
    names = ["a", "b", "c", "d", "e"]
    chosen = polis.mixes(names, 2)
    assert len(chosen) == 4 and len(set(chosen)) == 4
    assert {n for mix in chosen for n in mix} == set(names)
    assert polis.mixes(names[:3], 2) == [("a", "b"), ("a", "c"), ("b", "c")]


def test_the_folder_is_read_only_when_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WORLDCAFE_POLIS_DATA", raising=False)
    assert polis.folder() is None
    monkeypatch.setenv("WORLDCAFE_POLIS_DATA", str(tmp_path / "missing"))
    assert polis.folder() is None
    monkeypatch.setenv("WORLDCAFE_POLIS_DATA", str(tmp_path))
    assert polis.folder() == tmp_path
