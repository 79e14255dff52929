"""Organiser accounts: hashed passwords, sign-in, and the first account's setup."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from worldcafe.messages import N_
from worldcafe.models import Cafe, Organiser
from worldcafe.services.errors import Conflict, InvalidInput

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}$")
MIN_PASSWORD = 10


def create_organiser(session: Session, email: object, password: object) -> Organiser:
    """An organiser account; the password is stored only as a salted hash."""
    if not isinstance(email, str) or not _EMAIL.match(email.strip()):
        raise InvalidInput(N_("Give a valid e-mail address."))
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidInput(N_("The password needs at least %(n)s characters."), n=MIN_PASSWORD)
    address = email.strip().lower()
    if session.scalar(select(Organiser.id).where(Organiser.email == address)) is not None:
        raise Conflict(N_("An organiser with this e-mail exists already."))
    organiser = Organiser(email=address, password_hash=generate_password_hash(password))
    session.add(organiser)
    session.flush()
    return organiser


# Checked against when the e-mail is unknown, so that an unknown address takes as long to
# answer as a known one with a wrong password (no guessing which addresses have accounts).
_UNKNOWN_ACCOUNT_HASH = generate_password_hash(secrets.token_urlsafe(16))


def authenticate(session: Session, email: object, password: object) -> Organiser | None:
    """The organiser with this e-mail and password, or None (in the same time either way)."""
    address = email.strip().lower() if isinstance(email, str) else ""
    typed = password if isinstance(password, str) else ""
    organiser = (
        session.scalar(select(Organiser).where(Organiser.email == address)) if address else None
    )
    known_hash = organiser.password_hash if organiser is not None else _UNKNOWN_ACCOUNT_HASH
    matches = check_password_hash(known_hash, typed)
    if organiser is None or not matches or not isinstance(password, str):
        return None
    return organiser


def organiser_count(session: Session) -> int:
    """How many organiser accounts exist."""
    return int(session.scalar(select(func.count(Organiser.id))) or 0)


def cafes_of(session: Session, organiser: Organiser) -> list[Cafe]:
    """The cafés an organiser owns and the demo cafés anyone may run, newest first."""
    return list(
        session.scalars(
            select(Cafe)
            .where(or_(Cafe.owner_id == organiser.id, Cafe.is_demo.is_(True)))
            .order_by(Cafe.created_at.desc())
        )
    )


def sign_out(session: Session, organiser_id: int) -> int | None:
    """End every session of the organiser (on any device); returns the epoch that ended."""
    organiser = session.get(Organiser, organiser_id)
    if organiser is None:
        return None
    ended = organiser.session_epoch
    organiser.session_epoch = ended + 1
    session.flush()
    return ended
