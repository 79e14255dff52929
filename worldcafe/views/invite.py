"""Personal join links (printed on roster cards): join without typing a name."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from werkzeug.wrappers.response import Response as BaseResponse

from worldcafe import access
from worldcafe.extensions import database, limits
from worldcafe.i18n import offered_languages
from worldcafe.live.announce import announce_people
from worldcafe.services import participants as participant_service
from worldcafe.services import roster as roster_service
from worldcafe.services.errors import NotFound
from worldcafe.services.join_fields import COMMON_LANGUAGES, language_name

bp = Blueprint("invite", __name__)


def _invalid(cafe: object) -> tuple[str, int]:
    page = render_template("participant/invite.html", cafe=cafe, person=None)
    return page, 404


@bp.get("/j/<code>/i/<token>")
def invite_page(code: str, token: str) -> str | tuple[str, int]:
    """A personal link's page: "You are invited as …" and a Join button (scanners may prefetch)."""
    with database().read() as db:
        cafe = access.cafe_by_join_code(db, code)
        try:
            person = roster_service.invited(db, cafe, token)
        except NotFound:
            return _invalid(cafe)
        return render_template("participant/invite.html", cafe=cafe, person=person, token=token)


@bp.post("/j/<code>/i/<token>")
def claim(code: str, token: str) -> BaseResponse | tuple[str, int]:
    """Join as the invited person; the link then stops working (counted as a join)."""
    limits().hit("join", access.browser_key())
    with database().write() as db:
        cafe = access.cafe_by_join_code(db, code)
        before = access.current_participant(db, cafe)
        try:
            person = roster_service.claim_invite(db, cafe, token)
        except NotFound:
            return _invalid(cafe)
        if before is not None and before.id != person.id:
            # This phone joined under another name before: that one has left.
            participant_service.set_presence(db, before, False)
        access.remember_participant(cafe, person)
        cafe_id, join_code = cafe.id, cafe.join_code
    announce_people(cafe_id)
    return redirect(url_for("participant.cafe_page", code=join_code))


@bp.app_context_processor
def _join_languages() -> dict[str, object]:
    def join_language_choices(
        locale: str,
    ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """Tick boxes of the join page's languages field: the café's languages, then the rest."""
        first = [c for c in offered_languages() if c in COMMON_LANGUAGES]
        rest = [c for c in COMMON_LANGUAGES if c not in first]
        named = [(c, language_name(c, locale)) for c in rest]
        return [(c, language_name(c, locale)) for c in first], sorted(named, key=lambda x: x[1])

    return {"join_language_choices": join_language_choices}
