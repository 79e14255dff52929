"""The Socket.IO events: who sends each one, what it does, and who hears about it.

Every event but connect and disconnect goes through transport.dispatch, which re-checks the
socket's identity first (a refused identity answers {"ok": false, …} and is cut off) and then
calls `limit` below: the one place where a per-participant or per-console rate limit belongs.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, current_app, request
from flask_babel import get_locale
from sqlalchemy.exc import IntegrityError

from worldcafe import access, presenters
from worldcafe.extensions import database, limits
from worldcafe.i18n import speaking
from worldcafe.live import announce, fragments, transport
from worldcafe.live.identity import ROLES, Identity, still_holds
from worldcafe.live.transport import Event, socketio
from worldcafe.messages import N_
from worldcafe.rate_limits import NoteRateLimiter
from worldcafe.reads import screens
from worldcafe.services import notes as note_service
from worldcafe.services import participants as participant_service
from worldcafe.services.cafes import get_cafe, offered_languages
from worldcafe.services.errors import Forbidden, NotFound


def note_rate() -> NoteRateLimiter:
    """This app's per-participant note limiter."""
    limiter: NoteRateLimiter = current_app.extensions["worldcafe.note_rate"]
    return limiter


# Events limited to RULES["event"] (30 a minute) each, per participant and per console.
LIMITED_EVENTS = frozenset(
    ("resync", "note:edit", "note:delete", "note:vote", "note:carry", "note:insight")
)


def limit(event: str, ident: Identity) -> None:
    """Called by dispatch for every event, after the identity check and before the handler.

    Raises RateLimited (status 429) past the event's limit: nothing is stored, nothing is
    announced, and the socket gets {"ok": false, "error": …, "status": 429}. A participant
    counts across devices and reconnects; a console (host, projector, organiser screen) per
    socket. A participant's notes are counted by the admission rule itself
    (services/admission.py), through `note_rate`.
    """
    if event not in LIMITED_EVENTS:
        return
    who = (
        f"participant:{ident.participant_id}"
        if ident.participant_id is not None
        else f"{ident.kind}:{ident.cafe_id}:{id(ident)}"
    )
    limits().hit("event", event, who)


# ----- connection ---------------------------------------------------------------------------


@socketio.on("connect")
def on_connect(auth: object = None) -> bool:
    """Sent by every page on (re)connect with {role, cafe[, view]}: the identity is made from
    the browser's signed session (a participant's token, a link's secret or the owner's
    sign-in), kept for the socket, and its rooms joined. Refused: the connection is refused."""
    data = auth if isinstance(auth, dict) else {}
    role = data.get("role")
    if role not in ROLES:
        return False
    relanguage: int | None = None
    with database().read() as db:
        try:
            cafe = get_cafe(db, data.get("cafe"))
        except NotFound:
            return False
        access.set_cafe_context(cafe)
        shown = access.page_language(cafe) if role == "participant" else None
        lang = shown if shown in offered_languages(cafe) else str(get_locale() or cafe.language)
        base: dict[str, Any] = {
            "cafe_id": cafe.id,
            "role": role,
            "lang": lang,
            "languages": tuple(offered_languages(cafe)),
            "language": cafe.language,
        }
        if role == "participant":
            participant = access.current_participant(db, cafe)
            if participant is None:
                return False
            ident = Identity(
                kind="participant",
                participant_id=participant.id,
                token=participant.resume_token,
                **base,
            )
            if participant.language != lang:
                relanguage = participant.id
        else:
            kind = "harvest" if role == "projector" and data.get("view") == "harvest" else role
            secret = access.held_secret(cafe, role)
            owner = access.owner_signed_in(db, cafe) if secret is None else None
            if secret is None and owner is None:
                return False
            ident = Identity(
                kind=kind,
                secret=secret,
                organiser_id=owner.id if owner is not None else None,
                epoch=owner.session_epoch if owner is not None else None,
                **base,
            )
    if relanguage is not None:
        # Live updates to this phone are rendered in the language it shows.
        with database().write() as db:
            participant_service.set_language(db, relanguage, lang)
    sid = request.sid  # type: ignore[attr-defined]
    transport.admit(sid, ident)
    with database().read() as db:
        # Cut off between the check above and joining the rooms: refuse now.
        if not still_holds(db, ident):
            transport.leave_all_rooms(sid)
            transport.forget(sid)
            return False
    return True


@socketio.on("disconnect")
def on_disconnect(*_args: object) -> None:
    """A socket went away: its identity record is dropped."""
    transport.forget(request.sid)  # type: ignore[attr-defined]


# ----- events sent by every page ------------------------------------------------------------


def on_clock(event: Event) -> dict[str, Any]:
    """Sent by every page a few times to estimate its clock offset; answers the server time."""
    return {"ok": True, "now": int(time.time() * 1000)}


def on_resync(event: Event) -> dict[str, Any]:
    """Sent by a page after (re)connecting: the server sends that socket its panels and timer."""
    ident = event.ident
    with database().read() as db:
        cafe = get_cafe(db, ident.cafe_id)
        socketio.emit("timer", screens.timer_payload(cafe), to=event.sid)
        if ident.role == "participant":
            participant = access.current_participant_by_id(db, cafe, ident.participant_id)
            html = presenters.participant_panel_html(db, cafe, participant)
        elif ident.kind == "host":
            html = presenters.host_console_html(db, cafe)
        elif ident.kind == "harvest":
            html = presenters.projector_harvest_html(db, cafe)
        elif ident.kind == "projector":
            html = presenters.projector_html(db, cafe)
        else:
            html = ""
        socketio.emit("fragment", {"html": html}, to=event.sid)
    return {"ok": True}


# ----- events sent by phones ----------------------------------------------------------------


def _participant_id(event: Event) -> int:
    if event.ident.participant_id is None:
        raise Forbidden(N_("Only participants can do this."))
    return event.ident.participant_id


def on_note_add(event: Event) -> dict[str, Any]:
    """`note:add`, sent by a phone for each note in its outbox; its table's phones (but the
    sender), the host consoles and the projectors hear it.

    The hot path of a live café: an application context only, one write transaction reads
    everything the screens need and re-checks the socket's identity (the participant's resume
    token), and each fragment is rendered once per language.
    """
    payload = event.payload()
    ident = event.ident
    args = (ident.cafe_id, _participant_id(event), payload.get("client_id"), payload.get("text"))
    try:
        with database().write_connection() as conn:
            posted = note_service.post_note(conn, *args, rate=note_rate(), token=ident.token)
    except IntegrityError:
        # The same note arrived twice at once: the other request stored it.
        with database().write_connection() as conn:
            posted = note_service.post_note(conn, *args, token=ident.token)
    with speaking(ident.lang):
        html = fragments.participant_note(posted.view, ident.lang)
    if posted.created:
        announce.announce_note(
            posted,
            ident.cafe_id,
            list(ident.languages),
            skip_sid=event.sid,
            rendered={ident.lang: html},
        )
    return {
        "ok": True,
        "id": posted.view.note.client_id,
        "html": html,
        "duplicate": not posted.created,
    }


def _writer(db: Any, event: Event) -> Any:
    cafe = get_cafe(db, event.ident.cafe_id)
    return access.current_participant_by_id(db, cafe, _participant_id(event))


def on_note_edit(event: Event) -> dict[str, Any]:
    """Sent by a note's author to rewrite it during its round; every screen updates it."""
    payload = event.payload()
    with database().write() as db:
        note = note_service.edit_note(
            db, _writer(db, event), payload.get("id"), payload.get("text")
        )
        note_id = note.id
    announce.announce_note_changed(note_id)
    return {"ok": True}


def on_note_delete(event: Event) -> dict[str, Any]:
    """Sent by a note's author to withdraw it during its round; every screen removes it."""
    payload = event.payload()
    with database().write() as db:
        note_id = note_service.delete_note(db, _writer(db, event), payload.get("id")).id
    announce.announce_note_changed(note_id)
    return {"ok": True}


def on_note_vote(event: Event) -> dict[str, Any]:
    """Sent by a participant to give or take back a dot-vote on a note at their table;
    every screen shows the new count."""
    payload = event.payload()
    with database().write() as db:
        note, votes = note_service.toggle_vote(db, _writer(db, event), payload.get("id"))
        note_id = note.id
    announce.announce_note_changed(note_id)
    return {"ok": True, "votes": votes}


def on_note_carry(event: Event) -> dict[str, Any]:
    """Sent by a traveller to pin the idea they carry to their next table (nobody else hears)."""
    payload = event.payload()
    with database().write() as db:
        idea = note_service.carry_idea(db, _writer(db, event), payload.get("id"))
        carried = idea.note.client_id
    return {"ok": True, "carried": carried}


def on_note_insight(event: Event) -> dict[str, Any]:
    """Sent by a table host to mark or unmark a key insight (three a round); the table's
    phones and the host consoles show the mark."""
    payload = event.payload()
    with database().write() as db:
        participant = _writer(db, event)
        marked = note_service.toggle_insight(db, participant, payload.get("id"))
        note_id = note_service.get_note(db, participant.cafe_id, payload.get("id")).id
    announce.announce_note_changed(note_id)
    return {"ok": True, "marked": marked}


# Event name: (handler, whether it needs a request context for its templates).
EVENTS: dict[str, tuple[transport.Handler, bool]] = {
    "clock": (on_clock, False),
    "resync": (on_resync, True),
    "note:add": (on_note_add, False),  # re-checks a phone's identity in its write
    "note:edit": (on_note_edit, True),
    "note:delete": (on_note_delete, True),
    "note:vote": (on_note_vote, True),
    "note:carry": (on_note_carry, True),
    "note:insight": (on_note_insight, True),
}


def register(app: Flask) -> None:
    """Route every client event through transport.dispatch."""
    app.extensions["worldcafe.note_rate"] = NoteRateLimiter(
        int(app.config.get("NOTE_RATE_PER_MINUTE", 20))
    )
    for name, (handler, needs_request) in EVENTS.items():
        transport.register(
            app,
            name,
            handler,
            limit,
            request=needs_request,
            checks_participant=handler is on_note_add,
        )
