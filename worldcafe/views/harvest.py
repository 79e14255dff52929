"""The organiser's harvest: the synthesis to curate, the plenary points, and the downloads."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.wrappers.response import Response as BaseResponse

from worldcafe import access
from worldcafe.extensions import database
from worldcafe.live import harvest_refresh
from worldcafe.live.announce import announce_harvest, announce_note_changed
from worldcafe.messages import N_
from worldcafe.services import harvest as harvest_service
from worldcafe.services import moderation, publishing
from worldcafe.services.errors import InvalidInput
from worldcafe.views.edge import links_for
from worldcafe.views.room_push import announce_tables

bp = Blueprint("harvest", __name__, url_prefix="/organiser")


EXPORT_TYPES = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _harvest_context(db: Any, cafe: Any) -> dict[str, Any]:
    pending: list[Any] = []
    if harvest_refresh.refresh_enabled():
        # Only notes came since the last harvest made: show it with them apart at once.
        made, pending = harvest_service.harvest_so_far(db, cafe)
        if pending:
            harvest_refresh.compute_now(cafe.id)
        result, themes = harvest_service.harvest_points(db, cafe, made)
    else:
        result, themes = harvest_service.harvest_points(db, cafe)
    return {
        "cafe": cafe,
        "links": links_for(cafe),
        "result": result,
        "themes": themes,
        "notes": result.notes,
        "pending": pending,
        "insights": harvest_service.key_insights(db, cafe),
        "attendance": harvest_service.attendance(db, cafe),
        "formats": list(EXPORT_TYPES),
    }


@bp.get("/cafe/<int:cafe_id>/<secret>/harvest")
def harvest(cafe_id: int, secret: str) -> str:
    """The synthesis per theme and table, to curate and download."""
    with database().read() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
        return render_template("organiser/harvest.html", **_harvest_context(db, cafe))


@bp.get("/cafe/<int:cafe_id>/<secret>/harvest/ready")
def ready(cafe_id: int, secret: str) -> Response:
    """Asked every 2 s by a harvest page showing new notes apart: 204 while their harvest is
    computed, then a link to the page with every note grouped (the page never reloads under
    the organiser's hands)."""
    with database().read() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
        if not harvest_service.harvest_is_current(db, cafe):
            response = Response(status=204)
        else:
            response = Response(render_template("organiser/_harvest_ready.html", cafe=cafe))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/cafe/<int:cafe_id>/<secret>/harvest")
def curate(cafe_id: int, secret: str) -> str | BaseResponse:
    """One curation step: rename, merge, split, move, hide, unhide or mark as key."""
    form = request.form
    op = form.get("op", "")
    step: dict[str, Any] = {"op": op}
    if op in ("merge", "split"):
        step["note_ids"] = [i for i in form.getlist("note_ids") if i]
    else:
        step["note_id"] = form.get("note_id", "")
    if op == "rename":
        step["label"] = form.get("label", "")
    elif op == "move":
        step["to"] = form.get("to", "")
    elif op == "key":
        step["key"] = form.get("key") == "1"
    with database().write() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
        if op == "reset":
            changed = moderation.show_notes_hidden_by_curation(db, cafe)
            harvest_service.reset_curation(db, cafe)
        else:
            harvest_service.curate(db, cafe, step)
            changed = []
            if op in ("hide", "unhide"):
                # Hidden in the harvest is hidden on the wall, the phones and the tablecloths.
                note = moderation.set_note_hidden(
                    db, cafe, step["note_id"], op == "hide", actor="organiser"
                )
                changed = [note.id]
    announce_harvest(cafe_id)
    for note_id in changed:
        announce_note_changed(note_id)
    return redirect(
        url_for("harvest.harvest", cafe_id=cafe_id, secret=secret) + "#" + form.get("anchor", "top")
    )


@bp.post("/cafe/<int:cafe_id>/<secret>/publish")
def publish(cafe_id: int, secret: str) -> BaseResponse:
    """Publish the tables' summaries to the participants (their thank-you cards link them
    live), or withdraw them."""
    published = request.form.get("published") == "1"
    with database().write() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
        changed = publishing.set_summaries_published(db, cafe, published)
    if changed:
        announce_tables(cafe_id, None)
    return redirect(url_for("harvest.harvest", cafe_id=cafe_id, secret=secret) + "#publish")


@bp.get("/cafe/<int:cafe_id>/<secret>/export")
def export(cafe_id: int, secret: str) -> BaseResponse:
    """Download the synthesis as PDF, DOCX, Markdown, CSV or JSON."""
    fmt = request.args.get("format", "pdf")
    if fmt not in EXPORT_TYPES:
        raise InvalidInput(N_("Choose one of: %(choices)s."), choices=", ".join(EXPORT_TYPES))
    anonymise = request.args.get("anonymise") == "1"
    with database().read() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
        data = harvest_service.export_cafe(db, cafe.id, fmt, anonymise=anonymise)
        title = cafe.title
    response = Response(data, mimetype=EXPORT_TYPES[fmt])
    response.headers["Content-Disposition"] = download_disposition(title, fmt)
    response.headers["Cache-Control"] = "no-store"
    return response


def download_disposition(title: str, fmt: str) -> str:
    """An attachment named after the café: an ASCII name, and the real one (RFC 5987) with é."""
    words = re.sub(r"[^\w]+", "-", title, flags=re.UNICODE).strip("-_").lower() or "cafe"
    name = f"{words[:80].strip('-')}-harvest.{fmt}"
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-") or f"harvest.{fmt}"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"
