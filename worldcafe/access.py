"""Who may do what: secret links, participant tokens and organiser logins, checked per request."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Literal, TypeVar

from flask import abort, g, session
from sqlalchemy.orm import Session, object_session

from worldcafe.messages import N_
from worldcafe.models import Cafe, Organiser, Participant
from worldcafe.services import cafes as cafe_service
from worldcafe.services import participants as participant_service
from worldcafe.services.errors import Forbidden, NotFound

Role = Literal["host", "projector", "organiser"]
_SESSION_KEYS: dict[str, str] = {"host": "h", "projector": "v", "organiser": "o"}
Key = TypeVar("Key")


def _secret_of(cafe: Cafe, role: Role) -> str:
    if role == "host":
        return cafe.host_secret
    if role == "projector":
        return cafe.projector_secret
    return cafe.organiser_secret


def set_cafe_context(cafe: Cafe) -> None:
    """Let the language selection and templates know which café this request is about."""
    g.cafe_languages = cafe_service.offered_languages(cafe)
    g.cafe_language = cafe.language


def _found_cafe(db: Session, lookup: Callable[[Session, Key], Cafe], key: Key) -> Cafe:
    """The café `lookup` finds by `key`, or 404; the request is then about it."""
    try:
        cafe = lookup(db, key)
    except NotFound:
        abort(404)
    set_cafe_context(cafe)
    return cafe


def load_cafe(db: Session, cafe_id: object) -> Cafe:
    """The café of the URL, or 404."""
    return _found_cafe(db, cafe_service.get_cafe, cafe_id)


def cafe_by_secret(db: Session, cafe_id: object, role: Role, secret: str) -> Cafe:
    """The café whose `role` link carries `secret`; 404 for a forged or revoked secret."""
    cafe = load_cafe(db, cafe_id)
    if not hmac.compare_digest(secret.encode(), _secret_of(cafe, role).encode()):
        abort(404)
    remember_secret(cafe, role)
    return cafe


def remember_secret(cafe: Cafe, role: Role) -> None:
    """Keep the link's secret in the signed session, for this browser's socket connection."""
    _hold(_SESSION_KEYS[role], cafe, _secret_of(cafe, role))


def _hold(key: str, cafe: Cafe, value: str) -> None:
    """Keep `value` for the café under `key` in the signed session cookie, past browser restarts."""
    held = dict(session.get(key) or {})
    held[str(cafe.id)] = value
    session[key] = held
    session.permanent = True


def _held(key: str, cafe: Cafe) -> object:
    """What the signed session cookie keeps for the café under `key` (None: nothing)."""
    return (session.get(key) or {}).get(str(cafe.id))


def held_secret(cafe: Cafe, role: Role) -> str | None:
    """The café's current secret for `role`, if this browser holds it."""
    held = _held(_SESSION_KEYS[role], cafe)
    current = _secret_of(cafe, role)
    if isinstance(held, str) and hmac.compare_digest(held.encode(), current.encode()):
        return current
    return None


def sign_in(organiser: Organiser) -> None:
    """Remember a signed-in organiser, and which of their sign-outs this session follows."""
    session["organiser_id"] = organiser.id
    session["organiser_epoch"] = organiser.session_epoch
    session.permanent = True


def signed_in_organiser(db: Session) -> Organiser | None:
    """The organiser signed in on this browser, unless they have signed out since."""
    organiser_id = session.get("organiser_id")
    if not isinstance(organiser_id, int) or isinstance(organiser_id, bool):
        return None
    organiser = db.get(Organiser, organiser_id)
    if organiser is None or session.get("organiser_epoch") != organiser.session_epoch:
        return None
    return organiser


def owner_signed_in(db: Session, cafe: Cafe) -> Organiser | None:
    """The café's owner, when they are signed in on this browser."""
    organiser = signed_in_organiser(db) if cafe.owner_id is not None else None
    return organiser if organiser is not None and organiser.id == cafe.owner_id else None


def holds_role(cafe: Cafe, role: Role) -> bool:
    """Whether this browser holds the café's current secret for `role`, or owns the café."""
    if held_secret(cafe, role) is not None:
        return True
    db = object_session(cafe)
    return db is not None and owner_signed_in(db, cafe) is not None


def remember_participant(cafe: Cafe, participant: Participant) -> None:
    """Keep a participant's resume token in this browser's signed session cookie."""
    _hold("p", cafe, participant.resume_token)


def browser_key() -> str:
    """A random id for this browser, kept in its signed session: what its limits count by.

    It outlives joining and leaving, so joining again never starts a browser's limits anew.
    """
    key = session.get("b")
    if not isinstance(key, str) or not key:
        key = secrets.token_urlsafe(12)
        session["b"] = key
        session.permanent = True
    return key


def forget_participant(cafe: Cafe) -> None:
    """Drop this browser's participant identity for a café."""
    held = dict(session.get("p") or {})
    held.pop(str(cafe.id), None)
    session["p"] = held


def current_participant(db: Session, cafe: Cafe) -> Participant | None:
    """The participant this browser is in the café, if any."""
    token = _held("p", cafe)
    return participant_service.participant_by_token(db, cafe, token)


def cafe_by_join_code(db: Session, code: str) -> Cafe:
    """The café of a join link, or 404."""
    return _found_cafe(db, cafe_service.get_cafe_by_join_code, code)


def current_participant_by_id(db: Session, cafe: Cafe, participant_id: int | None) -> Participant:
    """The participant a socket's identity names (checked at the event), or Forbidden."""
    participant = db.get(Participant, participant_id) if participant_id is not None else None
    if participant is None or participant.cafe_id != cafe.id:
        raise Forbidden(N_("Join the café first."))
    return participant


def remember_page_language(cafe: Cafe, language: str) -> None:
    """Note in the signed session which language the phone page was shown in (no write)."""
    shown = dict(session.get("shown") or {})
    if shown.get(str(cafe.id)) != language:
        shown[str(cafe.id)] = language
        session["shown"] = shown


def page_language(cafe: Cafe) -> str | None:
    """The language this browser's phone page was last shown in, for its socket."""
    shown = _held("shown", cafe)
    return shown if isinstance(shown, str) else None
