"""Rounds of tables of 4 invariant under translations: 32 people seated 10 times, no repeat."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import pytest

from worldcafe.rotation import Instance, TableSpec, lower_bound, plan_rounds, score_plan
from worldcafe.rotation.constructions import _planes, translation_rounds


def meetings(rounds: list[list[list[int]]]) -> Counter[tuple[int, int]]:
    meet: Counter[tuple[int, int]] = Counter()
    for rnd in rounds:
        for group in rnd:
            meet.update(combinations(sorted(group), 2))
    return meet


def repeat_free_rounds(rounds: list[list[list[int]]]) -> int:
    """How many leading rounds seat nobody with someone met before."""
    for k in range(len(rounds) + 1):
        if k == len(rounds) or max(meetings(rounds[: k + 1]).values()) > 1:
            return k
    return len(rounds)  # pragma: no cover


def cafe(n: int, tables: int, rounds: int, themes: int = 0) -> Instance:
    specs = [
        TableSpec(f"t{j}", f"theme {j % themes}" if themes else "", n // tables)
        for j in range(tables)
    ]
    return Instance([f"p{i}" for i in range(n)], specs, rounds)


@pytest.mark.parametrize("q", [8, 16, 32])
def test_every_round_seats_everyone_once_at_tables_of_four(q: int) -> None:
    for rnd in translation_rounds(q):
        assert len(rnd) == q
        assert all(len(group) == 4 for group in rnd)
        assert sorted(p for group in rnd for p in group) == list(range(4 * q))


def test_32_people_meet_nobody_twice_in_10_rounds() -> None:
    rounds = translation_rounds(8)
    assert repeat_free_rounds(rounds) == 10
    meet = meetings(rounds[:10])
    assert len(meet) == 480
    # the pairs left over are a perfect matching: everyone misses exactly one person
    missed = Counter(
        p for a in range(32) for b in range(a + 1, 32) if (a, b) not in meet for p in (a, b)
    )
    assert set(missed.values()) == {1} and len(missed) == 32


def test_the_eleventh_round_repeats_only_as_much_as_it_must() -> None:
    meet = meetings(translation_rounds(8))
    assert sum(m - 1 for m in meet.values()) == 32
    assert max(meet.values()) == 2


@pytest.mark.parametrize("q", [8, 16])
def test_rounds_are_invariant_under_translations(q: int) -> None:
    for rnd in translation_rounds(q):
        groups = {frozenset(group) for group in rnd}
        for t in range(q):
            moved = {frozenset((p // q) * q + (p % q ^ t) for p in group) for group in groups}
            assert moved == groups


@pytest.mark.parametrize(("q", "expected"), [(16, 19), (32, 42)])
def test_larger_fields_give_long_repeat_free_runs(q: int, expected: int) -> None:
    assert repeat_free_rounds(translation_rounds(q)) == expected


@pytest.mark.parametrize("q", [2, 4, 6, 12, 24])
def test_other_table_counts_get_nothing(q: int) -> None:
    assert translation_rounds(q) == []


def test_planes_are_disjoint_and_as_many_as_fit() -> None:
    free = set(range(2, 16)) - {3, 5, 7}
    planes = _planes(free)
    assert len(planes) == 2  # a third never fits around {1, 3, 5, 7} in GF(2)^4
    used = [x for plane in planes for x in plane[1:]]
    assert len(used) == len(set(used)) and set(used) <= free
    assert all(plane[1] ^ plane[2] == plane[3] for plane in planes)
    assert _planes({2, 4, 6}) == [[0, 2, 4, 6]]
    assert _planes({2, 4}) == []


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_planner_seats_32_people_10_times_without_a_repeat(seed: int) -> None:
    instance = cafe(32, 8, 10)
    plan = plan_rounds(instance, seed=seed, time_limit=5)
    assert plan.score.valid, plan.score.problems
    assert plan.score.repeat_pairs == 0 == lower_bound(instance) == plan.lower_bound
    assert plan.score.max_meetings == 1
    assert score_plan(instance, plan.rounds) == plan.score
    for rnd in plan.rounds:
        assert sorted(p for members in rnd.values() for p in members) == sorted(
            instance.participants
        )
        assert all(len(members) == 4 for members in rnd.values())


def test_the_32_person_plan_is_the_same_for_a_seed_and_differs_across_seeds() -> None:
    instance = cafe(32, 8, 10)
    first = plan_rounds(instance, seed=4, time_limit=5)
    assert plan_rounds(instance, seed=4, time_limit=5).rounds == first.rounds
    assert plan_rounds(instance, seed=5, time_limit=5).rounds != first.rounds


@pytest.mark.parametrize(("rounds", "bound"), [(11, 32), (12, 80)])
def test_past_ten_rounds_the_bound_is_met_at_once(rounds: int, bound: int) -> None:
    instance = cafe(32, 8, rounds)
    plan = plan_rounds(instance, time_limit=0)
    assert plan.score.valid
    assert plan.score.repeat_pairs == lower_bound(instance) == bound


def test_a_themed_32_person_cafe_keeps_zero_repeats() -> None:
    instance = cafe(32, 8, 10, themes=4)
    plan = plan_rounds(instance, seed=1, time_limit=2)
    assert plan.score.valid
    assert plan.score.repeat_pairs == 0
