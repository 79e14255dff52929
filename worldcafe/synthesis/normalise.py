"""Normalisation of note texts: tokens, content words and their stems, numbers, language."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .language import detect_language, number_words, stem, stop_words, supported, written_language

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MAX_TEXT = 20_000


def fold(text: str) -> str:
    """Unicode-normalised, case-folded text with unified quotes and dashes."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    return text.casefold()


def tokens(text: str) -> list[str]:
    """Word tokens of the folded text, hyphenated words split in their parts."""
    return _TOKEN.findall(fold(text))


@lru_cache(maxsize=65_536)
def fold_word(word: str) -> str:
    """fold() of one word, remembered: notes repeat their words."""
    return fold(word)


def is_stop_word(word: str, language: str) -> bool:
    """True for function words of the language and one-letter tokens."""
    return len(word) < 2 or word in stop_words(language)


def numbers(text: str) -> frozenset[str]:
    """The numbers a text states, digits and common number words alike."""
    found = {m.group().replace(",", ".").rstrip(".") for m in _NUMBER.finditer(text)}
    words = number_words()
    found |= {words[w] for w in tokens(text) if w in words}
    normalised: set[str] = set()
    for value in found:
        if value.count(".") >= 1 and all(len(p) == 3 for p in value.split(".")[1:]):
            value = value.replace(".", "")
        normalised.add(value.lstrip("0") or "0")
    return frozenset(normalised)


@dataclass(frozen=True)
class Analysed:
    """A note text prepared for comparison."""

    language: str
    words: tuple[str, ...]
    stems: tuple[str, ...]
    content: tuple[str, ...]
    surface: tuple[str, ...]
    numbers: frozenset[str]


def analyse(text: str, language: str | None = None, default: str = "en") -> Analysed:
    """Tokens, stems of content words (with their written form) and numbers of a note.

    `language` is the note's own (written on a phone in it); without it the language is
    guessed, `default` (the café's) when the note is too short to tell.
    """
    return _analyse(text[:MAX_TEXT], supported(language), default)


@lru_cache(maxsize=65_536)
def _analyse(text: str, language: str | None, default: str) -> Analysed:
    lang = written_language(text, language) if language else detect_language(text, default)
    written = _TOKEN.findall(unicodedata.normalize("NFKC", text).replace("’", "'"))
    words = tuple(fold_word(w) for w in written)
    stems: list[str] = []
    content: list[str] = []
    surface: list[str] = []
    for raw, word in zip(written, words, strict=True):
        if word.endswith("n't"):
            continue
        for raw_part, part in zip(raw.split("'"), word.split("'"), strict=False):
            if len(part) < 2 or part.isdigit():
                continue
            stemmed = stem(part, lang)
            stems.append(stemmed)
            if not is_stop_word(part, lang) and part.isalpha():
                content.append(stemmed)
                surface.append(raw_part)
    return Analysed(
        language=lang,
        words=words,
        stems=tuple(stems),
        content=tuple(content),
        surface=tuple(surface),
        numbers=numbers(text),
    )
