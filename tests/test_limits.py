"""Limits on a real server: an oversized Socket.IO message is cut off, nothing half stored."""

from __future__ import annotations

import contextlib
import gc
import time
import uuid
import warnings
from typing import Any

import requests
import socketio

from tests.factories import CONFIG
from tests.live_clients import connect, join, start_round
from tests.live_server import LiveServer
from worldcafe.live.transport import MAX_SOCKET_MESSAGE


def _phone(server: LiveServer, links: dict[str, Any], name: str) -> tuple[requests.Session, Any]:
    http = join(links, name)
    return http, connect(server, http, links["cafe_id"], "participant")


def _close_cut_connection(client: Any) -> None:
    """The server cut this client off: close its socket here, not in a later test's GC."""
    websocket = getattr(client.eio, "ws", None)
    if websocket is not None:
        with contextlib.suppress(Exception):
            websocket.shutdown()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        client.disconnect()
        gc.collect()


def test_an_oversized_socket_message_is_refused_and_the_phone_can_go_on(
    server: LiveServer,
) -> None:
    links = server.create_cafe({**CONFIG, "themes": CONFIG["themes"][:1]})
    first_http, phone = _phone(server, links, "Ada")
    host = start_round(links)
    huge = "x" * (MAX_SOCKET_MESSAGE * 4)
    refused = (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError)
    with contextlib.suppress(*refused):
        phone.call("note:add", {"client_id": str(uuid.uuid4()), "text": huge}, timeout=3)
    deadline = time.monotonic() + 10
    while phone.connected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not phone.connected, "the server kept a connection that sent an oversized message"
    _close_cut_connection(phone)
    second_http, again = _phone(server, links, "Ada again")
    ok = again.call(
        "note:add", {"client_id": str(uuid.uuid4()), "text": "Short and fine"}, timeout=10
    )
    assert ok["ok"] is True
    too_long = again.call(
        "note:add", {"client_id": str(uuid.uuid4()), "text": "y" * 600}, timeout=10
    )
    assert too_long["ok"] is False and "too long" in too_long["error"]
    again.disconnect()
    for session in (host, first_http, second_http):
        session.close()
    export = server.cli("export", str(links["cafe_id"]), "--format", "json")
    assert "Short and fine" in export
    assert huge[:1000] not in export and "y" * 600 not in export
