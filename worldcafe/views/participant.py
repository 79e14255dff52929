"""Participants' pages: join by QR code, resume on another device, and the phone's table view."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from werkzeug.wrappers.response import Response as BaseResponse

from worldcafe import access, presenters
from worldcafe.extensions import database
from worldcafe.models import NAME_MAX, NOTE_MAX
from worldcafe.qrcodes import qr_png, qr_svg
from worldcafe.realtime import announce_people
from worldcafe.services import harvest as harvest_service
from worldcafe.services import participants as participant_service
from worldcafe.services import privacy as privacy_service
from worldcafe.services.errors import ServiceError
from worldcafe.views.edge import links_for
from worldcafe.views.room_push import announce_tables

bp = Blueprint("participant", __name__)


@bp.get("/j/<code>")
def join_page(code: str) -> str | BaseResponse:
    """The QR code's target: name, language, the café's purpose, and Join."""
    with database().read() as db:
        cafe = access.cafe_by_join_code(db, code)
        if access.current_participant(db, cafe) is not None:
            return redirect(url_for("participant.cafe_page", code=cafe.join_code))
        return render_template(
            "participant/join.html",
            cafe=cafe,
            suggestion=participant_service.suggest_name(),
            name_max=NAME_MAX,
            error=None,
        )


@bp.post("/j/<code>")
def join(code: str) -> tuple[str, int] | BaseResponse:
    """Join the café: no account, a resume token in the signed session cookie."""
    try:
        with database().write() as db:
            cafe = access.cafe_by_join_code(db, code)
            participant = participant_service.join_cafe(
                db, cafe, request.form.get("name", ""), request.form.get("language")
            )
            access.remember_participant(cafe, participant)
            cafe_id, join_code = cafe.id, cafe.join_code
            seat = participant_service.current_seat(db, cafe, participant)
            seated_at = {seat.table_id} if seat is not None else set()
    except ServiceError as error:
        with database().read() as db:
            cafe = access.cafe_by_join_code(db, code)
            page = render_template(
                "participant/join.html",
                cafe=cafe,
                suggestion=request.form.get("name", "")[:NAME_MAX],
                name_max=NAME_MAX,
                error=str(error),
            )
        return page, error.status
    announce_people(cafe_id)
    # A late joiner sits down at once: the tablemates' lists show them.
    announce_tables(cafe_id, seated_at)
    return redirect(url_for("participant.cafe_page", code=join_code))


@bp.post("/j/<code>/resume")
def resume(code: str) -> tuple[str, int] | BaseResponse:
    """Continue as the same participant on another device, with the short code."""
    with database().read() as db:
        cafe = access.cafe_by_join_code(db, code)
        try:
            participant = participant_service.participant_by_code(
                db, cafe, request.form.get("resume_code")
            )
        except ServiceError as error:
            page = render_template(
                "participant/join.html",
                cafe=cafe,
                suggestion=participant_service.suggest_name(),
                name_max=NAME_MAX,
                error=None,
                resume_error=str(error),
                resume_value=request.form.get("resume_code", "")[:12],
            )
            return page, error.status
        access.remember_participant(cafe, participant)
        return redirect(url_for("participant.cafe_page", code=cafe.join_code))


@bp.get("/p/<code>")
def cafe_page(code: str) -> str | BaseResponse:
    """The phone's view: lobby, then each round's table, question, people, timer and notes."""
    with database().read() as db:
        cafe = access.cafe_by_join_code(db, code)
        participant = access.current_participant(db, cafe)
        if participant is None:
            return redirect(url_for("participant.join_page", code=cafe.join_code))
        language = str(get_locale() or cafe.language)
    if participant.language != language:
        # Live updates to this phone are rendered in the language it shows.
        with database().write() as db:
            participant_service.set_language(db, participant.id, language)
    with database().read() as db:
        cafe = access.cafe_by_join_code(db, code)
        participant = access.current_participant(db, cafe)
        assert participant is not None
        return render_template(
            "participant/cafe.html",
            cafe=cafe,
            participant=participant,
            panel=presenters.participant_panel_html(db, cafe, participant),
            note_max=NOTE_MAX,
            timer=presenters.timer_payload(cafe),
        )


@bp.post("/p/<code>/leave")
def leave(code: str) -> str:
    """Leave the café: later rounds are planned without this person; the page says goodbye."""
    name = ""
    with database().write() as db:
        cafe = access.cafe_by_join_code(db, code)
        participant = access.current_participant(db, cafe)
        if participant is not None:
            participant_service.set_presence(db, participant, False)
            name = participant.name
        access.forget_participant(cafe)
        cafe_id = cafe.id
        page = render_template("participant/goodbye.html", cafe=cafe, name=name)
    announce_people(cafe_id)
    return page


QR_FORMATS = {"svg": (qr_svg, "image/svg+xml"), "png": (qr_png, "image/png")}


@bp.get("/qr/<code>.<kind>")
def join_qr(code: str, kind: str) -> Response:
    """The QR code of a café's join link: SVG for screens, PNG for print and decoders."""
    if kind not in QR_FORMATS:
        abort(404)
    draw, mimetype = QR_FORMATS[kind]
    with database().read() as db:
        cafe = access.cafe_by_join_code(db, code)
        image = draw(str(links_for(cafe)["join_url"]))
    response = Response(image, mimetype=mimetype)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/p/<code>/summary")
def table_summary(code: str) -> str | BaseResponse:
    """A table host reviews what the harvest made of their table."""
    with database().read() as db:
        cafe = access.cafe_by_join_code(db, code)
        participant = access.current_participant(db, cafe)
        if participant is None:
            return redirect(url_for("participant.join_page", code=cafe.join_code))
        if participant.hosted_table is None:
            abort(403)
        summary = harvest_service.table_summary(db, cafe, participant.hosted_table.number)
        notes = harvest_service.harvest(db, cafe).notes
        return render_template(
            "participant/summary.html",
            cafe=cafe,
            table=participant.hosted_table,
            summary=summary,
            notes=notes,
        )


@bp.get("/j/<code>/privacy")
def privacy(code: str) -> str:
    """The café's privacy notice, as its organisers wrote it."""
    with database().read() as db:
        cafe = access.cafe_by_join_code(db, code)
        return render_template(
            "participant/privacy.html", cafe=cafe, notice=privacy_service.privacy_notice(cafe)
        )
