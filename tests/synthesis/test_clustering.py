"""Bisecting k-means: top-down splits that keep a table's broad divides intact."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from worldcafe.synthesis.clustering import (
    _bisecting_kmeans,
    _split_oversized,
    _two_means,
    cluster_count,
    cluster_notes,
    link_clusters,
    note_features,
    single_threaded,
)
from worldcafe.synthesis.normalise import analyse
from worldcafe.synthesis.semantic import encode

TOPICS = json.loads((Path(__file__).parent / "fixtures" / "topics.json").read_text("utf-8"))


def _topic_vectors(language: str) -> tuple[np.ndarray, list[str]]:
    texts: list[str] = []
    truth: list[str] = []
    for topic, notes in TOPICS[language].items():
        texts.extend(notes)
        truth.extend([topic] * len(notes))
    semantic = encode(texts)
    with single_threaded():
        return note_features([analyse(t, language) for t in texts], semantic).vectors, truth


def _purity(labels: Sequence[int], truth: Sequence[str]) -> float:
    groups: dict[int, list[str]] = {}
    for label, topic in zip(labels, truth, strict=True):
        groups.setdefault(label, []).append(topic)
    return sum(Counter(g).most_common(1)[0][1] for g in groups.values()) / len(truth)


def _blobs() -> np.ndarray:
    """Two tight groups of unit vectors far apart: rows 0-9 and rows 10-19."""
    rng = np.random.default_rng(3)
    first = np.array([1.0, 0.0, 0.0]) + 0.05 * rng.normal(size=(10, 3))
    second = np.array([0.0, 1.0, 0.0]) + 0.05 * rng.normal(size=(10, 3))
    rows = np.vstack([first, second])
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_two_means_splits_two_separate_groups() -> None:
    halves = _two_means(_blobs())
    assert len(set(halves[:10].tolist())) == 1
    assert len(set(halves[10:].tolist())) == 1
    assert halves[0] != halves[10]


def test_two_means_and_bisecting_are_deterministic() -> None:
    vectors, _ = _topic_vectors("de")
    assert _two_means(vectors).tolist() == _two_means(vectors.copy()).tolist()
    assert _bisecting_kmeans(vectors, 9) == _bisecting_kmeans(vectors.copy(), 9)


@pytest.mark.parametrize("language", ["de", "en"])
def test_each_level_refines_the_one_above(language: str) -> None:
    """A finer clustering only splits clusters of the coarser one, never cuts across them."""
    vectors, _ = _topic_vectors(language)
    coarse = _bisecting_kmeans(vectors, 2)
    for k in range(3, 12):
        fine = _bisecting_kmeans(vectors, k)
        assert len(set(fine)) == k
        for cluster in set(fine):
            assert len({coarse[i] for i, label in enumerate(fine) if label == cluster}) == 1
        coarse = fine


def test_identical_rows_are_never_split() -> None:
    rows = np.vstack([np.tile([1.0, 0.0], (6, 1)), np.tile([0.0, 1.0], (4, 1))])
    labels = _bisecting_kmeans(rows, 5)
    assert len(set(labels)) == 2
    assert len(set(labels[:6])) == 1 and len(set(labels[6:])) == 1
    assert _bisecting_kmeans(np.tile([0.6, 0.8], (5, 1)), 3) == [0] * 5


def test_oversized_clusters_are_split_and_the_others_kept() -> None:
    """Only clusters over three times the median size are split; the median is not lowered."""
    rng = np.random.default_rng(7)
    centres = np.eye(6)
    rows = [centres[c] + 0.02 * rng.normal(size=6) for c in range(4) for _ in range(10)]
    rows += [centres[4] + 0.02 * rng.normal(size=6) for _ in range(20)]
    rows += [centres[5] + 0.02 * rng.normal(size=6) for _ in range(20)]
    vectors = np.asarray(rows)
    labels = [i // 10 for i in range(40)] + [4] * 40
    split = _split_oversized(vectors, labels)
    sizes = sorted(Counter(split).values())
    assert sizes == [10, 10, 10, 10, 20, 20]
    assert split[:40] == labels[:40]
    assert len(set(split[40:60])) == 1 and len(set(split[60:])) == 1


@pytest.mark.parametrize("language", ["de", "en"])
def test_topics_are_kept_apart_in_clusters_of_a_useful_size(language: str) -> None:
    vectors, truth = _topic_vectors(language)
    with single_threaded():
        labels = cluster_notes(vectors)
    assert _purity(labels, truth) >= 0.7
    assert len(set(labels)) == cluster_count(len(truth))
    assert max(Counter(labels).values()) <= 0.25 * len(truth)


def test_two_broad_groups_stay_apart_at_a_fine_level() -> None:
    """Three topics against three others, as two conversations mixed into one table."""
    vectors, truth = _topic_vectors("en")
    first = set(list(TOPICS["en"])[:3])
    halves = ["first" if topic in first else "second" for topic in truth]
    assert _purity(cluster_notes(vectors), halves) >= 0.8


def test_cluster_count_is_about_the_square_root() -> None:
    assert [cluster_count(n) for n in (1, 2, 5, 36, 72, 300, 2000)] == [1, 1, 2, 6, 8, 17, 30]


def test_clusters_of_two_tables_on_one_matter_link_and_others_stay_apart() -> None:
    rng = np.random.default_rng(3)
    axes = np.eye(8)

    def cluster(axis: int, spread: float) -> np.ndarray:
        return axes[axis] + spread * rng.standard_normal((4, 8))

    # Tables a and b both speak of axes 0 and 1; table c of axis 2 alone.
    blocks = [cluster(0, 0.3), cluster(1, 0.3), cluster(0, 0.3), cluster(1, 0.3), cluster(2, 0.3)]
    labels = link_clusters(blocks, ["a", "a", "b", "b", "c"])
    assert labels[0] == labels[2] and labels[1] == labels[3]
    assert len({labels[0], labels[1], labels[4]}) == 3


def test_two_clusters_of_one_table_never_link() -> None:
    block = np.ones((3, 4))
    assert link_clusters([block, block], ["a", "a"]) == [0, 1]
    assert link_clusters([block, block], ["a", "b"]) == [0, 0]


def test_clusters_of_one_note_each_give_no_bar_and_stay_apart() -> None:
    rng = np.random.default_rng(5)
    blocks = [rng.standard_normal((1, 6)) for _ in range(4)]
    assert link_clusters(blocks, ["a", "b", "c", "d"]) == [0, 1, 2, 3]
