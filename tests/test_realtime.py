"""Socket events: who may connect, notes once and only to the right screens, refusals."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import connect, fragments, join, load_cafe
from worldcafe.extensions import database
from worldcafe.models import Note, Participant, Seat


@pytest.fixture
def live(app: Flask, client: FlaskClient, cafe: dict[str, Any]) -> dict[str, Any]:
    """Eight phones joined, one round started; phones grouped by their table."""
    phones = {f"P{i}": join(app, cafe, f"P{i}") for i in range(8)}
    assert client.get(str(cafe["host_url"])).status_code == 200
    client.post(f"{cafe['host_url']}/round/start")
    with app.app_context(), database().read() as db:
        ids = {p.name: p.id for p in db.query(Participant)}
        seats = {s.participant_id: s.table_id for s in db.query(Seat) if s.round.number == 1}
    tables: dict[int, list[str]] = {}
    for name, pid in ids.items():
        tables.setdefault(seats[pid], []).append(name)
    return {"phones": phones, "ids": ids, "tables": list(tables.values()), "host": client}


def _phone(app: Flask, cafe: dict[str, Any], live: dict[str, Any], table: int, place: int) -> Any:
    """A socket for the phone at `place` of the `table`-th table (both from 0) of the live café."""
    return connect(app, live["phones"][live["tables"][table][place]], cafe, "participant")


def _writer_mate_stranger(app: Flask, cafe: dict[str, Any], live: dict[str, Any]) -> list[Any]:
    """Sockets for two phones at the first table and one at the second."""
    return [_phone(app, cafe, live, *at) for at in ((0, 0), (0, 1), (1, 0))]


def test_connections_without_a_role_or_identity_are_refused(
    app: Flask, cafe: dict[str, Any]
) -> None:
    stranger = app.test_client()
    for role in ("participant", "host", "projector", "organiser", "admin"):
        assert not connect(app, stranger, cafe, role).is_connected()
    from worldcafe.live.transport import socketio

    assert not socketio.test_client(app, auth={"cafe": "nope", "role": "host"}).is_connected()
    assert not socketio.test_client(app).is_connected()


def test_a_note_reaches_table_mates_host_and_projector_but_not_other_tables(
    app: Flask, cafe: dict[str, Any], live: dict[str, Any]
) -> None:
    writer, mate, stranger = _writer_mate_stranger(app, cafe, live)
    host = connect(app, live["host"], cafe, "host")
    projector_browser = app.test_client()
    projector_browser.get(str(cafe["projector_url"]))
    projector = connect(app, projector_browser, cafe, "projector")
    for s in (writer, mate, stranger, host, projector):
        s.get_received()
    client_id = str(uuid.uuid4())
    ack = writer.emit(
        "note:add", {"client_id": client_id, "text": "Open data <b>first</b>"}, callback=True
    )
    assert ack["ok"] and ack["id"] == client_id
    assert "Open data &lt;b&gt;first&lt;/b&gt;" in ack["html"]
    assert any("Open data &lt;b&gt;first" in f for f in fragments(mate))
    assert any("Open data &lt;b&gt;first" in f for f in fragments(host))
    assert any("Open data &lt;b&gt;first" in f for f in fragments(projector))
    assert not any("Open data" in f for f in fragments(stranger))
    assert not any("Open data" in f for f in fragments(writer))


def test_a_retried_note_is_stored_once_and_not_broadcast_again(
    app: Flask, cafe: dict[str, Any], live: dict[str, Any]
) -> None:
    writer = _phone(app, cafe, live, 0, 0)
    mate = _phone(app, cafe, live, 0, 1)
    client_id = str(uuid.uuid4())
    first = writer.emit("note:add", {"client_id": client_id, "text": "Once"}, callback=True)
    mate.get_received()
    second = writer.emit("note:add", {"client_id": client_id, "text": "Once"}, callback=True)
    assert first["ok"] and second["ok"] and second["duplicate"]
    assert fragments(mate) == []
    with app.app_context(), database().read() as db:
        assert db.query(Note).filter_by(client_id=client_id).count() == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"client_id": str(uuid.uuid4()), "text": ""}, "must not be empty"),
        ({"client_id": str(uuid.uuid4()), "text": "x" * 501}, "too long"),
        ({"client_id": "bad id!", "text": "hello"}, "malformed"),
        ({"client_id": str(uuid.uuid4()), "text": 42}, "must be text"),
        ("just a string", "malformed"),
        (None, "malformed"),
    ],
)
def test_bad_notes_get_an_error_message(
    app: Flask, cafe: dict[str, Any], live: dict[str, Any], payload: Any, message: str
) -> None:
    writer = _phone(app, cafe, live, 0, 0)
    ack = writer.emit("note:add", payload, callback=True)
    assert ack["ok"] is False
    assert message in ack["error"]
    with app.app_context(), database().read() as db:
        assert db.query(Note).count() == 0


def test_notes_are_refused_in_the_lobby(app: Flask, cafe: dict[str, Any]) -> None:
    phone = join(app, cafe, "Early")
    ack = connect(app, phone, cafe, "participant").emit(
        "note:add", {"client_id": str(uuid.uuid4()), "text": "Hi"}, callback=True
    )
    assert ack["ok"] is False and "not started" in ack["error"]


def test_only_the_author_edits_or_deletes_and_votes_stay_at_the_table(
    app: Flask, cafe: dict[str, Any], live: dict[str, Any]
) -> None:
    writer, mate, stranger = _writer_mate_stranger(app, cafe, live)
    client_id = str(uuid.uuid4())
    writer.emit("note:add", {"client_id": client_id, "text": "Draft"}, callback=True)
    assert mate.emit("note:edit", {"id": client_id, "text": "Hijack"}, callback=True)["ok"] is False
    assert mate.emit("note:delete", {"id": client_id}, callback=True)["ok"] is False
    edited = writer.emit("note:edit", {"id": client_id, "text": "Final"}, callback=True)
    assert edited["ok"]
    vote = mate.emit("note:vote", {"id": client_id}, callback=True)
    assert vote == {"ok": True, "votes": 1}
    assert stranger.emit("note:vote", {"id": client_id}, callback=True)["ok"] is False
    assert mate.emit("note:vote", {"id": client_id}, callback=True)["votes"] == 0
    assert writer.emit("note:delete", {"id": client_id}, callback=True)["ok"]
    with app.app_context(), database().read() as db:
        note = db.query(Note).filter_by(client_id=client_id).one()
        assert note.text == "Final" and note.deleted


def test_key_insights_only_by_the_table_host_three_a_round(
    app: Flask, cafe: dict[str, Any], live: dict[str, Any]
) -> None:
    mine = live["tables"][0]
    host_name = mine[0]
    cafe_row = load_cafe(app, int(str(cafe["cafe_id"])))
    with app.app_context(), database().read() as db:
        seat = next(
            s
            for s in db.query(Seat)
            if s.participant_id == live["ids"][host_name] and s.round.number == 1
        )
    table_id = seat.table_id
    assert table_id in [t.id for t in cafe_row.tables]
    live["host"].post(
        f"{cafe['host_url']}/people/{live['ids'][host_name]}/table-host",
        data={"table_id": str(table_id)},
    )
    table_host = connect(app, live["phones"][host_name], cafe, "participant")
    traveller = _phone(app, cafe, live, 0, 1)
    ids = []
    for i in range(4):
        cid = str(uuid.uuid4())
        traveller.emit("note:add", {"client_id": cid, "text": f"Idea {i}"}, callback=True)
        ids.append(cid)
    assert traveller.emit("note:insight", {"id": ids[0]}, callback=True)["ok"] is False
    for cid in ids[:3]:
        assert table_host.emit("note:insight", {"id": cid}, callback=True)["marked"] is True
    refused = table_host.emit("note:insight", {"id": ids[3]}, callback=True)
    assert refused["ok"] is False and "At most 3" in refused["error"]


def test_the_note_rate_is_limited_per_participant(
    app: Flask, cafe: dict[str, Any], live: dict[str, Any]
) -> None:
    app.extensions["worldcafe.note_rate"].per_minute = 3
    writer = _phone(app, cafe, live, 0, 0)
    acks = [
        writer.emit("note:add", {"client_id": str(uuid.uuid4()), "text": f"n{i}"}, callback=True)
        for i in range(4)
    ]
    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[3]["status"] == 429
    other = _phone(app, cafe, live, 0, 1)
    ok = other.emit("note:add", {"client_id": str(uuid.uuid4()), "text": "mine"}, callback=True)
    assert ok["ok"]


def test_resync_sends_the_panel_and_the_timer(
    app: Flask, cafe: dict[str, Any], live: dict[str, Any]
) -> None:
    phone = _phone(app, cafe, live, 0, 0)
    phone.get_received()
    assert phone.emit("resync", callback=True) == {"ok": True}
    received = phone.get_received()
    timers = [e["args"][0] for e in received if e["name"] == "timer"]
    assert timers and timers[0]["status"] == "running" and timers[0]["ends_at"] > timers[0]["now"]
    panels = [e["args"][0]["html"] for e in received if e["name"] == "fragment"]
    assert any('id="table-panel"' in p and "Table " in p for p in panels)


def test_a_round_start_pushes_each_table_its_panel(
    app: Flask, cafe: dict[str, Any], live: dict[str, Any]
) -> None:
    a = _phone(app, cafe, live, 0, 0)
    b = _phone(app, cafe, live, 1, 0)
    host = connect(app, live["host"], cafe, "host")
    live["host"].post(f"{cafe['host_url']}/round/end")
    for s in (a, b, host):
        s.get_received()
    live["host"].post(f"{cafe['host_url']}/round/start")
    for s in (a, b):
        received = s.get_received()
        assert any(e["name"] == "timer" for e in received)
        panels = [e["args"][0]["html"] for e in received if e["name"] == "fragment"]
        assert any("Round 2 of 2" in p for p in panels)
    assert any("Round 2 of 2" in f for f in fragments(host))


def test_a_revoked_host_link_cannot_act_over_its_open_socket(
    app: Flask, cafe: dict[str, Any], live: dict[str, Any]
) -> None:
    host = connect(app, live["host"], cafe, "host")
    assert host.emit("resync", callback=True) == {"ok": True}
    live["host"].post(f"{cafe['organiser_url']}/renew/host")
    # Cut off at once: disconnected, out of every room.
    assert not host.is_connected()


def test_clock_answers_the_server_time(
    app: Flask, cafe: dict[str, Any], live: dict[str, Any]
) -> None:
    phone = _phone(app, cafe, live, 0, 0)
    reply = phone.emit("clock", callback=True)
    assert reply["ok"] and reply["now"] > 1_700_000_000_000


def test_the_projector_harvest_view_follows_curation_live(
    app: Flask, cafe: dict[str, Any], live: dict[str, Any]
) -> None:
    from worldcafe.live.transport import socketio

    writer = _phone(app, cafe, live, 0, 0)
    writer.emit("note:add", {"client_id": str(uuid.uuid4()), "text": "Bike lanes"}, callback=True)
    browser = app.test_client()
    browser.get(f"{cafe['projector_url']}/harvest")
    harvest = socketio.test_client(
        app,
        flask_test_client=browser,
        auth={"cafe": cafe["cafe_id"], "role": "projector", "view": "harvest"},
    )
    wall = connect(app, browser, cafe, "projector")
    harvest.get_received()
    wall.get_received()
    with app.app_context(), database().read() as db:
        note_id = db.query(Note).filter_by(text="Bike lanes").one().id
    live["host"].post(
        f"{cafe['organiser_url']}/harvest",
        data={"op": "rename", "note_id": str(note_id), "label": "Cycling city"},
    )
    assert any("Cycling city" in f for f in fragments(harvest))
    assert not any("Cycling city" in f for f in fragments(wall))
    harvest.emit("resync", callback=True)
    assert any('id="harvest"' in f for f in fragments(harvest))


def test_live_fragments_follow_each_screens_language(app: Flask, client: FlaskClient) -> None:
    from tests.factories import make_cafe

    cafe = make_cafe(
        app,
        themes=[{"name": "Mobility", "tables": 1, "questions": ["How do we move?"]}],
    )
    german = app.test_client()
    german.post(
        str(cafe["join_url"]),
        data={"name": "Greta", "language": "de"},
        headers={"Accept-Language": "de"},
    )
    english = join(app, cafe, "Ada")
    writer = join(app, cafe, "Wim")
    client.post(f"{cafe['host_url']}/round/start")
    german.get(f"/p/{cafe['join_code']}", headers={"Accept-Language": "de"})
    de_socket = connect(app, german, cafe, "participant")
    en_socket = connect(app, english, cafe, "participant")
    de_socket.get_received()
    en_socket.get_received()
    connect(app, writer, cafe, "participant").emit(
        "note:add", {"client_id": str(uuid.uuid4()), "text": "Bus lanes"}, callback=True
    )
    german_html = "".join(fragments(de_socket))
    english_html = "".join(fragments(en_socket))
    assert "Bus lanes" in german_html and "Bus lanes" in english_html
    assert "Runde 1" in german_html and "round 1" in english_html


def test_a_wave_of_joins_refreshes_the_console_once_more_with_everyone(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    import time

    app.config["PEOPLE_REFRESH_SECONDS"] = 0.3
    client.get(str(cafe["host_url"]))
    host = connect(app, client, cafe, "host")
    host.get_received()
    for i in range(4):
        join(app, cafe, f"Wave {i}")
    time.sleep(0.8)
    consoles = [f for f in fragments(host) if 'id="console"' in f]
    assert 1 <= len(consoles) < 4
    assert "Wave 3" in consoles[-1]
