"""Duplicate notes: the same statement again (typos, case, word order) or in another language.

A pair is a duplicate when
- in one language: the notes share most characters and words, and neither has a content word
  the other lacks in its place ("ban ads for meat" is not "ban ads for veganism");
- across languages: the sentence vectors are each other's closest match in that language and
  close enough (a translation);
and in both cases they state the same numbers and do not take opposite positions (stance.py).
Groups are cliques: a note joins a group only when it is a duplicate of every member, so a
chain of similar notes never makes one group of notes that do not match.
Time is linear in the length of the notes: fuzzy word matching looks only at a few words.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .language import detect_language
from .normalise import Analysed
from .stance import opposite

CHAR_THRESHOLD = 0.62
WORD_THRESHOLD = 0.6
SAME_LANGUAGE_SEMANTIC = 0.93
CROSS_LANGUAGE = 0.6
MAX_FUZZY_WORDS = 12
MAX_FUZZY_LENGTH = 40


def _close(word: str, others: Sequence[str]) -> bool:
    """One typo or so away from one of the others (short words must match exactly)."""
    if len(word) < 4 or len(word) > MAX_FUZZY_LENGTH:
        return False
    return any(
        abs(len(word) - len(other)) <= 2
        and len(other) <= MAX_FUZZY_LENGTH
        and SequenceMatcher(None, word, other, autojunk=False).ratio() >= 0.8
        for other in others
    )


def _word_match(a: Analysed, b: Analysed) -> tuple[float, bool]:
    """Share of content words in common (forgiving typos), and whether a word was swapped.

    A swap is a content word on each side without a counterpart on the other: the notes
    say the same about different things.
    """
    left, right = set(a.content), set(b.content)
    if not left or not right:
        left, right = set(a.stems), set(b.stems)
    if not left or not right:
        return (1.0 if a.words == b.words else 0.0), False
    only_left = sorted(left - right)
    only_right = sorted(right - left)
    if len(only_left) <= MAX_FUZZY_WORDS and len(only_right) <= MAX_FUZZY_WORDS:
        unmatched_left = [w for w in only_left if not _close(w, only_right)]
        unmatched_right = [w for w in only_right if not _close(w, only_left)]
    else:
        unmatched_left, unmatched_right = only_left, only_right
    common = len(left) - len(unmatched_left) + len(right) - len(unmatched_right)
    return common / (len(left) + len(right)), bool(unmatched_left and unmatched_right)


def _char_similarity(analysed: Sequence[Analysed]) -> np.ndarray:
    docs = [" ".join(a.words) for a in analysed]
    n = len(docs)
    if not any(docs):
        return np.zeros((n, n), dtype=np.float32)
    vectoriser = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 3), sublinear_tf=True, dtype=np.float32
    )
    try:
        matrix = vectoriser.fit_transform(docs)
    except ValueError:
        return np.zeros((n, n), dtype=np.float32)
    return np.asarray((matrix @ matrix.T).toarray(), dtype=np.float32)


def _cross_language_best(vectors: np.ndarray, languages: Sequence[str]) -> set[tuple[int, int]]:
    """Pairs in different languages that are each other's closest note in the other language."""
    similarity = vectors @ vectors.T
    found: set[tuple[int, int]] = set()
    codes = sorted(set(languages))
    rows = {code: np.flatnonzero(np.asarray(languages) == code) for code in codes}
    for code in codes:
        for other in codes:
            if code >= other:
                continue
            block = similarity[np.ix_(rows[code], rows[other])]
            if block.size == 0:
                continue
            best_right = block.argmax(axis=1)
            best_left = block.argmax(axis=0)
            for i, j in enumerate(best_right.tolist()):
                if best_left[j] == i and block[i, j] >= CROSS_LANGUAGE:
                    a, b = int(rows[code][i]), int(rows[other][j])
                    found.add((min(a, b), max(a, b)))
    return found


def duplicate_pairs(
    analysed: Sequence[Analysed], texts: Sequence[str], vectors: np.ndarray | None = None
) -> list[tuple[int, int, float]]:
    """Index pairs (i < j) of duplicates with their similarity, strongest first."""
    n = len(analysed)
    if n < 2:
        return []
    chars = _char_similarity(analysed)
    semantic = vectors @ vectors.T if vectors is not None else np.zeros((n, n))
    # The language a note is written in, which a phone set to another language may not know.
    languages = [detect_language(t, a.language) for t, a in zip(texts, analysed, strict=True)]
    candidates: dict[tuple[int, int], float] = {}
    rows, cols = np.nonzero(np.triu(chars >= CHAR_THRESHOLD - 1e-6, k=1))
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        candidates[(i, j)] = float(chars[i, j])
    rows, cols = np.nonzero(np.triu(semantic >= SAME_LANGUAGE_SEMANTIC, k=1))
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        candidates.setdefault((i, j), float(chars[i, j]))
    if vectors is not None:
        for pair in _cross_language_best(vectors, languages):
            candidates.setdefault(pair, float(semantic[pair]))
    pairs: list[tuple[int, int, float]] = []
    for (i, j), value in candidates.items():
        a, b = analysed[i], analysed[j]
        if a.numbers != b.numbers or opposite(texts[i], texts[j]):
            continue
        if languages[i] == languages[j] or vectors is None:
            overlap, swapped = _word_match(a, b)
            if swapped or overlap < WORD_THRESHOLD:
                continue
            strength = (value + overlap) / 2
            if strength < 0.7 and semantic[i, j] < SAME_LANGUAGE_SEMANTIC:
                continue
        else:
            if semantic[i, j] < CROSS_LANGUAGE:
                continue
            strength = float(semantic[i, j])
        pairs.append((i, j, round(strength, 6)))
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    return pairs


def duplicate_groups(
    analysed: Sequence[Analysed], texts: Sequence[str], vectors: np.ndarray | None = None
) -> list[list[int]]:
    """Groups of indexes of notes that say the same thing, every member a match of every other."""
    pairs = duplicate_pairs(analysed, texts, vectors)
    edges = {(i, j) for i, j, _ in pairs}
    group_of = list(range(len(analysed)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(analysed))}
    for i, j, _ in pairs:
        gi, gj = group_of[i], group_of[j]
        if gi == gj:
            continue
        if all((min(a, b), max(a, b)) in edges for a in members[gi] for b in members[gj]):
            keep, drop = min(gi, gj), max(gi, gj)
            for member in members[drop]:
                group_of[member] = keep
            members[keep].extend(members.pop(drop))
    groups = [sorted(g) for g in members.values() if len(g) > 1]
    return sorted(groups, key=lambda g: g[0])
