"""Limits on a real server: an oversized Socket.IO message is cut off, nothing half stored."""

from __future__ import annotations

import contextlib
import gc
import re
import time
import uuid
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import socketio

from tests.factories import CONFIG
from tests.live_server import LiveServer
from worldcafe.live.transport import MAX_SOCKET_MESSAGE


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("limits")).start()
    yield live
    live.stop()


def _phone(server: LiveServer, links: dict[str, Any], name: str) -> tuple[requests.Session, Any]:
    http = requests.Session()
    page = http.get(links["join_url"], timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    http.post(links["join_url"], data={"name": name, "csrf_token": token.group(1)}, timeout=10)
    client = socketio.Client(reconnection=False)
    cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
    client.connect(
        server.url,
        headers={"Cookie": cookie},
        auth={"cafe": links["cafe_id"], "role": "participant"},
        transports=["websocket"],
        wait_timeout=10,
    )
    return http, client


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
    host = requests.Session()
    console = host.get(links["host_url"], timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', console)
    assert token
    first_http, phone = _phone(server, links, "Ada")
    started = host.post(
        f"{links['host_url']}/round/start", data={"csrf_token": token.group(1)}, timeout=30
    )
    assert started.status_code == 200
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
