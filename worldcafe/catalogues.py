"""The interface languages and their gettext catalogues (worldcafe/translations).

One loader for everything people read: the pages' templates and messages (through the web
edge, in the reader's language) and the harvest documents (through the services, in the café's
language) use the same compiled catalogues.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import Translations

from worldcafe.messages import Catalogue

LANGUAGES = ("en", "de", "fr", "es", "it", "pl")
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def language_of(code: str | None) -> str:
    """One of LANGUAGES for a code such as "fr-CA" or "de_AT"; English for any other."""
    base = (code or "en").replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else "en"


@lru_cache(maxsize=len(LANGUAGES))
def _load(language: str) -> Catalogue:
    return Translations.load(str(TRANSLATIONS), [language])


@lru_cache(maxsize=64)
def catalogue(code: str | None) -> Catalogue:
    """The catalogue of a language (English for a language the app does not speak).

    Remembered per code as well: templates ask for it at every message they show.
    """
    return _load(language_of(code))
