"""The projector view (1920×1080): QR code, join count, question, timer and the live wall."""

from __future__ import annotations

from flask import Blueprint, render_template

from worldcafe import access
from worldcafe.extensions import database
from worldcafe.reads import screens
from worldcafe.views.edge import join_site, links_for, short_join_url

bp = Blueprint("projector", __name__, url_prefix="/projector/<int:cafe_id>/<secret>")


@bp.get("")
def screen(cafe_id: int, secret: str) -> str:
    """The projector page."""
    with database().read() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "projector", secret)
        links = links_for(cafe)
        return render_template(
            "projector/screen.html",
            links=links,
            short_join_url=short_join_url(links),
            site=join_site(links),
            timer=screens.timer_payload(cafe),
            **screens.projector_context(db, cafe),
        )


@bp.get("/harvest")
def harvest(cafe_id: int, secret: str) -> str:
    """The harvest for the plenary: the top clusters per theme, live as the organiser curates."""
    with database().read() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "projector", secret)
        return render_template(
            "projector/harvest.html",
            links=links_for(cafe),
            **screens.projector_harvest_context(db, cafe),
        )
