"""The harvest: curation by the organiser, downloads in every format, projector and host review."""

from __future__ import annotations

import io
import json
import re
import time
import uuid
from typing import Any

import docx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from tests.factories import connect, fragments, load_cafe, run_round_with_notes
from worldcafe.extensions import database
from worldcafe.models import AuditEvent, Note, Participant
from worldcafe.services import publishing

NOTES = [
    "Open data portals for every city",
    "Open data portal for each city!",
    "Free wifi in all public libraries",
    "Public libraries need free wifi",
    "Train civil servants in digital skills",
    "Digital skills training for city staff",
    "Größere Bürgerbeteiligung über Apps",
    "Bürgerbeteiligung per App stärken",
]


@pytest.fixture
def harvested(app: Flask, client: FlaskClient, cafe: dict[str, Any]) -> dict[str, Any]:
    run_round_with_notes(app, client, cafe, NOTES)
    return cafe


def _note_id(app: Flask, text: str) -> str:
    with app.app_context(), database().read() as db:
        note = db.query(Note).filter_by(text=text).one()
        return str(note.id)


def test_the_harvest_page_shows_clusters_with_quotes(
    client: FlaskClient, harvested: dict[str, Any]
) -> None:
    page = client.get(f"{harvested['organiser_url']}/harvest")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Citizen participation" in html and "Investment" in html
    assert html.count('class="cluster card') >= 2
    assert "Open data portal" in html


def test_curation_renames_hides_and_exports_follow(
    app: Flask, client: FlaskClient, harvested: dict[str, Any]
) -> None:
    base = f"{harvested['organiser_url']}/harvest"
    wifi = _note_id(app, "Free wifi in all public libraries")
    skills = _note_id(app, "Train civil servants in digital skills")
    assert (
        client.post(
            base, data={"op": "rename", "note_id": wifi, "label": "Wifi for all"}
        ).status_code
        == 302
    )
    assert client.post(base, data={"op": "hide", "note_id": skills}).status_code == 302
    assert client.post(base, data={"op": "key", "note_id": wifi, "key": "1"}).status_code == 302
    data = json.loads(client.get(f"{harvested['organiser_url']}/export?format=json").data)
    clusters = [c for t in data["tables"] for c in t["clusters"]]
    wifi_cluster = next(c for c in clusters if wifi in c["notes"])
    assert wifi_cluster["label"] == "Wifi for all" and wifi_cluster["key"] is True
    assert all(skills not in c["notes"] for c in clusters)
    assert len(data["cafe"]["notes"]) == len(NOTES)
    assert {n["round"] for n in data["cafe"]["notes"]} == {1}
    client.post(base, data={"op": "reset"})
    data = json.loads(client.get(f"{harvested['organiser_url']}/export?format=json").data)
    assert any(skills in c["notes"] for t in data["tables"] for c in t["clusters"])


def test_bad_curation_steps_get_a_clear_4xx(
    app: Flask, client: FlaskClient, harvested: dict[str, Any]
) -> None:
    base = f"{harvested['organiser_url']}/harvest"
    assert client.post(base, data={"op": "explode", "note_id": "1"}).status_code == 400
    assert client.post(base, data={"op": "hide", "note_id": "99999"}).status_code == 404
    assert (
        client.post(
            base, data={"op": "rename", "note_id": _note_id(app, NOTES[0]), "label": "   "}
        ).status_code
        == 400
    )
    assert client.post(base, data={"op": "merge", "note_ids": ""}).status_code == 400


def test_every_format_downloads_and_reads_back(
    client: FlaskClient, harvested: dict[str, Any]
) -> None:
    base = f"{harvested['organiser_url']}/export"
    md = client.get(f"{base}?format=md")
    assert md.status_code == 200 and "Leipzig Digital City" in md.get_data(as_text=True)
    csv_text = client.get(f"{base}?format=csv").get_data(as_text=True)
    assert len(csv_text.strip().splitlines()) == len(NOTES) + 1
    assert "Guest" in csv_text
    assert "Guest" not in client.get(f"{base}?format=csv&anonymise=1").get_data(as_text=True)
    document = docx.Document(io.BytesIO(client.get(f"{base}?format=docx").data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Leipzig Digital City" in text
    pdf = client.get(f"{base}?format=pdf")
    assert pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Bürgerbeteiligung" in pdf_text
    assert client.get(f"{base}?format=exe").status_code == 400


def test_the_projector_harvest_shows_top_clusters_per_theme(
    client: FlaskClient, harvested: dict[str, Any]
) -> None:
    html = client.get(f"{harvested['projector_url']}/harvest").get_data(as_text=True)
    assert "What we harvested" in html
    assert "Citizen participation" in html and "Investment" in html
    assert len(re.findall(r'<li class="harvest-point', html)) >= 2


def test_downloads_keep_the_cafes_name_and_are_never_cached(
    app: Flask, client: FlaskClient, harvested: dict[str, Any]
) -> None:
    with app.app_context(), database().write() as db:
        from worldcafe.models import Cafe

        db.get(Cafe, harvested["cafe_id"]).title = "Café Élan: Zürich"
    for fmt in ("pdf", "docx", "md", "csv", "json"):
        response = client.get(f"{harvested['organiser_url']}/export?format={fmt}")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        disposition = response.headers["Content-Disposition"]
        assert f"filename*=UTF-8''caf%C3%A9-%C3%A9lan-z%C3%BCrich-harvest.{fmt}" in disposition
        assert f'filename="cafe-elan-zurich-harvest.{fmt}"' in disposition


def test_only_the_table_host_reviews_the_table_summary(
    app: Flask, client: FlaskClient, harvested: dict[str, Any]
) -> None:
    with app.app_context(), database().read() as db:
        guest = db.query(Participant).filter_by(name="Guest 0").one()
        guest_id, code = guest.id, guest.resume_code
    phone = app.test_client()
    phone.post(f"/j/{harvested['join_code']}/resume", data={"resume_code": code})
    assert phone.get(f"/p/{harvested['join_code']}/summary").status_code == 403
    cafe_tables = client.get(str(harvested["host_url"])).get_data(as_text=True)
    table_id = re.search(r'id="host-table-(\d+)"', cafe_tables)
    assert table_id
    client.post(
        f"{harvested['host_url']}/people/{guest_id}/table-host",
        data={"table_id": table_id.group(1)},
    )
    summary = phone.get(f"/p/{harvested['join_code']}/summary")
    assert summary.status_code == 200
    assert "Summary of table" in summary.get_data(as_text=True)


def test_published_summaries_reach_the_participants_and_nobody_else(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    phones = run_round_with_notes(app, client, cafe, NOTES)
    hidden = "Free wifi in all public libraries"
    curate = {"op": "hide", "note_id": _note_id(app, hidden)}
    assert client.post(f"{cafe['organiser_url']}/harvest", data=curate).status_code == 302
    for step in ("end", "start", "end"):
        assert client.post(f"{cafe['host_url']}/round/{step}").status_code == 302
    code, guest = cafe["join_code"], phones["Guest 0"]
    with app.app_context(), database().read() as db:
        person = db.query(Participant).filter_by(name="Guest 0").one()
        last = publishing.last_table(db, person)
        assert last is not None
        number, numbers = last.number, [t.number for t in load_cafe(app, cafe["cafe_id"]).tables]
    own = f"/p/{code}/summary/{number}"
    stranger = app.test_client().get(own)
    assert stranger.status_code == 403
    assert "join the café first" in stranger.get_data(as_text=True)
    early = guest.get(own)
    assert early.status_code == 403
    assert "have not published" in early.get_data(as_text=True)
    assert "Read the summary" not in guest.get(f"/p/{code}").get_data(as_text=True)

    socket = connect(app, guest, cafe, "participant")
    socket.get_received()
    published = client.post(f"{cafe['organiser_url']}/publish", data={"published": "1"})
    assert published.status_code == 302
    link = f'href="/p/{code}/summary/{number}"'
    assert any(link in html for html in fragments(socket)), "pushed live to the phone"
    thank_you = guest.get(f"/p/{code}").get_data(as_text=True)
    assert f"Read the summary of Table {number}" in thank_you and link in thank_you
    for table_number in numbers:  # published: every table of the café, read-only, no names
        page = guest.get(f"/p/{code}/summary/{table_number}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and f"Summary of table {table_number}" in html
        assert "Guest " not in html
        assert hidden not in html
        assert 'method="post"' not in html
    assert "Zusammenfassung von Tisch" in guest.get(f"{own}?lang=de").get_data(as_text=True)
    missing = guest.get(f"/p/{code}/summary/99")
    assert missing.status_code == 404  # in the language the phone chose
    assert "Dieses Café hat keinen solchen Tisch." in missing.get_data(as_text=True)

    client.post(f"{cafe['organiser_url']}/publish", data={"published": "0"})
    assert guest.get(own).status_code == 403
    with app.app_context(), database().read() as db:
        actions = db.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.action.like("%publish_summaries"))
            .order_by(AuditEvent.id)
        ).all()
    assert actions == ["publish_summaries", "unpublish_summaries"]


def test_someone_who_sat_out_the_last_round_gets_their_own_tables_summary(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    phones = run_round_with_notes(app, client, cafe, NOTES)
    code, guest = cafe["join_code"], phones["Guest 1"]
    with app.app_context(), database().read() as db:
        person = db.query(Participant).filter_by(name="Guest 1").one()
        person_id = person.id
        last = publishing.last_table(db, person)
        assert last is not None
        number = last.number
    assert client.post(f"{cafe['host_url']}/round/end").status_code == 302
    # Gone for the last round: no seat in it.
    client.post(f"{cafe['host_url']}/people/{person_id}/presence", data={"present": "0"})
    for step in ("start", "end"):
        assert client.post(f"{cafe['host_url']}/round/{step}").status_code == 302
    with app.app_context(), database().read() as db:
        person = db.get(Participant, person_id)
        assert person is not None
        assert publishing.last_table(db, person).number == number  # type: ignore[union-attr]
        assert not person.present
    socket = connect(app, guest, cafe, "participant")
    socket.get_received()
    assert "Thank you" in guest.get(f"/p/{code}").get_data(as_text=True)
    client.post(f"{cafe['organiser_url']}/publish", data={"published": "1"})
    link = f'href="/p/{code}/summary/{number}"'
    assert any(link in html for html in fragments(socket)), "pushed live to the phone"
    page = guest.get(f"/p/{code}").get_data(as_text=True)
    assert f"Read the summary of Table {number}" in page and link in page
    assert guest.get(f"/p/{code}/summary/{number}").status_code == 200


def test_harvest_pages_need_their_secrets(client: FlaskClient, harvested: dict[str, Any]) -> None:
    cafe_id = harvested["cafe_id"]
    assert client.get(f"/organiser/cafe/{cafe_id}/nope/harvest").status_code == 404
    assert client.get(f"/organiser/cafe/{cafe_id}/nope/export?format=json").status_code == 404
    assert client.get(f"/projector/{cafe_id}/nope/harvest").status_code == 404


def test_the_harvest_is_made_in_the_background_once_notes_fall_quiet(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    from worldcafe.live.harvest_refresh import state_of
    from worldcafe.services.harvest_cache import SYNTHESES

    app.config.update(HARVEST_QUIET_SECONDS=0.05, HARVEST_GAP_SECONDS=0.0)
    SYNTHESES.forget(cafe["cafe_id"])
    computed = SYNTHESES.computed
    run_round_with_notes(app, client, cafe, NOTES[:4], people=2)
    state = state_of(app)
    deadline = time.monotonic() + 60
    while state.running and time.monotonic() < deadline:
        time.sleep(0.05)
    # Computed in the background after the notes, and the task is over.
    assert not state.running and not state.changed_at
    assert SYNTHESES.computed > computed
    computed = SYNTHESES.computed
    page = client.get(f"{cafe['organiser_url']}/harvest")
    assert page.status_code == 200 and "Free wifi in all public libraries" in page.text
    assert SYNTHESES.computed == computed


def test_new_notes_show_apart_at_once_until_their_harvest_is_made(
    app: Flask, client: FlaskClient, harvested: dict[str, Any]
) -> None:
    from worldcafe.services.notes import post_note

    page = f"{harvested['organiser_url']}/harvest"
    assert client.get(page).status_code == 200
    with app.app_context(), database().write() as db:
        writer = db.query(Participant).filter_by(cafe_id=harvested["cafe_id"]).first()
        assert writer is not None
        post_note(db.connection(), writer.cafe_id, writer.id, str(uuid.uuid4()), "Night buses")
    app.config.update(HARVEST_QUIET_SECONDS=30.0)
    html = client.get(page).get_data(as_text=True)
    assert "1 new note is not grouped yet" in html and "Night buses" in html
    assert "Open data portal" in html
    deadline = time.monotonic() + 120
    ready = client.get(f"{page}/ready")
    while ready.status_code == 204 and time.monotonic() < deadline:
        time.sleep(0.1)
        ready = client.get(f"{page}/ready")
    assert ready.status_code == 200 and "Show the updated harvest" in ready.text
    html = client.get(page).get_data(as_text=True)
    assert "not grouped yet" not in html and "Night buses" in html
    app.config.update(HARVEST_QUIET_SECONDS=0.0)
