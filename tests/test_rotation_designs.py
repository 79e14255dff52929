"""Resolvable designs built at run time: every pair meets exactly once, every round seats all."""

from __future__ import annotations

from itertools import combinations

import pytest

from worldcafe.rotation import Instance, TableSpec, plan_rounds
from worldcafe.rotation.designs import affine_lines, product_rounds, resolvable_rounds


def check_design(rounds: tuple[tuple[tuple[int, ...], ...], ...], v: int, k: int) -> None:
    assert len(rounds) == (v - 1) // (k - 1)
    met: set[tuple[int, int]] = set()
    for rnd in rounds:
        assert sorted(p for group in rnd for p in group) == list(range(v))
        assert all(len(group) == k for group in rnd)
        for group in rnd:
            for pair in combinations(sorted(group), 2):
                assert pair not in met
                met.add(pair)
    assert len(met) == v * (v - 1) // 2


@pytest.mark.parametrize(
    ("v", "k"),
    [(9, 3), (15, 3), (27, 3), (45, 3), (81, 3), (135, 3), (16, 4), (64, 4), (25, 5), (49, 7)],
)
def test_constructed_designs_seat_every_pair_exactly_once(v: int, k: int) -> None:
    check_design(resolvable_rounds(v, k), v, k)


def test_shapes_without_a_construction_get_none() -> None:
    assert resolvable_rounds(36, 6) == ()  # no two orthogonal Latin squares of order 6
    assert resolvable_rounds(20, 3) == ()  # 20 is no multiple of 3
    assert resolvable_rounds(21, 3) == ()  # KTS(21) exists but is left to the search


def test_affine_space_lines_fall_into_parallel_classes() -> None:
    lines = affine_lines(3, 3)
    check_design(tuple(tuple(tuple(g) for g in rnd) for rnd in lines), 27, 3)


def test_a_product_needs_units_for_its_transversal_design() -> None:
    first = [[list(range(3))]]
    assert product_rounds(first, 3, [[[0, 1, 2, 3]]], 4, 3) == []  # 2 divides 4


@pytest.mark.parametrize(("v", "k", "themes"), [(15, 3, 0), (45, 3, 3), (64, 4, 4), (125, 5, 0)])
def test_the_planner_reaches_zero_repeats_on_constructed_shapes(
    v: int, k: int, themes: int
) -> None:
    rounds = themes if themes else (v - 1) // (k - 1)
    tables = [TableSpec(f"t{j}", f"theme {j % themes}" if themes else "", k) for j in range(v // k)]
    instance = Instance([f"p{i}" for i in range(v)], tables, rounds)
    plan = plan_rounds(instance, seed=3, time_limit=2.0)
    assert plan.score.valid and plan.score.repeat_pairs == 0
    assert plan.score.theme_coverage == 1.0
    assert plan_rounds(instance, seed=3, time_limit=2.0).rounds == plan.rounds
