"""Duplicate notes: the same statement again (typos, case, word order) or in another language.

A pair is a duplicate when
- in one language: the notes share most characters and words, and neither has a content word
  the other lacks in its place ("ban ads for meat" is not "ban ads for veganism"); words are
  compared as written, so a typo that changes a word's stem still finds its counterpart, and a
  compound written with or without its hyphen is one word;
- across languages: the sentence vectors are each other's closest match in that language and
  close enough (a translation);
and in both cases they state the same numbers and do not take opposite positions (stance.py),
read after each note's typos are mended against the other (a typo in "not" is no negation).
Groups are cliques: a note joins a group only when it is a duplicate of every member, so a
chain of similar notes never makes one group of notes that do not match.
Time is linear in the length of the notes: fuzzy word matching looks only at a few words of
at most 40 letters, and mending only at the first 2,000 characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .language import detect_language, stem
from .normalise import Analysed, fold_word, is_stop_word
from .stance import opposite

CHAR_THRESHOLD = 0.62
WORD_THRESHOLD = 0.6
SAME_LANGUAGE_SEMANTIC = 0.93
CROSS_LANGUAGE = 0.6
MAX_FUZZY_WORDS = 12
MAX_FUZZY_LENGTH = 40
MAX_MENDED = 2000
_LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)


def typo_distance(word: str, other: str, limit: int) -> int:
    """Edits (a letter dropped, added, changed, or two neighbours swapped) from one word to the
    other, counted up to limit + 1: the optimal string alignment distance, cut off early."""
    if abs(len(word) - len(other)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(other) + 1))
    for i in range(1, len(word) + 1):
        current = [i] + [0] * len(other)
        for j in range(1, len(other) + 1):
            cost = 0 if word[i - 1] == other[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and word[i - 1] == other[j - 2] and word[i - 2] == other[j - 1]:
                value = min(value, before[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def _typos_allowed(word: str, other: str) -> int:
    """Typos allowed between two words: one when the longer has four to seven letters, two
    when it has more, none when it has fewer or the shorter has fewer than three."""
    shorter, longer = sorted((len(word), len(other)))
    if shorter < 3 or longer < 4 or longer > MAX_FUZZY_LENGTH:
        return 0
    return 1 if longer < 8 else 2


def _typo_of(word: str, other: str) -> bool:
    """One typo or so away (short words must match exactly)."""
    limit = _typos_allowed(word, other)
    return limit > 0 and typo_distance(word, other, limit) <= limit


def _written(item: Analysed, stems: Sequence[str]) -> dict[str, list[str]]:
    """The written forms (folded) of some content stems of a note."""
    wanted = set(stems)
    forms: dict[str, list[str]] = {s: [s] for s in stems}
    for stemmed, written in zip(item.content, item.surface, strict=False):
        if stemmed in wanted:
            forms[stemmed].append(fold_word(written))
    return forms


def _unmatched(
    words: Sequence[str], item: Analysed, others: Sequence[str], other: Analysed
) -> list[str]:
    """The words with no counterpart a typo or so away among the others, stems or as written."""
    mine, theirs = _written(item, words), _written(other, others)
    pool = [form for forms in theirs.values() for form in forms]
    return [w for w in words if not any(_typo_of(f, o) for f in mine[w] for o in pool)]


def _mended(text: str, other: str, language: str) -> str:
    """The text with each word that is a typo of a word of the other note written as there.

    Function words (which a negation such as "eine"/"keine" may differ by) are never
    mended, so a typo in "nicht" is not read as a flip of position, but a dropped "k" is.
    """
    words = {w.casefold() for w in _LETTERS.findall(other[:MAX_MENDED])}

    def mend(match: re.Match[str]) -> str:
        word = match.group().casefold()
        if word in words or is_stop_word(word, language):
            return match.group()
        return next((w for w in sorted(words) if _typo_of(word, w)), match.group())

    return _LETTERS.sub(mend, text[:MAX_MENDED])


def _opposite_written(first: str, second: str, language: str) -> bool:
    """Opposite positions, read after the typos of each note are mended against the other."""
    if not opposite(first, second):
        return False
    return opposite(_mended(first, second, language), _mended(second, first, language))


def _joined(a: Analysed, b: Analysed) -> tuple[set[str], set[str]]:
    """Content stems written as one word in a and as two neighbouring words in b
    ("Bürgerkraftwerke" / "Bürger-Kraftwerke"): the stems of a and of b they account for."""
    own = set(a.content)
    found_a: set[str] = set()
    found_b: set[str] = set()
    for i in range(min(len(b.surface), len(b.content), MAX_FUZZY_WORDS * 4) - 1):
        joined = stem(fold_word(b.surface[i] + b.surface[i + 1]), a.language)
        if joined in own:
            found_a.add(joined)
            found_b.update(b.content[i : i + 2])
    return found_a, found_b


def _word_match(a: Analysed, b: Analysed) -> tuple[float, bool]:
    """Share of content words in common (forgiving typos and split compounds), and whether a
    word was swapped.

    A swap is a content word on each side without a counterpart on the other: the notes
    say the same about different things.
    """
    left, right = set(a.content), set(b.content)
    if not left or not right:
        left, right = set(a.stems), set(b.stems)
    if not left or not right:
        return (1.0 if a.words == b.words else 0.0), False
    joined_left, split_right = _joined(a, b)
    joined_right, split_left = _joined(b, a)
    accounted_left = joined_left | split_left
    accounted_right = joined_right | split_right
    only_left = sorted(left - right - accounted_left)
    only_right = sorted(right - left - accounted_right)
    if len(only_left) <= MAX_FUZZY_WORDS and len(only_right) <= MAX_FUZZY_WORDS:
        unmatched_left = _unmatched(only_left, a, only_right, b)
        unmatched_right = _unmatched(only_right, b, only_left, a)
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
        if a.numbers != b.numbers or _opposite_written(texts[i], texts[j], languages[i]):
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
