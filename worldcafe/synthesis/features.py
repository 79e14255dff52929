"""Features of notes: sentence vectors beside latent vectors of stems and word pieces.

Per note: the multilingual sentence vector (semantic.py), which places a note and its
translation together, beside lexical features: TF-IDF of content stems, plus the parts of
German-style compounds whose parts occur as words of their own elsewhere ("Wohnbauförderung"
also counts as "Wohnbau" and "Förderung"), plus character n-grams of the words. Latent
semantic analysis (truncated SVD) smooths the lexical part into a few dozen dimensions; both
parts are unit vectors, weighted and joined.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD

from .language import stem
from .normalise import Analysed, fold_word

CHAR_WEIGHT = 0.4
COMPOUND_WEIGHT = 1.0
SEMANTIC_SHARE = 0.9
NEIGHBOURS = 5
MAX_COMPOUND = 40


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
            if len(word) < 7 or len(word) > MAX_COMPOUND:
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
    """Sparse TF-IDF terms of notes and their unit vectors (sentence and latent lexical)."""

    terms: sp.csr_matrix
    vectors: np.ndarray


def note_features(analysed: Sequence[Analysed], semantic: np.ndarray | None = None) -> Features:
    """Sparse term vectors and unit vectors of notes: sentence vectors beside latent lexical ones.

    Without sentence vectors the lexical part alone decides; a note without words gets zeros.
    """
    lexical = _lexical_features(analysed)
    if semantic is None or semantic.shape[0] != len(analysed) or len(analysed) == 0:
        return lexical
    joined = np.hstack(
        [
            math.sqrt(SEMANTIC_SHARE) * _smoothed(semantic),
            math.sqrt(1.0 - SEMANTIC_SHARE) * _by_language(analysed, lexical.vectors),
        ]
    )
    return Features(lexical.terms, _unit_rows(joined))


def _by_language(analysed: Sequence[Analysed], vectors: np.ndarray) -> np.ndarray:
    """Latent lexical vectors that compare notes of one language only.

    Spelling says nothing across languages ("public", "publier", "publicznych" share letters,
    not a meaning): each language's notes get latent vectors of their own, in columns of
    their own, so a note and one in another language are compared by sentence vectors alone.
    """
    languages = sorted({a.language for a in analysed})
    if len(languages) < 2:
        return vectors
    blocks: list[np.ndarray] = []
    for language in languages:
        rows = [i for i, a in enumerate(analysed) if a.language == language]
        own = _lexical_features([analysed[i] for i in rows]).vectors
        block = np.zeros((len(analysed), own.shape[1]))
        block[rows] = own
        blocks.append(block)
    return np.hstack(blocks)


def _smoothed(semantic: np.ndarray) -> np.ndarray:
    """Sentence vectors centred on the notes' mean and averaged with their nearest neighbours.

    Centring removes what all notes of a theme share; the neighbours' mean steadies a short
    note whose own vector says little.
    """
    vectors = np.asarray(semantic, dtype=np.float64)
    empty = ~np.any(vectors, axis=1)
    centred = _unit_rows(vectors - vectors[~empty].mean(axis=0)) if (~empty).any() else vectors
    centred[empty] = 0.0
    n = centred.shape[0]
    if n <= NEIGHBOURS + 1:
        return centred
    similarity = centred @ centred.T
    np.fill_diagonal(similarity, -np.inf)
    nearest = np.argsort(-similarity, axis=1, kind="stable")[:, :NEIGHBOURS]
    result = _unit_rows(centred + centred[nearest].mean(axis=1))
    result[empty] = 0.0
    return result


def _lexical_features(analysed: Sequence[Analysed]) -> Features:
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
        for piece in word_pieces(word[:MAX_COMPOUND]):
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
