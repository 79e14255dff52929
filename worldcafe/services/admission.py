"""The one rule that admits a write at a table: a note, or a change to a note.

Every write path asks it: `post_note` on the hot path (a bare connection) and the edits,
withdrawals, votes, carried ideas and key insights (the ORM path). It looks at the writer's
place as both paths read it (the latest started round and the writer's seat in it) and at the
request (its text, and the writer's rate when the edge passes a limiter).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from worldcafe.messages import N_
from worldcafe.models import NOTE_MAX
from worldcafe.services.errors import Conflict
from worldcafe.services.text_input import require_text

NOT_STARTED = N_("The café has not started yet: notes open with the first round.")
NO_SEAT = N_("You have no seat in this round yet: ask the host.")
ROUND_OVER = N_("Notes can be changed only during the round they were written in.")


class RateCheck(Protocol):
    """A per-participant limiter: `check` counts one write or raises (429)."""

    def check(self, participant_id: int) -> None: ...


@dataclass(frozen=True)
class Place:
    """Where a writer is now: the latest started round (if any) and their seat in it."""

    participant_id: int
    round_id: int | None
    round_ended: bool
    table_id: int | None


def admit(
    place: Place,
    *,
    text: object = None,
    rate: RateCheck | None = None,
    written_in: int | None = None,
    seated: bool = True,
) -> str:
    """Admit a write, or raise why not; returns the cleaned text ("" when there is none).

    - rate: the writer is within their limit (counted first, so a refusal costs nothing more);
    - length: `text`, when given, is a non-empty note of at most NOTE_MAX characters;
    - round running: a round has started; a change to a note (`written_in`) happens during
      the round the note was written in, before it ends;
    - seat: the writer sits at a table in that round (unless `seated` is False: an author
      may rewrite their note after a move by the host).
    """
    if rate is not None:
        rate.check(place.participant_id)
    body = (
        ""
        if text is None
        else require_text(text, field=N_("Your note"), max_length=NOTE_MAX, multiline=True)
    )
    if written_in is not None:
        if place.round_id != written_in or place.round_ended:
            raise Conflict(ROUND_OVER)
        return body
    if place.round_id is None:
        raise Conflict(NOT_STARTED)
    if seated and place.table_id is None:
        raise Conflict(NO_SEAT)
    return body
