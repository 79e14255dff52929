"""The harvest is computed by the vector process, never in the process serving the phones.

A real `worldcafe run` with its vector process: once the café's notes fall quiet, the harvest
is made in the background by the child, kept by the server, and the organiser's page reads it,
while the serving process never loads scikit-learn (whose compiled modules would show in its
memory map). Without the vector process the harvest is computed where it is asked (the other
harvest tests run that way).
"""

from __future__ import annotations

import html
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from tests.factories import CONFIG
from tests.live_clients import connect, join, start_round
from tests.live_server import LiveServer
from worldcafe_loadtest import child_pids

NOTES = [
    "Safe bike lanes on the way to every school",
    "Sichere Radwege auf jedem Schulweg",
    "Open the city library on Sundays",
    "Die Stadtbibliothek sonntags öffnen",
    "Plant trees along the main streets",
    "Free public transport for pupils",
]

pytestmark = pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc")


def loaded_sklearn(pid: int) -> bool:
    """Whether the process has scikit-learn's compiled modules mapped: it imported it."""
    return "/sklearn/" in Path(f"/proc/{pid}/maps").read_text()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path / "instance").start()
    yield live
    live.stop()


def harvest_made(session: requests.Session, harvest_url: str) -> bool:
    """The server holds the harvest of the notes as they are now (its page would say so)."""
    return session.get(harvest_url + "/ready", timeout=10).status_code == 200


def test_a_quiet_cafes_harvest_is_made_by_the_vector_process_and_shown(
    server: LiveServer,
) -> None:
    config: dict[str, Any] = {
        **CONFIG,
        "themes": [{"name": "City", "tables": 1, "questions": ["What should change?"]}],
    }
    links = server.create_cafe(config)
    cafe_id = int(links["cafe_id"])
    phones = [join(links, f"Phone {i}") for i in range(2)]
    start_round(links)
    sockets: list[socketio.Client] = []
    try:
        for phone in phones:
            sockets.append(connect(server, phone, cafe_id, "participant"))
        for index, text in enumerate(NOTES):
            payload = {"client_id": str(uuid.uuid4()), "text": text}
            answer = sockets[index % 2].call("note:add", payload, timeout=15)
            assert answer["ok"], answer
    finally:
        for sio in sockets:
            sio.disconnect()
    assert server.process is not None
    serving = server.process.pid
    organiser = requests.Session()
    harvest_url = links["organiser_url"] + "/harvest"
    deadline = time.monotonic() + 180
    while not harvest_made(organiser, harvest_url):
        assert time.monotonic() < deadline, "the harvest was not made in the background"
        time.sleep(0.5)

    (child,) = child_pids([serving])
    assert loaded_sklearn(child)
    assert not loaded_sklearn(serving)
    page = organiser.get(harvest_url, timeout=30)
    assert page.status_code == 200
    for text in NOTES:
        assert html.escape(text, quote=True) in page.text
    assert "not grouped yet" not in page.text
    assert not loaded_sklearn(serving)
