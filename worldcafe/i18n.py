"""Interface languages: the café's offer, the browser's wish, and the visible switch."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from babel import Locale
from flask import Flask, g, request, session
from flask_babel import (
    Babel,
    force_locale,
    format_datetime,
    format_decimal,
    format_percent,
    get_locale,
)
from flask_babel import gettext as _

from worldcafe.catalogues import LANGUAGES as APP_LANGUAGES
from worldcafe.catalogues import TRANSLATIONS, catalogue
from worldcafe.messages import Catalogue, shown

LANGUAGE_NAMES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
    "pl": "Polski",
}

babel = Babel()

# The language a fragment is being rendered in (`speaking`), read by the templates' `_()`.
_speaking: ContextVar[str | None] = ContextVar("worldcafe_speaking", default=None)


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Render in `language`: Flask-Babel's locale is forced to it, and the templates' `_()`
    find its catalogue at once, rather than through the request context at every message (a
    note's fragment holds a dozen of them, rendered for every note of a live café)."""
    token = _speaking.set(language)
    try:
        with force_locale(language):
            yield
    finally:
        _speaking.reset(token)


def translated(text: object, language: str | None = None) -> str:
    """A text from below in the reader's language (or in `language`).

    Messages (a `Message` or a `MessageId`, such as a service error's) are translated with the
    catalogue; anything else, such as a name or an organiser's own words, is shown as written.
    """
    return shown(text, catalogue(language or current_language()))


def offered_languages() -> list[str]:
    """The languages this page offers: the café's list, or every language of the app."""
    offered = getattr(g, "cafe_languages", None)
    return [code for code in offered if code in APP_LANGUAGES] if offered else list(APP_LANGUAGES)


def select_locale() -> str:
    """A chosen language first, then the browser's if offered, then the café's own."""
    offered = offered_languages()
    wanted = request.args.get("lang")
    if wanted in offered:
        session["lang"] = wanted
        return str(wanted)
    chosen = session.get("lang")
    if isinstance(chosen, str) and chosen in offered:
        return chosen
    best = request.accept_languages.best_match(offered)
    if best:
        return str(best)
    default = getattr(g, "cafe_language", None)
    if isinstance(default, str) and default in offered:
        return default
    return offered[0] if offered else "en"


def current_language() -> str:
    """The language of this response, as a code for `html lang`."""
    locale = get_locale()
    return locale.language if locale is not None else "en"


def _plural_forms(singular: str, plural: str) -> dict[str, str]:
    """A message's plural forms by CLDR category (Intl.PluralRules), `{n}` for the number."""
    language = current_language()
    locale = Locale.parse(language)
    forms: dict[str, str] = {}
    for n in (1, 2, 3, 5, 11, 21, 22, 25, 100, 0):
        category = locale.plural_form(n)
        if category not in forms:
            text = catalogue(language).ngettext(singular, plural, n)
            forms[category] = text.replace("%(num)s", "{n}")
    forms.setdefault("other", forms.get("many") or next(iter(forms.values())))
    return forms


def client_strings() -> dict[str, Any]:
    """What the page's script shows or announces, in the page's language."""
    return {
        "lang": current_language(),
        "paused": _("paused"),
        "ended": _("round over"),
        "timeUp": _("time is up"),
        "endingSoon": _("ending soon"),
        "lobby": _("waiting to start"),
        "timeUpAnnounce": _("Time is up."),
        "minutesLeft": _plural_forms("%(num)s minute left", "%(num)s minutes left"),
        "online": _("Live"),
        "offline": _("Reconnecting…"),
        "pending": _("pending"),
        "notSaved": _("not saved"),
        "tooLong": _("Your note is too long: %(n)s characters, at most %(max)s.")
        .replace("%(n)s", "{n}")
        .replace("%(max)s", "{max}"),
        "empty": _("Write something first."),
        "editPrompt": _("Edit your note"),
        "deleteConfirm": _("Delete this note?"),
        "newNote": _("New note: %(text)s").replace("%(text)s", "{text}"),
        "newNotes": _plural_forms("%(num)s new note", "%(num)s new notes"),
        "showEarlier": _plural_forms(
            "Show earlier rounds (%(num)s note)", "Show earlier rounds (%(num)s notes)"
        ),
        "hideEarlier": _("Hide earlier rounds"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "voteGiven": _("You voted for this note."),
        "voteTaken": _("Vote taken back."),
        "carrySet": _("You will take this note to your next table."),
        "insightSet": _("Marked as a key insight."),
        "insightUnset": _("No longer a key insight."),
        "pageOf": _("page %(n)s of %(total)s")
        .replace("%(n)s", "{n}")
        .replace("%(total)s", "{total}"),
    }


def format_when(moment: Any, style: str = "medium") -> str:
    """A date and time in the reader's language."""
    return str(format_datetime(moment, style))


def _templates_read_the_catalogues(app: Flask) -> None:
    """Templates' `_()` and `ngettext()` read the catalogues the messages and documents read.

    Each language's catalogue is loaded once (catalogues.catalogue): Flask-Babel would find it
    through the request context at every call, which was most of the time a note's fragment
    took to render.
    """

    def current() -> Catalogue:
        language = _speaking.get()
        return catalogue(language if language is not None else current_language())

    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: current().gettext(message),
        ngettext=lambda singular, plural, n: current().ngettext(singular, plural, n),
        newstyle=True,
    )


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the catalogues in worldcafe/translations."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale)
    _templates_read_the_catalogues(app)
    app.jinja_env.filters["translated"] = translated
    app.jinja_env.filters["datetime"] = format_when
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.filters["percent"] = format_percent

    @app.context_processor
    def _languages() -> dict[str, object]:
        return {
            "language_choices": [(c, LANGUAGE_NAMES[c]) for c in offered_languages()],
            "current_lang": current_language(),
            "client_strings": client_strings,
        }
