"""Organisers: sign-in, café setup and editing, links, table cards."""

from __future__ import annotations

import hashlib
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
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers.response import Response as BaseResponse

from worldcafe import access
from worldcafe.extensions import database, limits
from worldcafe.i18n import LANGUAGE_NAMES
from worldcafe.live.announce import (
    announce_broadcast,
    cut_off_cafe,
    cut_off_link,
    cut_off_organiser,
)
from worldcafe.models import Organiser
from worldcafe.rate_limits import RateLimited
from worldcafe.services import cafes as cafe_service
from worldcafe.services import organisers as organiser_service
from worldcafe.services import privacy as privacy_service
from worldcafe.services.errors import InvalidInput, ServiceError
from worldcafe.views import join_form
from worldcafe.views.edge import links_for

bp = Blueprint("organiser", __name__, url_prefix="/organiser")

BLANK_THEME_ROWS = 2


def setup_token(secret_key: str) -> str:
    """The one-time link token for creating the first organiser account."""
    return hmac.new(secret_key.encode(), b"organiser-setup", hashlib.sha256).hexdigest()[:32]


def _signed_in(db: Any) -> Organiser | None:
    return access.signed_in_organiser(db)


def spec_from_form(form: MultiDict[str, str]) -> dict[str, Any]:
    """The café configuration a setup form describes (validated by the café service)."""
    themes = []
    index = 0
    while f"theme-{index}-name" in form:
        name = form.get(f"theme-{index}-name", "").strip()
        questions = [q for q in form.get(f"theme-{index}-questions", "").splitlines() if q.strip()]
        tables = form.get(f"theme-{index}-tables", "").strip()
        if name or questions:
            themes.append({"name": name, "tables": tables or "0", "questions": questions})
        index += 1
    languages = form.getlist("languages")
    return {
        "title": form.get("title", ""),
        "purpose": form.get("purpose", ""),
        "language": form.get("language", "en"),
        "languages": languages or None,
        "rounds": form.get("rounds", ""),
        "round_minutes": form.get("round_minutes", ""),
        "table_capacity": form.get("table_capacity", "6"),
        "retention_days": form.get("retention_days", ""),
        "themes": themes,
        "join_fields": join_form.fields_from_form(form),
    }


def _form_values(spec: cafe_service.CafeSpec | dict[str, Any]) -> dict[str, Any]:
    if isinstance(spec, cafe_service.CafeSpec):
        return {
            "title": spec.title,
            "purpose": spec.purpose,
            "language": spec.language,
            "languages": spec.languages or [],
            "rounds": spec.rounds,
            "round_minutes": f"{spec.round_minutes:g}",
            "table_capacity": spec.table_capacity,
            "retention_days": spec.retention_days or "",
            "themes": [
                {"name": t.name, "tables": t.tables, "questions": "\n".join(t.questions)}
                for t in spec.themes
            ],
            "join_fields": [f.to_dict() for f in spec.join_fields],
        }
    values = dict(spec)
    values["languages"] = values.get("languages") or []
    values["themes"] = [
        {"name": t["name"], "tables": t["tables"], "questions": "\n".join(t["questions"])}
        for t in spec.get("themes", [])
    ]
    return values


# Where a validation message belongs on the setup form: the first words of the service's
# message name the field.
ERROR_FIELDS = (
    ("Title", "title"),
    ("Purpose", "purpose"),
    ("Language", "cafe-language"),
    ("Each offered language", "cafe-language"),
    ("Rounds", "rounds"),
    ("Round length", "round_minutes"),
    ("Table capacity", "table_capacity"),
    ("Retention", "retention_days"),
    ("Give the expected head count", "head_count"),
    ("The head count", "head_count"),
)


def error_field(error: str | None) -> str | None:
    """The id of the form field a validation message is about (themes: the first theme)."""
    if not error:
        return None
    for prefix, field_id in ERROR_FIELDS:
        if error.startswith(prefix):
            return field_id
    lowered = error.lower()
    if "theme" in lowered or "question" in lowered or "tables" in lowered:
        return "theme-0-name"
    return None


def _render_form(
    template: str, values: dict[str, Any], error: str | None = None, **extra: Any
) -> str:
    themes = list(values.get("themes", []))
    themes += [{"name": "", "tables": "", "questions": ""}] * BLANK_THEME_ROWS
    return render_template(
        template,
        values=values,
        themes=themes,
        join_rows=join_form.field_rows(list(values.get("join_fields") or [])),
        error=error,
        error_at=error_field(error),
        language_names=LANGUAGE_NAMES,
        **extra,
    )


def _suggest(values: dict[str, Any], head_count: str) -> str | None:
    try:
        count = int(head_count)
    except ValueError:
        return "Give the expected head count as a whole number."
    themes = [t for t in values["themes"] if t["name"]]
    if not themes:
        return "Name the themes first, then ask for a suggestion."
    try:
        split = cafe_service.suggest_tables(count, len(themes))
    except InvalidInput as error:
        return str(error)
    for theme, tables in zip(themes, split, strict=True):
        theme["tables"] = tables
    values["themes"] = themes
    return None


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
        response = make_response(render_template("organiser/login.html", error=str(refused)), 429)
        response.headers["Retry-After"] = str(refused.retry_after)
        return response
    with database().read() as db:
        organiser = organiser_service.authenticate(db, email, request.form.get("password"))
    if organiser is None:
        limits().count("sign_in", account)
        limits().count("sign_in_address", address)
        page = render_template("organiser/login.html", error="E-mail or password is wrong.")
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
        return render_template("organiser/setup.html", error=str(error)), error.status
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
        return _render_form(
            "organiser/new.html",
            _form_values(cafe_service.demo_spec())
            | {
                "title": "",
                "purpose": "",
            },
        )
    raw = spec_from_form(request.form)
    if request.form.get("action") == "suggest":
        values = _form_values(raw)
        error = _suggest(values, request.form.get("head_count", ""))
        return _render_form(
            "organiser/new.html", values, error, head_count=request.form.get("head_count", "")
        )
    try:
        spec = cafe_service.parse_cafe_spec(raw)
        with database().write() as db:
            cafe = cafe_service.create_cafe(db, spec, owner_id=owner_id)
            target = url_for("organiser.cafe_page", cafe_id=cafe.id, secret=cafe.organiser_secret)
    except ServiceError as error:
        return _render_form("organiser/new.html", _form_values(raw), str(error)), error.status
    return redirect(target)


@bp.route("/cafe/<int:cafe_id>/<secret>", methods=["GET", "POST"])
def cafe_page(cafe_id: int, secret: str) -> str | BaseResponse | tuple[str, int]:
    """A café's setup: its links, printable table cards, and the edit form."""
    with database().read() as db:
        cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
        values = _form_values(cafe_service.cafe_spec_of(cafe))
        started = cafe_service.has_started(db, cafe)
        links = links_for(cafe)
    extra: dict[str, Any] = {"cafe": cafe, "links": links, "started": started, "saved": False}
    if request.method == "GET":
        extra["saved"] = request.args.get("saved") == "1"
        return _render_form("organiser/cafe.html", values, **extra)
    raw = spec_from_form(request.form)
    if request.form.get("action") == "suggest":
        values = _form_values(raw)
        error = _suggest(values, request.form.get("head_count", ""))
        return _render_form("organiser/cafe.html", values, error, **extra)
    try:
        spec = cafe_service.parse_cafe_spec(raw)
        with database().write() as db:
            cafe = access.cafe_by_secret(db, cafe_id, "organiser", secret)
            cafe_service.update_cafe(db, cafe, spec)
    except ServiceError as error:
        page = _render_form("organiser/cafe.html", _form_values(raw), str(error), **extra)
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
            site=str(links["join_url"]).split("://", 1)[-1].split("/", 1)[0],
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
                raise InvalidInput("Type the café's title to confirm that it should be deleted.")
            privacy_service.delete_cafe(db, cafe)
        else:
            raise InvalidInput("Unknown action.")
    if action in ("erase", "delete"):
        database().purge()
    if action == "delete":
        cut_off_cafe(cafe_id)
        return redirect(url_for("organiser.dashboard"))
    if action == "erase":
        announce_broadcast(cafe_id)
    return redirect(url_for("organiser.privacy", cafe_id=cafe_id, secret=secret))
