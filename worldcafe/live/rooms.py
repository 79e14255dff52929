"""Rooms: which sockets hear what, all derived on the server and joined at (re)connect.

- ``cafe:<id>`` and ``cafe:<id>:<lang>``: every screen of a café (timer, broadcast);
- ``host:<id>``, ``projector:<id>``, ``harvest:<id>`` and the same with ``:<lang>``: host
  consoles, projector stages and projector harvest views, all or by the language they show;
- ``participant:<id>``: one participant's devices. A table's notes go to the participant rooms
  of the people seated there in the current round (one indexed query at send time), so a move
  by the host or a new round never leaves a phone in a stale table room, across processes too;
- credential rooms, one per thing a socket's identity stands on (a link's secret, an
  organiser's sign-in, a participant's token, the café): closing one disconnects every socket
  in it, on every process (see transport.cut_off).
"""

from __future__ import annotations

import hashlib
from collections import Counter

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from worldcafe.live.identity import Identity
from worldcafe.models import Cafe, Participant, Round, Seat

# Host consoles, projectors and harvest views connected to this process, per café and language.
_screens_by_language: dict[tuple[str, int], Counter[str]] = {}


def cafe_room(cafe_id: int) -> str:
    return f"cafe:{cafe_id}"


def participant_room(participant_id: int) -> str:
    return f"participant:{participant_id}"


def screen_room(kind: str, cafe_id: int, lang: str) -> str:
    return f"{kind}:{cafe_id}:{lang}"


def link_room(cafe_id: int, role: str, secret: str) -> str:
    """The sockets that connected with one secret link (a digest: room names get logged)."""
    digest = hashlib.sha256(secret.encode()).hexdigest()[:16]
    return f"link:{cafe_id}:{role}:{digest}"


def organiser_room(organiser_id: int, epoch: int) -> str:
    """The sockets an organiser opened while signed in (until their next sign-out)."""
    return f"organiser:{organiser_id}:{epoch}"


def rooms_of(ident: Identity) -> list[str]:
    """Every room a socket with this identity joins."""
    rooms = [cafe_room(ident.cafe_id), f"cafe:{ident.cafe_id}:{ident.lang}"]
    if ident.participant_id is not None:
        rooms.append(participant_room(ident.participant_id))
    else:
        rooms.append(f"{ident.kind}:{ident.cafe_id}")
        rooms.append(screen_room(ident.kind, ident.cafe_id, ident.lang))
    if ident.secret is not None:
        rooms.append(link_room(ident.cafe_id, ident.role, ident.secret))
    if ident.organiser_id is not None and ident.epoch is not None:
        rooms.append(organiser_room(ident.organiser_id, ident.epoch))
    return rooms


def screen_opened(ident: Identity) -> None:
    """A host console, projector or harvest view connected: fragments in its language."""
    if ident.participant_id is None:
        _screens_by_language.setdefault((ident.kind, ident.cafe_id), Counter())[ident.lang] += 1


def screen_closed(ident: Identity) -> None:
    """A screen went away: it no longer needs fragments in its language."""
    counts = _screens_by_language.get((ident.kind, ident.cafe_id))
    if ident.participant_id is None and counts is not None and counts[ident.lang] > 0:
        counts[ident.lang] -= 1


def languages(kind: str, cafe_id: int, offered: list[str]) -> list[str]:
    """The languages to render a host/projector/harvest fragment in.

    One process knows which languages its connected screens use; behind a message queue the
    screens may sit on another process, so every offered language is rendered.
    """
    if current_app.config.get("MESSAGE_QUEUE"):
        return offered
    seen = _screens_by_language.get((kind, cafe_id))
    return [lang for lang in offered if seen and seen.get(lang)] if seen is not None else []


def table_rooms(
    db: Session, cafe: Cafe, current: Round | None, table_id: int
) -> dict[str, list[str]]:
    """The personal rooms of the people at a table now, grouped by their language."""
    if current is None:
        return {}
    rows = db.execute(
        select(Participant.id, Participant.language)
        .join(Seat, Seat.participant_id == Participant.id)
        .where(Seat.round_id == current.id, Seat.table_id == table_id)
    ).all()
    rooms: dict[str, list[str]] = {}
    for pid, lang in rows:
        rooms.setdefault(lang or cafe.language, []).append(participant_room(pid))
    return rooms
