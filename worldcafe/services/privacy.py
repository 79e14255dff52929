"""Personal data: erase names, delete a café, retention, the privacy notice and the audit log."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import delete, func, null, select, update
from sqlalchemy.orm import Session

from worldcafe.messages import N_
from worldcafe.models import AuditEvent, Cafe, Participant, utcnow
from worldcafe.services import audit
from worldcafe.services.harvest_cache import forget_cafe
from worldcafe.services.text_input import clean_text

ERASED_NAME = ""
# Shorter names (a single letter) would scrub every word they occur in.
MIN_SCRUBBED_NAME = 2
PRIVACY_NOTICE_MAX = 5000

DEFAULT_PRIVACY_NOTICE = N_(
    "This café collects the name you give (a nickname is fine), your answers to its optional "
    "questions at the door, the notes you write, your dot-votes and the tables you sit at. "
    "They are used only to run this café and to write its summary. Nothing is sent to third "
    "parties. Ask the organisers to see or delete your data."
)


ERASED_MARK = "…"


def _scrub(text: str, names: list[str]) -> str:
    """The text with every one of the names replaced by an ellipsis (any letter case)."""
    for name in names:
        text = re.sub(re.escape(name), ERASED_MARK, text, flags=re.IGNORECASE)
    return text


def erase_names(db: Session, cafe: Cafe, *, actor: str = "organiser") -> int:
    """Erase every participant's name and answers at the door in a café; notes stay, anonymous.

    Names also leave the host's broadcast message and the café's audit log, and personal join
    links not used yet stop working. The caller purges the database files afterwards
    (Database.purge), so no old copy stays on disk. Returns how many names were erased.
    """
    named = db.scalar(
        select(func.count(Participant.id)).where(
            Participant.cafe_id == cafe.id, Participant.name != ERASED_NAME
        )
    )
    names = sorted(
        {
            name.strip()
            for name in db.scalars(select(Participant.name).where(Participant.cafe_id == cafe.id))
            if len(name.strip()) >= MIN_SCRUBBED_NAME
        },
        key=len,
        reverse=True,
    )
    if names:
        cafe.broadcast = _scrub(cafe.broadcast or "", names)
        for event in db.scalars(select(AuditEvent).where(AuditEvent.cafe_id == cafe.id)):
            scrubbed = _scrub(event.detail or "", names)
            if scrubbed != event.detail:
                event.detail = scrubbed
    db.execute(
        update(Participant)
        .where(Participant.cafe_id == cafe.id)
        .values(name=ERASED_NAME, attributes=null(), invite_token=None)
    )
    audit.record(db, cafe, actor, "erase_names")
    db.expire_all()
    forget_cafe(cafe.id)
    return int(named or 0)


def delete_cafe(db: Session, cafe: Cafe) -> None:
    """Delete a café with everything in it: people, seats, notes, votes, the audit log."""
    db.execute(delete(AuditEvent).where(AuditEvent.cafe_id == cafe.id))
    forget_cafe(cafe.id)
    db.delete(cafe)
    db.flush()


def apply_retention(db: Session, *, now: dt.datetime | None = None) -> list[int]:
    """Erase names in cafés whose retention period has passed; returns their ids."""
    moment = now or utcnow()
    erased = []
    for cafe in db.scalars(select(Cafe).where(Cafe.retention_days.is_not(None))):
        assert cafe.retention_days is not None
        if cafe.created_at + dt.timedelta(days=cafe.retention_days) > moment:
            continue
        named = db.scalar(
            select(Participant.id)
            .where(Participant.cafe_id == cafe.id, Participant.name != ERASED_NAME)
            .limit(1)
        )
        if named is not None:
            erase_names(db, cafe, actor="retention")
            erased.append(cafe.id)
    return erased


def set_privacy_notice(db: Session, cafe: Cafe, text: object) -> str:
    """The organiser's privacy notice for a café (empty: the default notice)."""
    notice = clean_text(
        text, field=N_("Privacy notice"), max_length=PRIVACY_NOTICE_MAX, multiline=True
    )
    cafe.privacy_notice = notice
    audit.record(db, cafe, "organiser", "edit_privacy_notice")
    return notice


def privacy_notice(cafe: Cafe) -> str:
    """What participants read before joining."""
    return cafe.privacy_notice or DEFAULT_PRIVACY_NOTICE


def audit_log(db: Session, cafe: Cafe, *, limit: int = 200) -> list[AuditEvent]:
    """The latest host and organiser actions in a café, newest first."""
    return list(
        db.scalars(
            select(AuditEvent)
            .where(AuditEvent.cafe_id == cafe.id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
