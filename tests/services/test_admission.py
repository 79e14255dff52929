"""The one rule that admits a write at a table."""

from __future__ import annotations

import pytest

from worldcafe.models import NOTE_MAX
from worldcafe.rate_limits import NoteRateLimiter, RateLimited
from worldcafe.services.admission import NO_SEAT, NOT_STARTED, ROUND_OVER, Place, admit
from worldcafe.services.errors import Conflict, InvalidInput

SEATED = Place(participant_id=1, round_id=7, round_ended=False, table_id=3)


def test_a_seated_writer_in_a_started_round_is_admitted_with_clean_text() -> None:
    assert admit(SEATED, text="  Bike lanes\u202e  ") == "Bike lanes"
    assert admit(SEATED) == ""


@pytest.mark.parametrize(
    ("place", "message"),
    [
        (Place(1, None, False, None), NOT_STARTED),
        (Place(1, 7, False, None), NO_SEAT),
    ],
)
def test_no_round_or_no_seat_is_refused(place: Place, message: str) -> None:
    with pytest.raises(Conflict, match=message.split(":")[0]):
        admit(place, text="An idea")


def test_length_is_checked() -> None:
    with pytest.raises(InvalidInput, match="too long"):
        admit(SEATED, text="x" * (NOTE_MAX + 1))
    with pytest.raises(InvalidInput, match="must not be empty"):
        admit(SEATED, text="   ")


def test_a_change_happens_only_in_the_notes_own_running_round() -> None:
    assert admit(SEATED, text="Better", written_in=7, seated=False) == "Better"
    with pytest.raises(Conflict, match=ROUND_OVER):
        admit(SEATED, written_in=6)
    with pytest.raises(Conflict, match=ROUND_OVER):
        admit(Place(1, 7, True, 3), written_in=7)
    # An author moved away from every table may still fix their note.
    assert admit(Place(1, 7, False, None), text="Fixed", written_in=7, seated=False) == "Fixed"


def test_the_rate_is_counted_first_and_refuses_past_the_limit() -> None:
    limiter = NoteRateLimiter(per_minute=2)
    admit(SEATED, text="one", rate=limiter)
    admit(SEATED, text="two", rate=limiter)
    with pytest.raises(RateLimited):
        admit(SEATED, text="three", rate=limiter)
    # A refused rate costs nothing more: not even the text is looked at.
    with pytest.raises(RateLimited):
        admit(Place(1, None, False, None), text="", rate=limiter)
