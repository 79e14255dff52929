"""Real conversations mixed at one table: cluster purity per mix, beside two baselines.

Reads Pol.is exports from the folder WORLDCAFE_POLIS_DATA names: one folder per conversation,
each with its comments.csv as published in compdemocracy/openData (CC BY 4.0; the columns read
are comment-id, comment-body, moderated and agrees). Comments moderated out are left out, and
so are texts that occur in more than one conversation (the same demographic statement asked in
several: which conversation such a note belongs to is not known). Each table holds
PER_CONVERSATION comments of each conversation of a mix, drawn for SEEDS samples; the truth is
the conversation. Printed beside character TF-IDF + k-means and the shipped model's sentence
vectors + k-means at the same k, with how often a note's nearest note by sentence vector is of
its own conversation (what the vectors can tell at all).
"""

from __future__ import annotations

import csv
import itertools
import os
import random
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from benchmarks import synthesis_plenary as plenary
from worldcafe.synthesis import Note, synthesize

PER_CONVERSATION = 40
SEEDS = 3
MAX_MIXES = 6
SIZES = (2, 3, 4)
FIGURES = ("purity", "points", "char-TF-IDF", "sentence vectors", "nearest note")
_KEY = re.compile(r"\W+")
Rows = dict[str, list[dict[str, str]]]


def folder() -> Path | None:
    """The folder of Pol.is conversations, when WORLDCAFE_POLIS_DATA names one."""
    value = os.environ.get("WORLDCAFE_POLIS_DATA")
    return Path(value) if value and Path(value).is_dir() else None


def _key(text: str) -> str:
    return _KEY.sub(" ", text.casefold()).strip()


def _kept(row: dict[str, str]) -> bool:
    return (row.get("moderated") or "0").strip() != "-1" and bool(
        (row.get("comment-body") or "").strip()
    )


def load(root: Path) -> Rows:
    """Comments per conversation; those moderated out, or said in several, left out."""
    conversations: Rows = {}
    for path in sorted(root.glob("*/comments.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = [row for row in csv.DictReader(handle) if _kept(row)]
        if rows:
            conversations[path.parent.name] = rows
    said = Counter(
        key for rows in conversations.values() for key in {_key(r["comment-body"]) for r in rows}
    )
    return {
        name: [r for r in rows if said[_key(r["comment-body"])] == 1]
        for name, rows in conversations.items()
    }


def mixes(names: Sequence[str], size: int) -> list[tuple[str, ...]]:
    """At most MAX_MIXES mixes of `size` conversations, each next one of those least used yet."""
    every = list(itertools.combinations(sorted(names), size))
    chosen: list[tuple[str, ...]] = []
    used: Counter[str] = Counter()
    while len(chosen) < min(MAX_MIXES, len(every)):
        mix = min(
            (m for m in every if m not in chosen),
            key=lambda m: (sum(used[n] for n in m), max(used[n] for n in m)),
        )
        chosen.append(mix)
        used.update(mix)
    return chosen


def table(conversations: Rows, mix: Sequence[str], seed: int) -> tuple[list[Note], dict[str, str]]:
    """One table: PER_CONVERSATION comments of each conversation of the mix (all, if fewer)."""
    rng = random.Random(seed)
    notes: list[Note] = []
    truth: dict[str, str] = {}
    for name in mix:
        rows = conversations[name]
        for index, row in enumerate(rng.sample(rows, min(PER_CONVERSATION, len(rows)))):
            note_id = f"{name}~{row.get('comment-id') or index}"
            votes = int(row.get("agrees") or 0)
            notes.append(Note(note_id, "Table 1", "Mixed", row["comment-body"], votes=votes))
            truth[note_id] = name
    return notes, truth


def _figures(notes: list[Note], truth: dict[str, str]) -> tuple[list[float], int]:
    result = synthesize(notes).tables[0]
    clusters = [list(c.notes) for c in result.clusters]
    k = len(clusters)
    return [
        plenary._purity(clusters, truth),
        plenary._purity([list(p.notes) for p in result.summary.points], truth),
        plenary._purity(plenary._groups(plenary._baseline(notes, k)), truth),
        plenary._purity(plenary._groups(plenary._sentence_kmeans(notes, k)), truth),
        plenary._neighbours_agree(notes, truth),
    ], k


def bench_polis(root: Path, summary: list[str]) -> None:
    conversations = load(root)
    print(f"## Pol.is conversations mixed at one table ({root})")
    print("  usable comments: " + ", ".join(f"{n} {len(r)}" for n, r in conversations.items()))
    print(
        f"  {PER_CONVERSATION} comments per conversation, mean of {SEEDS} samples; truth = "
        "conversation; char-TF-IDF and sentence vectors with k-means at the same k"
    )
    for size in SIZES:
        if len(conversations) < size:
            break
        means: list[list[float]] = []
        for mix in mixes(list(conversations), size):
            runs = [_figures(*table(conversations, mix, seed)) for seed in range(SEEDS)]
            mean = [statistics.mean(r[0][i] for r in runs) for i in range(len(FIGURES))]
            means.append(mean)
            counts = [k for _, k in runs]
            print(
                f"  {' + '.join(mix)} (k {min(counts)}–{max(counts)}): purity {mean[0]:.3f}, "
                f"points {mean[1]:.3f}; char-TF-IDF {mean[2]:.3f}, sentence vectors {mean[3]:.3f}"
            )
        total = [statistics.mean(m[i] for m in means) for i in range(len(FIGURES))]
        line = (
            f"Pol.is mixes of {size} ({len(means)}): purity {total[0]:.3f}, points "
            f"{total[1]:.3f}; char-TF-IDF + k-means {total[2]:.3f}, sentence vectors + k-means "
            f"{total[3]:.3f}; nearest note in its conversation {total[4]:.2f}"
        )
        print(f"  {line}")
        summary.append(line)


__all__ = ["bench_polis", "folder", "load", "mixes", "table"]
