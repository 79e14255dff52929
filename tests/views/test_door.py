"""The café's door: seats, closing and re-opening joining, join and guessing throttles."""

from __future__ import annotations

import re
import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import join
from worldcafe.extensions import database
from worldcafe.models import Participant
from worldcafe.services.organisers import create_organiser

SEATS = 12  # the standard café: two tables of six


def _participants(app: Flask) -> int:
    with app.app_context(), database().read() as db:
        return db.query(Participant).count()


def test_a_cafe_never_holds_more_people_than_its_seats(app: Flask, cafe: dict[str, Any]) -> None:
    for index in range(SEATS):
        join(app, cafe, f"P{index}")
    late = app.test_client()
    refused = late.post(str(cafe["join_url"]), data={"name": "One too many"})
    assert refused.status_code == 409
    assert "every seat is taken" in refused.get_data(as_text=True)
    page = late.get(str(cafe["join_url"])).get_data(as_text=True)
    assert "every seat is taken" in page and ">Join</button>" not in page
    assert _participants(app) == SEATS


def test_the_host_closes_and_reopens_joining(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    closed = client.post(f"{cafe['host_url']}/joining", data={"open": "0"})
    assert closed.status_code == 302
    console = client.get(str(cafe["host_url"])).get_data(as_text=True)
    assert "Open joining" in console and 'data-joining="closed"' in console
    phone = app.test_client()
    page = phone.get(str(cafe["join_url"])).get_data(as_text=True)
    assert "not taking new participants" in page and ">Join</button>" not in page
    refused = phone.post(str(cafe["join_url"]), data={"name": "Ada"})
    assert refused.status_code == 409 and "not taking new participants" in refused.text
    assert _participants(app) == 0
    client.post(f"{cafe['host_url']}/joining", data={"open": "1"})
    assert "Close joining" in client.get(str(cafe["host_url"])).get_data(as_text=True)
    join(app, cafe, "Ada")
    assert _participants(app) == 1


def test_joining_again_from_the_same_browser_makes_nobody_new(
    app: Flask, cafe: dict[str, Any]
) -> None:
    phone = join(app, cafe, "Ada")
    again = phone.post(str(cafe["join_url"]), data={"name": "Ada again"})
    assert again.status_code == 302
    assert _participants(app) == 1
    assert "You are Ada." in phone.get(f"/p/{cafe['join_code']}").get_data(as_text=True)


def test_one_browser_joins_at_most_five_times_a_minute(app: Flask, cafe: dict[str, Any]) -> None:
    phone = app.test_client()
    for index in range(5):
        joined = phone.post(str(cafe["join_url"]), data={"name": f"Script {index}"})
        assert joined.status_code == 302
        phone.post(f"/p/{cafe['join_code']}/leave")
    refused = phone.post(str(cafe["join_url"]), data={"name": "Script 6"})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "wait a moment" in refused.get_data(as_text=True)
    assert _participants(app) == 5
    join(app, cafe, "Someone else")  # another browser is not held up


def test_text_made_only_of_invisible_characters_is_refused(
    app: Flask, cafe: dict[str, Any]
) -> None:
    phone = app.test_client()
    refused = phone.post(str(cafe["join_url"]), data={"name": "\u200b\u200d\ufeff\u2060"})
    assert refused.status_code == 400
    assert "no visible characters" in refused.get_data(as_text=True)
    assert _participants(app) == 0


def _code(phone: FlaskClient, cafe: dict[str, Any]) -> str:
    found = re.search(r'class="code">([A-Z0-9 ]+)<', phone.get(f"/p/{cafe['join_code']}").text)
    assert found
    return found.group(1)


def test_the_device_code_is_long_works_once_and_is_shown_only_to_its_owner(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    phone = join(app, cafe, "Ada")
    code = _code(phone, cafe)
    assert len(code.replace(" ", "")) >= 10
    assert code.replace(" ", "") not in client.get(str(cafe["host_url"])).text
    laptop = app.test_client()
    used = laptop.post(f"/j/{cafe['join_code']}/resume", data={"resume_code": code.lower()})
    assert used.status_code == 302
    tablet = app.test_client()
    again = tablet.post(f"/j/{cafe['join_code']}/resume", data={"resume_code": code})
    assert again.status_code == 404
    assert _code(laptop, cafe) != code


def test_ten_wrong_device_codes_and_the_browser_must_wait(app: Flask, cafe: dict[str, Any]) -> None:
    phone = join(app, cafe, "Ada")
    code = _code(phone, cafe)
    guesser = app.test_client()
    for _ in range(10):
        wrong = guesser.post(f"/j/{cafe['join_code']}/resume", data={"resume_code": "ABCDEFGHJK"})
        assert wrong.status_code == 404
    refused = guesser.post(f"/j/{cafe['join_code']}/resume", data={"resume_code": code})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "Too many wrong codes" in refused.text
    assert _code(phone, cafe) == code  # the refused try used nothing up


def _organiser(app: Flask) -> None:
    with app.app_context(), database().write() as db:
        create_organiser(db, "org@example.org", "a long password")


def test_ten_wrong_passwords_and_sign_in_must_wait(app: Flask, client: FlaskClient) -> None:
    _organiser(app)
    for _ in range(10):
        wrong = client.post(
            "/organiser/login", data={"email": "org@example.org", "password": "guess guess"}
        )
        assert wrong.status_code == 401
    right = {"email": "ORG@example.org ", "password": "a long password"}
    refused = client.post("/organiser/login", data=right)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 60
    assert "Too many wrong sign-ins" in refused.text
    assert client.get("/organiser/").status_code == 302  # not signed in


def test_an_unknown_e_mail_answers_as_slowly_as_a_known_one(
    app: Flask, client: FlaskClient
) -> None:
    _organiser(app)

    def answer_time(email: str) -> float:
        times = []
        for _ in range(3):
            began = time.perf_counter()
            response = client.post("/organiser/login", data={"email": email, "password": "wrong"})
            times.append(time.perf_counter() - began)
            assert response.status_code == 401
        return sorted(times)[1]

    known, unknown = answer_time("org@example.org"), answer_time("nobody@example.org")
    assert unknown > known / 3, (known, unknown)
