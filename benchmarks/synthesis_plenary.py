"""Held-out figures of the synthesis: cafés on other topics, translations, opposite positions,
plenary points and their titles, and speed with a cold and a warm vector cache.

Each figure is printed beside the baseline of character TF-IDF and k-means at the same k.
The notes are in benchmarks/data/heldout_cafes.json, written for this benchmark.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer

from worldcafe.synthesis import DiskCache, Note, Synthesis, semantic, synthesize

HELD_OUT = Path(__file__).resolve().parent / "data" / "heldout_cafes.json"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(HELD_OUT.read_text("utf-8"))
    return data


def _purity(groups: Sequence[Sequence[str]], truth: dict[str, str]) -> float:
    total = sum(len(g) for g in groups)
    right = sum(Counter(truth[i] for i in g).most_common(1)[0][1] for g in groups if g)
    return right / max(1, total)


def _baseline(notes: Sequence[Note], k: int) -> dict[str, int]:
    """Character TF-IDF and k-means: a cluster index per note."""
    matrix = TfidfVectorizer(analyzer="char", ngram_range=(2, 4), sublinear_tf=True)
    k = max(1, min(k, len(notes)))
    labels = KMeans(n_clusters=k, n_init=4, random_state=0).fit_predict(
        matrix.fit_transform([n.text for n in notes])
    )
    return {n.note_id: int(label) for n, label in zip(notes, labels, strict=True)}


def _groups(labels: dict[str, int]) -> list[list[str]]:
    found: dict[int, list[str]] = {}
    for note_id, label in labels.items():
        found.setdefault(label, []).append(note_id)
    return list(found.values())


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _grounded(s: Synthesis) -> tuple[int, int]:
    points = [p for t in [*s.tables, *s.themes] for p in t.summary.points]
    good = sum(
        _words(p.title) <= set().union(*(_words(s.notes[i].text) for i in p.notes))
        and len(p.title) <= 100
        for p in points
    )
    return good, len(points)


ORDERS = 5


def _cafe_notes(name: str, cafe: dict[str, Any], order: int) -> tuple[list[Note], dict[str, str]]:
    """A café's notes at one table, with ids in a shuffled order (order 0: as written)."""
    entries = [(c, t) for c, texts in cafe["conversations"].items() for t in texts]
    places = list(range(len(entries)))
    if order:
        random.Random(order).shuffle(places)
    notes: list[Note] = []
    truth: dict[str, str] = {}
    index = {c: 0 for c in cafe["conversations"]}
    for position, (conversation, text) in enumerate(entries):
        note_id = (
            f"{conversation}-{index[conversation]}" if not order else f"n{places[position]:03d}"
        )
        k = index[conversation]
        index[conversation] += 1
        votes = (k * 7) % 4
        notes.append(Note(note_id, "Table 1", name, text, round=1 + k % 3, votes=votes))
        truth[note_id] = conversation
    return notes, truth


def _sentence_kmeans(notes: Sequence[Note], k: int) -> dict[str, int]:
    """The shipped model's sentence vectors alone and k-means: a cluster index per note."""
    vectors = semantic.encode([n.text for n in notes])
    k = max(1, min(k, len(notes)))
    labels = KMeans(n_clusters=k, n_init=4, random_state=0).fit_predict(vectors)
    return {n.note_id: int(label) for n, label in zip(notes, labels, strict=True)}


def _neighbours_agree(notes: Sequence[Note], truth: dict[str, str]) -> float:
    """How often a note's nearest other note by sentence vector is of its own conversation:
    what the vectors can tell at all, whatever clusters are made of them."""
    vectors = semantic.encode([n.text for n in notes]).astype(np.float64)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -np.inf)
    nearest = similarity.argmax(axis=1)
    return statistics.mean(
        float(truth[n.note_id] == truth[notes[int(j)].note_id])
        for n, j in zip(notes, nearest, strict=True)
    )


def _chance(truth: dict[str, str]) -> float:
    """The same share for a nearest note drawn at random."""
    counts = Counter(truth.values())
    n = len(truth)
    return sum(c * (c - 1) for c in counts.values()) / max(1, n * (n - 1))


def _orders(name: str, cafe: dict[str, Any]) -> tuple[float, float, float, float]:
    """Mean cluster purity, point purity, baseline and sentence vectors with k-means over
    ORDERS note orders: a table of 32 notes moves by a tenth with the order of its notes."""
    ours, points, base, sentence = [], [], [], []
    for order in range(ORDERS):
        notes, truth = _cafe_notes(name, cafe, order)
        table = synthesize(notes, language=cafe["language"]).tables[0]
        clusters = [list(c.notes) for c in table.clusters]
        ours.append(_purity(clusters, truth))
        points.append(_purity([list(p.notes) for p in table.summary.points], truth))
        base.append(_purity(_groups(_baseline(notes, len(clusters))), truth))
        sentence.append(_purity(_groups(_sentence_kmeans(notes, len(clusters))), truth))
    return (
        statistics.mean(ours),
        statistics.mean(points),
        statistics.mean(base),
        statistics.mean(sentence),
    )


def bench_cafes(summary: list[str]) -> None:
    """Each held-out café at one table: purity against its conversations, points, titles."""
    data = _load()
    print("## Held-out cafés (own notes on other topics; all conversations at one table)")
    grounded = [0, 0]
    means: dict[str, list[tuple[float, float, float]]] = {}
    for name, cafe in data["cafes"].items():
        notes, truth = _cafe_notes(name, cafe, 0)
        s = synthesize(notes, language=cafe["language"])
        table = s.tables[0]
        clusters = [list(c.notes) for c in table.clusters]
        ours = _purity(clusters, truth)
        base = _purity(_groups(_baseline(notes, len(clusters))), truth)
        points = [list(p.notes) for p in table.summary.points]
        point_purity = _purity(points, truth)
        covered = sum(len(p) for p in points) / len(notes)
        good, total = _grounded(s)
        grounded[0] += good
        grounded[1] += total
        mean_ours, mean_points, mean_base, mean_sentence = _orders(name, cafe)
        agree = _neighbours_agree(notes, truth)
        kind = "mixed" if name.startswith("mixed") else cafe["language"]
        means.setdefault(kind, []).append(
            (mean_ours, mean_points, mean_base, mean_sentence, agree, _chance(truth))
        )
        print(
            f"  {name}: {len(notes)} notes, k={len(clusters)}: cluster purity {ours:.2f} "
            f"(baseline {base:.2f}); {len(points)} points, purity {point_purity:.2f}, "
            f"covering {covered:.0%} of notes"
        )
        print(
            f"    mean of {ORDERS} note orders: cluster purity {mean_ours:.2f} "
            f"(baseline {mean_base:.2f}; sentence vectors alone + k-means {mean_sentence:.2f}), "
            f"points purity {mean_points:.2f}"
        )
        print(
            f"    nearest note by sentence vector in the same conversation: {agree:.2f} "
            f"(chance {_chance(truth):.2f})"
        )
        for point in table.summary.points:
            print(f"    - {point.title} [{len(point.notes)} notes, support {point.support}]")
        summary.append(
            f"held-out {name}: cluster purity {ours:.2f} vs baseline {base:.2f}; "
            f"points purity {point_purity:.2f}"
        )
    for kind, values in means.items():
        clusters_mean, points_mean, base_mean, sentence_mean, agree_mean, chance_mean = (
            statistics.mean(v) for v in zip(*values, strict=True)
        )
        summary.append(
            f"held-out cafés {kind} ({len(values)}), mean of {ORDERS} orders: cluster purity "
            f"{clusters_mean:.2f} vs baseline {base_mean:.2f} (sentence vectors alone + "
            f"k-means {sentence_mean:.2f}); points purity {points_mean:.2f}; nearest note in "
            f"its conversation {agree_mean:.2f} (chance {chance_mean:.2f})"
        )
    share = grounded[0] / max(1, grounded[1])
    print(f"  titles drawn from their own notes: {grounded[0]}/{grounded[1]} ({share:.0%})")
    summary.append(f"titles drawn from their own notes: {share:.0%} ({grounded[1]} points)")


def bench_translations(summary: list[str]) -> None:
    """One idea in six languages: is each translation grouped with its English original?"""
    data = _load()
    notes: list[Note] = []
    for index, idea in enumerate(data["translations"]):
        for language, text in idea.items():
            notes.append(Note(f"i{index}-{language}", "Table 1", "Mixed", text, language=language))
    s = synthesize(notes, language="en")
    table = s.tables[0]
    cluster_of = {i: c.id for c in table.clusters for i in c.notes}
    group_of = {i: k for k, g in enumerate(table.duplicates) for i in g}
    base = _baseline(notes, len(table.clusters))
    total = same_cluster = same_group = base_same = 0
    for index, idea in enumerate(data["translations"]):
        original = f"i{index}-en"
        for language in idea:
            if language == "en":
                continue
            note_id = f"i{index}-{language}"
            total += 1
            same_cluster += cluster_of[note_id] == cluster_of[original]
            same_group += group_of.get(note_id, -1) == group_of.get(original, -2)
            base_same += base[note_id] == base[original]
    print("## Translations (8 ideas, each in en, de, fr, es, it and pl, at one table)")
    print(
        f"  translations in their original's cluster: {same_cluster}/{total} "
        f"({same_cluster / total:.0%}; baseline {base_same / total:.0%}); "
        f"marked as its duplicate: {same_group}/{total} ({same_group / total:.0%})"
    )
    summary.append(
        f"translations grouped with their original: {same_cluster / total:.0%} "
        f"(baseline {base_same / total:.0%}), as duplicates {same_group / total:.0%}"
    )


def bench_opposites(summary: list[str]) -> None:
    """Pairs that take opposite positions: how many end up as duplicates, or agreeing in a point."""
    data = _load()
    notes: list[Note] = []
    for index, (first, second) in enumerate(data["opposites"]):
        notes.append(Note(f"o{index}-a", "Table 1", "Opposites", first))
        notes.append(Note(f"o{index}-b", "Table 1", "Opposites", second))
    s = synthesize(notes, language="en")
    table = s.tables[0]
    group_of = {i: k for k, g in enumerate(table.duplicates) for i in g}
    agreeing: set[tuple[str, str]] = set()
    for point in table.summary.points:
        voices = [i for i in point.notes if i not in point.dissent]
        agreeing |= {(a, b) for a in voices for b in voices}
    base = _baseline(notes, len(table.clusters))
    n = len(data["opposites"])
    merged = sum(group_of.get(f"o{i}-a", -1) == group_of.get(f"o{i}-b", -2) for i in range(n))
    together = sum((f"o{i}-a", f"o{i}-b") in agreeing for i in range(n))
    base_merged = sum(base[f"o{i}-a"] == base[f"o{i}-b"] for i in range(n))
    print(f"## Opposite positions ({n} pairs: negation, contrast words, swapped order, verdicts)")
    print(
        f"  grouped as duplicates: {merged}/{n}; agreeing voices of one point: {together}/{n} "
        f"(baseline k-means puts {base_merged}/{n} in one cluster)"
    )
    summary.append(
        f"opposite pairs grouped as duplicates {merged}/{n}, as agreeing voices {together}/{n} "
        f"(baseline same cluster {base_merged}/{n})"
    )


def _timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def bench_speed(texts: Sequence[str], summary: list[str]) -> None:
    """About 2,500 notes with a cold vector cache (model load included), then warm."""
    notes = []
    for k in range(2500):
        text = texts[k % len(texts)]
        if k >= len(texts):
            text = f"{text} ({k // len(texts) + 1})"
        notes.append(Note(f"n{k}", f"t{k % 8}", f"Theme {k % 2}", text, round=1 + k % 3))
    with tempfile.TemporaryDirectory() as folder:
        semantic._MEMORY.clear()
        cold = _timed(lambda: synthesize(notes, embedder=DiskCache(Path(folder))))
        semantic._MEMORY.clear()
        warm = _timed(lambda: synthesize(notes, embedder=DiskCache(Path(folder))))
    stored = {
        n.note_id: v for n, v in zip(notes, semantic.encode([n.text for n in notes]), strict=True)
    }
    cafe = notes[:1000]
    # The app's harvest page: the café was harvested before its last note came in.
    synthesize(cafe[:-1], vectors=stored)
    harvest = _timed(lambda: synthesize(cafe, vectors=stored))
    lexical = _timed(lambda: synthesize(notes, semantic=False))
    print("## Speed")
    print(f"  2,500 notes, cold vector cache (model load included): {cold:.1f} s")
    print(f"  2,500 notes, warm vector cache: {warm:.1f} s (lexical only: {lexical:.1f} s)")
    print(
        f"  1,000 notes with their stored vectors, after the harvest before the last note "
        f"(the app's harvest page): {harvest:.1f} s"
    )
    summary.append(
        f"2,500 notes: cold {cold:.1f} s, warm {warm:.1f} s; 1,000 stored: {harvest:.1f} s"
    )


def heldout_texts() -> list[str]:
    """Every held-out note text, for timing runs without the shared data."""
    data = _load()
    texts = [t for c in data["cafes"].values() for v in c["conversations"].values() for t in v]
    texts += [t for idea in data["translations"] for t in idea.values()]
    return texts + [t for pair in data["opposites"] for t in pair]


__all__ = ["bench_cafes", "bench_opposites", "bench_speed", "bench_translations"]
