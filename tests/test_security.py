"""Security by default: CSP, no third parties, CSRF on forms and htmx, cookie flags."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import app_for_test, csrf_token, join, load_cafe, make_cafe


@pytest.fixture
def guarded(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """The app as it runs in production: CSRF checks on."""
    app = app_for_test(tmp_path / "instance", DATABASE_URL=database_url, SERVER_NAME="localhost")
    yield app
    app.extensions["worldcafe.db"].dispose()


def _pages(app: Flask, cafe: dict[str, Any]) -> dict[str, str]:
    client = app.test_client()
    phone = join(app, cafe, "Ada")
    client.post(f"{cafe['host_url']}/round/start")
    urls = {
        "index": "/",
        "join": str(cafe["join_url"]),
        "host": str(cafe["host_url"]),
        "projector": str(cafe["projector_url"]),
        "organiser": str(cafe["organiser_url"]),
        "harvest": f"{cafe['organiser_url']}/harvest",
        "privacy": f"{cafe['organiser_url']}/privacy",
        "cards": f"{cafe['organiser_url']}/cards",
        "login": "/organiser/login",
    }
    pages = {name: client.get(url).get_data(as_text=True) for name, url in urls.items()}
    pages["phone"] = phone.get(f"/p/{cafe['join_code']}").get_data(as_text=True)
    return pages


def test_every_page_sends_a_strict_content_security_policy(
    client: FlaskClient, cafe: dict[str, Any]
) -> None:
    for url in ("/", str(cafe["join_url"]), str(cafe["host_url"]), str(cafe["projector_url"])):
        response = client.get(url)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_load_nothing_from_third_parties_and_have_no_inline_script(
    app: Flask, cafe: dict[str, Any]
) -> None:
    for name, html in _pages(app, cafe).items():
        for src in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert src.startswith(("/", "#", "http://localhost", "http://127.0.0.1")), (name, src)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), name
        assert not re.search(r"\son[a-z]+=", html), name
        assert 'style="' not in html, name
        assert '"allowEval": false' in html and '"allowScriptTags": false' in html


def test_forms_without_a_csrf_token_are_refused(guarded: Flask) -> None:
    cafe = make_cafe(guarded)
    phone = guarded.test_client()
    refused = phone.post(str(cafe["join_url"]), data={"name": "Ada"})
    assert refused.status_code == 400
    assert "expired" in refused.get_data(as_text=True)
    token = csrf_token(phone.get(str(cafe["join_url"])).get_data(as_text=True))
    accepted = phone.post(str(cafe["join_url"]), data={"name": "Ada", "csrf_token": token})
    assert accepted.status_code == 302
    # The organiser's publishing of the summaries likewise.
    organiser, publish = guarded.test_client(), f"{cafe['organiser_url']}/publish"
    assert organiser.post(publish, data={"published": "1"}).status_code == 400
    assert load_cafe(guarded, cafe["cafe_id"]).summaries_published is False
    token = csrf_token(organiser.get(f"{cafe['organiser_url']}/harvest").get_data(as_text=True))
    published = organiser.post(publish, data={"published": "1", "csrf_token": token})
    assert published.status_code == 302
    assert load_cafe(guarded, cafe["cafe_id"]).summaries_published is True


def test_htmx_requests_carry_the_token_in_a_header(guarded: Flask) -> None:
    cafe = make_cafe(guarded)
    host = guarded.test_client()
    page = host.get(str(cafe["host_url"])).get_data(as_text=True)
    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', page)
    assert header_token
    url = f"{cafe['host_url']}/broadcast"
    refused = host.post(url, data={"message": "hi"}, headers={"HX-Request": "true"})
    assert refused.status_code == 400
    accepted = host.post(
        url,
        data={"message": "hi"},
        headers={"HX-Request": "true", "X-CSRFToken": header_token.group(1)},
    )
    assert accepted.status_code == 200


def test_session_cookies_are_httponly_and_samesite(guarded: Flask) -> None:
    cafe = make_cafe(guarded)
    phone = guarded.test_client()
    token = csrf_token(phone.get(str(cafe["join_url"])).get_data(as_text=True))
    response = phone.post(str(cafe["join_url"]), data={"name": "Ada", "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookies_behind_https(tmp_path: Path, database_url: str) -> None:
    app = app_for_test(
        tmp_path / "i", DATABASE_URL=database_url, BASE_URL="https://cafe.example.org"
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    app.extensions["worldcafe.db"].dispose()


def test_errors_are_pages_with_a_message_never_a_traceback(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "does not exist" in html and "Traceback" not in html
    assert client.post("/").status_code == 405
    json_error = client.get("/nope", headers={"Accept": "application/json"})
    assert json_error.get_json() == {
        "error": "This page does not exist, or the link is no longer valid."
    }
