"""The seating service hands the answers at the door to the planner, and the host sees figures."""

from __future__ import annotations

from itertools import combinations
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_cafe
from worldcafe.extensions import database
from worldcafe.models import Cafe, Participant, Seat
from worldcafe.services import seating

FIELDS = [
    {"key": "city", "label": "Your city", "mix": True},
    {"key": "home", "label": "Home country"},
    {"key": "spoken", "label": "Languages you speak", "kind": "languages"},
]
THEMES = [
    {"name": "Participation", "tables": 1, "questions": ["How to involve everyone?"]},
    {"name": "Investment", "tables": 1, "questions": ["Where to invest?"]},
]
PEOPLE = [
    ("Ada", "Leipzig", ["de"]),
    ("Ben", "leipzig ", ["de", "en"]),
    ("Cem", "Lyon", ["fr"]),
    ("Dai", "Lyon", ["fr", "en"]),
    ("Eva", "Kraków", ["pl", "en"]),
    ("Fin", "", []),
    ("Gus", "Leipzig", ["de"]),
    ("Hal", "Lyon", ["fr"]),
]


def _join_all(app: Flask, cafe: dict[str, Any]) -> None:
    for name, city, spoken in PEOPLE:
        data = {"name": name, "field-city": city, "field-home": "EU", "field-spoken": spoken}
        if not spoken:
            data["field-spoken-other"] = ""
        response = app.test_client().post(str(cafe["join_url"]), data=data)
        assert response.status_code == 302


def test_the_planner_gets_mixed_answers_and_languages_and_the_host_sees_the_figures(
    app: Flask, client: FlaskClient
) -> None:
    cafe = make_cafe(app, join_fields=FIELDS, rounds=3, table_capacity=4, themes=THEMES)
    _join_all(app, cafe)
    assert client.post(f"{cafe['host_url']}/round/start").status_code == 302
    with app.app_context(), database().read() as db:
        row = db.get(Cafe, cafe["cafe_id"])
        assert row is not None
        instance = seating._instance(db, row, 2)
        ids = {p.name: str(p.id) for p in db.query(Participant).all()}
        assert instance.mix == ("city",)
        assert instance.common_language is True
        assert instance.attributes[ids["Ada"]] == {"city": "leipzig", "languages": ["de"]}
        assert instance.attributes[ids["Ben"]] == {"city": "leipzig", "languages": ["de", "en"]}
        assert ids["Fin"] not in instance.attributes
        assert all("home" not in a for a in instance.attributes.values())
        summary = seating.plan_summary(db, row)
        assert summary is not None
        # The same figures, counted here from the stored seats.
        city = {p.id: " ".join((p.attributes or {}).get("city", "").split()).casefold()
                for p in db.query(Participant).all()}  # fmt: skip
        langs = {p.id: set((p.attributes or {}).get("spoken", [])) for p in db.query(Participant)}
        tables: dict[tuple[int, int], list[int]] = {}
        for seat in db.query(Seat).all():
            tables.setdefault((seat.round_id, seat.table_id), []).append(seat.participant_id)
        same = sum(
            1
            for members in tables.values()
            for a, b in combinations(members, 2)
            if city[a] and city[a] == city[b]
        )
        without = sum(
            1
            for members in tables.values()
            if [m for m in members if langs[m]]
            and not set.intersection(*[langs[m] for m in members if langs[m]])
        )
        assert len({r for r, _ in tables}) == 3
        assert (summary.mix_conflicts, summary.language_violations) == (same, without)
        assert summary.mix == ("city",) and summary.common_language
        assert 0 <= summary.mix_bound <= summary.mix_conflicts
    html = client.get(str(cafe["host_url"])).get_data(as_text=True)
    assert "data-plan-mix" in html
    assert "Mixing (<span hx-disable>Your city</span>):" in html
    rule = " without the shared-language rule" if summary.mix_conflicts > summary.mix_bound else ""
    assert f"(best possible {summary.mix_bound}{rule})" in html
    assert ("every table shares one" in html) == (without == 0)


def test_replanning_after_a_leaver_keeps_the_answers(app: Flask, client: FlaskClient) -> None:
    cafe = make_cafe(app, join_fields=FIELDS, rounds=3, table_capacity=4, themes=THEMES)
    _join_all(app, cafe)
    client.post(f"{cafe['host_url']}/round/start")
    with app.app_context(), database().write() as db:
        gone = db.query(Participant).filter_by(name="Hal").one()
        gone.present = False
    client.post(f"{cafe['host_url']}/round/end")
    with app.app_context(), database().read() as db:
        row = db.get(Cafe, cafe["cafe_id"])
        assert row is not None
        instance = seating._instance(db, row, 3)
        assert instance.mix == ("city",) and instance.common_language
        assert len(instance.attributes) == 7
        summary = seating.plan_summary(db, row)
        assert summary is not None and summary.mix == ("city",)


def test_a_cafe_without_questions_plans_and_shows_as_before(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    for name in ("Ada", "Ben", "Cem"):
        app.test_client().post(str(cafe["join_url"]), data={"name": name})
    client.post(f"{cafe['host_url']}/round/start")
    with app.app_context(), database().read() as db:
        row = db.get(Cafe, cafe["cafe_id"])
        assert row is not None
        instance = seating._instance(db, row, 2)
        assert (instance.attributes, instance.mix, instance.common_language) == ({}, (), False)
    assert "data-plan-mix" not in client.get(str(cafe["host_url"])).get_data(as_text=True)


def test_the_seats_people_get_share_a_language_and_spread_the_cities(
    app: Flask, client: FlaskClient
) -> None:
    # Four speak only German and four only French; each group has one person from each city:
    # a seating with a shared language at every table and no two people of a city together
    # exists, and the planner must find it (languages first, then mixing).
    cafe = make_cafe(
        app, join_fields=FIELDS, rounds=2, table_capacity=4, themes=THEMES, language="en"
    )
    cities = ["Leipzig", "Lyon", "Kraków", "Graz"]
    for i in range(8):
        data = {
            "name": f"P{i}",
            "field-city": cities[i % 4],
            "field-spoken": ["de"] if i < 4 else ["fr"],
        }
        assert app.test_client().post(str(cafe["join_url"]), data=data).status_code == 302
    assert client.post(f"{cafe['host_url']}/round/start").status_code == 302
    with app.app_context(), database().read() as db:
        row = db.get(Cafe, cafe["cafe_id"])
        assert row is not None
        summary = seating.plan_summary(db, row)
        assert summary is not None and summary.rounds_planned == 2
        assert summary.language_violations == 0
        assert summary.mix_bound == 0 and summary.mix_conflicts == 0
        spoken = {p.id: (p.attributes or {})["spoken"][0] for p in db.query(Participant)}
        tables: dict[tuple[int, int], set[str]] = {}
        for seat in db.query(Seat).all():
            tables.setdefault((seat.round_id, seat.table_id), set()).add(
                spoken[seat.participant_id]
            )
        assert all(len(languages) == 1 for languages in tables.values())
    html = client.get(str(cafe["host_url"])).get_data(as_text=True)
    assert "0 pairs with the same answer at a table" in html
    assert "every table shares one" in html


def test_the_host_sees_the_bound_of_plans_that_visit_every_theme(
    app: Flask, client: FlaskClient
) -> None:
    """12 people, three themes of one table of 4, three rounds: a traveller must change theme
    each round, so 4 people split over 2 tables and pairs stay together; the referee's bound for
    full theme coverage is 12 repeats (6 without the themes)."""
    themes = [
        {"name": name, "tables": 1, "questions": ["Why?"]} for name in ("Heat", "Water", "Trees")
    ]
    cafe = make_cafe(app, rounds=3, table_capacity=4, themes=themes)
    for number in range(12):
        response = app.test_client().post(str(cafe["join_url"]), data={"name": f"P{number}"})
        assert response.status_code == 302
    assert client.post(f"{cafe['host_url']}/round/start").status_code == 302
    with app.app_context(), database().read() as db:
        row = db.get(Cafe, cafe["cafe_id"])
        assert row is not None
        summary = seating.plan_summary(db, row)
        assert summary is not None and summary.theme_coverage == 1.0
        assert summary.lower_bound == 12
        assert summary.repeat_pairs >= summary.lower_bound
