"""Socket.IO: who connects to which rooms, the events phones send, and what the server announces.

Rooms, all derived on the server from the database and re-joined on every (re)connect:
``cafe:<id>`` every screen of a café, ``host:<id>`` host consoles, ``projector:<id>``
projectors, ``harvest:<id>`` projectors showing the harvest, ``participant:<id>`` one
participant's devices. Table fan-out goes to the
participant rooms of the people seated at that table in the current round, so a move by the
host or a new round never leaves a phone in a stale table room.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from flask import Flask, abort, current_app, render_template, request, session
from flask_babel import force_locale, get_locale
from flask_socketio import SocketIO, join_room
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from worldcafe import access, presenters, socket_json
from worldcafe.extensions import database
from worldcafe.i18n import APP_LANGUAGES
from worldcafe.i18n import offered_languages as offered_languages_for_socket
from worldcafe.live import fragments
from worldcafe.models import Cafe, Note, Participant, Seat
from worldcafe.rate_limits import NoteRateLimiter
from worldcafe.services import notes as note_service
from worldcafe.services import participants as participant_service
from worldcafe.services.cafes import get_cafe, offered_languages
from worldcafe.services.errors import NotFound, ServiceError

socketio = SocketIO()
# Host consoles, projectors and harvest views connected to this process, per café and language.
_screens_by_language: dict[tuple[str, int], Counter[str]] = {}
# Who each socket of this process is, as checked when it connected. The note hot path reads it
# without a request context; a socket's events always reach the process that holds it.
_idents: dict[str, dict[str, Any]] = {}

MAX_SOCKET_MESSAGE = 16 * 1024


def init_app(app: Flask) -> None:
    """Attach Socket.IO in the configured async mode, with the message queue if one is set."""
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config.get("MESSAGE_QUEUE"),
        max_http_buffer_size=MAX_SOCKET_MESSAGE,
        json=socket_json,
        ping_interval=20,
        ping_timeout=25,
    )
    app.extensions["worldcafe.note_rate"] = NoteRateLimiter(
        int(app.config.get("NOTE_RATE_PER_MINUTE", 20))
    )

    def on_note_add(sid: str, data: object = None) -> dict[str, Any]:
        with app.app_context():
            return _answer(lambda: add_note(sid, data))

    socketio.server.on("note:add", on_note_add, namespace="/")

    def on_malformed(_sid: str, *_data: object) -> dict[str, Any]:
        # A packet that could not be decoded (socket_json): answered, never a traceback.
        return {"ok": False, "error": "The request is malformed.", "status": 400}

    socketio.server.on(socket_json.MALFORMED, on_malformed, namespace="/")
    for websocket in (False, True):
        app.add_url_rule(
            "/socket.io/",
            "socketio_transport",
            _socketio_transport,
            methods=["GET"] if websocket else ["GET", "POST"],
            websocket=websocket,
        )


def _socketio_transport() -> BaseResponse:
    """Socket.IO's own URL: its middleware answers it, Flask never dispatches here.

    Every socket event runs in a request context for this URL. With no route for it, each
    event would build and drop a 404 exception with its traceback: a reference cycle per
    event, and the garbage collector would stop the server for tens of milliseconds to
    reclaim them.
    """
    abort(404)


def note_rate() -> NoteRateLimiter:
    """This app's per-participant note limiter."""
    limiter: NoteRateLimiter = current_app.extensions["worldcafe.note_rate"]
    return limiter


# ----- identity ---------------------------------------------------------------------------


def _identity() -> dict[str, Any]:
    ident = session.get("_socket")
    return ident if isinstance(ident, dict) else {}


def _cafe_for_event(db: Session) -> tuple[Cafe, dict[str, Any]]:
    ident = _identity()
    if not ident:
        raise PermissionError("Not connected to a café.")
    cafe = get_cafe(db, ident["cafe"])
    role = ident["role"]
    if role in ("host", "projector", "organiser") and not access.holds_role(cafe, role):
        raise PermissionError("This link is no longer valid.")
    return cafe, ident


def _participant_for_event(db: Session) -> tuple[Cafe, Participant]:
    cafe, ident = _cafe_for_event(db)
    if ident["role"] != "participant":
        raise PermissionError("Only participants can do this.")
    participant = access.current_participant(db, cafe)
    if participant is None or participant.id != ident.get("participant"):
        raise PermissionError("Join the café first.")
    return cafe, participant


@socketio.on("connect")
def on_connect(auth: object = None) -> bool:
    """Sent by every page on (re)connect: checks the role and joins the rooms it derives."""
    data = auth if isinstance(auth, dict) else {}
    role = data.get("role")
    if role not in ("participant", "host", "projector", "organiser"):
        return False
    with database().read() as db:
        try:
            cafe = get_cafe(db, data.get("cafe"))
        except NotFound:
            return False
        access.set_cafe_context(cafe)
        lang = str(get_locale() or cafe.language)
        ident: dict[str, Any] = {
            "cafe": cafe.id,
            "role": role,
            "lang": lang,
            "languages": offered_languages(cafe),
            "language": cafe.language,
        }
        if role == "participant":
            participant = access.current_participant(db, cafe)
            if participant is None:
                return False
            ident["participant"] = participant.id
            join_room(f"participant:{participant.id}")
        elif not access.holds_role(cafe, role):
            return False
        else:
            kind = "harvest" if role == "projector" and data.get("view") == "harvest" else role
            ident["kind"] = kind
            join_room(f"{kind}:{cafe.id}")
            join_room(f"{kind}:{cafe.id}:{lang}")
            counts = _screens_by_language.setdefault((kind, cafe.id), Counter())
            counts[lang] += 1
        join_room(f"cafe:{cafe.id}")
        join_room(f"cafe:{cafe.id}:{lang}")
        session["_socket"] = ident
        _idents[request.sid] = ident  # type: ignore[attr-defined]
    return True


@socketio.on("disconnect")
def on_disconnect(*_args: object) -> None:
    """A screen went away: it no longer needs fragments in its language."""
    _idents.pop(request.sid, None)  # type: ignore[attr-defined]
    ident = _identity()
    kind = ident.get("kind")
    if kind:
        counts = _screens_by_language.get((kind, ident["cafe"]))
        if counts is not None and counts[ident["lang"]] > 0:
            counts[ident["lang"]] -= 1


# ----- events sent by clients -------------------------------------------------------------


def _guarded(handler: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Answer every event with {ok: true, ...} or {ok: false, error: message}; never a trace."""

    def wrapper(*args: Any) -> dict[str, Any]:
        def call() -> dict[str, Any]:
            # Look up the café's languages now, before a session is open: rendering inside one
            # would otherwise open a second, and greenlets each holding one pooled connection
            # while waiting for another deadlock the pool (seen with PostgreSQL under load).
            offered_languages_for_socket()
            return handler(*args)

        return _answer(call)

    wrapper.__name__ = handler.__name__
    wrapper.__doc__ = handler.__doc__
    return wrapper


def _answer(call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The handler's answer, or {ok: false, error, status} for a refusal or bad input."""
    try:
        return call()
    except PermissionError as error:
        return {"ok": False, "error": str(error) or "Not allowed.", "status": 403}
    except ServiceError as error:
        return {"ok": False, "error": str(error), "status": error.status}
    except (TypeError, ValueError, KeyError):
        return {"ok": False, "error": "The request is malformed.", "status": 400}


def _payload(data: object) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValueError("payload")
    return data


@socketio.on("clock")
def on_clock(_data: object = None) -> dict[str, Any]:
    """Sent by every page a few times to estimate its clock offset; answers the server time."""
    return {"ok": True, "now": int(time.time() * 1000)}


@socketio.on("resync")
@_guarded
def on_resync(_data: object = None) -> dict[str, Any]:
    """Sent by a page after (re)connecting: the server sends it the current panels again."""
    with database().read() as db:
        cafe, ident = _cafe_for_event(db)
        sid = request.sid  # type: ignore[attr-defined]
        socketio.emit("timer", presenters.timer_payload(cafe), to=sid)
        role = ident["role"]
        if role == "participant":
            participant = access.current_participant(db, cafe)
            if participant is None:
                raise PermissionError("Join the café first.")
            html = presenters.participant_panel_html(db, cafe, participant)
        elif role == "host":
            html = presenters.host_console_html(db, cafe)
        elif ident.get("kind") == "harvest":
            html = presenters.projector_harvest_html(db, cafe)
        elif role == "projector":
            html = presenters.projector_html(db, cafe)
        else:
            html = ""
        socketio.emit("fragment", {"html": html}, to=sid)
    return {"ok": True}


def add_note(sid: str, data: object) -> dict[str, Any]:
    """`note:add`, sent by a phone for each note in its outbox; table, host and projector see it.

    The hot path of a live café. It runs in an application context only, without the request
    context (and signed-cookie session) Flask-SocketIO builds per event: the socket's identity
    was checked when it connected. One write transaction reads everything the screens need,
    and each fragment is rendered once per language.
    """
    payload = _payload(data)
    ident = _idents.get(sid)
    if not ident:
        raise PermissionError("Not connected to a café.")
    if ident.get("role") != "participant" or "participant" not in ident:
        raise PermissionError("Only participants can do this.")
    args = (ident["cafe"], ident["participant"], payload.get("client_id"), payload.get("text"))
    try:
        with database().write_connection() as conn:
            posted = note_service.post_note(conn, *args, rate=note_rate())
    except IntegrityError:
        # The same note arrived twice at once: the other request stored it.
        with database().write_connection() as conn:
            posted = note_service.post_note(conn, *args)
    lang = str(ident.get("lang") or "en")
    with force_locale(lang):
        html = fragments.participant_note(posted.view, lang)
    if posted.created:
        offered = list(ident.get("languages") or APP_LANGUAGES)
        announce_note(posted, int(ident["cafe"]), offered, skip_sid=sid)
    return {
        "ok": True,
        "id": posted.view.note.client_id,
        "html": html,
        "duplicate": not posted.created,
    }


def _change_note(action: Callable[[Session, Participant, dict[str, Any]], Note]) -> Any:
    def handler(data: object) -> dict[str, Any]:
        payload = _payload(data)
        with database().write() as db:
            _, participant = _participant_for_event(db)
            note = action(db, participant, payload)
            note_id = note.id
        announce_note_changed(note_id)
        return {"ok": True}

    return handler


@socketio.on("note:edit")
@_guarded
def on_note_edit(data: object) -> dict[str, Any]:
    """Sent by a note's author to rewrite it during its round; every screen updates it."""
    result: dict[str, Any] = _change_note(
        lambda db, p, d: note_service.edit_note(db, p, d.get("id"), d.get("text"))
    )(data)
    return result


@socketio.on("note:delete")
@_guarded
def on_note_delete(data: object) -> dict[str, Any]:
    """Sent by a note's author to withdraw it during its round; every screen removes it."""
    result: dict[str, Any] = _change_note(
        lambda db, p, d: note_service.delete_note(db, p, d.get("id"))
    )(data)
    return result


@socketio.on("note:vote")
@_guarded
def on_note_vote(data: object) -> dict[str, Any]:
    """Sent by a participant to give or take back a dot-vote on a note at their table."""
    payload = _payload(data)
    with database().write() as db:
        _, participant = _participant_for_event(db)
        note, votes = note_service.toggle_vote(db, participant, payload.get("id"))
        note_id = note.id
    announce_note_changed(note_id)
    return {"ok": True, "votes": votes}


@socketio.on("note:carry")
@_guarded
def on_note_carry(data: object) -> dict[str, Any]:
    """Sent by a traveller to pin the idea they carry to their next table."""
    payload = _payload(data)
    with database().write() as db:
        _, participant = _participant_for_event(db)
        idea = note_service.carry_idea(db, participant, payload.get("id"))
        carried = idea.note.client_id
    return {"ok": True, "carried": carried}


@socketio.on("note:insight")
@_guarded
def on_note_insight(data: object) -> dict[str, Any]:
    """Sent by a table host to mark or unmark a key insight (three a round)."""
    payload = _payload(data)
    with database().write() as db:
        _, participant = _participant_for_event(db)
        marked = note_service.toggle_insight(db, participant, payload.get("id"))
        note = note_service.get_note(db, participant.cafe_id, payload.get("id"))
        note_id = note.id
    announce_note_changed(note_id)
    return {"ok": True, "marked": marked}


# ----- announcements (always after the commit) --------------------------------------------


def _languages(kind: str, cafe_id: int, offered: list[str]) -> list[str]:
    """The languages to render a host/projector/café fragment in.

    One process knows which languages its connected screens use; behind a message queue the
    screens may sit on another process, so every offered language is rendered.
    """
    if current_app.config.get("MESSAGE_QUEUE"):
        return offered
    seen = _screens_by_language.get((kind, cafe_id))
    return [lang for lang in offered if seen and seen.get(lang)] if seen is not None else []


def _emit_localized(
    kind: str, cafe: Cafe | int, render: Callable[[], str], offered: list[str] | None = None
) -> None:
    """Render once per language in use and send each to that language's room."""
    if isinstance(cafe, Cafe):
        cafe_id, languages = cafe.id, offered_languages(cafe)
    else:
        cafe_id, languages = cafe, list(offered or [])
    for lang in _languages(kind, cafe_id, languages):
        with force_locale(lang):
            html = render()
        _emit_fragment(html, f"{kind}:{cafe_id}:{lang}")


def _table_rooms(db: Session, cafe: Cafe, table_id: int) -> dict[str, list[str]]:
    """The personal rooms of the people at a table now, grouped by their language."""
    current = participant_service.latest_started_round(db, cafe)
    if current is None:
        return {}
    rows = db.execute(
        select(Participant.id, Participant.language)
        .join(Seat, Seat.participant_id == Participant.id)
        .where(Seat.round_id == current.id, Seat.table_id == table_id)
    ).all()
    rooms: dict[str, list[str]] = {}
    for pid, lang in rows:
        rooms.setdefault(lang or cafe.language, []).append(f"participant:{pid}")
    return rooms


def _emit_fragment(html: str, to: str | list[str], skip_sid: str | None = None) -> None:
    if to:
        socketio.emit("fragment", {"html": html}, to=to, skip_sid=skip_sid)


def announce_note(
    posted: note_service.PostedNote,
    cafe_id: int,
    offered: list[str],
    *,
    skip_sid: str | None = None,
) -> None:
    """A new note: prepended on its table's phones, the host console and the projector wall.

    Everything comes loaded in `posted`: one render per language and audience, no query.
    """
    view = posted.view
    for lang, people in posted.recipients.items():
        with force_locale(lang):
            html = fragments.participant_note_new(view, lang)
        _emit_fragment(html, [f"participant:{pid}" for pid in people], skip_sid)
    for lang in _languages("host", cafe_id, offered):
        with force_locale(lang):
            html = fragments.host_note_new(view)
        _emit_fragment(html, f"host:{cafe_id}:{lang}")
    for lang in _languages("projector", cafe_id, offered):
        with force_locale(lang):
            html = fragments.projector_note_new(view, lang)
        _emit_fragment(html, f"projector:{cafe_id}:{lang}")


def announce_note_changed(note_id: int) -> None:
    """An edited, withdrawn, voted or marked note: replaced (or removed) on every screen."""
    with database().read() as db:
        note = db.get(Note, note_id)
        if note is None:
            return
        cafe = db.get(Cafe, note.cafe_id)
        assert cafe is not None
        view = note_service.note_view(db, note)
        insights = note_service.insight_note_ids(db, note.table)
        for lang, rooms in _table_rooms(db, cafe, note.table_id).items():
            with force_locale(lang):
                _emit_fragment(fragments.participant_note_changed(view, insights, lang), rooms)
        _emit_localized("host", cafe, lambda: fragments.host_note_changed(view, insights))
        _emit_localized(
            "projector", cafe, lambda: fragments.projector_note_changed(view, str(get_locale()))
        )


def announce_timer(cafe_id: int) -> None:
    """The countdown changed (start, pause, resume, extend, end): every screen re-syncs it."""
    with database().read() as db:
        cafe = db.get(Cafe, cafe_id)
        if cafe is not None:
            socketio.emit("timer", presenters.timer_payload(cafe), to=f"cafe:{cafe_id}")


def announce_round(cafe_id: int) -> None:
    """A round started or ended: new seats to every phone (one render per table), consoles."""
    announce_timer(cafe_id)
    with database().read() as db:
        cafe = db.get(Cafe, cafe_id)
        if cafe is None:
            return
        for html, rooms in presenters.participant_panels_by_table(db, cafe):
            _emit_fragment(html, rooms)
        _emit_localized("host", cafe, lambda: presenters.host_console_html(db, cafe))
        _emit_localized("projector", cafe, lambda: presenters.projector_html(db, cafe))


def announce_people(cafe_id: int) -> None:
    """Someone joined, left, moved or became a table host: consoles and projector update.

    One refresh at a time per café and process, at most one per PEOPLE_REFRESH_SECONDS, the
    last change always shown: the console renders every table, and a wave of hundreds of
    joins must neither render it per join nor hold a database connection per join.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    every = float(app.config.get("PEOPLE_REFRESH_SECONDS", 0.0 if app.testing else 1.0))
    if every <= 0:
        _announce_people_now(cafe_id)
        return
    state: dict[str, set[int]] = app.extensions.setdefault(
        "worldcafe.people_refresh", {"running": set(), "dirty": set()}
    )
    if cafe_id in state["running"]:
        state["dirty"].add(cafe_id)
        return
    state["running"].add(cafe_id)
    socketio.start_background_task(_refresh_people, app, cafe_id, every)


def _refresh_people(app: Flask, cafe_id: int, every: float) -> None:
    """Refresh now, then again every `every` seconds for as long as people keep changing."""
    state = app.extensions["worldcafe.people_refresh"]
    try:
        while True:
            state["dirty"].discard(cafe_id)
            # Templates need a request context (url_for, the session) even outside a request.
            with app.test_request_context("/"):
                try:
                    _announce_people_now(cafe_id)
                except Exception:  # the next change refreshes again
                    app.logger.exception("People refresh failed")
            socketio.sleep(every)
            if cafe_id not in state["dirty"]:
                return
    finally:
        state["running"].discard(cafe_id)


def _announce_people_now(cafe_id: int) -> None:
    with database().read() as db:
        cafe = db.get(Cafe, cafe_id)
        if cafe is None:
            return
        _emit_localized("host", cafe, lambda: presenters.host_console_html(db, cafe))
        _emit_localized("projector", cafe, lambda: presenters.projector_join_count_html(db, cafe))


def announce_seat(cafe_id: int, participant_id: int) -> None:
    """One participant's seat changed (a move by the host): their phones get the new panel."""
    with database().read() as db:
        cafe = db.get(Cafe, cafe_id)
        participant = db.get(Participant, participant_id)
        if cafe is None or participant is None:
            return
        with force_locale(participant.language or cafe.language):
            html = presenters.participant_panel_html(db, cafe, participant)
        _emit_fragment(html, f"participant:{participant_id}")


def announce_broadcast(cafe_id: int) -> None:
    """The host's message: shown on every screen of the café."""
    with database().read() as db:
        cafe = db.get(Cafe, cafe_id)
        if cafe is None:
            return
        message = cafe.broadcast
        for lang in offered_languages(cafe):
            with force_locale(lang):
                html = render_template("_broadcast.html", message=message, oob=True)
            _emit_fragment(html, f"cafe:{cafe_id}:{lang}")


def announce_harvest(cafe_id: int) -> None:
    """The organiser curated the harvest: the projector's harvest view follows."""
    with database().read() as db:
        cafe = db.get(Cafe, cafe_id)
        if cafe is not None:
            _emit_localized("harvest", cafe, lambda: presenters.projector_harvest_html(db, cafe))
