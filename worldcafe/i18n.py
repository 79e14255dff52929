"""Interface languages: the café's offer, the browser's wish, and the visible switch."""

from __future__ import annotations

import re
from typing import Any

from babel import Locale
from flask import Flask, g, request, session
from flask_babel import Babel, format_datetime, format_decimal, format_percent, get_locale
from flask_babel import gettext as _

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


def N_(message: str) -> str:
    """Mark a message for the catalogue; it is translated later, where it is shown."""
    return message


# Messages the services, the socket events and the views raise in English; the edge shows
# them in the reader's language (translate_message).
PHONE_MESSAGES = (
    N_("Not connected to a café."),
    N_("This link is no longer valid."),
    N_("Only participants can do this."),
    N_("Join the café first."),
    N_("Not allowed."),
    N_("The request is malformed."),
    N_("The note's id is malformed."),
    N_("No such café."),
    N_("The café has not started yet: notes open with the first round."),
    N_("You have no seat in this round yet: ask the host."),
    N_("This note id is already taken."),
    N_("Only the author can change a note."),
    N_("Notes can be changed only during the round they were written in."),
    N_("No such note."),
    N_("You can act only on notes of the table you sit at."),
    N_("Only this table's host can mark key insights."),
    N_("You are writing very fast: wait a moment before the next note."),
    N_("You are going very fast: wait a moment and try again."),
    N_("Your note must not be empty."),
    N_("Your note must be text."),
)
OTHER_MESSAGES = (
    N_("No café has this join code."),
    N_("This café is full: every seat is taken."),
    N_("This café is not taking new participants right now."),
    N_("Many people are joining right now: try again in a few seconds."),
    N_("You joined several times within a minute: wait a moment and try again."),
    N_("Too many wrong sign-ins: wait a few minutes and try again."),
    N_("Too many wrong codes: wait a few minutes and try again."),
    N_("The café changed while the seats were planned: try again."),
    N_("Enter the code shown on your other device."),
    N_("No participant has this code."),
    N_("No such participant."),
    N_("No such table."),
    N_("People can be moved while a round is on."),
    N_("A table host stays at their table; unmark them as host first."),
    N_("Give a valid e-mail address."),
    N_("An organiser with this e-mail exists already."),
    N_("E-mail or password is wrong."),
    N_("Give the expected head count as a whole number."),
    N_("Name the themes first, then ask for a suggestion."),
    N_("The café configuration must be a JSON object."),
    N_("A café needs at least one theme."),
    N_("Two themes have the same name."),
    N_('Languages must be a non-empty list such as ["en", "de"].'),
    N_("The head count and the number of themes must be positive."),
    N_(
        "Themes and tables cannot change once the café has started; "
        "questions, title and timing can."
    ),
    N_("Unknown role."),
    N_("Unknown curation step."),
    N_("Give the cluster a name."),
    N_("Choose the notes or clusters first."),
    N_("No such note in this café."),
    N_("End the current round before starting the next."),
    N_("All rounds have been played."),
    N_("Nobody has joined yet: share the QR code first."),
    N_("This café has no tables."),
    N_("No round is on."),
    N_("The round is already paused."),
    N_("The round is not paused."),
    N_("Extend by a number of minutes."),
    N_("Unknown action."),
    N_("Type the café's title to confirm that it should be deleted."),
    N_("Choose what to do."),
    N_("Choose a CSV file first."),
    N_("This personal link is not valid any more."),
    N_("The roster must be a text (CSV) file."),
    N_("The roster is empty: give a header row and one line per person."),
    N_("The roster's header row cannot be read."),
    N_("the name is missing."),
    N_("more cells than the header has columns."),
    N_("the header needs a column called name."),
    N_("two columns mean the same thing."),
    N_("table_host must be yes, no or a table number."),
    N_("every table has a host already."),
    N_("Two join fields have the same key."),
    N_("A café asks at most one languages field."),
    N_('Join fields must be a list such as [{"key": "city", "label": "..."}].'),
    N_(
        "A languages field cannot be mixed: the seating gives every table a shared "
        "language instead."
    ),
    N_('The key "languages" is kept for a languages field.'),
    N_(
        "This café collects the name you give (a nickname is fine), your answers to its optional "
        "questions at the door, the notes you write, your dot-votes and the tables you sit at. "
        "They are used only to run this café and to write its summary. Nothing is sent to third "
        "parties. Ask the organisers to see or delete your data."
    ),
)
FIELD_NAMES = (
    N_("Expected head count"),
    N_("Your note"),
    N_("Your name"),
    N_("Title"),
    N_("Language"),
    N_("Rounds"),
    N_("Round length (minutes)"),
    N_("Table capacity"),
    N_("Each offered language"),
    N_("Purpose"),
    N_("Retention"),
    N_("Theme %(n)s name"),
    N_("Tables of theme %(name)s"),
    N_("A question of theme %(name)s"),
    N_("Join field %(n)s label"),
    N_("Name"),
)
MESSAGE_PATTERNS = (
    N_("%(field)s must be a whole number."),
    N_("%(field)s must be between %(low)s and %(high)s."),
    N_("%(field)s must be a number."),
    N_("%(field)s must be a number between %(low)s and %(high)s."),
    N_("%(field)s must be one of: %(choices)s."),
    N_("%(field)s must be text."),
    N_("%(field)s is too long: %(n)s characters, at most %(max)s."),
    N_("%(field)s must not be empty."),
    N_("%(field)s has no visible characters."),
    N_("A café has at most %(n)s themes."),
    N_("A café has at most %(n)s tables."),
    N_("Theme %(n)s must be an object with a name."),
    N_("Questions of theme %(name)s must be a list of text."),
    N_("Theme %(name)s needs a question."),
    N_(
        "Theme %(name)s has %(n)s questions: give one for all rounds or one per round (%(rounds)s)."
    ),
    N_("%(n)s rounds have already been played."),
    N_("Extend by 1 to %(n)s minutes."),
    N_("At most %(n)s key insights a round."),
    N_("The password needs at least %(n)s characters."),
    N_("Choose one of: %(choices)s."),
    N_("%(field)s: no language is called %(name)s; write names or codes, such as German, fr."),
    N_("%(field)s: at most %(n)s languages."),
    N_("A café asks at most %(n)s join fields."),
    N_("Join field %(n)s must be an object with a key and a label."),
    N_("Join field %(n)s has an unknown setting: %(name)s."),
    N_(
        "Join field %(n)s key must be lower-case letters, digits and _ (at most %(max)s), "
        "starting with a letter."
    ),
    N_("Join field %(n)s mix must be true or false."),
    N_("unknown column %(name)s: the columns are %(columns)s."),
    N_("there is no table %(n)s."),
    N_("table %(n)s has a host already."),
    N_("the CSV cannot be read (%(error)s)."),
    N_("A roster has at most %(n)s people."),
    N_(
        "The café seats %(n)s people (tables × seats per table); with this roster it would "
        "have %(m)s."
    ),
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(template: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(template)
    regex = ""
    for index, part in enumerate(parts):
        regex += re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
    return re.compile(regex, re.DOTALL)


_PATTERNS = [(_pattern(t), t) for t in (*MESSAGE_PATTERNS, *FIELD_NAMES) if "%(" in t]


def translate_message(message: str) -> str:
    """An English message from the services in the current language (unknown ones unchanged)."""
    if not message:
        return message
    translated: str = _(message)
    if translated != message:
        return translated
    for regex, template in _PATTERNS:
        match = regex.fullmatch(message)
        if match:
            values = match.groupdict()
            if "field" in values:
                values["field"] = translate_message(values["field"])
            result: str = _(template, **values)
            return result
    return message


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
    from flask_babel import get_translations

    locale = Locale.parse(current_language())
    forms: dict[str, str] = {}
    for n in (1, 2, 3, 5, 11, 21, 22, 25, 100, 0):
        category = locale.plural_form(n)
        if category not in forms:
            text = get_translations().ungettext(singular, plural, n)
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
        "messages": {m: translate_message(m) for m in PHONE_MESSAGES},
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


def _remember_template_translations(app: Flask) -> None:
    """Templates' `_()` looks each (language, message) up in the catalogue once.

    Flask-Babel finds the catalogue through the request context at every call, which was most
    of the time a note's fragment took to render; the catalogues do not change while the app
    runs. Plural forms and contexts keep Flask-Babel's own lookups.
    """
    from flask_babel import get_translations

    remembered: dict[tuple[str, str], str] = {}

    def gettext(message: str) -> str:
        key = (str(get_locale()), message)
        found = remembered.get(key)
        if found is None:
            if len(remembered) > 20_000:
                remembered.clear()
            found = remembered[key] = get_translations().ugettext(message)
        return found

    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext,
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n),
    )


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the catalogues in worldcafe/translations."""
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "worldcafe" / "translations")
    )
    babel.init_app(app, locale_selector=select_locale)
    _remember_template_translations(app)
    app.jinja_env.filters["translate_message"] = translate_message
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
