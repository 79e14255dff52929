"""Near-duplicate notes: the same statement with typos, other case, punctuation or word order."""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .normalise import Analysed

CHAR_THRESHOLD = 0.62
WORD_THRESHOLD = 0.45


def _same_claim(a: Analysed, b: Analysed) -> bool:
    """Notes that differ in a number or a negation never say the same thing."""
    return a.numbers == b.numbers and a.negations == b.negations


def _close(word: str, others: set[str]) -> bool:
    """A word equal to one of the others, or one typo away from it."""
    if word in others:
        return True
    if len(word) < 4:
        return False
    return any(
        abs(len(word) - len(other)) <= 2
        and SequenceMatcher(None, word, other, autojunk=False).ratio() >= 0.8
        for other in others
    )


def _word_overlap(a: Analysed, b: Analysed) -> float:
    """Share of content words the two notes have in common, forgiving typos."""
    left, right = set(a.content), set(b.content)
    if not left or not right:
        left, right = set(a.stems), set(b.stems)
    if not left or not right:
        return 1.0 if a.words == b.words else 0.0
    common_left = sum(_close(w, right) for w in left)
    common_right = sum(_close(w, left) for w in right)
    return (common_left + common_right) / (len(left) + len(right))


def duplicate_pairs(analysed: Sequence[Analysed]) -> list[tuple[int, int, float]]:
    """Index pairs (i < j) of near-duplicates with their similarity, strongest first."""
    n = len(analysed)
    if n < 2:
        return []
    docs = [" ".join(a.words) for a in analysed]
    if not any(docs):
        return []
    vectoriser = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 3), sublinear_tf=True, dtype=np.float32
    )
    try:
        matrix = vectoriser.fit_transform(docs)
    except ValueError:
        return []
    similarity = (matrix @ matrix.T).tocoo()
    keep = (similarity.row < similarity.col) & (similarity.data >= CHAR_THRESHOLD - 1e-6)
    rows, cols, values = similarity.row[keep], similarity.col[keep], similarity.data[keep]
    pairs: list[tuple[int, int, float]] = []
    for i, j, value in zip(rows.tolist(), cols.tolist(), values.tolist(), strict=True):
        a, b = analysed[int(i)], analysed[int(j)]
        if not _same_claim(a, b):
            continue
        overlap = _word_overlap(a, b)
        if overlap < WORD_THRESHOLD or (value + overlap) / 2 < 0.7:
            continue
        pairs.append((i, j, round(value, 6)))
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    return pairs


def duplicate_groups(analysed: Sequence[Analysed]) -> list[list[int]]:
    """Groups of indexes of notes that say the same thing (each group two or more, sorted)."""
    parent = list(range(len(analysed)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j, _ in duplicate_pairs(analysed):
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for index in range(len(analysed)):
        groups.setdefault(find(index), []).append(index)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])
