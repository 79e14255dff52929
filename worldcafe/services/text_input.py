"""Cleaning of free text from users: names, titles, notes."""

from __future__ import annotations

import unicodedata

from worldcafe.messages import N_, Text
from worldcafe.services.errors import InvalidInput

# Bidirectional overrides and isolates can reorder what others see; plain marks are harmless.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
# Letters and marks that draw nothing (fillers, blanks, the combining grapheme joiner).
_BLANKS = set("\u034f\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0")


def _visible(char: str) -> bool:
    """Whether a character draws something (zero-width and space characters do not)."""
    if char in _BLANKS or char.isspace():
        return False
    return unicodedata.category(char) not in ("Cf", "Zs", "Zl", "Zp", "Cc")


def clean_text(value: object, *, field: Text, max_length: int, multiline: bool = False) -> str:
    """Strip control characters and surrounding space; refuse non-strings and over-long text."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(N_("%(field)s must be text."), field=field)
    if value.isprintable():
        # The common case, checked in C: nothing below would be dropped or replaced (bidi
        # controls, control, surrogate, private and unassigned characters are unprintable).
        return _checked(value, field, max_length)
    kept = []
    for char in value:
        if char in _BIDI_CONTROLS:
            continue
        if char in "\n\t" and multiline:
            kept.append(char)
            continue
        if unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and char not in "\n\t":
            continue
        kept.append(" " if char in "\n\t" else char)
    return _checked("".join(kept), field, max_length)


def _checked(kept: str, field: Text, max_length: int) -> str:
    text = unicodedata.normalize("NFC", kept).strip()
    if len(text) > max_length:
        raise InvalidInput(
            N_("%(field)s is too long: %(n)s characters, at most %(max)s."),
            field=field,
            n=len(text),
            max=max_length,
        )
    if text and not any(_visible(char) for char in text):
        raise InvalidInput(N_("%(field)s has no visible characters."), field=field)
    return text


def require_text(value: object, *, field: Text, max_length: int, multiline: bool = False) -> str:
    """Like clean_text, but empty text is refused."""
    text = clean_text(value, field=field, max_length=max_length, multiline=multiline)
    if not text:
        raise InvalidInput(N_("%(field)s must not be empty."), field=field)
    return text
