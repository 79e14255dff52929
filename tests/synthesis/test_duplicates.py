"""Duplicates written with typos stay duplicates; opposite positions never become ones."""

from __future__ import annotations

import pytest

from worldcafe.synthesis.duplicates import duplicate_groups, typo_distance
from worldcafe.synthesis.normalise import analyse


def _same(first: str, second: str) -> bool:
    texts = [first, second]
    return duplicate_groups([analyse(t) for t in texts], texts) == [[0, 1]]


def test_typo_distance_counts_swaps_drops_and_doubled_letters_as_one() -> None:
    assert typo_distance("weather", "waether", 2) == 1
    assert typo_distance("weather", "wether", 2) == 1
    assert typo_distance("weather", "weeather", 2) == 1
    assert typo_distance("weather", "leather", 2) == 1
    assert typo_distance("weather", "whether", 2) == 2
    assert typo_distance("bicycle", "tram", 2) == 3  # cut off past the limit


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # Typos that change the stem of the word they hit.
        (
            "Bei schlechtem Wetter und an kurzen Tagen im Winter braucht es Speicher",
            "Bei schlechtem Wteter und an kurzen Tgen im Winter braucht es Speicher",
        ),
        (
            "Thermal insulation of old flats must not push up the rents",
            "Thremal insulation of old flats must not push up the rnets",
        ),
        # A compound written with and without its hyphen.
        (
            "Solar-Anlagen auf allen Schul-Dächern der Gemeinde",
            "SolarAnlagen auf allen SchulDächern der Gemeinde",
        ),
        # A typo in the negation itself is not a change of position.
        (
            "Nicht nur die Innenstadt, auch die Vororte brauchen Radwege",
            "Nciht nur die Innenstadt, auch die Vororte brauchen Radwege",
        ),
    ],
)
def test_notes_written_with_typos_are_duplicates(first: str, second: str) -> None:
    assert _same(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Es gibt einen guten Grund für den Umbau", "Es gibt keinen guten Grund für den Umbau"),
        ("Ban adverts for meat in the stations", "Ban adverts for veganism in the stations"),
        ("The market should open on Sundays", "The market should not open on Sundays"),
    ],
)
def test_a_one_letter_or_one_word_change_of_position_is_no_duplicate(
    first: str, second: str
) -> None:
    assert not _same(first, second)
