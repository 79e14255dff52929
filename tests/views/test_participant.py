"""Participants: joining by the QR link, resuming, and the phone's view of its table."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import join


def _heading(html: str) -> str:
    match = re.search(r'<h1 class="table-heading">(.*?)</h1>', html, re.S)
    assert match
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_the_join_page_has_name_language_purpose_and_join(
    client: FlaskClient, cafe: dict[str, Any]
) -> None:
    html = client.get(str(cafe["join_url"])).get_data(as_text=True)
    assert '<label for="name">Your name</label>' in html
    assert ">Join</button>" in html
    assert 'name="language"' in html
    assert 'value="' in html.split('id="name"')[1].split(">")[0]


def test_joining_leads_to_the_lobby_and_a_reload_keeps_the_person(
    app: Flask, cafe: dict[str, Any]
) -> None:
    phone = join(app, cafe, "Ada")
    page = phone.get(f"/p/{cafe['join_code']}").get_data(as_text=True)
    assert "Welcome to the lobby" in page
    assert "You are Ada." in page
    assert phone.get(str(cafe["join_url"])).status_code == 302


def test_an_empty_name_becomes_a_nickname_and_a_long_one_is_refused(
    app: Flask, cafe: dict[str, Any]
) -> None:
    phone = join(app, cafe, "")
    page = phone.get(f"/p/{cafe['join_code']}").get_data(as_text=True)
    assert re.search(r"You are \w+ \w+\.", page)
    other = app.test_client()
    response = other.post(str(cafe["join_url"]), data={"name": "x" * 200})
    assert response.status_code == 400
    assert "too long" in response.get_data(as_text=True)


def test_without_joining_the_phone_page_sends_to_the_join_page(
    client: FlaskClient, cafe: dict[str, Any]
) -> None:
    response = client.get(f"/p/{cafe['join_code']}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/j/{cafe['join_code']}")
    assert client.get("/j/nosuch").status_code == 404


def test_the_resume_code_continues_on_another_device(app: Flask, cafe: dict[str, Any]) -> None:
    phone = join(app, cafe, "Ada")
    code = re.search(
        r'class="code">([A-Z0-9 ]+)<', phone.get(f"/p/{cafe['join_code']}").get_data(as_text=True)
    )
    assert code
    laptop = app.test_client()
    bad = laptop.post(f"/j/{cafe['join_code']}/resume", data={"resume_code": "NOPE99"})
    assert bad.status_code == 404
    good = laptop.post(f"/j/{cafe['join_code']}/resume", data={"resume_code": code.group(1)})
    assert good.status_code == 302
    assert "You are Ada." in laptop.get(f"/p/{cafe['join_code']}").get_data(as_text=True)


def test_a_round_start_shows_table_heading_and_question(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    phones = [join(app, cafe, f"P{i}") for i in range(5)]
    client.post(f"{cafe['host_url']}/round/start")
    for phone in phones:
        html = phone.get(f"/p/{cafe['join_code']}").get_data(as_text=True)
        heading = _heading(html)
        assert re.fullmatch(r"Table [12] · (Citizen participation|Investment)", heading)
        question = "How to involve everyone?" if "Citizen" in heading else "Where to invest?"
        assert question in html
        assert 'role="timer"' in html
        assert 'aria-label="Table notes"' in html


def test_leaving_marks_the_person_as_gone(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    phone = join(app, cafe, "Ada")
    phone.post(f"/p/{cafe['join_code']}/leave")
    console = client.get(str(cafe["host_url"])).get_data(as_text=True)
    assert "left" in console
    assert phone.get(f"/p/{cafe['join_code']}").status_code == 302
