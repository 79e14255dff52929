"""Every socket event type is limited per participant and per console: refused, not stored,
not announced."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import connect, fragments, join
from worldcafe.extensions import database
from worldcafe.models import Note, Vote


def _seated_pair(app: Flask, client: FlaskClient, cafe: dict[str, Any]) -> tuple[Any, Any, Any]:
    one, two = join(app, cafe, "Ada"), join(app, cafe, "Grace")
    client.post(f"{cafe['host_url']}/round/start")
    writer = connect(app, one, cafe, "participant")
    voter = connect(app, two, cafe, "participant")
    host = connect(app, client, cafe, "host")
    return writer, voter, host


def test_an_event_storm_is_cut_at_thirty_a_minute_with_nothing_stored_or_sent(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    client.get(str(cafe["host_url"]))
    writer, voter, host = _seated_pair(app, client, cafe)
    ack = writer.emit("note:add", {"client_id": str(uuid.uuid4()), "text": "Bikes"}, callback=True)
    assert ack["ok"], ack
    note_id = ack["id"]
    answers = [
        writer.emit("note:edit", {"id": note_id, "text": f"Bikes {i}"}, callback=True)
        for i in range(30)
    ]
    assert all(a["ok"] for a in answers), answers[-1]
    host.get_received()
    refused = writer.emit("note:edit", {"id": note_id, "text": "Rewritten again"}, callback=True)
    assert refused == {"ok": False, "error": refused["error"], "status": 429}
    assert "wait a moment" in refused["error"]
    assert not fragments(host)
    with app.app_context(), database().read() as db:
        note = db.query(Note).one()
        assert note.text == "Bikes 29"
    # Another event type has its own count; another participant too.
    votes = [voter.emit("note:vote", {"id": note_id}, callback=True) for _ in range(30)]
    assert all(v.get("status") != 429 for v in votes), votes[-1]
    assert voter.emit("note:vote", {"id": note_id}, callback=True)["status"] == 429
    with app.app_context(), database().read() as db:
        assert db.query(Vote).count() == 0  # none, or thirty toggles: given and taken back
    for event in ("note:delete", "note:carry", "note:insight", "resync"):
        assert writer.emit(event, {"id": note_id}, callback=True).get("status") != 429


def test_a_console_is_limited_too(app: Flask, client: FlaskClient, cafe: dict[str, Any]) -> None:
    client.get(str(cafe["host_url"]))
    host = connect(app, client, cafe, "host")
    answers = [host.emit("resync", {}, callback=True) for _ in range(31)]
    assert all(a["ok"] for a in answers[:30])
    assert answers[30]["ok"] is False and answers[30]["status"] == 429


def test_joining_again_does_not_reset_the_limits(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    phone = join(app, cafe, "Ada")
    client.post(f"{cafe['host_url']}/round/start")
    socket = connect(app, phone, cafe, "participant")
    for _ in range(30):
        assert socket.emit("resync", {}, callback=True)["ok"]
    phone.post(str(cafe["join_url"]), data={"name": "Ada again"})  # the same participant
    again = connect(app, phone, cafe, "participant")
    assert again.emit("resync", {}, callback=True)["status"] == 429
