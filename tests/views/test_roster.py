"""The roster: CSV import with per-line errors, personal QR cards and links, the people CSV."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_cafe
from worldcafe.extensions import database
from worldcafe.models import Participant, Seat

FIELDS = [
    {"key": "city", "label": "Your city", "mix": True},
    {"key": "languages", "label": "Languages you speak", "kind": "languages"},
]
ROSTER = (
    "Name;Your city;languages;table_host\n"
    "Ada Lovelace;Leipzig;de, en;yes\n"
    "\n"
    "Bo Li;Lyon;Français;\n"
    "=Cy;Kraków;pl;2\n"
)


@pytest.fixture
def asking(app: Flask) -> dict[str, Any]:
    return make_cafe(app, join_fields=FIELDS)


def _upload(client: FlaskClient, cafe: dict[str, Any], text: str | bytes) -> Any:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        f"{cafe['organiser_url']}/people/import",
        data={"roster": (io.BytesIO(data), "roster.csv")},
        content_type="multipart/form-data",
    )


def _people(app: Flask, cafe: dict[str, Any]) -> dict[str, Participant]:
    with app.app_context(), database().read() as db:
        rows = db.query(Participant).filter_by(cafe_id=cafe["cafe_id"]).all()
        for p in rows:
            _ = p.hosted_table and p.hosted_table.number
        return {p.name: p for p in rows}


def test_a_semicolon_roster_registers_people_who_are_not_here_yet(
    app: Flask, client: FlaskClient, asking: dict[str, Any]
) -> None:
    response = _upload(client, asking, ROSTER)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 people registered from the roster." in page
    people = _people(app, asking)
    assert people["Ada Lovelace"].attributes == {"city": "Leipzig", "languages": ["de", "en"]}
    assert people["Bo Li"].attributes == {"city": "Lyon", "languages": ["fr"]}
    assert people["Ada Lovelace"].hosted_table is not None
    assert people["Ada Lovelace"].hosted_table.number == 1
    assert people["=Cy"].hosted_table is not None and people["=Cy"].hosted_table.number == 2
    assert people["Bo Li"].hosted_table is None
    assert all(not p.present and p.invite_token for p in people.values())
    host = client.get(str(asking["host_url"])).get_data(as_text=True)
    assert "Ada Lovelace" in host and ">expected</span>" in host
    # Importing the corrected file again updates the same people instead of adding twins.
    assert _upload(client, asking, ROSTER.replace("Lyon", "Lille")).status_code == 302
    again = _people(app, asking)
    assert len(again) == 3 and again["Bo Li"].attributes == {"city": "Lille", "languages": ["fr"]}


def test_every_bad_line_is_listed_and_nothing_is_stored(
    app: Flask, client: FlaskClient, asking: dict[str, Any]
) -> None:
    text = (
        "name,city,table_host\n"
        "Ada,Leipzig,yes\n"
        ",Lyon,\n"
        "Bo,Lyon,9\n"
        "Cy," + "x" * 120 + ",\n"
        "Di,Graz,maybe\n"
    )
    response = _upload(client, asking, text)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and "Nothing was imported" in html
    assert "Line 3: the name is missing." in html
    assert "Line 4: there is no table 9." in html
    assert "Line 5: Your city is too long" in html
    assert "Line 6: table_host must be yes, no or a table number." in html
    assert _people(app, asking) == {}
    unknown = _upload(client, asking, "name,colour\nAda,red\n").get_data(as_text=True)
    assert (
        "Line 1: unknown column &#39;colour&#39;: the columns are name, city, languages" in unknown
    )
    assert "Choose a CSV file first." in client.post(
        f"{asking['organiser_url']}/people/import", data={}
    ).get_data(as_text=True)
    assert _upload(client, asking, b"\xff\xfe\x00").status_code == 400
    too_many = "name\n" + "".join(f"P{i}\n" for i in range(13))
    crowded = _upload(client, asking, too_many)
    assert crowded.status_code == 400
    assert "The café seats 12 people" in crowded.get_data(as_text=True)


def test_personal_cards_join_once_without_typing_a_name(
    app: Flask, client: FlaskClient, asking: dict[str, Any]
) -> None:
    _upload(client, asking, ROSTER)
    cards = client.get(f"{asking['organiser_url']}/people/cards").get_data(as_text=True)
    links = re.findall(r'<p class="card-url">([^<]+)</p>', cards)
    assert len(links) == 3
    assert cards.count('src="data:image/svg+xml;base64,') == 3
    assert 'alt="Personal QR code of Ada Lovelace"' in cards
    token = _people(app, asking)["Ada Lovelace"].invite_token
    (ada_link,) = [link for link in links if link.endswith(f"/i/{token}")]
    path = ada_link.split("://", 1)[1].split("/", 1)[1]
    phone = app.test_client()
    welcome = phone.get(f"/{path}").get_data(as_text=True)
    assert "Welcome, Ada Lovelace!" in welcome
    assert _people(app, asking)["Ada Lovelace"].present is False  # a prefetch joins nobody
    joined = phone.post(f"/{path}")
    assert joined.status_code == 302
    lobby = phone.get(joined.headers["Location"]).get_data(as_text=True)
    assert "You are Ada Lovelace." in lobby
    ada = _people(app, asking)["Ada Lovelace"]
    assert ada.present and ada.invite_token is None
    other = app.test_client()
    used = other.post(f"/{path}")
    assert used.status_code == 404
    assert "not valid any more" in used.get_data(as_text=True)
    assert other.get(f"/{path}").status_code == 404
    assert other.get(f"/j/{asking['join_code']}/i/forged").status_code == 404
    remaining = client.get(f"{asking['organiser_url']}/people/cards").get_data(as_text=True)
    assert "Ada Lovelace" not in remaining and "Bo Li" in remaining


def test_only_the_organiser_rebinds_a_person_to_a_new_link(
    app: Flask, client: FlaskClient, asking: dict[str, Any]
) -> None:
    _upload(client, asking, ROSTER)
    ada = _people(app, asking)["Ada Lovelace"]
    first = app.test_client()
    first.post(f"/j/{asking['join_code']}/i/{ada.invite_token}")
    assert "You are Ada" in first.get(f"/p/{asking['join_code']}").get_data(as_text=True)
    stranger = app.test_client()
    refused = stranger.post(
        f"{asking['organiser_url'].rsplit('/', 1)[0]}/forged/people/{ada.id}/invite"
    )
    assert refused.status_code == 404
    assert client.post(f"{asking['organiser_url']}/people/{ada.id}/invite").status_code == 302
    renewed = _people(app, asking)["Ada Lovelace"]
    assert renewed.invite_token and renewed.invite_token != ada.invite_token
    # The phone that used the old link is no longer Ada; the new link makes a new phone Ada.
    assert first.get(f"/p/{asking['join_code']}").status_code == 302
    second = app.test_client()
    assert second.post(f"/j/{asking['join_code']}/i/{renewed.invite_token}").status_code == 302
    assert "You are Ada" in second.get(f"/p/{asking['join_code']}").get_data(as_text=True)


def test_the_people_csv_round_trips_and_anonymises(
    app: Flask, client: FlaskClient, asking: dict[str, Any]
) -> None:
    _upload(client, asking, ROSTER)
    data = client.get(f"{asking['organiser_url']}/people/export.csv").get_data(as_text=True)
    lines = data.splitlines()
    assert lines[0] == "name,city,languages,table_host"
    assert '"Ada Lovelace",' not in data and 'Ada Lovelace,Leipzig,"de, en",1' in lines
    assert "'=Cy,Kraków,pl,2" in lines
    anonymous = client.get(f"{asking['organiser_url']}/people/export.csv?anonymise=1").get_data(
        as_text=True
    )
    assert anonymous.splitlines()[0] == "city,languages,table_host"
    assert "Ada" not in anonymous and "Kraków,pl,2" in anonymous
    page = client.get(f"{asking['organiser_url']}/people").get_data(as_text=True)
    assert "Ada Lovelace" in page and "de, en" in page and "expected" in page


def test_a_table_host_arriving_during_a_round_sits_at_their_table(
    app: Flask, client: FlaskClient, asking: dict[str, Any]
) -> None:
    for name in ("Ada", "Bo", "Cy"):
        app.test_client().post(str(asking["join_url"]), data={"name": name})
    assert client.post(f"{asking['host_url']}/round/start").status_code == 302
    with app.app_context(), database().read() as db:
        numbers = [s.table.number for s in db.query(Seat).all()]
    fuller = max(set(numbers), key=numbers.count)  # a late joiner would go to the other one
    _upload(client, asking, f"name,table_host\nHost Hana,{fuller}\n")
    hana = _people(app, asking)["Host Hana"]
    phone = app.test_client()
    assert phone.post(f"/j/{asking['join_code']}/i/{hana.invite_token}").status_code == 302
    with app.app_context(), database().read() as db:
        seats = db.query(Seat).filter_by(participant_id=hana.id).all()
        assert [s.table.number for s in seats] == [fuller]
