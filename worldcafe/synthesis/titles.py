"""Grounded titles of points: a headline cut from the point's own notes, in one language.

Nothing is invented: the title is a sentence or clause of one of the point's notes, the one
that best covers the words the point's notes share, written in the café's language when a
note in it exists. Long clauses are cut at a clause boundary or a word boundary.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .normalise import Analysed, analyse

MAX_TITLE = 100
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\s*[\n\r]+\s*|\s+[-–—]\s+")
_CLAUSE = re.compile(r"[,:;]\s|\s[-–—]\s|\s\(")
_LEADING = re.compile(r"^[\s\-–—*•·>#\"'„“”«»‚‘’(\[]+|^\d{1,2}[.)]\s+")
_TRAILING = re.compile(r"[\s,;:.\-–—\"'„“”«»‚‘’(\[]+$")


@dataclass(frozen=True)
class Candidate:
    """A note that may give the title: its text, analysis, centrality and votes."""

    text: str
    analysed: Analysed
    centrality: float
    votes: int


def title_language(languages: Sequence[str], preferred: str | None) -> str:
    """The café's language when a note is written in it, else the most common one."""
    if preferred and preferred in languages:
        return preferred
    counts = Counter(languages)
    return min(counts, key=lambda code: (-counts[code], code)) if counts else (preferred or "en")


def _clean(text: str) -> str:
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())
    for _ in range(3):
        text = _LEADING.sub("", text)
    return text


def _sentences(text: str) -> list[str]:
    return [s for part in _SENTENCE.split(_clean(text)[:2000]) if (s := _clean(part))]


def shorten(text: str, limit: int = MAX_TITLE) -> str:
    """A headline of at most `limit` characters from a sentence: cut at a clause or a word."""
    cleaned = _clean(text)
    title = _TRAILING.sub("", cleaned) or cleaned
    if len(title) > limit:
        cuts = [m.start() for m in _CLAUSE.finditer(title) if 25 <= m.start() <= limit]
        if cuts:
            title = _TRAILING.sub("", title[: cuts[-1]])
        else:
            cut = title.rfind(" ", 0, limit)
            title = _TRAILING.sub("", title[: cut if cut >= limit // 2 else limit - 1])
            title = title[: limit - 1] + "…"
    return title[:1].upper() + title[1:]


def make_title(candidates: Sequence[Candidate], language: str) -> tuple[str, int]:
    """The title and the index of the candidate it was cut from."""
    usable = [i for i, c in enumerate(candidates) if c.analysed.language == language]
    if not usable:
        usable = list(range(len(candidates)))
    shared: Counter[str] = Counter()
    for i in usable:
        shared.update(set(candidates[i].analysed.content))
    best: tuple[float, int, str] | None = None
    for i in usable:
        candidate = candidates[i]
        for sentence in _sentences(candidate.text) or [candidate.text]:
            stems = set(analyse(sentence, candidate.analysed.language).content)
            cover = sum(shared[s] - 1 for s in stems)
            length = len(sentence)
            fit = 1.0 if 20 <= length <= MAX_TITLE else 0.7 if length < 20 else 0.85
            score = (
                cover / math.sqrt(len(stems) + 1)
                + 1.5 * candidate.centrality
                + 0.15 * math.log1p(candidate.votes)
                + (0.3 if len(stems) >= 2 else 0.0)
            ) * fit
            if best is None or score > best[0] + 1e-9:
                best = (score, i, sentence)
    if best is None:
        return shorten(candidates[0].text), 0
    return shorten(best[2]) or shorten(candidates[best[1]].text), best[1]
