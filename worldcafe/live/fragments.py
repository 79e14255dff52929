"""Notes as HTML fragments, from the one macro file per audience.

`templates/participant/_notes.html`, `templates/host/_notes.html` and
`templates/projector/_notes.html` hold a note's markup; the pages import the same macros, so a
note looks the same whether it came with the page or live. The macros are called straight
(no context processors, no signals), which keeps the note hot path cheap; the caller sets the
language with `i18n.speaking`.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from markupsafe import Markup

from worldcafe.services.notes import NoteView


def _macros(audience: str) -> Any:
    return current_app.jinja_env.get_template(f"{audience}/_notes.html").module


def participant_note(view: NoteView, lang: str, insights: Any = ()) -> str:
    """A note on a phone (the acknowledgement of `note:add` carries it)."""
    return str(_macros("participant").note(view, insights, lang))


def participant_note_new(view: NoteView, lang: str, rendered: str | None = None) -> str:
    """A new note, added at the top of the phone's table notes; `rendered` is the note as
    `participant_note` made it in that language, when it did (the writer's acknowledgement)."""
    made = Markup(rendered) if rendered is not None else None
    return str(_macros("participant").note_new(view, lang, made))


def participant_note_changed(view: NoteView, insights: Any, lang: str) -> str:
    """A changed note, replaced (or removed) on the phone."""
    return str(_macros("participant").note_changed(view, insights, lang))


def host_note_new(view: NoteView) -> str:
    """A new note, added at the top of its table on the host console."""
    return str(_macros("host").note_new(view))


def host_note_changed(view: NoteView, insights: Any) -> str:
    """A changed note, replaced (or removed) on the host console."""
    return str(_macros("host").note_changed(view, insights))


def projector_note_new(view: NoteView, lang: str) -> str:
    """A new note, added at the top of the projector's wall."""
    return str(_macros("projector").note_new(view, lang))


def projector_note_changed(view: NoteView, lang: str) -> str:
    """A changed note, replaced (or removed) on the projector's wall."""
    return str(_macros("projector").note_changed(view, lang))
