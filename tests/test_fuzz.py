"""Hostile input on every form and socket event: a clear 4xx or error event, never a 500."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import connect, join
from worldcafe.extensions import database
from worldcafe.models import Note

HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "\x00\x01\x02",
            "\u202egnp.exe",
            "\u200f\u200emarks",
            "<script>alert(1)</script>",
            "'; DROP TABLE note; --",
            '" OR 1=1 --',
            "{{ 7*7 }}",
            "x" * 5000,
            "🙂" * 100,
            "\uffff",
            "-1",
            "1e309",
            "NaN",
            "0",
            "999999999999999999999",
        ]
    ),
)
VALUES = st.one_of(
    HOSTILE_TEXT,
    st.integers(),
    st.floats(allow_nan=True),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def started(app: Flask, client: FlaskClient, cafe: dict[str, Any]) -> dict[str, Any]:
    phone = join(app, cafe, "Ada")
    join(app, cafe, "Grace")
    client.post(f"{cafe['host_url']}/round/start")
    return {"phone": phone}


def _form(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


@FUZZ
@given(name=HOSTILE_TEXT, language=HOSTILE_TEXT)
def test_the_join_form(app: Flask, cafe: dict[str, Any], name: str, language: str) -> None:
    response = app.test_client().post(
        str(cafe["join_url"]), data={"name": name, "language": language}
    )
    assert response.status_code in (302, 400, 409), response.status_code
    if response.status_code == 409:
        assert "every seat is taken" in response.get_data(as_text=True)


@FUZZ
@given(
    title=HOSTILE_TEXT,
    rounds=HOSTILE_TEXT,
    minutes=HOSTILE_TEXT,
    tables=HOSTILE_TEXT,
    questions=HOSTILE_TEXT,
    capacity=HOSTILE_TEXT,
    language=HOSTILE_TEXT,
)
def test_the_cafe_setup_form(
    client: FlaskClient,
    cafe: dict[str, Any],
    title: str,
    rounds: str,
    minutes: str,
    tables: str,
    questions: str,
    capacity: str,
    language: str,
) -> None:
    response = client.post(
        str(cafe["organiser_url"]),
        data={
            "title": title,
            "rounds": rounds,
            "round_minutes": minutes,
            "language": language,
            "table_capacity": capacity,
            "theme-0-name": title,
            "theme-0-tables": tables,
            "theme-0-questions": questions,
            "languages": language,
            "retention_days": minutes,
        },
    )
    assert response.status_code in (302, 400, 409), response.status_code


@FUZZ
@given(
    path=st.sampled_from(
        [
            "round/extend",
            "broadcast",
            "people/1/move",
            "people/1/table-host",
            "people/1/presence",
            "round/start",
            "round/pause",
            "round/resume",
        ]
    ),
    value=HOSTILE_TEXT,
)
def test_host_actions(
    client: FlaskClient, cafe: dict[str, Any], started: dict[str, Any], path: str, value: str
) -> None:
    response = client.post(
        f"{cafe['host_url']}/{path}",
        data={"minutes": value, "message": value, "table_id": value, "present": value},
        headers={"HX-Request": "true"},
    )
    assert response.status_code < 500, (path, value, response.status_code)


@FUZZ
@given(op=HOSTILE_TEXT, note_id=HOSTILE_TEXT, label=HOSTILE_TEXT, to=HOSTILE_TEXT)
def test_curation_steps(
    client: FlaskClient, cafe: dict[str, Any], op: str, note_id: str, label: str, to: str
) -> None:
    response = client.post(
        f"{cafe['organiser_url']}/harvest",
        data={"op": op, "note_id": note_id, "label": label, "to": to, "note_ids": note_id},
    )
    assert response.status_code in (302, 400, 404), response.status_code


@FUZZ
@given(
    event=st.sampled_from(
        [
            "note:add",
            "note:edit",
            "note:delete",
            "note:vote",
            "note:carry",
            "note:insight",
            "resync",
            "clock",
        ]
    ),
    payload=st.one_of(
        VALUES, st.fixed_dictionaries({"client_id": VALUES, "id": VALUES, "text": VALUES})
    ),
)
def test_socket_events(
    app: Flask, cafe: dict[str, Any], started: dict[str, Any], event: str, payload: Any
) -> None:
    socket = connect(app, started["phone"], cafe, "participant")
    with app.app_context(), database().read() as db:
        before = db.query(Note).count()
    ack = socket.emit(event, payload, callback=True)
    assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
    if not ack["ok"]:
        assert isinstance(ack["error"], str) and ack["error"]
        assert 400 <= ack["status"] < 500
        with app.app_context(), database().read() as db:
            assert db.query(Note).count() == before
    socket.disconnect()


def test_a_note_with_a_fresh_id_and_plain_text_is_accepted(
    app: Flask, cafe: dict[str, Any], started: dict[str, Any]
) -> None:
    socket = connect(app, started["phone"], cafe, "participant")
    ack = socket.emit("note:add", {"client_id": str(uuid.uuid4()), "text": "ok"}, callback=True)
    assert ack["ok"]


# ----- the hostile crowd's inputs: 20-digit ids, huge numbers, deep nesting, invisible text --

HUGE_ID = "9" * 20
HUGE_NUMBER = "9" * 401
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
CROWD_INPUTS = [HUGE_ID, HUGE_NUMBER, INVISIBLE, "[" * 5000, "-" + HUGE_NUMBER, "1e400"]


def _paths(app: Flask, cafe: dict[str, Any], value: str) -> list[tuple[str, str]]:
    """Every route of the app, its variables filled with `value` (ids) or the café's own."""
    secret = str(cafe["host_url"]).rsplit("/", 1)[1]
    own = {"code": str(cafe["join_code"]), "secret": secret, "kind": "svg", "role": "host"}
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "socketio_transport"):
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", value).replace(f"<{name}>", own.get(name, value))
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            found.append((method, path))
    return found


@pytest.mark.parametrize("value", [HUGE_ID, HUGE_NUMBER[:60], "0", "-1"])
def test_every_route_with_ids_out_of_range_is_a_clear_4xx(
    app: Flask, client: FlaskClient, cafe: dict[str, Any], value: str
) -> None:
    paths = _paths(app, cafe, value)
    assert len(paths) > 30
    for method, path in paths:
        if "<" in path:  # an id the converter refuses (negative): no such URL
            continue
        response = client.open(path, method=method, data={"participant_id": value})
        assert response.status_code < 500, (method, path, response.status_code)


@pytest.mark.parametrize("value", CROWD_INPUTS)
def test_every_form_field_with_crowd_inputs_is_a_clear_4xx(
    app: Flask, client: FlaskClient, cafe: dict[str, Any], started: dict[str, Any], value: str
) -> None:
    fields = [
        "name",
        "language",
        "minutes",
        "message",
        "table_id",
        "participant_id",
        "present",
        "head_count",
        "rounds",
        "round_minutes",
        "table_capacity",
        "theme-0-name",
        "theme-0-tables",
        "theme-0-questions",
        "retention_days",
        "resume_code",
        "open",
        "action",
        "op",
        "note_id",
        "notice",
        "email",
        "password",
    ]
    data = dict.fromkeys(fields, value)
    for method, path in _paths(app, cafe, str(cafe["cafe_id"])):
        if method != "POST" or "delete" in path or path.endswith("/privacy"):
            continue
        response = client.post(path, data=data)
        assert response.status_code < 500, (path, value[:20], response.status_code)
    suggest = client.post(
        str(cafe["organiser_url"]), data={**data, "action": "suggest", "head_count": value}
    )
    assert suggest.status_code < 500


def test_invisible_notes_names_and_messages_are_refused(
    app: Flask, client: FlaskClient, cafe: dict[str, Any], started: dict[str, Any]
) -> None:
    socket = connect(app, started["phone"], cafe, "participant")
    ack = socket.emit(
        "note:add", {"client_id": str(uuid.uuid4()), "text": INVISIBLE}, callback=True
    )
    assert ack["ok"] is False and "no visible characters" in ack["error"]
    refused = app.test_client().post(str(cafe["join_url"]), data={"name": INVISIBLE})
    assert refused.status_code == 400
    broadcast = client.post(f"{cafe['host_url']}/broadcast", data={"message": INVISIBLE})
    assert broadcast.status_code == 400
    with app.app_context(), database().read() as db:
        assert db.query(Note).count() == 0
    socket.disconnect()


@FUZZ
@given(
    event=st.sampled_from(
        ["note:add", "note:edit", "note:delete", "note:vote", "note:carry", "note:insight"]
    ),
    value=st.sampled_from([int(HUGE_ID), 10**99, -(10**30), HUGE_ID, HUGE_NUMBER, INVISIBLE]),
)
def test_socket_events_with_crowd_inputs(
    app: Flask, cafe: dict[str, Any], started: dict[str, Any], event: str, value: Any
) -> None:
    socket = connect(app, started["phone"], cafe, "participant")
    ack = socket.emit(event, {"client_id": value, "id": value, "text": value}, callback=True)
    assert isinstance(ack, dict) and isinstance(ack["ok"], bool), ack
    assert ack["ok"] or 400 <= ack["status"] < 500, ack
    if value == INVISIBLE or not isinstance(value, str):
        assert ack["ok"] is False, ack
    nested: Any = [1]
    for _ in range(200):
        nested = [nested]
    ack = socket.emit(event, {"client_id": nested, "id": nested, "text": nested}, callback=True)
    assert isinstance(ack, dict) and ack["ok"] is False, ack
    socket.disconnect()


def test_a_socket_connect_with_an_id_out_of_range_is_refused(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    from worldcafe.live.transport import socketio

    client.get(str(cafe["host_url"]))
    for cafe_id in (int(HUGE_ID), HUGE_ID, 10**99, -1, [1]):
        refused = socketio.test_client(
            app, flask_test_client=client, auth={"cafe": cafe_id, "role": "host"}
        )
        assert not refused.is_connected()
