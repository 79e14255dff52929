"""Pages for everyone: the start page, joining by code, and a health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, make_response, redirect, render_template, request, url_for
from sqlalchemy import text
from werkzeug.wrappers.response import Response as BaseResponse

from worldcafe.extensions import database
from worldcafe.i18n import translated
from worldcafe.services import cafes as cafe_service
from worldcafe.services.errors import NotFound

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> str:
    """What worldcafe is, joining by code, and the way in for organisers."""
    return render_template("pages/index.html", error=None)


@bp.post("/join")
def join_by_code() -> BaseResponse | tuple[str, int]:
    """Join with the short code shown on the projector."""
    code = request.form.get("code", "").strip().lower()
    code = code.rsplit("/", 1)[-1]
    with database().read() as db:
        try:
            cafe = cafe_service.get_cafe_by_join_code(db, code)
        except NotFound as error:
            return render_template("pages/index.html", error=translated(error.message)), 404
        return redirect(url_for("participant.join_page", code=cafe.join_code))


@bp.get("/healthz")
def health() -> BaseResponse:
    """Liveness for proxies and monitors: 503 when the database cannot store anything."""
    with database().read() as db:
        db.execute(text("SELECT 1"))
    problem = database().probe_write()
    if problem is not None:
        return make_response(jsonify({"ok": False, "error": problem}), 503)
    return jsonify({"ok": True})
