"""The documents' words in the café's language, from the same gettext catalogues as the interface.

The caller hands over the catalogue (the services pass the café's language's, the command line
the notes'): the pure core reads no files and needs no web framework.
"""

from __future__ import annotations

import re

from worldcafe.messages import ENGLISH, Catalogue

# Names of languages in their own language, for the notes' languages on the title page.
ENDONYMS = {
    "ar": "العربية",
    "bg": "Български",
    "cs": "Čeština",
    "da": "Dansk",
    "de": "Deutsch",
    "el": "Ελληνικά",
    "en": "English",
    "es": "Español",
    "et": "Eesti",
    "fi": "Suomi",
    "fr": "Français",
    "he": "עברית",
    "hr": "Hrvatski",
    "hu": "Magyar",
    "it": "Italiano",
    "ja": "日本語",
    "ko": "한국어",
    "lt": "Lietuvių",
    "lv": "Latviešu",
    "nl": "Nederlands",
    "no": "Norsk",
    "pl": "Polski",
    "pt": "Português",
    "ro": "Română",
    "ru": "Русский",
    "sk": "Slovenčina",
    "sl": "Slovenščina",
    "sv": "Svenska",
    "tr": "Türkçe",
    "uk": "Українська",
    "zh": "中文",
}

_TABLE_NAME = re.compile(
    r"^\s*(?:table|tisch|tavolo|tavola|mesa|stolik|st[oó]ł|tafel|t)?\s*[#№.:-]?\s*(\d{1,6})\s*$",
    re.IGNORECASE,
)


class Words:
    """The documents' words through one catalogue (English without one)."""

    def __init__(self, catalogue: Catalogue = ENGLISH) -> None:
        self._catalogue = catalogue

    def gettext(self, message: str, **values: object) -> str:
        """The message in this language, with ``%(name)s`` values filled in."""
        text = self._catalogue.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, num: int, **values: object) -> str:
        """The singular or plural form this language needs for ``num``."""
        return self._catalogue.ngettext(singular, plural, num) % {"num": num, **values}

    def table(self, name: str) -> str:
        """A table's heading: "Table 3" for "3", "Table 3" or "Tisch 3"; other names as given."""
        match = _TABLE_NAME.match(name)
        if match:
            return self.gettext("Table %(n)s", n=int(match.group(1)))
        return name

    def tables(self, names: list[str] | tuple[str, ...]) -> str:
        """ "Table 1" or "Tables 1, 4" (names that are not numbered stay as given)."""
        short = []
        for name in names:
            match = _TABLE_NAME.match(name)
            short.append(match.group(1) if match else name)
        listed = ", ".join(short)
        return self.ngettext("Table %(list)s", "Tables %(list)s", len(short), list=listed)

    def language_name(self, code: str) -> str:
        """A language's own name ("Deutsch" for "de"); unknown codes as given."""
        return ENDONYMS.get(code.split("-")[0].lower(), code)
