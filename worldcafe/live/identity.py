"""Who a socket is: one identity record per socket, made at connect, re-checked at every event.

The record holds what the identity stands on: the link secret the browser held, the
organiser's sign-in (their id and which sign-out it follows), or the participant's resume token.
`still_holds` compares it with the database in one primary-key query, cheap enough for the note
hot path: a renewed link, a deleted café, a participant who left (their token is replaced) or an
organiser who signed out (their epoch moves on) fails it at the socket's next event.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from worldcafe.links import same_secret
from worldcafe.models import Cafe, Organiser, Participant

ROLES = ("participant", "host", "projector", "organiser")


@dataclass(frozen=True)
class Identity:
    """A socket's identity, as it was established at connect."""

    cafe_id: int
    role: str  # participant | host | projector | organiser
    kind: str  # the screen: participant | host | projector | harvest | organiser
    lang: str  # the language the screen shows
    languages: tuple[str, ...]  # the café's offered languages
    language: str  # the café's own language
    participant_id: int | None = None
    token: str | None = None  # a participant's resume token
    secret: str | None = None  # the link secret held, for host, projector and organiser
    organiser_id: int | None = None  # or the owner signed in, and their sign-out epoch
    epoch: int | None = None


_PARTICIPANT = select(Participant.resume_token).where(
    Participant.id == bindparam("participant"), Participant.cafe_id == bindparam("cafe")
)
_CAFE = (
    select(
        Cafe.host_secret,
        Cafe.projector_secret,
        Cafe.organiser_secret,
        Cafe.owner_id,
        Organiser.session_epoch,
    )
    .outerjoin(Organiser, Organiser.id == Cafe.owner_id)
    .where(Cafe.id == bindparam("cafe"))
)


def still_holds(db: Session | Connection, ident: Identity) -> bool:
    """Whether the identity still stands: one query on the café or participant row."""
    if ident.role == "participant":
        token = db.execute(
            _PARTICIPANT, {"participant": ident.participant_id, "cafe": ident.cafe_id}
        ).scalar()
        return same_secret(ident.token, token)
    row = db.execute(_CAFE, {"cafe": ident.cafe_id}).first()
    if row is None:
        return False
    if ident.secret is not None:
        current = {
            "host": row.host_secret,
            "projector": row.projector_secret,
            "organiser": row.organiser_secret,
        }.get(ident.role)
        return same_secret(ident.secret, current)
    return (
        ident.organiser_id is not None
        and row.owner_id == ident.organiser_id
        and row.session_epoch == ident.epoch
    )
