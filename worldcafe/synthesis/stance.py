"""The position a note takes, and whether two notes on one matter take opposite positions.

Word lists live in data/stance.json (the six interface languages side by side, so a note and
its translation read alike): negations and rejections ("Nonsense!") flip a note's polarity;
poles are oppositions such as more/fewer, allowed/banned, for/against; order words (into,
instead of, before, …) make the order of the other words matter, so "parking into bike lanes"
is not "bike lanes into parking". A clause after a comma (semicolon, colon, dash) that begins
with a contrast word ("bike lanes, not more parking") names what the note rejects instead: it
does not flip the note, its poles count reversed, and a note that wants what it rejects is its
opposite. Everything here is linear in the length of the notes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CLAUSE = re.compile(r"[,;:\u2013\u2014]|\s-\s")
_LIST_ITEM = re.compile(r"(?:^|\s)(\d{1,2})[.)]\s")


@dataclass(frozen=True)
class _Lexicon:
    exact: dict[str, tuple[str, int]]
    prefixes: tuple[tuple[str, tuple[str, int]], ...]
    order: frozenset[str]
    contrast: frozenset[str]
    contrast_prefixes: tuple[str, ...]
    after_ne: frozenset[str]


def _entries(words: list[str], value: tuple[str, int]) -> list[tuple[str, tuple[str, int]]]:
    return [(w.casefold(), value) for w in words]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    raw: dict[str, Any] = json.loads(
        resources.files(__package__).joinpath("data/stance.json").read_text("utf-8")
    )
    pairs = _entries(raw["negations"], ("not", 1)) + _entries(raw["rejections"], ("not", 1))
    for index, (plus, minus) in enumerate(raw["poles"]):
        pairs += _entries(plus, (f"pole{index}", 1)) + _entries(minus, (f"pole{index}", -1))
    exact: dict[str, tuple[str, int]] = {}
    prefixes: list[tuple[str, tuple[str, int]]] = []
    for word, value in pairs:
        if word.endswith("*"):
            prefixes.append((word[:-1], value))
        else:
            exact.setdefault(word, value)
    prefixes.sort(key=lambda item: -len(item[0]))
    contrast = [w.casefold() for w in raw["contrast"]]
    return _Lexicon(
        exact,
        tuple(prefixes),
        frozenset(w.casefold() for w in raw["order"]),
        frozenset(w for w in contrast if not w.endswith("*")),
        tuple(w[:-1] for w in contrast if w.endswith("*")),
        frozenset(w.casefold() for w in raw["french_after_ne"]),
    )


def _opens_contrast(word: str) -> bool:
    lexicon = _lexicon()
    return word in lexicon.contrast or any(word.startswith(p) for p in lexicon.contrast_prefixes)


def _words(text: str) -> list[str]:
    return [w for token in _WORD.findall(text) for w in token.split("'") if w]


_CONTRACTED_NOT = re.compile(r"n't\b")


def _fold(text: str) -> str:
    # English "don't", "can't", "isn't": the "n't" is a "not" ("ca not" and "wo not" are
    # no words of the lexicon, so only the negation counts).
    folded = unicodedata.normalize("NFKC", text).replace("’", "'").casefold()
    return _CONTRACTED_NOT.sub(" not", folded)


def _meaning(word: str) -> tuple[str, int] | None:
    lexicon = _lexicon()
    found = lexicon.exact.get(word)
    if found is not None or len(word) > 40:
        return found
    for prefix, value in lexicon.prefixes:
        if word.startswith(prefix) and len(prefix) >= 3:
            return value
    return None


@dataclass(frozen=True)
class Stance:
    """What decides a note's position: polarity, poles taken, and its words in order."""

    polarity: int
    poles: frozenset[tuple[str, int]]
    relations: frozenset[tuple[str, str]]
    ranking: tuple[str, ...]
    asserted: frozenset[str] = frozenset()  # content words outside a contrast
    rejected: frozenset[str] = frozenset()  # content words a contrast rejects


@lru_cache(maxsize=65_536)
def stance(text: str) -> Stance:
    """The stance features of a note text."""
    folded = _fold(text)
    words = _words(folded)
    polarity = 0
    poles: set[tuple[str, int]] = set()
    sequence: list[str | None] = []
    lexicon = _lexicon()
    seen_words = False
    negation_word = False  # any word of the negations, even one opening a contrast
    asserted: set[str] = set()
    rejected: set[str] = set()
    for clause in _CLAUSE.split(folded):
        clause_words = _words(clause)
        # "…, not more parking": what the note rejects instead, not a denial of the note.
        contrast = seen_words and bool(clause_words) and _opens_contrast(clause_words[0])
        seen_words = seen_words or bool(clause_words)
        for index, word in enumerate(clause_words):
            meaning = _meaning(word)
            if meaning is None:
                if word in lexicon.order:
                    sequence.append(None)
                elif len(word) > 3:
                    sequence.append(word[:6])
                    (rejected if contrast else asserted).add(word[:6])
                continue
            name, sign = meaning
            negation_word = negation_word or name == "not"
            if name != "not":
                poles.add((name, -sign if contrast else sign))
            elif not (contrast and index == 0):  # "…, not X" opens a contrast: no denial
                polarity ^= 1
    # French "ne … plus" / "ne … personne" (no more, nobody): those words negate only after
    # "ne"; "ne … pas" is negated by its "pas" alone.
    french_ne = ("ne" in words or "n" in words) and any(w in lexicon.after_ne for w in words)
    if french_ne and not negation_word:
        polarity ^= 1
    ranking = tuple(w[:6] for w in _ranked_items(folded))
    return Stance(
        polarity,
        frozenset(poles),
        _relations(sequence),
        ranking,
        frozenset(asserted),
        frozenset(rejected - asserted),
    )


def _relations(sequence: list[str | None]) -> frozenset[tuple[str, str]]:
    """(x, y) for content words x shortly before and y shortly after an order word."""
    found: set[tuple[str, str]] = set()
    for index, word in enumerate(sequence):
        if word is not None or len(found) > 10_000:
            continue
        before = [w for w in sequence[max(0, index - 4) : index] if w is not None][-3:]
        after = [w for w in sequence[index + 1 : index + 5] if w is not None][:3]
        found.update((x, y) for x in before for y in after if x != y)
    return frozenset(found)


def _ranked_items(folded: str) -> list[str]:
    """First words of the items of a numbered list ("1. safety 2. cost"), in order."""
    items: list[str] = []
    for match in _LIST_ITEM.finditer(folded):
        rest = _WORD.findall(folded[match.end() : match.end() + 60])
        if rest:
            items.append(rest[0])
    return items if len(items) >= 2 else []


def _swapped(a: Stance, b: Stance) -> bool:
    """The same words on either side of an order word, swapped ("A into B" / "B into A")."""
    if a.ranking and b.ranking and set(a.ranking) == set(b.ranking):
        return a.ranking != b.ranking
    return any((y, x) in b.relations for x, y in a.relations)


def opposite(first: str, second: str) -> bool:
    """True when two notes take opposite positions (or are likely to): never duplicates."""
    a, b = stance(first), stance(second)
    if a.polarity != b.polarity:
        return True
    # "bike lanes, not parking" / "parking and bike lanes": one rejects what the other wants.
    if (a.rejected & b.asserted) or (b.rejected & a.asserted):
        return True
    names = {name for name, _ in a.poles | b.poles}
    for name in names:
        signs_a = {sign for n, sign in a.poles if n == name}
        signs_b = {sign for n, sign in b.poles if n == name}
        if len(signs_a) == 1 and len(signs_b) == 1 and signs_a != signs_b:
            return True
    return _swapped(a, b)
