"""Faults that really happen: the server killed mid-round, a phone offline, the database locked.

Every test runs real `worldcafe run` processes and real Socket.IO clients over TCP.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from tests.factories import CONFIG, make_cafe
from tests.live_server import LiveServer
from worldcafe import create_app
from worldcafe_loadtest import child_pids

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TABLE = re.compile(r'id="table-panel"[^>]*data-table="(\d+)"')
NOTE = re.compile(r'id="(?:host-|wall-)?note-([0-9a-f-]{36})"')

SMALL_CAFE: dict[str, Any] = {
    **CONFIG,
    "themes": [{"name": "Investment", "tables": 1, "questions": ["Where to invest?"]}],
}


class Screen:
    """A browser: an HTTP session holding its cookie, and a Socket.IO client using it."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.sio = socketio.Client(reconnection_delay=0.1, reconnection_delay_max=0.3)
        self.fragments: list[str] = []
        self.timers: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.sio.on("fragment", self._on_fragment)
        self.sio.on("timer", self._on_timer)
        self.page = ""

    def _on_fragment(self, data: dict[str, Any]) -> None:
        with self.lock:
            self.fragments.append(str(data.get("html", "")))

    def _on_timer(self, data: dict[str, Any]) -> None:
        with self.lock:
            self.timers.append(data)

    def csrf(self) -> str:
        match = CSRF.search(self.page)
        assert match, "no CSRF token in the page"
        return match.group(1)

    def open(self, url: str) -> None:
        response = self.http.get(url, timeout=10)
        assert response.status_code == 200, response.text
        self.page = response.text

    def join(self, join_url: str, name: str) -> None:
        self.open(join_url)
        response = self.http.post(
            join_url, data={"name": name, "language": "en", "csrf_token": self.csrf()}, timeout=10
        )
        assert response.status_code == 200, response.text

    def post(self, path: str) -> None:
        """A host action with the console page's CSRF token."""
        response = self.http.post(path, data={"csrf_token": self.csrf()}, timeout=30)
        assert response.status_code == 200, response.text

    def connect(self, cafe_id: int, role: str, url: str | None = None) -> None:
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        self.sio.connect(
            url or self.base_url,
            auth={"cafe": cafe_id, "role": role},
            headers={"Cookie": cookie},
            transports=["websocket"],
            wait_timeout=10,
        )

    def note(self, text: str, client_id: str | None = None) -> dict[str, Any]:
        answer: dict[str, Any] = self.sio.call(
            "note:add", {"client_id": client_id or str(uuid.uuid4()), "text": text}, timeout=15
        )
        return answer

    def seen_notes(self) -> set[str]:
        with self.lock:
            return {found for html in self.fragments for found in NOTE.findall(html)}

    def table(self) -> int | None:
        with self.lock:
            for html in reversed(self.fragments):
                match = TABLE.search(html)
                if match:
                    return int(match.group(1))
        return None

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


def close_all(screens: list[Screen]) -> None:
    """Disconnect every screen, side by side: one disconnect waits seconds for its reader."""
    closing = [threading.Thread(target=screen.close) for screen in screens]
    for thread in closing:
        thread.start()
    for thread in closing:
        thread.join(10)


def wait_until(check: Callable[[], object], timeout: float = 10.0, what: str = "it") -> None:
    """Poll until `check()` is true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def create_cafe(server: LiveServer, config: dict[str, Any]) -> dict[str, Any]:
    """A café in the server's database, made in this process (a CLI run costs seconds)."""
    settings: dict[str, Any] = {
        "TESTING": True,
        "INSTANCE_PATH": str(server.instance),
        "SOCKETIO_ASYNC_MODE": "threading",
    }
    if "WORLDCAFE_DATABASE_URL" in server.env_extra:
        settings["DATABASE_URL"] = server.env_extra["WORLDCAFE_DATABASE_URL"]
    app = create_app(settings)
    try:
        made = make_cafe(app, **config)
    finally:
        app.extensions["worldcafe.db"].dispose()
    return {
        key: server.url + value if key.endswith("_url") else value for key, value in made.items()
    }


class Cafe:
    """A running café: a host console, a projector and phones, all connected."""

    def __init__(self, server: LiveServer, phones: int, config: dict[str, Any]) -> None:
        self.server = server
        self.links = create_cafe(server, config)
        self.cafe_id = int(self.links["cafe_id"])
        self.host = Screen(server.url)
        self.host.open(self.links["host_url"])
        self.host.connect(self.cafe_id, "host")
        self.projector = Screen(server.url)
        self.projector.open(self.links["projector_url"])
        self.projector.connect(self.cafe_id, "projector")
        self.phones = []
        for index in range(phones):
            phone = Screen(server.url)
            phone.join(self.links["join_url"], f"Phone {index}")
            phone.connect(self.cafe_id, "participant")
            self.phones.append(phone)

    def start_round(self) -> None:
        self.host.post(self.links["host_url"] + "/round/start")
        wait_until(lambda: all(p.table() for p in self.phones), what="every phone seated")

    def screens(self) -> list[Screen]:
        return [self.host, self.projector, *self.phones]

    def close(self) -> None:
        close_all(self.screens())


def stored_notes(database: Path) -> list[str]:
    """Every note's client id in the SQLite database, duplicates included."""
    with sqlite3.connect(database, timeout=10) as conn:
        return [row[0] for row in conn.execute("SELECT client_id FROM note")]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path / "instance").start()
    yield live
    live.stop()


def database_file(server: LiveServer) -> Path:
    return server.instance / "worldcafe.db"


def notes_without_vectors(database: Path) -> int:
    with sqlite3.connect(database, timeout=10) as conn:
        return int(conn.execute("SELECT count(*) FROM note WHERE vector IS NULL").fetchone()[0])


def vector_process(server: LiveServer) -> int:
    """The server's one child process: the vector process holding the sentence model."""
    assert server.process is not None
    children = child_pids([server.process.pid])
    assert len(children) == 1, children
    return children[0]


def ended(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] in "ZX"
    except (OSError, IndexError):
        return True


def test_a_killed_server_keeps_every_acknowledged_note_and_the_round(server: LiveServer) -> None:
    """…and its vector process, which filled in the notes' vectors, ends with it; the restarted
    server starts another."""
    cafe = Cafe(server, 4, SMALL_CAFE)
    try:
        cafe.start_round()
        wait_until(lambda: cafe.phones[0].timers, what="the timer")
        before = cafe.phones[0].timers[-1]
        assert before["status"] == "running"
        acked = []
        for round_trip in range(3):
            for index, phone in enumerate(cafe.phones):
                answer = phone.note(f"Before the crash {round_trip}-{index}")
                assert answer["ok"], answer
                acked.append(answer["id"])
        database = database_file(server)
        wait_until(lambda: notes_without_vectors(database) == 0, 120, "the notes' vectors")
        vectors = vector_process(server)

        server.kill()
        wait_until(lambda: ended(vectors), 10, "the vector process to end with the server")
        server.start()
        wait_until(lambda: all(s.sio.connected for s in cafe.screens()), 15, "reconnects")

        assert sorted(set(stored_notes(database_file(server)))) == sorted(acked)
        phone = cafe.phones[0]
        phone.timers.clear()
        assert phone.sio.call("resync", {}, timeout=10)["ok"]
        wait_until(lambda: phone.timers, what="the timer after the restart")
        after = phone.timers[-1]
        assert after["status"] == "running"
        assert after["ends_at"] == before["ends_at"]
        assert 0 < after["ends_at"] - after["now"] <= before["ends_at"] - before["now"]

        again = cafe.phones[1].note("After the restart")
        assert again["ok"] and not again["duplicate"], again
        wait_until(lambda: again["id"] in cafe.host.seen_notes(), what="the host console")
        replay = cafe.phones[2].note("Before the crash 0-2", client_id=acked[2])
        assert replay["ok"] and replay["duplicate"]
        assert sorted(stored_notes(database_file(server))) == sorted([*acked, again["id"]])
        assert vector_process(server) != vectors
    finally:
        cafe.close()


def test_an_offline_phone_catches_up_and_its_outbox_is_stored_once(server: LiveServer) -> None:
    cafe = Cafe(server, 4, SMALL_CAFE)
    try:
        cafe.start_round()
        offline, others = cafe.phones[0], cafe.phones[1:]
        outbox = str(uuid.uuid4())
        # The note goes out, the connection drops before the ack arrives.
        offline.sio.emit("note:add", {"client_id": outbox, "text": "Sent as the network fell"})
        offline.sio.disconnect()
        missed = []
        for index, phone in enumerate(others):
            answer = phone.note(f"While one phone is offline {index}")
            assert answer["ok"]
            missed.append(answer["id"])
        assert not set(missed) & offline.seen_notes()

        offline.connect(cafe.cafe_id, "participant")
        offline.fragments.clear()
        assert offline.sio.call("resync", {}, timeout=10)["ok"]
        wait_until(lambda: set(missed) <= offline.seen_notes(), what="the missed notes")
        for _retry in range(2):
            answer = offline.note("Sent as the network fell", client_id=outbox)
            assert answer["ok"] and answer["id"] == outbox
        stored = stored_notes(database_file(server))
        assert stored.count(outbox) == 1
        assert sorted(stored) == sorted([*missed, outbox])
        wait_until(lambda: outbox in cafe.host.seen_notes(), what="the outbox note on the host")
    finally:
        cafe.close()


def test_a_locked_database_loses_and_doubles_nothing(server: LiveServer) -> None:
    cafe = Cafe(server, 5, SMALL_CAFE)
    try:
        cafe.start_round()
        answers: list[dict[str, Any]] = []
        sent: list[str] = []
        lock_held = threading.Event()

        def hold_lock() -> None:
            conn = sqlite3.connect(database_file(server), timeout=10, isolation_level=None)
            conn.execute("BEGIN EXCLUSIVE")
            lock_held.set()
            time.sleep(1.0)
            conn.execute("COMMIT")
            conn.close()

        def write(phone: Screen, index: int) -> None:
            for turn in range(3):
                client_id = str(uuid.uuid4())
                sent.append(client_id)
                for _attempt in range(3):
                    try:
                        answers.append(phone.note(f"Locked {index}-{turn}", client_id))
                        break
                    except socketio.exceptions.TimeoutError:
                        continue

        locker = threading.Thread(target=hold_lock)
        locker.start()
        lock_held.wait(5)
        writers = [threading.Thread(target=write, args=(p, i)) for i, p in enumerate(cafe.phones)]
        for thread in writers:
            thread.start()
        for thread in [locker, *writers]:
            thread.join(30)

        assert all(answer["ok"] for answer in answers), answers
        acked = {answer["id"] for answer in answers}
        assert acked == set(sent)
        stored = stored_notes(database_file(server))
        assert sorted(stored) == sorted(sent)
        wait_until(lambda: acked <= cafe.host.seen_notes(), what="every note on the host")
        wait_until(lambda: acked <= cafe.projector.seen_notes(), what="every note on the wall")
    finally:
        cafe.close()
