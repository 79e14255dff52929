"""Organiser pages: sign-in, café setup in the browser, validation, links and table cards."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import load_cafe
from worldcafe.extensions import database
from worldcafe.links import setup_token
from worldcafe.services.organisers import create_organiser


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Smart Leipzig",
        "purpose": "Ideas for the city",
        "language": "de",
        "rounds": "3",
        "round_minutes": "15",
        "table_capacity": "5",
        "theme-0-name": "Mobility",
        "theme-0-tables": "2",
        "theme-0-questions": "How do we move?",
        "theme-1-name": "Energy",
        "theme-1-tables": "1",
        "theme-1-questions": "Q1\nQ2\nQ3",
        "theme-2-name": "",
        "theme-2-tables": "",
        "theme-2-questions": "",
        "action": "save",
    }
    data.update(overrides)
    return data


@pytest.fixture
def organiser(app: Flask, client: FlaskClient) -> FlaskClient:
    with app.app_context(), database().write() as db:
        create_organiser(db, "org@example.org", "a long password")
    response = client.post(
        "/organiser/login", data={"email": "org@example.org", "password": "a long password"}
    )
    assert response.status_code == 302
    return client


def test_first_account_is_made_through_the_setup_link_only_once(
    app: Flask, client: FlaskClient
) -> None:
    assert client.get("/organiser/setup/wrong").status_code == 404
    token = setup_token(app.config["SECRET_KEY"])
    assert client.get(f"/organiser/setup/{token}").status_code == 200
    bad = client.post(f"/organiser/setup/{token}", data={"email": "x@y.z", "password": "short"})
    assert bad.status_code == 400 and b"at least 10" in bad.data
    ok = client.post(
        f"/organiser/setup/{token}", data={"email": "x@y.z", "password": "long enough pw"}
    )
    assert ok.status_code == 302
    assert app.test_client().get(f"/organiser/setup/{token}").status_code == 302


def test_wrong_password_is_refused(app: Flask, organiser: FlaskClient) -> None:
    other = app.test_client()
    response = other.post("/organiser/login", data={"email": "org@example.org", "password": "no"})
    assert response.status_code == 401
    assert other.get("/organiser/").status_code == 302


def test_an_organiser_creates_a_cafe_and_sees_its_links(app: Flask, organiser: FlaskClient) -> None:
    response = organiser.post("/organiser/new", data=_form())
    assert response.status_code == 302
    page = organiser.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r"/j/[a-z0-9]{6}", html)
    assert "/host/" in html and "/projector/" in html
    cafe_id = int(response.headers["Location"].split("/")[3])
    cafe = load_cafe(app, cafe_id)
    assert cafe.language == "de" and cafe.n_rounds == 3 and cafe.round_minutes == 15
    assert [(t.number, t.theme.name, t.capacity) for t in cafe.tables] == [
        (1, "Mobility", 5),
        (2, "Mobility", 5),
        (3, "Energy", 5),
    ]
    dashboard = organiser.get("/organiser/").get_data(as_text=True)
    assert "Smart Leipzig" in dashboard


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "  "}, "Title must not be empty"),
        ({"theme-0-tables": "0"}, "between 1 and 100"),
        ({"round_minutes": "-5"}, "Round length"),
        ({"rounds": "abc"}, "whole number"),
        ({"theme-1-questions": "Q1\nQ2"}, "one per round"),
        ({"theme-0-questions": ""}, "needs a question"),
        ({"language": "<script>"}, "Language must be one of"),
        ({"title": "x" * 500}, "too long"),
    ],
)
def test_invalid_setup_input_gets_a_message_not_a_500(
    app: Flask, organiser: FlaskClient, overrides: dict[str, str], message: str
) -> None:
    response = organiser.post("/organiser/new", data=_form(**overrides))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'role="alert"' in html


def test_table_suggestion_from_head_count(organiser: FlaskClient) -> None:
    response = organiser.post("/organiser/new", data=_form(action="suggest", head_count="50"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    tables = [int(v) for v in re.findall(r'name="theme-\d-tables"[^>]*value="(\d+)"', html)]
    assert 50 / 6 <= sum(tables) <= 50 / 4 + 1
    assert max(tables) - min(tables) <= 1


def test_new_cafe_page_needs_a_sign_in(client: FlaskClient) -> None:
    assert client.get("/organiser/new").status_code == 302
    assert client.post("/organiser/new", data=_form()).status_code == 302


def test_editing_keeps_links_and_renewing_revokes_the_old_one(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    organiser_url = str(cafe["organiser_url"])
    assert client.get(organiser_url).status_code == 200
    edited = client.post(
        organiser_url,
        data=_form(
            **{
                "theme-0-name": "Citizen participation",
                "theme-0-tables": "1",
                "theme-1-name": "Investment",
                "theme-1-tables": "1",
                "title": "Renamed café",
            }
        ),
    )
    assert edited.status_code == 302
    assert load_cafe(app, int(str(cafe["cafe_id"]))).title == "Renamed café"
    host_url = str(cafe["host_url"])
    assert client.get(host_url).status_code == 200
    client.post(f"{organiser_url}/renew/host")
    assert app.test_client().get(host_url).status_code == 404
    assert client.get(host_url).status_code == 404


def test_table_cards_show_each_table_with_the_join_qr(
    client: FlaskClient, cafe: dict[str, Any]
) -> None:
    html = client.get(f"{cafe['organiser_url']}/cards").get_data(as_text=True)
    assert html.count('alt="QR code to join"') == 2
    assert "Table" in html and "Investment" in html


def test_forged_organiser_secret_is_404(client: FlaskClient, cafe: dict[str, Any]) -> None:
    forged = str(cafe["organiser_url"])[:-3] + "abc"
    assert client.get(forged).status_code == 404
    assert client.post(forged, data=_form()).status_code == 404
