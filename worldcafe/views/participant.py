"""Participants' pages: join by QR code, resume on another device, and the phone's table view."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import (
    Blueprint,
    Response,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers.response import Response as BaseResponse

from worldcafe import access, presenters
from worldcafe.extensions import database, limits
from worldcafe.i18n import translated
from worldcafe.live.announce import announce_people, cut_off_participant
from worldcafe.models import NAME_MAX, NOTE_MAX, Cafe
from worldcafe.qrcodes import qr_png, qr_svg
from worldcafe.rate_limits import RateLimited
from worldcafe.reads import notes as note_reads
from worldcafe.reads import screens
from worldcafe.services import harvest as harvest_service
from worldcafe.services import join_fields, publishing
from worldcafe.services import participants as participant_service
from worldcafe.services import privacy as privacy_service
from worldcafe.services.errors import NotFound, ServiceError
from worldcafe.views.edge import links_for
from worldcafe.views.errors import error_response
from worldcafe.views.room_push import announce_tables

bp = Blueprint("participant", __name__)
# A device code as typed: its characters, perhaps grouped by spaces or dashes.
CODE_MAX = participant_service.RESUME_CODE_LENGTH + 6


# The door is cheap for one person; a script hammering it must not take the café's CPU. At most
# DOOR_CONCURRENCY join requests run at once per process, the others wait in line without using
# the processor (notes and host actions meanwhile go on); a long line is answered 503.
DOOR_CONCURRENCY = 2
DOOR_WAIT_SECONDS = 15.0
_door_line = threading.BoundedSemaphore(DOOR_CONCURRENCY)

_View = TypeVar("_View", bound=Callable[..., Any])


def _in_line(view: _View) -> _View:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not _door_line.acquire(timeout=DOOR_WAIT_SECONDS):
            busy = _("Many people are joining right now: try again in a few seconds.")
            response = make_response(render_template("error.html", message=busy, status=503), 503)
            response.headers["Retry-After"] = "10"
            return response
        try:
            return view(*args, **kwargs)
        finally:
            _door_line.release()

    return cast(_View, wrapper)


def _door(db: Session, cafe: Cafe) -> str | None:
    """Why the join form is not shown: joining closed by the host, or every seat taken."""
    if not cafe.joining_open:
        return str(_("This café is not taking new participants right now."))
    if participant_service.participant_count(db, cafe) >= participant_service.seat_count(cafe):
        return str(_("This café is full: every seat is taken."))
    return None


def _join_page(
    db: Session, cafe: Cafe, suggestion: str, error: str | None, resume_error: str | None = None
) -> str:
    return render_template(
        "participant/join.html",
        cafe=cafe,
        suggestion=suggestion,
        name_max=NAME_MAX,
        error=error,
        door=_door(db, cafe),
        code_max=CODE_MAX,
        resume_error=resume_error,
        resume_value=request.form.get("resume_code", "")[:CODE_MAX] if resume_error else "",
        join_answers=request.form.to_dict(flat=False) if error else None,
    )


@bp.get("/j/<code>")
@_in_line
def join_page(code: str) -> str | BaseResponse:
    """The QR code's target: name, language, the café's purpose, and Join."""
    with database().read() as db:
        cafe = access.cafe_by_join_code(db, code)
        if access.current_participant(db, cafe) is not None:
            return redirect(url_for("participant.cafe_page", code=cafe.join_code))
        return _join_page(db, cafe, participant_service.suggest_name(), None)


def _refused(
    code: str, error: ServiceError, suggestion: str, *, resuming: bool = False
) -> BaseResponse:
    message = translated(error.message)
    with database().read() as db:
        cafe = access.cafe_by_join_code(db, code)
        page = (
            _join_page(db, cafe, suggestion, None, message)
            if resuming
            else _join_page(db, cafe, suggestion, message)
        )
        response = make_response(page, error.status)
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@bp.post("/j/<code>")
@_in_line
def join(code: str) -> BaseResponse:
    """Join the café: no account, a resume token in the signed session cookie.

    A browser joins at most a few times a minute, and a browser that is in the café already
    stays the same participant (a double-tap on Join, or a script, makes nobody new).
    """
    suggestion = request.form.get("name", "")[:NAME_MAX]
    try:
        limits().hit("join", access.browser_key())
        with database().write() as db:
            cafe = access.cafe_by_join_code(db, code)
            if access.current_participant(db, cafe) is not None:
                return redirect(url_for("participant.cafe_page", code=cafe.join_code))
            answers = join_fields.answers_from_form(
                join_fields.fields_of(cafe.join_fields), request.form.to_dict(flat=False)
            )
            participant = participant_service.join_cafe(
                db, cafe, request.form.get("name", ""), request.form.get("language"), answers
            )
            access.remember_participant(cafe, participant)
            cafe_id, join_code = cafe.id, cafe.join_code
            seat = participant_service.current_seat(db, cafe, participant)
            seated_at = {seat.table_id} if seat is not None else set()
    except ServiceError as error:
        return _refused(code, error, suggestion)
    announce_people(cafe_id)
    # A late joiner sits down at once: the tablemates' lists show them.
    announce_tables(cafe_id, seated_at)
    return redirect(url_for("participant.cafe_page", code=join_code))


@bp.post("/j/<code>/resume")
@_in_line
def resume(code: str) -> BaseResponse:
    """Continue as the same participant on another device, with their one-time code.

    Ten wrong codes from a browser (or a hundred from one address) in a quarter of an hour
    and it must wait; a right code is replaced by a new one as it is used.
    """
    browser, address = access.browser_key(), request.remote_addr or ""
    try:
        limits().check("device_code", code, browser)
        limits().check("device_code_address", code, address)
        with database().write() as db:
            cafe = access.cafe_by_join_code(db, code)
            try:
                participant = participant_service.participant_by_code(
                    db, cafe, request.form.get("resume_code")
                )
            except NotFound:
                limits().count("device_code", code, browser)
                limits().count("device_code_address", code, address)
                raise
            access.remember_participant(cafe, participant)
            join_code = cafe.join_code
    except ServiceError as error:
        return _refused(code, error, participant_service.suggest_name(), resuming=True)
    return redirect(url_for("participant.cafe_page", code=join_code))


@bp.get("/p/<code>")
def cafe_page(code: str) -> str | BaseResponse:
    """The phone's view: lobby, then each round's table, question, people, timer and notes."""
    with database().read() as db:
        cafe = access.cafe_by_join_code(db, code)
        participant = access.current_participant(db, cafe)
        if participant is None:
            return redirect(url_for("participant.join_page", code=cafe.join_code))
        # Live updates follow the language this page is shown in (its socket reads this).
        access.remember_page_language(cafe, str(get_locale() or cafe.language))
        return render_template(
            "participant/cafe.html",
            cafe=cafe,
            participant=participant,
            panel=presenters.participant_panel_html(db, cafe, participant),
            note_max=NOTE_MAX,
            timer=screens.timer_payload(cafe),
        )


@bp.post("/p/<code>/leave")
def leave(code: str) -> str:
    """Leave the café: later rounds are planned without this person; the page says goodbye."""
    name = ""
    with database().write() as db:
        cafe = access.cafe_by_join_code(db, code)
        participant = access.current_participant(db, cafe)
        left = participant.id if participant is not None else None
        if participant is not None:
            participant_service.leave_cafe(db, participant)
            name = participant.name
        access.forget_participant(cafe)
        cafe_id = cafe.id
        page = render_template("participant/goodbye.html", cafe=cafe, name=name)
    if left is not None:
        cut_off_participant(left)
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
@bp.get("/p/<code>/summary/<int:number>")
def table_summary(code: str, number: int | None = None) -> str | tuple[BaseResponse | str, int]:
    """What the harvest made of a table: for its host to review, and for every participant
    of the café once the organiser has published the summaries. Read-only, without names."""
    with database().read() as db:
        cafe = access.cafe_by_join_code(db, code)
        participant = access.current_participant(db, cafe)
        if participant is None:
            return error_response(
                _("The summaries are for the café's participants: join the café first."), 403
            )
        table = publishing.summary_table(db, cafe, participant, number)
        if table is None:
            return error_response(_("This café has no such table."), 404)
        if not publishing.may_read_summary(cafe, participant, table):
            return error_response(
                _("The organisers have not published the tables' summaries yet."), 403
            )
        summary = harvest_service.table_summary(db, cafe, table.number)
        quoted = [c.representative for c in summary.clusters] if summary else []
        return render_template(
            "participant/summary.html",
            cafe=cafe,
            table=table,
            summary=summary,
            quotes=note_reads.visible_note_texts(db, cafe, quoted),
        )


@bp.get("/j/<code>/privacy")
def privacy(code: str) -> str:
    """The café's privacy notice, as its organisers wrote it."""
    with database().read() as db:
        cafe = access.cafe_by_join_code(db, code)
        return render_template(
            "participant/privacy.html", cafe=cafe, notice=privacy_service.privacy_notice(cafe)
        )
