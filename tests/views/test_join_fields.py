"""Questions at the door on the web: the join page, stored answers, erasure, export, setup."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_cafe
from worldcafe.extensions import database
from worldcafe.models import Cafe, Participant

FIELDS = [
    {"key": "city", "label": "Your city", "mix": True},
    {"key": "languages", "label": "Languages you speak", "kind": "languages"},
]


@pytest.fixture
def asking(app: Flask) -> dict[str, Any]:
    return make_cafe(app, join_fields=FIELDS)


def _people(app: Flask, cafe_id: int) -> list[Participant]:
    with app.app_context(), database().read() as db:
        found = db.get(Cafe, cafe_id)
        assert found is not None
        return sorted(db.query(Participant).filter_by(cafe_id=cafe_id).all(), key=lambda p: p.id)


def test_the_join_page_asks_the_fields_by_their_labels(
    client: FlaskClient, asking: dict[str, Any], cafe: dict[str, Any]
) -> None:
    html = client.get(str(asking["join_url"])).get_data(as_text=True)
    assert '<label for="name">Your name</label>' in html
    assert "Your city</label>" in html
    assert '<input id="field-city" name="field-city"' in html
    assert "Languages you speak</legend>" in html
    assert 'name="field-languages" value="de"' in html
    assert 'id="field-languages-other"' in html
    plain = client.get(str(cafe["join_url"])).get_data(as_text=True)
    assert "field-" not in plain


def test_answers_are_stored_with_the_participant_and_optional(
    app: Flask, asking: dict[str, Any]
) -> None:
    phone = app.test_client()
    data = {
        "name": "Ada",
        "field-city": "Leipzig",
        "field-languages": ["de", "en"],
        "field-languages-other": "Polish",
    }
    assert phone.post(str(asking["join_url"]), data=data).status_code == 302
    assert app.test_client().post(str(asking["join_url"]), data={"name": "Bo"}).status_code == 302
    ada, bo = _people(app, asking["cafe_id"])
    assert ada.attributes == {"city": "Leipzig", "languages": ["de", "en", "pl"]}
    assert bo.attributes is None


def test_a_bad_answer_is_refused_and_the_form_keeps_what_was_typed(
    app: Flask, asking: dict[str, Any]
) -> None:
    data = {"name": "Ada", "field-city": "Lyon", "field-languages-other": "Klingonish"}
    response = app.test_client().post(str(asking["join_url"]), data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "no language is called" in html and 'role="alert"' in html
    assert 'value="Lyon"' in html and 'value="Klingonish"' in html
    assert _people(app, asking["cafe_id"]) == []


def test_erasing_names_erases_the_answers(
    app: Flask, client: FlaskClient, asking: dict[str, Any]
) -> None:
    data = {"name": "Ada", "field-city": "Leipzig", "field-languages": ["de"]}
    app.test_client().post(str(asking["join_url"]), data=data)
    client.post(f"{asking['organiser_url']}/privacy", data={"action": "erase"})
    (ada,) = _people(app, asking["cafe_id"])
    assert ada.name == "" and ada.attributes is None


def test_the_json_export_has_each_persons_answers_or_only_counts_when_anonymised(
    app: Flask, client: FlaskClient, asking: dict[str, Any]
) -> None:
    for name, city in (("Ada", "Leipzig"), ("Bo", "Leipzig"), ("Cy", "Lyon")):
        data = {"name": name, "field-city": city, "field-languages": ["en"]}
        app.test_client().post(str(asking["join_url"]), data=data)
    url = f"{asking['organiser_url']}/export?format=json"
    record = json.loads(client.get(url).get_data(as_text=True))["cafe"]
    assert record["join_fields"] == FIELDS
    assert record["answers"] == {"city": {"Leipzig": 2, "Lyon": 1}, "languages": {"en": 3}}
    assert [(p["name"], p["answers"]["city"]) for p in record["people"]] == [
        ("Ada", "Leipzig"),
        ("Bo", "Leipzig"),
        ("Cy", "Lyon"),
    ]
    anonymous = json.loads(client.get(url + "&anonymise=1").get_data(as_text=True))["cafe"]
    assert anonymous["answers"] == record["answers"]
    assert "people" not in anonymous
    assert "Ada" not in json.dumps(anonymous)


def test_the_setup_form_adds_marks_and_removes_fields(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    page = client.get(str(cafe["organiser_url"])).get_data(as_text=True)
    assert 'name="join-0-label"' in page and 'name="join-1-kind"' in page
    form = {
        "title": "Leipzig Digital City",
        "language": "en",
        "rounds": "2",
        "round_minutes": "20",
        "table_capacity": "6",
        "theme-0-name": "Citizen participation",
        "theme-0-tables": "1",
        "theme-0-questions": "How to involve everyone?",
        "join-0-key": "",
        "join-0-label": "Your city",
        "join-0-kind": "text",
        "join-0-mix": "1",
        "join-1-key": "",
        "join-1-label": "Languages you speak",
        "join-1-kind": "languages",
        "join-2-key": "",
        "join-2-label": "",
        "join-2-kind": "text",
    }
    assert client.post(str(cafe["organiser_url"]), data=form).status_code == 302
    with app.app_context(), database().read() as db:
        stored = db.get(Cafe, cafe["cafe_id"])
        assert stored is not None
        assert stored.join_fields == [
            {"key": "your_city", "label": "Your city", "mix": True},
            {"key": "languages", "label": "Languages you speak", "kind": "languages"},
        ]
    page = client.get(str(cafe["organiser_url"])).get_data(as_text=True)
    assert 'value="your_city"' in page and 'value="Your city"' in page
    form.update({"join-0-key": "your_city", "join-0-label": "", "join-1-key": "languages"})
    assert client.post(str(cafe["organiser_url"]), data=form).status_code == 302
    with app.app_context(), database().read() as db:
        stored = db.get(Cafe, cafe["cafe_id"])
        assert stored is not None and stored.join_fields == [
            {"key": "languages", "label": "Languages you speak", "kind": "languages"}
        ]
    form.update({"join-0-label": "A", "join-0-kind": "languages", "join-0-key": ""})
    response = client.post(str(cafe["organiser_url"]), data=form)
    assert response.status_code == 400
    assert "A languages field cannot be mixed" in response.get_data(as_text=True)
    del form["join-0-mix"]
    response = client.post(str(cafe["organiser_url"]), data=form)
    assert response.status_code == 400
    assert "Two join fields have the same key" in response.get_data(as_text=True)


def test_the_host_sees_which_tables_share_no_language(app: Flask, client: FlaskClient) -> None:
    cafe = make_cafe(
        app,
        join_fields=FIELDS,
        table_capacity=3,
        themes=[
            {"name": "Participation", "tables": 1, "questions": ["Who is missing?"]},
            {"name": "Investment", "tables": 1, "questions": ["Where to invest?"]},
        ],
    )
    # Four speak English; Jonas only German and Zofia only Polish: one table has to lack one.
    for name, spoken in [
        ("Ada", ["en"]),
        ("Bo", ["en"]),
        ("Cem", ["en"]),
        ("Dee", ["en"]),
        ("Jonas", ["de"]),
        ("Zofia", ["pl"]),
    ]:
        data = {"name": name, "field-languages": spoken}
        assert app.test_client().post(str(cafe["join_url"]), data=data).status_code == 302
    assert client.post(f"{cafe['host_url']}/round/start").status_code == 302
    html = client.get(str(cafe["host_url"])).get_data(as_text=True)
    assert html.count("data-no-language") == 1
    assert "No shared language at this table" in html
    lacking = html.split("data-no-language")[1].split("</article>")[0]  # that table's card
    assert "Jonas" in lacking and "Zofia" in lacking


def test_the_host_reads_the_bounds_as_bounds_without_the_language_rule(
    app: Flask, client: FlaskClient
) -> None:
    """Three speak only German: they share a table every round, so the repeats and the
    same-city pairs exceed bounds that know nothing of languages, and the console says so."""
    cafe = make_cafe(
        app,
        join_fields=FIELDS,
        table_capacity=3,
        n_rounds=2,
        themes=[
            {"name": "Participation", "tables": 1, "questions": ["Who is missing?"]},
            {"name": "Investment", "tables": 1, "questions": ["Where to invest?"]},
            {"name": "Data", "tables": 1, "questions": ["What to share?"]},
        ],
    )
    for name, city, spoken in [
        ("Jonas", "Leipzig", ["de"]),
        ("Anna", "Leipzig", ["de"]),
        ("Piotr", "Gdańsk", ["de"]),
        ("Emma", "Dublin", ["en"]),
        ("Liam", "Cork", ["en"]),
        ("Kasia", "Kraków", ["en"]),
        ("Chloé", "Lyon", ["en"]),
        ("Hugo", "Nantes", ["en"]),
        ("Lucía", "Valencia", ["en"]),
    ]:
        data = {"name": name, "field-city": city, "field-languages": spoken}
        assert app.test_client().post(str(cafe["join_url"]), data=data).status_code == 302
    assert client.post(f"{cafe['host_url']}/round/start").status_code == 302
    html = client.get(str(cafe["host_url"])).get_data(as_text=True)
    summary = html.split("data-plan-summary")[1].split("</p>")[0]
    assert "every table shares one" in html, summary
    assert "is the minimum without the shared-language rule" in summary
    assert "without the shared-language rule)" in html.split("data-plan-mix")[1]
