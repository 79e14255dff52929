"""The room around the rounds: broadcast life, confirmations, goodbyes, errors at their field."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import connect, join, load_cafe, make_cafe
from worldcafe.extensions import database
from worldcafe.models import AuditEvent
from worldcafe.services.cafes import create_demo_cafe
from worldcafe.services.organisers import create_organiser


def _broadcast(app: Flask, cafe: dict[str, Any]) -> str:
    return load_cafe(app, int(str(cafe["cafe_id"]))).broadcast


def test_clear_message_takes_the_broadcast_down(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    host = str(cafe["host_url"])
    client.post(f"{host}/broadcast", data={"message": "Coffee in the foyer", "action": "send"})
    assert _broadcast(app, cafe) == "Coffee in the foyer"
    page = client.get(str(cafe["host_url"])).get_data(as_text=True)
    assert "Coffee in the foyer" in page
    assert 'id="broadcast-message"' in page and "Message to everyone" in page
    assert ">Clear message</button>" in page
    client.post(f"{host}/broadcast", data={"message": "Coffee in the foyer", "action": "clear"})
    assert _broadcast(app, cafe) == ""


def test_a_broadcast_expires_when_the_round_starts_and_ends(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    host = str(cafe["host_url"])
    for i in range(4):
        join(app, cafe, f"P{i}")
    client.post(f"{host}/broadcast", data={"message": "Round 1 starts in a minute"})
    client.post(f"{host}/round/start")
    assert _broadcast(app, cafe) == ""
    client.post(f"{host}/broadcast", data={"message": "Round 1 continues in 1 minute"})
    client.post(f"{host}/round/end")
    assert _broadcast(app, cafe) == ""


def test_end_round_asks_first_in_a_dialog(client: FlaskClient, cafe: dict[str, Any]) -> None:
    page = client.get(str(cafe["host_url"])).get_data(as_text=True)
    assert '<dialog id="end-round-dialog"' in page
    assert ">End round now</button>" in page
    assert "data-confirm-end" in page


def test_the_projector_thanks_everyone_after_the_last_round(
    app: Flask, client: FlaskClient
) -> None:
    one_round = [{"name": "Investment", "tables": 2, "questions": ["Where to invest?"]}]
    cafe = make_cafe(app, rounds=1, themes=one_round)
    host = str(cafe["host_url"])
    for i in range(3):
        join(app, cafe, f"P{i}")
    screen = str(cafe["projector_url"])
    lobby = client.get(screen).get_data(as_text=True)
    assert cafe["join_code"].upper() in lobby  # the short code beside the QR code
    client.post(f"{host}/round/start")
    running = client.get(screen).get_data(as_text=True)
    assert "Notes appear here as soon as the tables write them." in running
    assert "is-finished" not in running
    client.post(f"{host}/round/end")
    ended = client.get(screen).get_data(as_text=True)
    assert "is-finished" in ended and "Thank you!" in ended
    console = client.get(host).get_data(as_text=True)
    assert "Show the harvest on the projector" in console


def test_the_host_switches_the_projector_to_the_harvest(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    projector_browser = app.test_client()
    projector_browser.get(str(cafe["projector_url"]))
    projector = connect(app, projector_browser, cafe, "projector")
    projector.get_received()
    client.post(f"{cafe['host_url']}/projector/harvest")
    events = [e for e in projector.get_received() if e["name"] == "navigate"]
    assert [e["args"][0]["path"] for e in events] == [f"{cafe['projector_url']}/harvest"]
    with app.app_context(), database().read() as db:
        actions = [e.action for e in db.query(AuditEvent).filter_by(cafe_id=cafe["cafe_id"])]
    assert "projector_harvest" in actions


def test_leaving_says_goodbye(app: Flask, cafe: dict[str, Any]) -> None:
    phone = join(app, cafe, "Ada")
    page = phone.get(f"/p/{cafe['join_code']}").get_data(as_text=True)
    assert '<dialog id="leave-dialog"' in page and "Leave the café?" in page
    goodbye = phone.post(f"/p/{cafe['join_code']}/leave")
    assert goodbye.status_code == 200
    assert "Goodbye, Ada" in goodbye.get_data(as_text=True)
    again = phone.get(f"/p/{cafe['join_code']}")
    assert again.status_code == 302


def test_a_wrong_device_code_is_reported_at_its_field(app: Flask, cafe: dict[str, Any]) -> None:
    phone = app.test_client()
    response = phone.post(f"/j/{cafe['join_code']}/resume", data={"resume_code": "NOPE00"})
    assert response.status_code in (400, 404)
    html = response.get_data(as_text=True)
    assert '<details class="resume" open>' in html
    assert 'aria-invalid="true" aria-describedby="resume-error"' in html
    assert 'value="NOPE00"' in html


def test_setup_errors_sit_at_their_field(client: FlaskClient, cafe: dict[str, Any]) -> None:
    page = client.get(str(cafe["organiser_url"])).get_data(as_text=True)
    assert 'id="title"' in page
    form = {
        "title": "Café",
        "language": "en",
        "rounds": "99",
        "round_minutes": "20",
        "table_capacity": "6",
        "theme-0-name": "Investment",
        "theme-0-tables": "1",
        "theme-0-questions": "Where?",
        "action": "save",
    }
    response = client.post(str(cafe["organiser_url"]), data=form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    field = html.index('id="rounds"')
    error = html.index('id="form-error"')
    assert field < error < html.index('id="round_minutes"')
    assert 'id="rounds" aria-invalid="true"' in html


def test_the_dashboard_lists_the_demo_cafe(app: Flask, client: FlaskClient) -> None:
    with app.app_context(), database().write() as db:
        create_organiser(db, "org@example.org", "a long password")
        create_demo_cafe(db)
    client.post(
        "/organiser/login", data={"email": "org@example.org", "password": "a long password"}
    )
    html = client.get("/organiser/").get_data(as_text=True)
    assert "Digital" in html or "demo" in html.lower()


def test_a_long_people_list_can_be_filtered(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    for i in range(9):
        join(app, cafe, f"Person {i}")
    html = client.get(str(cafe["host_url"])).get_data(as_text=True)
    assert 'id="people-filter"' in html and "Find a person" in html
    assert 'id="manage-people" data-keep-open' in html
