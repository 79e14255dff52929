"""The tables' summaries for the participants: published by the organiser, read at the end.

Before publishing only a table's host reviews that table's summary; once published, every
participant of the café may read the summary of any of its tables (what the harvest made of
the notes, never who wrote them).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from worldcafe.models import Cafe, CafeTable, Participant, Round, Seat
from worldcafe.services import audit


def set_summaries_published(
    session: Session, cafe: Cafe, published: bool, *, actor: str = "organiser"
) -> bool:
    """Publish the tables' summaries to the participants, or withdraw them; whether it changed.

    Every change is in the audit log.
    """
    if cafe.summaries_published == published:
        return False
    cafe.summaries_published = published
    audit.record(session, cafe, actor, "publish_summaries" if published else "unpublish_summaries")
    return True


def last_table(session: Session, participant: Participant) -> CafeTable | None:
    """The table a participant sat at in the latest round they had a seat in."""
    return session.scalar(
        select(CafeTable)
        .join(Seat, Seat.table_id == CafeTable.id)
        .join(Round, Round.id == Seat.round_id)
        .where(Seat.participant_id == participant.id, Round.started_at.is_not(None))
        .order_by(Round.number.desc())
        .limit(1)
    )


def summary_table(
    session: Session, cafe: Cafe, participant: Participant, number: int | None
) -> CafeTable | None:
    """The table whose summary is asked for: by number, else the one they host or sat at last."""
    if number is None:
        return participant.hosted_table or last_table(session, participant)
    return next((t for t in cafe.tables if t.number == number), None)


def may_read_summary(cafe: Cafe, participant: Participant, table: CafeTable) -> bool:
    """Published: every participant of the café; before that, only the table's own host."""
    if participant.cafe_id != cafe.id or table.cafe_id != cafe.id:
        return False
    return cafe.summaries_published or participant.hosted_table_id == table.id
