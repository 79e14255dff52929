"""Interface languages: the café's offer, the browser's wish, and the visible switch."""

from __future__ import annotations

from flask import Flask, g, request, session
from flask_babel import Babel, get_locale

from worldcafe.settings import PROJECT_ROOT

APP_LANGUAGES = ("en", "de", "fr", "es", "it", "pl")
LANGUAGE_NAMES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
    "pl": "Polski",
}

babel = Babel()


def offered_languages() -> list[str]:
    """The languages this page offers: the café's list, or every language of the app."""
    offered = getattr(g, "cafe_languages", None)
    return list(offered) if offered else list(APP_LANGUAGES)


def select_locale() -> str:
    """A chosen language first, then the browser's if offered, then the café's own."""
    offered = offered_languages()
    wanted = request.args.get("lang")
    if wanted in offered:
        session["lang"] = wanted
        return wanted
    chosen = session.get("lang")
    if isinstance(chosen, str) and chosen in offered:
        return chosen
    best = request.accept_languages.best_match(offered)
    if best:
        return best
    default = getattr(g, "cafe_language", None)
    if isinstance(default, str) and default in offered:
        return default
    return offered[0] if offered else "en"


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the catalogues in worldcafe/translations."""
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "worldcafe" / "translations")
    )
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def _languages() -> dict[str, object]:
        return {
            "language_choices": [(c, LANGUAGE_NAMES[c]) for c in offered_languages()],
            "current_lang": str(get_locale() or "en"),
        }
