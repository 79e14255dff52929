"""The rules of "Limits and refusals" against a real `worldcafe run` process."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import socketio

from tests.factories import CONFIG, csrf_token
from tests.live_clients import connect, cookie_header, join, start_round
from tests.live_server import LiveServer

HUGE_ID = "9" * 20


def _participants(server: LiveServer, cafe_id: int) -> int:
    import sqlite3

    with sqlite3.connect(server.instance / "worldcafe.db", timeout=10) as conn:
        row = conn.execute("SELECT count(*) FROM participant WHERE cafe_id = ?", (cafe_id,))
        return int(row.fetchone()[0])


def test_a_join_flood_from_one_script_fills_no_more_than_the_seats(server: LiveServer) -> None:
    small = {**CONFIG, "table_capacity": 2, "themes": CONFIG["themes"][:1]}  # two seats
    links = server.create_cafe({**small, "themes": [{**small["themes"][0], "tables": 1}]})
    script = requests.Session()
    token = csrf_token(script.get(links["join_url"], timeout=10).text)
    answers = [
        script.post(
            links["join_url"],
            data={"name": f"Bot {i}", "csrf_token": token},
            allow_redirects=False,
            timeout=10,
        )
        for i in range(8)
    ]
    limited = [a for a in answers if a.status_code == 429]
    assert limited and all(1 <= int(a.headers["Retry-After"]) <= 60 for a in limited)
    for index in range(4):  # fresh browsers, one after another
        fresh = requests.Session()
        page = fresh.get(links["join_url"], timeout=10).text
        if 'name="csrf_token"' in page and "every seat is taken" not in page:
            fresh.post(
                links["join_url"],
                data={"name": f"Fresh {index}", "csrf_token": csrf_token(page)},
                timeout=10,
            )
    assert _participants(server, links["cafe_id"]) == 2
    page = requests.get(links["join_url"], timeout=10).text
    assert "every seat is taken" in page


def test_a_closed_door_stores_nobody(server: LiveServer) -> None:
    links = server.create_cafe(CONFIG)
    host = requests.Session()
    console = host.get(links["host_url"], timeout=10).text
    closed = host.post(
        f"{links['host_url']}/joining",
        data={"open": "0", "csrf_token": csrf_token(console)},
        timeout=10,
    )
    assert closed.status_code == 200 and "Open joining" in closed.text
    phone = requests.Session()
    page = phone.get(links["join_url"], timeout=10).text
    assert "not taking new participants" in page
    refused = phone.post(
        links["join_url"], data={"name": "Ada", "csrf_token": csrf_token(page)}, timeout=10
    )
    assert refused.status_code == 409
    assert _participants(server, links["cafe_id"]) == 0


def test_guessing_sign_ins_and_device_codes_is_throttled(server: LiveServer) -> None:
    links = server.create_cafe(CONFIG)
    guesser = requests.Session()
    login = guesser.get(f"{server.url}/organiser/login", timeout=10).text
    answers = [
        guesser.post(
            f"{server.url}/organiser/login",
            data={"email": "nobody@example.org", "password": "x", "csrf_token": csrf_token(login)},
            timeout=10,
        ).status_code
        for _ in range(11)
    ]
    assert answers[:10] == [401] * 10 and answers[10] == 429
    page = guesser.get(links["join_url"], timeout=10).text
    codes = [
        guesser.post(
            f"{links['join_url']}/resume",
            data={"resume_code": "ABCDEFGHJK", "csrf_token": csrf_token(page)},
            timeout=10,
        )
        for _ in range(11)
    ]
    assert [c.status_code for c in codes[:10]] == [404] * 10
    assert codes[10].status_code == 429 and "Retry-After" in codes[10].headers


def test_ids_out_of_range_are_404_on_routes_and_refused_on_connect(server: LiveServer) -> None:
    links = server.create_cafe(CONFIG)
    secret = links["host_url"].rsplit("/", 1)[1]
    for path in (f"/host/{HUGE_ID}/{secret}", f"/projector/{HUGE_ID}/{secret}"):
        assert requests.get(server.url + path, timeout=10).status_code == 404
    assert requests.get(f"{server.url}/organiser/cafe/{HUGE_ID}/x", timeout=10).status_code == 404
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            server.url,
            auth={"cafe": int(HUGE_ID), "role": "host"},
            transports=["websocket"],
            wait_timeout=5,
        )
    client.disconnect()
    assert requests.get(f"{server.url}/healthz", timeout=10).status_code == 200


def test_a_forged_host_header_never_reaches_the_links(server: LiveServer) -> None:
    links: dict[str, Any] = server.create_cafe(CONFIG)
    page = requests.get(links["organiser_url"], headers={"Host": "evil.example"}, timeout=10)
    assert page.status_code == 200 and "evil.example" not in page.text
    assert server.url + "/j/" in page.text


def test_deep_nesting_and_huge_numbers_in_socket_packets_are_answered_without_a_trace(
    server: LiveServer,
) -> None:
    import json

    import websocket

    links = server.create_cafe(CONFIG)
    cookie = cookie_header(join(links, "Ada"))
    ws = websocket.create_connection(
        server.url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket",
        cookie=cookie,
        timeout=10,
    )
    try:
        assert ws.recv().startswith("0")
        ws.send("40" + json.dumps({"cafe": links["cafe_id"], "role": "participant"}))
        assert ws.recv().startswith("40")
        packets = {
            "1": '["note:add",' + "[" * 5000 + "]" * 5000 + "]",
            "2": '["note:add",{"client_id":"x","text":"y","id":' + "9" * 401 + "}]",
            "3": '["note:vote",{"id":' + "9" * 401 + "}]",
        }
        for ack_id, body in packets.items():
            ws.send(f"42{ack_id}{body}")
            answer = ws.recv()
            while answer == "2":  # a ping on the way
                ws.send("3")
                answer = ws.recv()
            assert answer.startswith(f"43{ack_id}")
            reply = json.loads(answer[2 + len(ack_id) :])[0]
            assert reply["ok"] is False and reply["error"]
    finally:
        ws.close()
    assert server.log_path is not None
    assert "Traceback" not in server.log_path.read_text()


def test_an_event_storm_is_refused_past_thirty_a_minute_and_not_fanned_out(
    server: LiveServer,
) -> None:
    import time
    import uuid

    links = server.create_cafe({**CONFIG, "themes": CONFIG["themes"][:1]})
    phone = join(links, "Ada")
    host = start_round(links)
    writer = connect(server, phone, links["cafe_id"], "participant")
    screen = connect(server, host, links["cafe_id"], "host")
    seen: list[str] = []
    screen.on("fragment", lambda data: seen.append(str(data.get("html", ""))))
    added = writer.call("note:add", {"client_id": str(uuid.uuid4()), "text": "Storm"}, timeout=10)
    assert added["ok"], added
    answers = [
        writer.call("note:edit", {"id": added["id"], "text": f"Storm {i}"}, timeout=10)
        for i in range(31)
    ]
    assert all(a["ok"] for a in answers[:30]) and answers[30]["status"] == 429
    time.sleep(1.0)
    assert any("Storm 29" in html for html in seen)
    assert not any("Storm 30" in html for html in seen)
    export = server.cli("export", str(links["cafe_id"]), "--format", "json")
    assert "Storm 29" in export and "Storm 30" not in export
    writer.disconnect()
    screen.disconnect()
