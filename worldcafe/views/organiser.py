"""Organisers: sign-in, café setup and editing, links, table cards."""

from __future__ import annotations

import hmac
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers.response import Response as BaseResponse

from worldcafe import access
from worldcafe.extensions import database, limits
from worldcafe.i18n import translated
from worldcafe.links import setup_token
from worldcafe.live.announce import (
    announce_broadcast,
    cut_off_cafe,
    cut_off_link,
    cut_off_organiser,
)
from worldcafe.messages import N_
from worldcafe.models import Organiser
from worldcafe.rate_limits import RateLimited
from worldcafe.services import cafes as cafe_service
from worldcafe.services import organisers as organiser_service
from worldcafe.services import privacy as privacy_service
from worldcafe.services.cafe_config import parse_cafe_spec
from worldcafe.services.errors import InvalidInput, ServiceError
from worldcafe.views.edge import join_site, links_for
from worldcafe.views.setup_form import (
    form_values,
    render_form,
    spec_from_form,
    suggest_tables,
)

bp = Blueprint("organiser", __name__, url_prefix="/organiser")


def _signed_in(db: Any) -> Organiser | None:
    return access.signed_in_organiser(db)


@bp.get("/")
def dashboard() -> str | BaseResponse:
    """The signed-in organiser's cafés."""
    with database().read() as db:
        organiser = _signed_in(db)
        if organiser is None:
            return redirect(url_for("organiser.login"))
        cafes = organiser_service.cafes_of(db, organiser)
        return render_template(
            "organiser/dashboard.html",
            organiser=organiser,
            cafes=[(cafe, links_for(cafe)) for cafe in cafes],
        )


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | BaseResponse | tuple[str, int]:
    """Sign in with e-mail and password; ten wrong tries and the address must wait."""
    if request.method == "GET":
        return render_template("organiser/login.html", error=None)
    email = request.form.get("email")
    account = email.strip().lower() if isinstance(email, str) else ""
    address = request.remote_addr or ""
    try:
        limits().check("sign_in", account)
        limits().check("sign_in_address", address)
    except RateLimited as refused:
        response = make_response(
            render_template("organiser/login.html", error=translated(refused.message)), 429
        )
        response.headers["Retry-After"] = str(refused.retry_after)
        return response
    with database().read() as db:
        organiser = organiser_service.authenticate(db, email, request.form.get("password"))
    if organiser is None:
        limits().count("sign_in", account)
        limits().count("sign_in_address", address)
        page = render_template("organiser/login.html", error=_("E-mail or password is wrong."))
        return page, 401
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    access.sign_in(organiser)
    return redirect(url_for("organiser.dashboard"))


@bp.post("/logout")
def logout() -> BaseResponse:
    """Sign out: this account's sessions end on every device, and their open sockets with them."""
    organiser_id = session.pop("organiser_id", None)
    session.pop("organiser_epoch", None)
    if isinstance(organiser_id, int):
        with database().write() as db:
            ended = organiser_service.sign_out(db, organiser_id)
        if ended is not None:
            cut_off_organiser(organiser_id, ended)
    return redirect(url_for("organiser.login"))


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str) -> str | BaseResponse | tuple[str, int]:
    """Create the first organiser account (the link works only while there is none)."""
    expected = setup_token(current_app.config["SECRET_KEY"])
    if not hmac.compare_digest(token.encode(), expected.encode()):
        abort(404)
    with database().read() as db:
        if organiser_service.organiser_count(db) > 0:
            return redirect(url_for("organiser.login"))
    if request.method == "GET":
        return render_template("organiser/setup.html", error=None)
    try:
        with database().write() as db:
            organiser = organiser_service.create_organiser(
                db, request.form.get("email"), request.form.get("password")
            )
            access.sign_in(organiser)
    except ServiceError as error:
        return render_template(
            "organiser/setup.html", error=translated(error.message)
        ), error.status
    return redirect(url_for("organiser.dashboard"))


@bp.route("/new", methods=["GET", "POST"])
def new_cafe() -> str | BaseResponse | tuple[str, int]:
    """Set up a new café."""
    with database().read() as db:
        organiser = _signed_in(db)
        if organiser is None:
            return redirect(url_for("organiser.login"))
        owner_id = organiser.id
    if request.method == "GET":
        return render_form(
            "organiser/new.html",
            form_values(cafe_service.demo_spec())
            | {
                "title": "",
                "purpose": "",
            },
        )
    raw = spec_from_form(request.form)
    if request.form.get("action") == "suggest":
        values = form_values(raw)
        error = suggest_tables(values, request.form.get("head_count", ""))
        return render_form(
            "organiser/new.html", values, error, head_count=request.form.get("head_count", "")
        )
    try:
        spec = parse_cafe_spec(raw)
        with database().write() as db:
            cafe = cafe_service.create_cafe(db, spec, owner_id=owner_id)
            target = url_for("organiser.cafe_page", cafe_id=cafe.id, secret=cafe.organiser_secret)
    except ServiceError as error:
        return render_form("organiser/new.html", form_values(raw), error.message), error.status
    return redirect(target)


@bp.route("/cafe/<int:cafe_id>/<secret>", methods=["GET", "POST"])
def cafe_page(cafe_id: int, secret: str) -> str | BaseResponse | tuple[str, int]:
    """A café's setup: its links, printable table cards, and the edit form."""
    with database().read() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
        values = form_values(cafe_service.cafe_spec_of(cafe))
        started = cafe_service.has_started(db, cafe)
        links = links_for(cafe)
    extra: dict[str, Any] = {"cafe": cafe, "links": links, "started": started, "saved": False}
    if request.method == "GET":
        extra["saved"] = request.args.get("saved") == "1"
        return render_form("organiser/cafe.html", values, **extra)
    raw = spec_from_form(request.form)
    if request.form.get("action") == "suggest":
        values = form_values(raw)
        error = suggest_tables(values, request.form.get("head_count", ""))
        return render_form("organiser/cafe.html", values, error, **extra)
    try:
        spec = parse_cafe_spec(raw)
        with database().write() as db:
            cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
            cafe_service.update_cafe(db, cafe, spec)
    except ServiceError as error:
        page = render_form("organiser/cafe.html", form_values(raw), error.message, **extra)
        return page, error.status
    return redirect(url_for("organiser.cafe_page", cafe_id=cafe_id, secret=secret, saved=1))


@bp.post("/cafe/<int:cafe_id>/<secret>/renew/<role>")
def renew(cafe_id: int, secret: str, role: str) -> BaseResponse:
    """Replace a secret link; the old one stops working at once."""
    if role not in ("host", "projector", "organiser"):
        abort(404)
    with database().write() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
        old = getattr(cafe, f"{role}_secret")
        new = cafe_service.renew_secret(db, cafe, role)
    cut_off_link(cafe_id, role, old)
    target_secret = new if role == "organiser" else secret
    return redirect(url_for("organiser.cafe_page", cafe_id=cafe_id, secret=target_secret))


@bp.get("/cafe/<int:cafe_id>/<secret>/cards")
def table_cards(cafe_id: int, secret: str) -> str:
    """Printable table cards: number, theme, question and the join QR code."""
    with database().read() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
        links = links_for(cafe)
        return render_template(
            "organiser/cards.html",
            cafe=cafe,
            links=links,
            site=join_site(links),
            tables=list(cafe.tables),
        )


@bp.get("/cafe/<int:cafe_id>/<secret>/privacy")
def privacy(cafe_id: int, secret: str) -> str:
    """Personal data: the privacy notice, erasing names, deleting the café, the audit log."""
    with database().read() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
        return render_template(
            "organiser/privacy.html",
            cafe=cafe,
            links=links_for(cafe),
            notice=privacy_service.privacy_notice(cafe),
            events=privacy_service.audit_log(db, cafe),
            error=None,
        )


@bp.post("/cafe/<int:cafe_id>/<secret>/privacy")
def privacy_action(cafe_id: int, secret: str) -> str | BaseResponse | tuple[str, int]:
    """Save the notice, erase every name, or delete the café."""
    action = request.form.get("action", "")
    with database().write() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
        if action == "notice":
            privacy_service.set_privacy_notice(db, cafe, request.form.get("notice", ""))
        elif action == "erase":
            privacy_service.erase_names(db, cafe)
        elif action == "delete":
            if request.form.get("confirm", "").strip() != cafe.title:
                raise InvalidInput(
                    N_("Type the café's title to confirm that it should be deleted.")
                )
            privacy_service.delete_cafe(db, cafe)
        else:
            raise InvalidInput(N_("Unknown action."))
    if action in ("erase", "delete"):
        database().purge()
    if action == "delete":
        cut_off_cafe(cafe_id)
        return redirect(url_for("organiser.dashboard"))
    if action == "erase":
        announce_broadcast(cafe_id)
    return redirect(url_for("organiser.privacy", cafe_id=cafe_id, secret=secret))
