"""The audit log: who changed what in a café, kept with the café."""

from __future__ import annotations

from sqlalchemy.orm import Session

from worldcafe.models import AuditEvent, Cafe


def record(session: Session, cafe: Cafe, actor: str, action: str, detail: str = "") -> None:
    """Log one change to the café by `actor` ("host", "organiser", …), stored at once."""
    session.add(AuditEvent(cafe_id=cafe.id, actor=actor, action=action, detail=detail))
    session.flush()
