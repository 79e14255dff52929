"""Pushes to the people a change concerns: tablemates' panels and short notices to one phone.

Sent after the commit, like every announcement. A notice is rendered in the language the
person's phone shows and goes to their personal room, so every device of theirs gets it.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from worldcafe import presenters
from worldcafe.extensions import database
from worldcafe.i18n import speaking
from worldcafe.live.transport import socketio
from worldcafe.models import Cafe, Participant


def announce_tables(cafe_id: int, table_ids: set[int] | None) -> None:
    """The panels of everyone at these tables now (their "At this table" lists changed), or
    at every table (`None`: what the whole café's phones show changed)."""
    if table_ids is not None:
        table_ids = {t for t in table_ids if t}
        if not table_ids:
            return
    with database().read() as db:
        cafe = db.get(Cafe, cafe_id)
        if cafe is None:
            return
        for html, rooms in presenters.participant_panels_by_table(db, cafe, table_ids):
            if rooms:
                socketio.emit("fragment", {"html": html}, to=rooms)


def notify(
    cafe_id: int, participant_id: int, text: Callable[[Session, Cafe, Participant], str]
) -> None:
    """A short message to one participant's phones, in their language."""
    with database().read() as db:
        cafe = db.get(Cafe, cafe_id)
        person = db.get(Participant, participant_id)
        if cafe is None or person is None or person.cafe_id != cafe_id:
            return
        with speaking(person.language or cafe.language):
            message = text(db, cafe, person)
    socketio.emit("notice", {"text": message}, to=f"participant:{participant_id}")
