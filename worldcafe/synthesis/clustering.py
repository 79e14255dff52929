"""Grouping related notes: latent semantic vectors of stems, compound parts and word pieces.

Features per note: TF-IDF of content stems, plus the parts of German-style compounds whose
parts occur as words of their own elsewhere ("Wohnbauförderung" also counts as "Wohnbau" and
"Förderung"), plus character n-grams of the words. Latent semantic analysis (truncated SVD)
smooths them into a few dozen dimensions. Bisecting k-means on the unit vectors groups the notes
top down: the loosest cluster (largest sum of squared distances to its centre) is split in two by
2-means until there are enough clusters. Each level refines the one above it, so the broad divide
the first splits find (two conversations at one table, say) is never cut across again, as flat
k-means does when it places many small centres at once. Clusters far larger than the others are
split again, so no catch-all remains.
"""

from __future__ import annotations

import importlib
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD

from .concepts import concepts_of
from .normalise import Analysed, fold_word, stem

MAX_CLUSTERS = 30
CHAR_WEIGHT = 0.4
COMPOUND_WEIGHT = 1.0
CONCEPT_WEIGHT = 1.5
THEME_LINK_SIMILARITY = 0.3
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


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: np.ndarray = matrix / norms
    return result


_ENDINGS = ("en", "er", "es", "e", "n", "s")


def _core(word: str) -> str:
    """A word without one common inflection ending: a cheap key to compare compound parts."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _split_compound(word: str, known: set[str]) -> tuple[str, str] | None:
    """Modifier and head of a compound whose two parts are words of their own, or None.

    Parts are compared by their _core against the cores of the notes' words; linking
    elements (-s-, -es-, -n-, -en-) between the parts are allowed; the most even split wins.
    """
    best: tuple[int, str, str] | None = None
    for cut in range(3, len(word) - 3):
        head = word[cut:]
        if _core(head) not in known:
            continue
        left = word[:cut]
        candidates = [left]
        if left.endswith(("s", "n")):
            candidates.append(left[:-1])
        if left.endswith(("es", "en")):
            candidates.append(left[:-2])
        for modifier in candidates:
            if len(modifier) >= 3 and _core(modifier) in known:
                score = min(len(modifier), len(head))
                if best is None or score > best[0]:
                    best = (score, modifier, head)
    return None if best is None else (best[1], best[2])


def expanded_terms(analysed: Sequence[Analysed]) -> list[list[str]]:
    """Content stems of each note, followed by the stems of its compounds' parts."""
    known = {_core(fold_word(w)) for a in analysed for w in a.surface if len(w) >= 3}
    cache: dict[tuple[str, str], tuple[str, ...]] = {}
    result: list[list[str]] = []
    for item in analysed:
        terms = list(item.content)
        for written in item.surface:
            word = fold_word(written)
            if len(word) < 7:
                continue
            key = (word, item.language)
            if key not in cache:
                parts = _split_compound(word, known)
                cache[key] = () if parts is None else tuple(stem(p, item.language) for p in parts)
            terms.extend(cache[key])
        result.append(terms)
    return result


@lru_cache(maxsize=131_072)
def word_pieces(word: str) -> tuple[str, ...]:
    """Character 3- to 5-grams of a word padded with spaces at both ends."""
    padded = f" {word} "
    return tuple(
        padded[start : start + size]
        for size in (3, 4, 5)
        for start in range(max(1, len(padded) - size + 1))
    )


def _tfidf(counts: sp.csr_matrix, min_df: int) -> sp.csr_matrix:
    """Sublinear TF-IDF with unit rows, columns seen in fewer than min_df notes dropped."""
    counts = counts.tocsr()
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    keep = np.flatnonzero(df >= min_df)
    counts = counts[:, keep].tocsr()
    n = counts.shape[0]
    idf = (np.log((1 + n) / (1 + df[keep])) + 1.0).astype(np.float32)
    counts.data = ((1.0 + np.log(counts.data)) * idf[counts.indices]).astype(np.float32)
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    result: sp.csr_matrix = sp.csr_matrix(sp.diags((1.0 / norms).astype(np.float32)) @ counts)
    return result


@dataclass(frozen=True)
class Features:
    """Sparse TF-IDF terms of notes (for labels and linking) and their latent unit vectors."""

    terms: sp.csr_matrix
    vectors: np.ndarray


def note_features(analysed: Sequence[Analysed]) -> Features:
    """Sparse term vectors and latent unit vectors of notes (zero rows for empty notes)."""
    n = len(analysed)
    if n == 0:
        return Features(sp.csr_matrix((0, 1)), np.zeros((0, 1)))
    min_df = 2 if n >= 20 else 1
    expanded = expanded_terms(analysed)
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for row, (item, terms) in enumerate(zip(analysed, expanded, strict=True)):
        own = len(item.content)
        for position, term in enumerate(terms):
            rows.append(row)
            cols.append(vocabulary.setdefault(term, len(vocabulary)))
            vals.append(1.0 if position < own else COMPOUND_WEIGHT)
        if CONCEPT_WEIGHT:
            for concept in sorted({c for w in item.surface for c in concepts_of(fold_word(w))}):
                rows.append(row)
                cols.append(vocabulary.setdefault(f"§{concept}", len(vocabulary)))
                vals.append(CONCEPT_WEIGHT)
    if not vocabulary:
        return Features(sp.csr_matrix((n, 1)), np.zeros((n, 1)))
    counts = sp.csr_matrix(
        (np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(n, len(vocabulary))
    )
    counts.sum_duplicates()
    terms = _tfidf(counts, min_df)
    # Character n-grams of the words, computed once per distinct word, not once per note.
    words: dict[str, int] = {}
    word_rows: list[int] = []
    word_cols: list[int] = []
    for row, item in enumerate(analysed):
        for word in item.content:
            word_rows.append(row)
            word_cols.append(words.setdefault(word, len(words)))
    pieces: dict[str, int] = {}
    piece_rows: list[int] = []
    piece_cols: list[int] = []
    for index, word in enumerate(words):
        for piece in word_pieces(word):
            piece_rows.append(index)
            piece_cols.append(pieces.setdefault(piece, len(pieces)))
    note_words = sp.csr_matrix(
        (np.ones(len(word_rows), dtype=np.float32), (word_rows, word_cols)),
        shape=(n, max(1, len(words))),
    )
    word_piece_counts = sp.csr_matrix(
        (np.ones(len(piece_rows), dtype=np.float32), (piece_rows, piece_cols)),
        shape=(max(1, len(words)), max(1, len(pieces))),
    )
    piece_counts = sp.csr_matrix(note_words @ word_piece_counts)
    chars = _tfidf(piece_counts, min_df)
    matrix = sp.hstack([terms, CHAR_WEIGHT * chars]).tocsr()
    dimensions = min(latent_dimensions(n), n - 1, matrix.shape[1] - 1)
    if dimensions < 2 or matrix.nnz == 0:
        return Features(terms, _unit_rows(np.asarray(matrix.toarray(), dtype=float)))
    svd = TruncatedSVD(n_components=dimensions, algorithm="randomized", n_iter=4, random_state=0)
    reduced = svd.fit_transform(matrix)
    return Features(terms, _unit_rows(np.asarray(reduced, dtype=float)))


def note_vectors(analysed: Sequence[Analysed]) -> np.ndarray:
    """Latent unit vectors of notes (zero rows for empty notes)."""
    return note_features(analysed).vectors


def latent_dimensions(n: int) -> int:
    """Few latent dimensions: topics, not words, should decide (about √n, 12 to 60)."""
    return max(12, min(60, round(math.sqrt(n))))


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
    _, axes = np.linalg.eigh(centred.T @ centred)
    starts = [centred @ axes[:, -1] > 0.0]
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


def link_clusters(centroids: np.ndarray, tables: Sequence[str] | None = None) -> list[int]:
    """Group clusters that say alike; a group index each.

    Average cosine linkage of the centroids, merging the most similar groups first while
    every pair across them is similar enough on average; groups never hold two clusters of
    one table (a table's own clustering already kept those apart), so no catch-all forms.
    """
    m = centroids.shape[0]
    if m < 2:
        return [0] * m
    unit = _unit_rows(np.asarray(centroids, dtype=float))
    sums = unit @ unit.T
    owner = list(tables) if tables is not None else [str(i) for i in range(m)]
    names = sorted(set(owner))
    holds = np.zeros((m, len(names)), dtype=bool)
    for i, table in enumerate(owner):
        holds[i, names.index(table)] = True
    sizes = np.ones(m)
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
        if not average[a, b] >= THEME_LINK_SIMILARITY:
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
