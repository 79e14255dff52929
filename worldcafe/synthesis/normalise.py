"""Language-aware normalisation of note texts: tokens, stop words, stems, language guess."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

GERMAN_STOP_WORDS = frozenset(
    [
        "aber",
        "alle",
        "allem",
        "allen",
        "aller",
        "alles",
        "als",
        "also",
        "am",
        "an",
        "ander",
        "andere",
        "anderen",
        "anderer",
        "anderes",
        "auch",
        "auf",
        "aus",
        "bei",
        "beim",
        "bin",
        "bis",
        "bist",
        "bitte",
        "da",
        "dabei",
        "dadurch",
        "dafür",
        "dagegen",
        "daher",
        "damit",
        "dann",
        "dar",
        "daran",
        "darauf",
        "darin",
        "darum",
        "das",
        "dass",
        "daß",
        "dem",
        "den",
        "denen",
        "denn",
        "der",
        "deren",
        "des",
        "deshalb",
        "dessen",
        "die",
        "dies",
        "diese",
        "diesem",
        "diesen",
        "dieser",
        "dieses",
        "doch",
        "dort",
        "du",
        "durch",
        "eben",
        "ein",
        "eine",
        "einem",
        "einen",
        "einer",
        "eines",
        "einfach",
        "er",
        "es",
        "etc",
        "etwa",
        "etwas",
        "euch",
        "euer",
        "für",
        "gar",
        "gibt",
        "ganz",
        "geben",
        "gegen",
        "geht",
        "gehen",
        "gemacht",
        "habe",
        "haben",
        "hat",
        "hatte",
        "hätte",
        "hier",
        "hin",
        "ich",
        "ihm",
        "ihn",
        "ihnen",
        "ihr",
        "ihre",
        "ihrem",
        "ihren",
        "ihrer",
        "im",
        "immer",
        "in",
        "ins",
        "ist",
        "ja",
        "jede",
        "jedem",
        "jeden",
        "jeder",
        "jedes",
        "jetzt",
        "kann",
        "kannst",
        "können",
        "könnte",
        "man",
        "manche",
        "mehr",
        "mich",
        "mir",
        "mit",
        "muss",
        "müssen",
        "musste",
        "müsste",
        "nach",
        "noch",
        "nun",
        "nur",
        "ob",
        "oder",
        "ohne",
        "schon",
        "sehr",
        "sei",
        "sein",
        "seine",
        "seinem",
        "seinen",
        "seiner",
        "sich",
        "sie",
        "sind",
        "so",
        "sollen",
        "sollte",
        "sollten",
        "soll",
        "solche",
        "sowie",
        "statt",
        "über",
        "um",
        "und",
        "uns",
        "unser",
        "unsere",
        "unter",
        "usw",
        "viel",
        "viele",
        "vom",
        "von",
        "vor",
        "wann",
        "war",
        "waren",
        "warum",
        "was",
        "weil",
        "weiter",
        "welche",
        "welchem",
        "welchen",
        "welcher",
        "wenn",
        "wer",
        "werden",
        "wird",
        "wie",
        "wieder",
        "will",
        "wir",
        "wo",
        "wollen",
        "wurde",
        "würde",
        "würden",
        "z",
        "zb",
        "zum",
        "zur",
        "zu",
        "zwischen",
        "bzw",
        "ca",
        "evtl",
        "dh",
        "sondern",
        "sodass",
        "wäre",
        "wären",
        "werde",
        "sowohl",
    ]
)

ENGLISH_STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "etc",
        "few",
        "for",
        "from",
        "further",
        "get",
        "gets",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "lets",
        "like",
        "make",
        "many",
        "may",
        "me",
        "might",
        "more",
        "most",
        "much",
        "must",
        "my",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "per",
        "please",
        "really",
        "same",
        "shall",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "very",
        "via",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "e.g",
        "i.e",
    ]
)

NEGATIONS = frozenset(
    [
        "nicht",
        "kein",
        "keine",
        "keinen",
        "keinem",
        "keiner",
        "keines",
        "nie",
        "niemals",
        "nichts",
        "niemand",
        "weder",
        "nirgends",
        "not",
        "no",
        "never",
        "none",
        "nothing",
        "nobody",
        "neither",
        "nor",
        "nowhere",
        "cannot",
        "without",
        "ohne",
    ]
)

NUMBER_WORDS = {
    "null": "0",
    "eins": "1",
    "zwei": "2",
    "drei": "3",
    "vier": "4",
    "fünf": "5",
    "sechs": "6",
    "sieben": "7",
    "acht": "8",
    "neun": "9",
    "zehn": "10",
    "zwölf": "12",
    "hundert": "100",
    "tausend": "1000",
    "zero": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "twelve": "12",
    "hundred": "100",
    "thousand": "1000",
    "half": "0.5",
    "halb": "0.5",
    "hälfte": "0.5",
    "doppelt": "x2",
    "double": "x2",
    "twice": "x2",
}

_GERMAN_HINTS = frozenset(
    [
        "und",
        "der",
        "die",
        "das",
        "nicht",
        "ist",
        "mit",
        "für",
        "auf",
        "sollte",
        "sollen",
        "muss",
        "werden",
        "wir",
        "ein",
        "eine",
        "es",
        "von",
        "zu",
        "den",
        "mehr",
        "sich",
        "im",
        "auch",
        "keine",
        "kein",
        "wenn",
    ]
)
_ENGLISH_HINTS = frozenset(
    [
        "the",
        "and",
        "is",
        "are",
        "of",
        "to",
        "we",
        "should",
        "more",
        "not",
        "for",
        "with",
        "it",
        "this",
        "that",
        "be",
        "our",
        "in",
        "on",
        "have",
        "no",
        "must",
        "need",
        "people",
    ]
)

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_STEMMERS = {"de": "german", "en": "english"}


def fold(text: str) -> str:
    """Unicode-normalised, case-folded text with unified quotes and dashes."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    return text.casefold()


def tokens(text: str) -> list[str]:
    """Word tokens of the folded text, hyphenated words split in their parts."""
    return _TOKEN.findall(fold(text))


def detect_language(text: str) -> str:
    """ "de" or "en" by function words and letters; "de" wins ties with umlauts or ß."""
    words = tokens(text)
    german = sum(w in _GERMAN_HINTS for w in words)
    english = sum(w in _ENGLISH_HINTS for w in words)
    if any(ch in text for ch in "äöüÄÖÜß"):
        german += 1
    if english > german:
        return "en"
    if german > english:
        return "de"
    return "de" if any(w.endswith(("ung", "keit", "heit", "en")) for w in words) else "en"


@lru_cache(maxsize=65_536)
def fold_word(word: str) -> str:
    """fold() of one word, remembered: notes repeat their words."""
    return fold(word)


@lru_cache(maxsize=8)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(_STEMMERS.get(language, "english"))


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """Snowball stem of a folded word in the language ("de" or "en")."""
    if language == "de":
        word = word.replace("ß", "ss")
    result: str = _stemmer(language if language in _STEMMERS else "en").stemWord(word)
    return result


def is_stop_word(word: str) -> bool:
    """True for function words of German or English and one-letter tokens."""
    return len(word) < 2 or word in GERMAN_STOP_WORDS or word in ENGLISH_STOP_WORDS


def numbers(text: str) -> frozenset[str]:
    """The numbers a text states, digits and common number words alike."""
    found = {m.group().replace(",", ".").rstrip(".") for m in _NUMBER.finditer(text)}
    found |= {NUMBER_WORDS[w] for w in tokens(text) if w in NUMBER_WORDS}
    normalised: set[str] = set()
    for value in found:
        if value.count(".") >= 1 and all(len(p) == 3 for p in value.split(".")[1:]):
            value = value.replace(".", "")
        normalised.add(value.lstrip("0") or "0")
    return frozenset(normalised)


def negations(text: str) -> int:
    """How many negating words a text has ("nicht", "kein", "not", "no", "never", "n't", …)."""
    return sum(word in NEGATIONS or word.endswith("n't") for word in tokens(text))


@dataclass(frozen=True)
class Analysed:
    """A note text prepared for comparison."""

    language: str
    words: tuple[str, ...]
    stems: tuple[str, ...]
    content: tuple[str, ...]
    surface: tuple[str, ...]
    numbers: frozenset[str]
    negations: int


def analyse(text: str, language: str | None = None) -> Analysed:
    """Tokens, stems of content words (with their written form), numbers and negations."""
    return _analyse(text, language if language in _STEMMERS else None)


@lru_cache(maxsize=65_536)
def _analyse(text: str, language: str | None) -> Analysed:
    lang = language if language in _STEMMERS else detect_language(text)
    assert lang is not None
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
            if not is_stop_word(part) and part not in NEGATIONS and part.isalpha():
                content.append(stemmed)
                surface.append(raw_part)
    return Analysed(
        language=lang,
        words=words,
        stems=tuple(stems),
        content=tuple(content),
        surface=tuple(surface),
        numbers=numbers(text),
        negations=negations(text),
    )
