"""The organiser's people page: roster import, personal join links and cards, the people CSV."""

from __future__ import annotations

import base64
import re
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.wrappers.response import Response as BaseResponse

from worldcafe import access
from worldcafe.extensions import database
from worldcafe.i18n import translated
from worldcafe.live.announce import announce_people
from worldcafe.messages import N_
from worldcafe.qrcodes import qr_svg
from worldcafe.services import participants as participant_service
from worldcafe.services import roster as roster_service
from worldcafe.services.errors import InvalidInput, ServiceError
from worldcafe.services.join_fields import display_answer, fields_of
from worldcafe.views.edge import base_url, links_for

bp = Blueprint("roster", __name__, url_prefix="/organiser/cafe/<int:cafe_id>/<secret>/people")


def invite_url(cafe: Any, token: str) -> str:
    """The absolute personal join link of a pre-registered person."""
    return f"{base_url()}{url_for('invite.invite_page', code=cafe.join_code, token=token)}"


def _page(db: Any, cafe: Any, **extra: Any) -> str:
    return render_template(
        "organiser/people.html",
        cafe=cafe,
        links=links_for(cafe),
        fields=fields_of(cafe.join_fields),
        people=roster_service.people(db, cafe),
        display_answer=display_answer,
        **({"problems": [], "error": None, "imported": None} | extra),
    )


@bp.get("")
def people(cafe_id: int, secret: str) -> str:
    """Everyone registered or joined, with their answers, and the roster import."""
    with database().read() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
        imported = request.args.get("imported", "")
        return _page(db, cafe, imported=int(imported) if imported.isdigit() else None)


@bp.post("/import")
def import_roster(cafe_id: int, secret: str) -> str | tuple[str, int] | BaseResponse:
    """Register the people of an uploaded roster CSV; every bad line is listed, nothing stored."""
    upload = request.files.get("roster")
    try:
        if upload is None or not upload.filename:
            raise InvalidInput(N_("Choose a CSV file first."))
        data = upload.read()
        with database().write() as db:
            cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
            count = len(roster_service.import_roster(db, cafe, data))
    except roster_service.RosterError as error:
        with database().read() as db:
            cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
            problems = [(line, translated(problem)) for line, problem in error.problems]
            return _page(db, cafe, problems=problems), error.status
    except ServiceError as error:
        with database().read() as db:
            cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
            return _page(db, cafe, error=translated(error.message)), error.status
    announce_people(cafe_id)
    return _redirect(cafe_id, secret, imported=count)


def _redirect(cafe_id: int, secret: str, **args: Any) -> BaseResponse:
    return redirect(url_for("roster.people", cafe_id=cafe_id, secret=secret, **args))


@bp.post("/<int:participant_id>/invite")
def new_invite(cafe_id: int, secret: str, participant_id: int) -> BaseResponse:
    """A new personal link for someone; their old link and phone stop working."""
    with database().write() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
        person = participant_service.get_participant(db, cafe, participant_id)
        roster_service.issue_invite(db, cafe, person)
    return _redirect(cafe_id, secret)


@bp.get("/cards")
def cards(cafe_id: int, secret: str) -> str:
    """Printable personal cards: name and a QR code that joins without typing the name."""
    with database().read() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
        printed = []
        for person in roster_service.expected(db, cafe):
            assert person.invite_token is not None
            url = invite_url(cafe, person.invite_token)
            image = base64.b64encode(qr_svg(url, scale=6)).decode("ascii")
            printed.append((person, url, f"data:image/svg+xml;base64,{image}"))
        return render_template(
            "organiser/people_cards.html", cafe=cafe, links=links_for(cafe), people=printed
        )


@bp.get("/export.csv")
def people_csv(cafe_id: int, secret: str) -> Response:
    """Everyone with their answers, in the roster's columns (anonymised: without names)."""
    anonymise = request.args.get("anonymise") == "1"
    with database().read() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
        data = roster_service.people_csv(db, cafe, anonymise=anonymise)
        stem = re.sub(r"[^A-Za-z0-9]+", "-", cafe.title).strip("-").lower() or "cafe"
    response = Response(data, mimetype="text/csv; charset=utf-8")
    suffix = "-anonymised" if anonymise else ""
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}-people{suffix}.csv"'
    return response
