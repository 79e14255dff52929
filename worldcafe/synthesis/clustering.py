"""Grouping related notes: bisecting k-means on their feature vectors (features.py).

Bisecting k-means on the unit vectors groups the notes top down: the loosest cluster (largest
sum of squared distances to its centre) is split in two by 2-means until there are enough
clusters. Each level refines the one above it, so the broad divide the first splits find (two
conversations at one table, say) is never cut across again, as flat k-means does when it
places many small centres at once. Clusters far larger than the others are split again, so
no catch-all remains.
"""

from __future__ import annotations

import importlib
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from sklearn.cluster import KMeans

from .features import Features, _unit_rows, note_features, note_vectors

__all__ = [
    "Features",
    "cluster_count",
    "cluster_notes",
    "link_clusters",
    "note_features",
    "note_vectors",
]

MAX_CLUSTERS = 30
LINK_COHESION = 0.5
SPLIT_FACTOR = 3.0


@contextmanager
def single_threaded() -> Iterator[None]:
    """Run numeric libraries on one thread: small matrices lose more to thread start-up."""
    try:
        controller = importlib.import_module("threadpoolctl")
    except ImportError:
        yield
        return
    with controller.threadpool_limits(limits=1):
        yield


def cluster_count(n: int) -> int:
    """How many clusters for n notes: about √n, at most 30, at most half the notes."""
    if n <= 2:
        return 1
    return max(1, min(MAX_CLUSTERS, round(math.sqrt(n)), n // 2))


def _kmeans(vectors: np.ndarray, k: int) -> list[int]:
    model = KMeans(n_clusters=k, n_init=4, random_state=0)
    return [int(x) for x in model.fit_predict(vectors)]


def _lloyd(block: np.ndarray, squared: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, float]:
    """2-means iterations from a first split (True: second half); final split and its cost."""
    m = block.shape[0]
    total = block.sum(axis=0)
    for _ in range(100):
        count = int(labels.sum())
        if count in (0, m):
            return labels, math.inf
        second_sum = labels.astype(block.dtype) @ block
        first, second = (total - second_sum) / (m - count), second_sum / count
        margin = block @ (second - first) - 0.5 * float(second @ second - first @ first)
        moved = margin > 0.0
        if np.array_equal(moved, labels):
            break
        labels = moved
    count = int(labels.sum())
    if count in (0, m):
        return labels, math.inf
    second_sum = labels.astype(block.dtype) @ block
    first_sum = total - second_sum
    cost = float(squared.sum()) - float(first_sum @ first_sum) / (m - count)
    return labels, cost - float(second_sum @ second_sum) / count


def _two_means(block: np.ndarray, tries: int = 4) -> np.ndarray:
    """Halves of the rows (0 or 1 each) by 2-means, the best of several fixed starts.

    The first start cuts the rows across their main direction of spread (the leading
    principal axis); the others are seeded k-means++ starts. A small 2-means of its own:
    splitting one cluster in two is done many times per table, and a general k-means call
    costs more in set-up than in arithmetic for such small blocks. With two centres a row
    goes to the second when it lies beyond the plane halfway between them.
    """
    m = block.shape[0]
    squared = np.einsum("ij,ij->i", block, block)
    centred = block - block.mean(axis=0)
    if m < block.shape[1]:
        # The leading axis through the smaller Gram matrix: the same projections, faster.
        _, gram_axes = np.linalg.eigh(centred @ centred.T)
        projection = gram_axes[:, -1]
    else:
        _, axes = np.linalg.eigh(centred.T @ centred)
        projection = centred @ axes[:, -1]
    starts = [projection > 0.0]
    rng = np.random.default_rng(0)
    for _ in range(tries - 1):
        first = block[int(rng.integers(m))]
        gaps = np.maximum(squared - 2.0 * (block @ first) + float(first @ first), 0.0)
        if float(gaps.sum()) <= 0.0:
            break
        second = block[int(rng.choice(m, p=gaps / gaps.sum()))]
        starts.append(block @ (second - first) > 0.5 * float(second @ second - first @ first))
    best = np.zeros(m, dtype=bool)
    best_cost = math.inf
    for start in starts:
        labels, cost = _lloyd(block, squared, start)
        if cost < best_cost - 1e-9:
            best, best_cost = labels, cost
    return best.astype(np.int64)


def _spread(block: np.ndarray) -> float:
    """Sum of squared distances of rows to their mean: how loose a cluster is."""
    return float(np.sum((block - block.mean(axis=0)) ** 2))


def _bisecting_kmeans(vectors: np.ndarray, k: int) -> list[int]:
    """k clusters, top down: split the loosest cluster in two by 2-means, again and again.

    A cluster whose rows are all alike is never split; fewer than k clusters come back when
    no other cluster can be split. Ties go to the cluster made first, so the result is fixed.
    """
    n = vectors.shape[0]
    members: list[np.ndarray] = [np.arange(n)]
    spread = [_spread(vectors)]
    splittable = [True]
    while len(members) < k:
        candidates = [i for i, ok in enumerate(splittable) if ok and len(members[i]) >= 2]
        if not candidates:
            break
        chosen = max(candidates, key=lambda i: (round(spread[i], 9), -i))
        rows = members[chosen]
        block = vectors[rows]
        if len(np.unique(np.round(block, 6), axis=0)) < 2:
            splittable[chosen] = False
            continue
        halves = _two_means(block)
        first, second = rows[halves == 0], rows[halves == 1]
        if len(second) == 0:
            splittable[chosen] = False
            continue
        members[chosen] = first
        spread[chosen] = _spread(vectors[first])
        members.append(second)
        spread.append(_spread(vectors[second]))
        splittable.append(True)
    labels = np.zeros(n, dtype=int)
    for index, rows in enumerate(members):
        labels[rows] = index
    return [int(x) for x in labels]


def _split_oversized(vectors: np.ndarray, labels: list[int]) -> list[int]:
    """Split clusters over SPLIT_FACTOR times the median size in two, until none is.

    The median is taken once, before any split: small halves must not lower the bar for
    the next split, or one pass could cut a table into crumbs.
    """
    labels = list(labels)
    sizes = Counter(labels)
    limit = max(8.0, SPLIT_FACTOR * float(np.median(list(sizes.values()))))
    for _ in range(MAX_CLUSTERS):
        sizes = Counter(labels)
        if len(sizes) >= MAX_CLUSTERS:
            break
        biggest, size = min(sizes.items(), key=lambda item: (-item[1], item[0]))
        if size <= limit:
            break
        members = [i for i, label in enumerate(labels) if label == biggest]
        block = vectors[members]
        if len(np.unique(np.round(block, 6), axis=0)) < 2:
            break
        halves = _two_means(block)
        if not halves.any():
            break
        fresh = max(labels) + 1
        for i, half in zip(members, halves, strict=True):
            if half == 1:
                labels[i] = fresh
    return labels


def cluster_notes(
    vectors: np.ndarray, groups: Sequence[Sequence[int]] = (), k: int | None = None
) -> list[int]:
    """Cluster index per row; rows of one group (duplicates) always share a cluster."""
    n = vectors.shape[0]
    if n == 0:
        return []
    k = cluster_count(n) if k is None else max(1, min(k, n))
    k = min(k, len(np.unique(np.round(vectors, 6), axis=0)))
    if k == 1 or not np.any(vectors):
        labels = [0] * n
    else:
        labels = _split_oversized(vectors, _bisecting_kmeans(vectors, k))
    for group in groups:
        winner = Counter(labels[i] for i in group).most_common(1)[0][0]
        for i in group:
            labels[i] = winner
    return _renumber(labels)


def _renumber(labels: Sequence[int]) -> list[int]:
    mapping: dict[int, int] = {}
    return [mapping.setdefault(label, len(mapping)) for label in labels]


def link_clusters(blocks: Sequence[np.ndarray], tables: Sequence[str] | None = None) -> list[int]:
    """Group clusters that say alike, given the note vectors of each; a group index each.

    Average linkage over notes: the mean similarity of all pairs of notes across two groups,
    not the similarity of their centres (the centres of loose clusters all lean towards the
    theme's mean). The most similar groups merge first, while their notes are on average at
    least LINK_COHESION times as similar as the notes within a typical cluster of a table are
    to each other: a bar taken from the clusters themselves, whatever the vectors' scale
    (clusters of one note each give none, and stay apart).
    Groups never hold two clusters of one table (a table's own clustering already kept those
    apart), so no catch-all forms.
    """
    m = len(blocks)
    if m < 2:
        return [0] * m
    units = [_unit_rows(np.asarray(block, dtype=float)) for block in blocks]
    totals = np.vstack([u.sum(axis=0) for u in units])
    sums = totals @ totals.T
    sizes = np.asarray([float(u.shape[0]) for u in units])
    own = np.asarray([float(np.einsum("ij,ij->", u, u)) for u in units])
    within = (np.diag(sums) - own)[sizes > 1] / (sizes * (sizes - 1))[sizes > 1]
    if not within.size:
        return list(range(m))  # no cluster of several notes to take the bar from
    bar = LINK_COHESION * float(np.median(within))
    owner = list(tables) if tables is not None else [str(i) for i in range(m)]
    names = sorted(set(owner))
    holds = np.zeros((m, len(names)), dtype=bool)
    for i, table in enumerate(owner):
        holds[i, names.index(table)] = True
    alive = np.ones(m, dtype=bool)
    members: list[list[int]] = [[i] for i in range(m)]
    while True:
        average = sums / np.outer(sizes, sizes)
        clash = (holds.astype(np.int32) @ holds.T.astype(np.int32)) > 0
        allowed = ~clash & np.outer(alive, alive)
        np.fill_diagonal(allowed, False)
        average = np.where(allowed, np.round(average, 9), -np.inf)
        flat = int(np.argmax(average))
        a, b = divmod(flat, m)
        if not (average[a, b] > 0.0 and average[a, b] >= bar):
            break
        a, b = min(a, b), max(a, b)
        sums[a, :] += sums[b, :]
        sums[:, a] += sums[:, b]
        sizes[a] += sizes[b]
        holds[a] |= holds[b]
        alive[b] = False
        sums[b, :] = 0.0
        sums[:, b] = 0.0
        holds[b] = False
        members[a].extend(members[b])
        members[b] = []
    labels = [0] * m
    for index, group in enumerate(g for g in members if g):
        for member in group:
            labels[member] = index
    return labels
