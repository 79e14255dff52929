"""Key phrases of clusters (words frequent in a cluster and rare elsewhere) and their centres."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .normalise import Analysed

MAX_KEYPHRASES = 5
NOUN_BONUS = 1.4


@lru_cache(maxsize=65_536)
def _phrases(item: Analysed) -> dict[str, str]:
    """Stemmed unigrams and adjacent bigrams of a note, each with its written form."""
    found: dict[str, str] = {}
    for stemmed, written in zip(item.content, item.surface, strict=True):
        found.setdefault(stemmed, written)
    pairs = zip(item.content, item.content[1:], item.surface, item.surface[1:], strict=False)
    for first, second, written_first, written_second in pairs:
        if first != second:
            found.setdefault(f"{first} {second}", f"{written_first} {written_second}")
    return found


@lru_cache(maxsize=65_536)
def _nouns(item: Analysed) -> frozenset[str]:
    """Stems a German note writes capitalised inside the sentence: nouns, the best labels."""
    if item.language != "de":
        return frozenset()
    return frozenset(
        stemmed
        for index, (stemmed, written) in enumerate(zip(item.content, item.surface, strict=True))
        if index > 0 and written[:1].isupper() and not written.isupper()
    )


def keyphrases(
    members: Sequence[Analysed], document_frequency: Counter[str], total: int
) -> list[str]:
    """Up to five phrases that characterise the member notes against all `total` notes."""
    total = max(1, total)
    in_cluster: Counter[str] = Counter()
    written: dict[str, Counter[str]] = {}
    nouns: set[str] = set()
    for item in members:
        nouns |= _nouns(item)
        for key, form in _phrases(item).items():
            in_cluster[key] += 1
            forms = written.get(key)
            if forms is None:
                forms = written[key] = Counter()
            forms[form] += 1
    minimum = 2 if len(members) >= 3 else 1
    scored: list[tuple[float, str]] = []
    for key, count in in_cluster.items():
        if count < minimum:
            continue
        idf = math.log((1 + total) / (1 + document_frequency[key])) + 1.0
        bonus = 1.3 if " " in key else NOUN_BONUS if key in nouns else 1.0
        scored.append((-(count / len(members)) * idf * bonus, key))
    scored.sort()
    chosen: list[str] = []
    chosen_keys: list[str] = []
    for _, key in scored:
        parts = set(key.split())
        if any(parts <= set(other.split()) or set(other.split()) <= parts for other in chosen_keys):
            continue
        forms = written[key]
        best = max(forms.items(), key=lambda item: (item[1], item[0][:1].isupper(), item[0]))
        if " " not in key and any(_same_root(best[0], other) for other in chosen):
            continue
        chosen.append(best[0])
        chosen_keys.append(key)
        if len(chosen) == MAX_KEYPHRASES:
            break
    return chosen


def _same_root(word: str, phrase: str) -> bool:
    """ "Förderung" and "fördern": one word of the phrase starts like the word (5 letters)."""
    root = word.casefold()[:5]
    return len(root) == 5 and any(part.casefold().startswith(root) for part in phrase.split())


def document_frequencies(analysed: Sequence[Analysed]) -> Counter[str]:
    """In how many notes each stemmed phrase occurs."""
    counts: Counter[str] = Counter()
    for item in analysed:
        counts.update(_phrases(item).keys())
    return counts


def representative(
    members: Sequence[int], vectors: np.ndarray, votes: Sequence[int], order: Sequence[int]
) -> int:
    """The member closest to the cluster's centre; more votes, then earlier order break ties."""
    if len(members) == 1:
        return members[0]
    block = vectors[list(members)]
    centre = block.mean(axis=0)
    scores = block @ centre
    scores[~np.any(block, axis=1)] = -1.0
    best = max(
        range(len(members)),
        key=lambda i: (round(float(scores[i]), 9), votes[members[i]], -order[members[i]]),
    )
    return members[best]
