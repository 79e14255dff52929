"""Factories for tests: cafés, joined phones, CSRF tokens."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from worldcafe import create_app
from worldcafe.extensions import database
from worldcafe.links import DEFAULT_BASE_URL, cafe_links
from worldcafe.models import Cafe
from worldcafe.services.cafe_config import parse_cafe_spec
from worldcafe.services.cafes import create_cafe

CONFIG: dict[str, Any] = {
    "title": "Leipzig Digital City",
    "language": "en",
    "rounds": 2,
    "round_minutes": 20,
    "table_capacity": 6,
    "themes": [
        {"name": "Citizen participation", "tables": 1, "questions": ["How to involve everyone?"]},
        {"name": "Investment", "tables": 1, "questions": ["Where to invest?", "What to stop?"]},
    ],
}


def app_for_test(instance: Path, **settings: Any) -> Flask:
    """The app on its own instance folder, sockets in threading mode; `settings` add or override."""
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SOCKETIO_ASYNC_MODE": "threading",
            **settings,
        }
    )


def make_cafe(app: Flask, **overrides: Any) -> dict[str, Any]:
    """Create a café; returns its id and links (paths without the host)."""
    config = {**CONFIG, **overrides}
    with app.app_context(), database().write() as db:
        cafe = create_cafe(db, parse_cafe_spec(config))
        links = {
            key: value.removeprefix(DEFAULT_BASE_URL) if isinstance(value, str) else value
            for key, value in cafe_links(cafe, None).items()
        }
        return {**links, "join_code": cafe.join_code}


def join(app: Flask, cafe: dict[str, Any], name: str) -> FlaskClient:
    """A phone that has joined the café under `name`."""
    phone = app.test_client()
    response = phone.post(str(cafe["join_url"]), data={"name": name, "language": "en"})
    assert response.status_code == 302, response.data
    return phone


def load_cafe(app: Flask, cafe_id: int) -> Cafe:
    with app.app_context(), database().read() as db:
        found = db.get(Cafe, cafe_id)
        assert found is not None
        _ = [t.theme.name for t in found.tables], list(found.rounds)
        return found


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def connect(app: Flask, browser: FlaskClient, cafe: dict[str, Any], role: str) -> Any:
    """A Socket.IO client for a browser that already holds its role's cookie."""
    from worldcafe.live.transport import socketio

    return socketio.test_client(
        app, flask_test_client=browser, auth={"cafe": cafe["cafe_id"], "role": role}
    )


def fragments(socket: Any) -> list[str]:
    """The HTML fragments a socket client received since the last call."""
    return [
        event["args"][0]["html"] for event in socket.get_received() if event["name"] == "fragment"
    ]


def run_round_with_notes(
    app: Flask, host: FlaskClient, cafe: dict[str, Any], notes: list[str], people: int = 6
) -> dict[str, FlaskClient]:
    """Join `people` phones, start a round, and have them write `notes` in turn."""
    import uuid

    phones = {f"Guest {i}": join(app, cafe, f"Guest {i}") for i in range(people)}
    response = host.post(f"{cafe['host_url']}/round/start")
    assert response.status_code == 302
    sockets = [connect(app, phone, cafe, "participant") for phone in phones.values()]
    for index, text in enumerate(notes):
        ack = sockets[index % len(sockets)].emit(
            "note:add", {"client_id": str(uuid.uuid4()), "text": text}, callback=True
        )
        assert ack["ok"], ack
    return phones
