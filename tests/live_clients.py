"""Browsers and sockets against a real server: a phone that joins, a host that starts a round."""

from __future__ import annotations

from typing import Any

import requests
import socketio

from tests.factories import csrf_token
from tests.live_server import LiveServer


def cookie_header(http: requests.Session) -> str:
    """The browser's cookies as one Cookie header, for a socket that speaks as that browser."""
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


def join(links: dict[str, Any], name: str) -> requests.Session:
    """A new browser that joined the café as `name` through its join form."""
    http = requests.Session()
    page = http.get(links["join_url"], timeout=10).text
    joined = http.post(
        links["join_url"], data={"name": name, "csrf_token": csrf_token(page)}, timeout=10
    )
    assert joined.status_code == 200, joined.status_code
    return http


def start_round(links: dict[str, Any]) -> requests.Session:
    """A host browser that opened the console and started the next round."""
    host = requests.Session()
    console = host.get(links["host_url"], timeout=10).text
    started = host.post(
        f"{links['host_url']}/round/start", data={"csrf_token": csrf_token(console)}, timeout=30
    )
    assert started.status_code == 200, started.status_code
    return host


def connect(
    server: LiveServer,
    http: requests.Session,
    cafe_id: int,
    role: str,
    client: socketio.Client | None = None,
) -> socketio.Client:
    """Connect a socket (a new one unless given) as browser `http` in the café's `role`."""
    sio = client or socketio.Client(reconnection=False)
    sio.connect(
        server.url,
        headers={"Cookie": cookie_header(http)},
        auth={"cafe": cafe_id, "role": role},
        transports=["websocket"],
        wait_timeout=10,
    )
    return sio
