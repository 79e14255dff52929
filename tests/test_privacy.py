"""Personal data: privacy notice, erasing names, deleting a café, retention, the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import join, run_round_with_notes
from worldcafe.extensions import database
from worldcafe.models import AuditEvent, Cafe, Note, Participant
from worldcafe.services.privacy import apply_retention


def test_the_privacy_notice_is_editable_and_shown_on_joining(
    client: FlaskClient, cafe: dict[str, Any]
) -> None:
    join_page = client.get(str(cafe["join_url"])).get_data(as_text=True)
    assert f"/j/{cafe['join_code']}/privacy" in join_page
    default = client.get(f"/j/{cafe['join_code']}/privacy").get_data(as_text=True)
    assert "third parties" in default
    client.post(
        f"{cafe['organiser_url']}/privacy",
        data={"action": "notice", "notice": "Data kept by the City of Leipzig for 30 days."},
    )
    page = client.get(f"/j/{cafe['join_code']}/privacy").get_data(as_text=True)
    assert "City of Leipzig for 30 days" in page


def test_erasing_names_keeps_notes_anonymous(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    run_round_with_notes(app, client, cafe, ["Bike lanes", "Open budgets"])
    client.post(f"{cafe['organiser_url']}/privacy", data={"action": "erase"})
    with app.app_context(), database().read() as db:
        assert {p.name for p in db.query(Participant)} == {""}
        assert db.query(Note).count() == 2
    export = client.get(f"{cafe['organiser_url']}/export?format=csv").get_data(as_text=True)
    assert "Guest" not in export and "Bike lanes" in export


def test_deleting_a_cafe_needs_its_title_and_removes_everything(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    run_round_with_notes(app, client, cafe, ["Bike lanes"])
    refused = client.post(
        f"{cafe['organiser_url']}/privacy", data={"action": "delete", "confirm": "wrong"}
    )
    assert refused.status_code == 400
    done = client.post(
        f"{cafe['organiser_url']}/privacy",
        data={"action": "delete", "confirm": "Leipzig Digital City"},
    )
    assert done.status_code == 302
    with app.app_context(), database().read() as db:
        assert db.query(Cafe).count() == 0
        assert db.query(Participant).count() == 0
        assert db.query(Note).count() == 0
    assert client.get(str(cafe["join_url"])).status_code == 404


def test_retention_erases_names_after_the_period(app: Flask, cafe: dict[str, Any]) -> None:
    join(app, cafe, "Ada")
    with app.app_context(), database().write() as db:
        row = db.get(Cafe, cafe["cafe_id"])
        assert row is not None
        row.retention_days = 30
    with app.app_context(), database().write() as db:
        assert apply_retention(db, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=29)) == []
    with app.app_context(), database().write() as db:
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
        assert apply_retention(db, now=later) == [cafe["cafe_id"]]
    with app.app_context(), database().read() as db:
        assert db.query(Participant).one().name == ""


def test_host_and_organiser_actions_are_in_the_audit_log(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    join(app, cafe, "Ada")
    client.post(f"{cafe['host_url']}/round/start")
    client.post(f"{cafe['host_url']}/broadcast", data={"message": "Coffee"})
    client.post(f"{cafe['organiser_url']}/renew/projector")
    with app.app_context(), database().read() as db:
        actions = {e.action for e in db.query(AuditEvent)}
    assert {"create_cafe", "start_round", "broadcast", "renew_projector_link"} <= actions
    page = client.get(f"{cafe['organiser_url']}/privacy").get_data(as_text=True)
    assert "start_round" in page and "Audit log" in page
