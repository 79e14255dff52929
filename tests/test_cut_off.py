"""A socket acts only while the identity it connected with still holds (a real server).

After a renew, a leave, a café deletion or a sign-out the old sockets are disconnected at once
and hear nothing more; a socket whose identity ended without a cut-off (the database changed
under it) is refused at its next event and nothing it sends is stored; ids are never reused.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from tests.factories import csrf_token
from tests.live_clients import connect
from tests.live_server import LiveServer

CONFIG = {
    "title": "Cut-off café",
    "language": "en",
    "rounds": 2,
    "round_minutes": 20,
    "themes": [{"name": "Mobility", "tables": 1, "questions": ["How do we move?"]}],
}
PASSWORD = "correct horse battery"


class Screen:
    """One browser (cookies) and its socket, recording every fragment it hears."""

    def __init__(self, server: LiveServer, http: requests.Session, cafe_id: int, role: str):
        self.heard: list[str] = []
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("fragment", lambda data: self.heard.append(str(data.get("html", ""))))
        connect(server, http, cafe_id, role, self.sio)

    def emit(self, event: str, data: object = None) -> Any:
        return self.sio.call(event, data, timeout=10)

    def note(self, text: str) -> Any:
        return self.emit("note:add", {"client_id": str(uuid.uuid4()), "text": text})

    def wait_disconnected(self, seconds: float = 5.0) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.sio.connected:
                return True
            time.sleep(0.05)
        return False

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


def _post(http: requests.Session, page: str, url: str, **data: str) -> requests.Response:
    token = csrf_token(http.get(page).text)
    return http.post(url, data={"csrf_token": token, **data}, allow_redirects=False)


def _cafe(server: LiveServer, phones: int = 2) -> dict[str, Any]:
    """A café with its round started: links, the host's browser and the phones' browsers."""
    links = server.create_cafe(CONFIG)
    host = requests.Session()
    host.get(links["host_url"])
    browsers = []
    for n in range(phones):
        phone = requests.Session()
        _post(phone, links["join_url"], links["join_url"], name=f"Phone {n}")
        browsers.append(phone)
    _post(host, links["host_url"], f"{links['host_url']}/round/start")
    code = links["join_url"].rsplit("/", 1)[1]
    for phone in browsers:
        assert phone.get(f"{server.url}/p/{code}").status_code == 200
    return {**links, "host": host, "phones": browsers, "code": code}


def _notes(server: LiveServer) -> list[str]:
    with sqlite3.connect(server.instance / "worldcafe.db", timeout=10) as conn:
        return [row[0] for row in conn.execute("SELECT text FROM note")]


def test_a_participant_who_left_is_cut_off_and_their_cookie_no_longer_opens_the_phone(
    server: LiveServer,
) -> None:
    cafe = _cafe(server)
    stay, leave = cafe["phones"]
    staying = Screen(server, stay, cafe["cafe_id"], "participant")
    leaving = Screen(server, leave, cafe["cafe_id"], "participant")
    old_cookie = dict(leave.cookies)
    phone_page = f"{server.url}/p/{cafe['code']}"
    assert leaving.note("Before leaving")["ok"] is True
    _post(leave, phone_page, f"{phone_page}/leave")
    assert leaving.wait_disconnected()
    assert staying.note("After the leave")["ok"] is True
    time.sleep(0.3)
    assert not any("After the leave" in html for html in leaving.heard)
    replay = requests.Session()
    replay.cookies.update(old_cookie)
    answer = replay.get(phone_page, allow_redirects=False)
    assert answer.status_code == 302 and "/j/" in answer.headers["Location"]
    with pytest.raises(socketio.exceptions.ConnectionError):
        Screen(server, replay, cafe["cafe_id"], "participant")
    staying.close()


def test_an_identity_ended_under_an_open_socket_is_refused_at_its_next_event(
    server: LiveServer,
) -> None:
    cafe = _cafe(server, phones=1)
    phone = Screen(server, cafe["phones"][0], cafe["cafe_id"], "participant")
    assert phone.note("Still here")["ok"] is True
    # Another process (without a message queue) ended the identity: no cut-off reached us.
    with sqlite3.connect(server.instance / "worldcafe.db", timeout=10) as conn:
        conn.execute(
            "UPDATE participant SET resume_token = 'replaced' WHERE cafe_id = ?",
            (cafe["cafe_id"],),
        )
    refused = phone.note("Sent after the end")
    assert refused["ok"] is False and refused["error"]
    assert "Sent after the end" not in _notes(server)
    assert phone.wait_disconnected()


def test_a_renewed_host_link_cuts_off_the_open_console_only(server: LiveServer) -> None:
    cafe = _cafe(server, phones=1)
    console = Screen(server, cafe["host"], cafe["cafe_id"], "host")
    projector_browser = requests.Session()
    projector_browser.get(cafe["projector_url"])
    projector = Screen(server, projector_browser, cafe["cafe_id"], "projector")
    phone = Screen(server, cafe["phones"][0], cafe["cafe_id"], "participant")
    organiser = requests.Session()
    _post(organiser, cafe["organiser_url"], f"{cafe['organiser_url']}/renew/host")
    assert console.wait_disconnected()
    assert phone.note("A newcomer's idea")["ok"] is True
    time.sleep(0.3)
    assert any("A newcomer&#39;s idea" in h or "A newcomer's idea" in h for h in projector.heard)
    assert not any("newcomer" in html for html in console.heard)
    assert projector.sio.connected
    assert requests.get(cafe["host_url"]).status_code == 404
    projector.close()
    phone.close()


def test_a_deleted_cafe_cuts_off_its_sockets_and_its_ids_are_never_handed_out_again(
    server: LiveServer,
) -> None:
    cafe = _cafe(server, phones=1)
    phone = Screen(server, cafe["phones"][0], cafe["cafe_id"], "participant")
    console = Screen(server, cafe["host"], cafe["cafe_id"], "host")
    with sqlite3.connect(server.instance / "worldcafe.db", timeout=10) as conn:
        old_participants = {row[0] for row in conn.execute("SELECT id FROM participant")}
    organiser = requests.Session()
    privacy = f"{cafe['organiser_url']}/privacy"
    _post(organiser, privacy, privacy, action="delete", confirm=CONFIG["title"])
    assert phone.wait_disconnected() and console.wait_disconnected()
    newer = _cafe(server, phones=1)
    assert newer["cafe_id"] > cafe["cafe_id"]
    with sqlite3.connect(server.instance / "worldcafe.db", timeout=10) as conn:
        new_participants = {
            row[0]
            for row in conn.execute(
                "SELECT id FROM participant WHERE cafe_id = ?", (newer["cafe_id"],)
            )
        }
    assert new_participants and not new_participants & old_participants
    assert min(new_participants) > max(old_participants)


def test_an_organiser_who_signed_out_is_cut_off_and_their_old_cookie_is_refused(
    server: LiveServer, tmp_path: Path
) -> None:
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    server.env_extra["WORLDCAFE_ORGANISER_PASSWORD"] = PASSWORD
    server.cli("create-organiser", email)
    cafe = _cafe(server, phones=1)
    organiser = requests.Session()
    login = f"{server.url}/organiser/login"
    _post(organiser, login, login, email=email, password=PASSWORD)
    with sqlite3.connect(server.instance / "worldcafe.db", timeout=10) as conn:
        conn.execute(
            "UPDATE cafe SET owner_id = (SELECT id FROM organiser WHERE email = ?) WHERE id = ?",
            (email, cafe["cafe_id"]),
        )
    old_cookie = dict(organiser.cookies)
    # The owner's console, admitted by their sign-in alone (no link secret in this browser).
    console = Screen(server, organiser, cafe["cafe_id"], "host")
    assert console.emit("resync") == {"ok": True}
    dashboard = f"{server.url}/organiser/"
    _post(organiser, dashboard, f"{server.url}/organiser/logout")
    assert console.wait_disconnected()
    replay = requests.Session()
    replay.cookies.update(old_cookie)
    assert "/login" in replay.get(dashboard, allow_redirects=False).headers.get("Location", "")
    with pytest.raises(socketio.exceptions.ConnectionError):
        Screen(server, replay, cafe["cafe_id"], "host")
