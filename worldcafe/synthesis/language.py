"""Languages of notes: a guess with a shipped model, stop words and stemming for each.

The interface languages (en, de, fr, es, it, pl) are fully supported; a note in another
language keeps its own code and gets a Snowball stemmer and stop words where they exist.
The guess uses py3langid's bundled model limited to the interface languages; a note whose
language is known (written on a phone in that language) is never guessed.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import snowballstemmer

LANGUAGES = ("en", "de", "fr", "es", "it", "pl")
_SNOWBALL = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german",
    "el": "greek", "en": "english", "es": "spanish", "fi": "finnish", "fr": "french",
    "hu": "hungarian", "id": "indonesian", "it": "italian", "nl": "dutch", "no": "norwegian",
    "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sv": "swedish",
    "tr": "turkish",
}  # fmt: skip
MAX_STEMMED = 40
CONFIDENT = 0.6
PLAIN = 0.995  # how sure the detector must be to overrule the language a note was written in


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files(__package__).joinpath("data/words.json").read_text("utf-8")
    )
    return data


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def supported(language: str | None) -> str | None:
    """The language code when the synthesis knows it, else None."""
    if not language:
        return None
    code = language.strip().lower().replace("_", "-").split("-")[0]
    return code if code in _SNOWBALL else None


@lru_cache(maxsize=65_536)
def detect_language(text: str, default: str = "en") -> str:
    """The interface language a text is written in; `default` when there is too little to tell."""
    sample = text[:2000]
    letters = sum(ch.isalpha() for ch in sample)
    if letters < 3:
        return default
    language, confidence = _identifier().classify(sample)
    if confidence < CONFIDENT and letters < 40:
        return default
    return str(language)


@lru_cache(maxsize=65_536)
def written_language(text: str, stated: str) -> str:
    """A note's language: the one stated (its phone's), unless a long enough text plainly is in
    another (a German phone's note written in English at an international table)."""
    sample = text[:2000]
    if sum(ch.isalpha() for ch in sample) < 40 or len(sample.split()) < 6:
        return stated
    language, confidence = _identifier().classify(sample)
    return str(language) if language != stated and confidence >= PLAIN else stated


@lru_cache(maxsize=64)
def stop_words(language: str) -> frozenset[str]:
    """Function words of a language: the stop-words package's list with this project's edits."""
    from stop_words import StopWordError, get_stop_words

    try:
        listed = set(get_stop_words(language))
    except StopWordError:
        listed = set()
    words = _words()
    listed |= set(words["extra"].get(language, ()))
    listed -= set(words["keep"].get(language, ()))
    return frozenset(w.casefold() for w in listed)


def number_words() -> dict[str, str]:
    """Number words of the interface languages and the numbers they state."""
    numbers: dict[str, str] = _words()["numbers"]
    return numbers


@lru_cache(maxsize=64)
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(_SNOWBALL.get(language, "english"))


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """Snowball stem of a folded word; very long words (no real word) are kept as they are."""
    if len(word) > MAX_STEMMED:
        return word
    if language == "de":
        word = word.replace("ß", "ss")
    if language not in _SNOWBALL:
        return word
    result: str = _stemmer(language).stemWord(word)
    return result
