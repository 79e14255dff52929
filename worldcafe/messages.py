"""Messages for people: an English message id of the catalogues and its named values.

Nothing below the web edge translates. A use case raises or returns a `Message` (or a bare
`MessageId`); whoever shows it renders it with a catalogue: the web edge in the reader's
language, the documents in the café's, the command line in English. Message ids are marked
with `N_`, which `make translations` extracts into worldcafe/translations, so every message a
use case can show has its entry in the six catalogues and there is no second list of them.
"""

from __future__ import annotations

import gettext
from typing import Protocol


class Catalogue(Protocol):
    """What showing a message needs of a catalogue (the standard library's and Babel's have it)."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


# The message ids are English: without a catalogue a message reads as written.
ENGLISH: Catalogue = gettext.NullTranslations()


class MessageId(str):
    """An English message id from the catalogues: translated wherever it is shown."""

    __slots__ = ()


def N_(message: str) -> MessageId:
    """Mark a message id for the catalogues; it is translated where it is shown."""
    return MessageId(message)


class Message:
    """A message id with named values: Message(N_("%(field)s must be text."), field=N_("Title")).

    A value that is a `MessageId` or a `Message` is shown translated too; any other value (a
    theme's name, a number) is shown as it is.
    """

    __slots__ = ("id", "values")

    def __init__(self, message_id: str, /, **values: object) -> None:
        self.id = message_id
        self.values = values

    def render(self, catalogue: Catalogue = ENGLISH) -> str:
        """The message in the catalogue's language, with its values filled in."""
        text = catalogue.gettext(self.id)
        if not self.values:
            return text
        return text % {name: shown(value, catalogue) for name, value in self.values.items()}

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.id!r}, **{self.values!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.id, self.values) == (other.id, other.values)

    def __hash__(self) -> int:
        return hash(self.id)


# What a person reads: a plain text (their own words, a name) is shown as written; a
# `MessageId` or a `Message` is translated.
Text = str | Message


def shown(text: object, catalogue: Catalogue = ENGLISH) -> str:
    """A text in the catalogue's language: messages translated, anything else as it is."""
    if isinstance(text, Message):
        return text.render(catalogue)
    if isinstance(text, MessageId):
        return catalogue.gettext(text)
    return str(text)
