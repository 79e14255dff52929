"""Grouping related notes: latent semantic vectors of stems and word pieces, then k-means."""

from __future__ import annotations

import importlib
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from .normalise import Analysed

MAX_CLUSTERS = 30
LSA_DIMENSIONS = 80
CHAR_WEIGHT = 0.8
THEME_LINK_SIMILARITY = 0.45


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


def note_vectors(analysed: Sequence[Analysed]) -> np.ndarray:
    """Unit vectors of notes in a latent space learnt from these notes (zero rows for empty)."""
    n = len(analysed)
    docs = [" ".join(a.content) for a in analysed]
    if n == 0:
        return np.zeros((0, 1))
    min_df = 2 if n >= 20 else 1
    union = FeatureUnion(
        [
            ("stems", TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True, min_df=min_df)),
            (
                "pieces",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=min_df
                ),
            ),
        ],
        transformer_weights={"stems": 1.0, "pieces": CHAR_WEIGHT},
    )
    try:
        matrix = union.fit_transform(docs)
    except ValueError:
        return np.zeros((n, 1))
    dimensions = min(LSA_DIMENSIONS, n - 1, matrix.shape[1] - 1)
    if dimensions < 2:
        return _unit_rows(np.asarray(matrix.toarray(), dtype=float))
    svd = TruncatedSVD(n_components=dimensions, algorithm="randomized", n_iter=5, random_state=0)
    reduced = svd.fit_transform(matrix)
    return _unit_rows(np.asarray(reduced, dtype=float))


def cluster_count(n: int) -> int:
    """How many clusters for n notes: about 0.9·√n, at most 30, at most half the notes."""
    if n <= 2:
        return 1
    return max(1, min(MAX_CLUSTERS, round(0.9 * math.sqrt(n)), n // 2))


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
        model = KMeans(n_clusters=k, n_init=4, random_state=0)
        labels = [int(x) for x in model.fit_predict(vectors)]
    for group in groups:
        winner = Counter(labels[i] for i in group).most_common(1)[0][0]
        for i in group:
            labels[i] = winner
    return _renumber(labels)


def _renumber(labels: Sequence[int]) -> list[int]:
    mapping: dict[int, int] = {}
    return [mapping.setdefault(label, len(mapping)) for label in labels]


def link_clusters(centroids: np.ndarray) -> list[int]:
    """Group cluster centroids that say alike (average cosine linkage); a group index each."""
    m = centroids.shape[0]
    if m < 2:
        return [0] * m
    unit = _unit_rows(centroids)
    if not np.any(unit):
        return list(range(m))
    model = AgglomerativeClustering(
        n_clusters=None,
        metric="cosine",
        linkage="average",
        distance_threshold=1.0 - THEME_LINK_SIMILARITY,
    )
    safe = unit.copy()
    empty = ~np.any(safe, axis=1)
    safe[empty, 0] = 1e-9
    return _renumber([int(x) for x in model.fit_predict(safe)])
