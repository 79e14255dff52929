"""The Socket.IO transport: one `socketio`, one registry of socket identities, one dispatch.

Every client event goes through `dispatch`: it finds the socket's identity record, re-checks it
against the database (identity.still_holds, one primary-key read on a bare connection), calls
`events.limit` (the one place for per-participant and per-console rate limits), and runs the
handler in the socket's language, answering {"ok": true, …} or {"ok": false, "error": …,
"status": …}, never a trace; the error is the refusal's message in the socket's language.
A handler registered with `checks_participant` re-checks a participant's identity itself,
inside the transaction that does its work (the note hot path: no read of its own), and raises
NoLongerValid when it no longer holds.

A socket whose identity no longer holds is refused, leaves every room at once and is
disconnected right after the refusal is acknowledged. `cut_off` does the same at once to every
socket of a credential room (rooms.py), on every process when a message queue is set: the
client manager treats closing a room as disconnecting the sockets in it, and the message queue
carries the close to the other processes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import socketio as python_socketio
from flask import Flask, abort, current_app, g
from flask_socketio import SocketIO
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response as BaseResponse

from worldcafe import socket_json
from worldcafe.database import UNAVAILABLE, describe_failure
from worldcafe.extensions import database
from worldcafe.i18n import speaking, translated
from worldcafe.live import rooms
from worldcafe.live.identity import Identity, still_holds
from worldcafe.messages import N_, Text
from worldcafe.services.errors import NoLongerValid, ServiceError

socketio = SocketIO()
MAX_SOCKET_MESSAGE = 16 * 1024
NAMESPACE = "/"

# Who each socket of this process is. A socket's events always reach the process holding it.
identities: dict[str, Identity] = {}


@dataclass(frozen=True)
class Event:
    """One client event: the socket, its (re-checked) identity and the payload it sent."""

    sid: str
    ident: Identity
    data: object

    def payload(self) -> dict[str, Any]:
        """The payload as an object, or a malformed-request refusal."""
        if not isinstance(self.data, dict):
            raise ValueError("payload")
        return self.data


Handler = Callable[[Event], dict[str, Any]]
Limit = Callable[[str, Identity], None]


class Refused(Exception):
    """The socket's identity no longer holds: refuse the event and cut the socket off."""

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        self.message = message


MALFORMED = N_("The request is malformed.")


def refusal(message: Text, status: int, language: str | None) -> dict[str, Any]:
    """The answer to a refused event, its message in the socket's language."""
    return {"ok": False, "error": translated(message, language), "status": status}


def _cutting_manager(url: str | None) -> Any:
    """A client manager that disconnects the sockets of a room when the room is closed."""
    if url and url.startswith(("redis://", "rediss://")):
        base: type = python_socketio.RedisManager
    elif url:
        base = python_socketio.KombuManager
    else:
        base = python_socketio.Manager

    class CuttingManager(base):  # type: ignore[misc]
        def basic_close_room(self, room: str, namespace: str) -> None:
            sids = [sid for sid, _ in self.get_participants(namespace, room)]
            super().basic_close_room(room, namespace)
            for sid in sids:
                leave_all_rooms(sid)
                forget(sid)
                self.server.disconnect(sid, namespace=namespace, ignore_queue=True)

    if url:
        return CuttingManager(url, channel="flask-socketio")
    return CuttingManager()


def init_app(app: Flask) -> None:
    """Attach Socket.IO in the configured async mode, with the message queue if one is set."""
    queue = app.config.get("MESSAGE_QUEUE")
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        client_manager=_cutting_manager(queue),
        max_http_buffer_size=MAX_SOCKET_MESSAGE,
        json=socket_json,
        ping_interval=20,
        ping_timeout=25,
    )

    def on_malformed(sid: str, *_data: object) -> dict[str, Any]:
        # A packet that could not be decoded (socket_json): answered, never a traceback.
        ident = identities.get(sid)
        return refusal(MALFORMED, 400, ident.lang if ident is not None else None)

    socketio.server.on(socket_json.MALFORMED, on_malformed, namespace=NAMESPACE)
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

    A request context for a URL without a route would build and drop a 404 exception with its
    traceback per event: a reference cycle each time, and the garbage collector would stop the
    server for tens of milliseconds to reclaim them.
    """
    abort(404)


def register(
    app: Flask,
    name: str,
    handler: Handler,
    limit: Limit,
    *,
    request: bool,
    checks_participant: bool = False,
) -> None:
    """Route the client event `name` through `dispatch`.

    `request`: run the handler in a request context of the socket's handshake (for templates
    that build URLs); the note hot path runs in an application context only.
    `checks_participant`: the handler re-checks a participant's identity in its own transaction
    (other sockets sending the event are checked here as usual).
    """

    def on_event(sid: str, data: object = None) -> dict[str, Any]:
        return dispatch(
            app,
            sid,
            name,
            handler,
            limit,
            data,
            request=request,
            checks_participant=checks_participant,
        )

    socketio.server.on(name, on_event, namespace=NAMESPACE)


def dispatch(
    app: Flask,
    sid: str,
    name: str,
    handler: Handler,
    limit: Limit,
    data: object,
    *,
    request: bool,
    checks_participant: bool = False,
) -> dict[str, Any]:
    """Check the identity, apply the limit, run the handler; always answer, never raise."""
    with app.app_context():
        ident = identities.get(sid)
        lang = ident.lang if ident is not None else None
        try:
            if ident is None:
                raise Refused(N_("Not connected to a café."))
            if not (checks_participant and ident.participant_id is not None):
                with database().read_connection() as conn:
                    if not still_holds(conn, ident):
                        raise Refused(
                            N_("Join the café first.")
                            if ident.role == "participant"
                            else N_("This link is no longer valid.")
                        )
            limit(name, ident)
        except Refused as refused:
            drop(sid)
            return refusal(refused.message, 403, lang)
        except ServiceError as error:
            return refusal(error.message, error.status, lang)
        except SQLAlchemyError as error:
            return _unavailable(app, error, lang)
        event = Event(sid, ident, data)
        try:
            g.cafe_languages = list(ident.languages)
            g.cafe_language = ident.language
            if not request:
                with speaking(ident.lang):
                    return answer(lambda: handler(event), ident.lang)
            with app.request_context(socketio.server.get_environ(sid, namespace=NAMESPACE)):
                g.cafe_languages = list(ident.languages)
                g.cafe_language = ident.language
                with speaking(ident.lang):
                    return answer(lambda: handler(event), ident.lang)
        except NoLongerValid as ended:
            drop(sid)
            return refusal(ended.message, 403, lang)


def _unavailable(app: Flask, error: SQLAlchemyError, language: str | None) -> dict[str, Any]:
    """A database that cannot store: the phone keeps its note in the outbox and says why."""
    app.logger.error("Database failure in a socket event: %s", describe_failure(error))
    return refusal(UNAVAILABLE, 503, language)


def answer(call: Callable[[], dict[str, Any]], language: str) -> dict[str, Any]:
    """The handler's answer, or {ok: false, error, status} for a refusal or bad input."""
    try:
        return call()
    except NoLongerValid:
        raise  # dispatch cuts the socket off
    except SQLAlchemyError as error:
        return _unavailable(current_app, error, language)
    except ServiceError as error:
        return refusal(error.message, error.status, language)
    except (TypeError, ValueError, KeyError):
        return refusal(MALFORMED, 400, language)


def admit(sid: str, ident: Identity) -> None:
    """A connected socket: keep its identity and join the rooms it derives."""
    identities[sid] = ident
    for room in rooms.rooms_of(ident):
        socketio.server.enter_room(sid, room, namespace=NAMESPACE)
    rooms.screen_opened(ident)


def forget(sid: str) -> None:
    """A socket went away (or was cut off)."""
    ident = identities.pop(sid, None)
    if ident is not None:
        rooms.screen_closed(ident)


def leave_all_rooms(sid: str) -> None:
    """Take a socket out of every room but its own: it hears nothing more."""
    manager = socketio.server.manager
    for room in manager.get_rooms(sid, NAMESPACE):
        if room != sid:
            manager.basic_leave_room(sid, NAMESPACE, room)


def drop(sid: str) -> None:
    """Cut one socket of this process off: out of every room now, disconnected after the
    refusal it is being sent has gone out."""
    leave_all_rooms(sid)
    forget(sid)

    def disconnect_later() -> None:
        socketio.sleep(0.2)
        socketio.server.disconnect(sid, namespace=NAMESPACE, ignore_queue=True)

    socketio.start_background_task(disconnect_later)


def cut_off(room: str) -> None:
    """Disconnect every socket in a credential room, on every process, and close the room."""
    socketio.close_room(room, namespace=NAMESPACE)
