"""Resolvable designs built at run time: every pair meets exactly once, every round seats all."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest

from tests.design_check import is_resolvable_design
from worldcafe.cli import main
from worldcafe.rotation import Instance, TableSpec, parse_instance, plan_rounds, score_plan
from worldcafe.rotation.designs import (
    affine_lines,
    design_recipe,
    design_rounds,
    inflated_rounds,
    product_rounds,
    resolvable_rounds,
)
from worldcafe.rotation.frames import DESIGN, ONE_BLOCK, TRANSVERSAL, frame_rounds
from worldcafe.rotation.rotational import (
    ROTATIONAL,
    quadruple_plan,
    quadruple_rounds,
    rotational_fours,
)

Design = tuple[tuple[tuple[int, ...], ...], ...]
MISSING_FOURS = [712, 748, 904, 1420]  # v = 4 mod 12 up to 1,500 without a construction
MISSING_FOURS_UP_TO_400 = [v for v in MISSING_FOURS if v <= 400]


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


def test_every_kirkman_system_up_to_300_is_constructed_and_valid() -> None:
    """All v = 3 mod 6 up to 300 but the few left to the search (docs/designs.md), through
    every kind of construction: affine spaces, GF(q) cyclotomy, products, doublings."""
    missing = []
    for v in range(3, 301, 6):
        design = resolvable_rounds(v, 3)
        if not design:
            missing.append(v)
        else:
            assert is_resolvable_design(design, v, 3), v
    assert missing == []
    kinds = {str(design_recipe(v, 3)[0]) for v in range(3, 301, 6) if design_recipe(v, 3)}
    assert kinds == {
        "block",
        "affine",
        "double",
        "triple",
        "cyclic",
        "product",
        "design",
        "transversal",
        "frame",
        "inflate",
    }


def test_large_kirkman_systems_have_a_recipe_and_give_their_first_rounds() -> None:
    known = [v for v in range(3, 1501, 6) if design_recipe(v, 3)]
    assert len(known) == 250 - 5
    assert design_recipe(885, 3) == ("transversal", 7, 63, 1)  # a TD(7, 63) and one more point
    first = resolvable_rounds(885, 3, 4)
    assert len(first) == 4 and all(
        sorted(p for g in r for p in g) == list(range(885)) for r in first
    )
    met = [frozenset(pair) for r in first for g in r for pair in combinations(g, 2)]
    assert len(set(met)) == len(met)
    assert resolvable_rounds(57, 3, 20) == resolvable_rounds(57, 3)[:20]


@pytest.mark.parametrize(
    ("k", "recipe"),
    [
        (3, (1, 4, 4, 1, TRANSVERSAL)),  # a TD(4, 4) weighted 2, filled with KTS(9) and oo: 33
        (3, (3, 4, 1, 3, ONE_BLOCK)),  # KTS(9) less a point, weighted 3, with KTS(9): 27
        (3, (1, 10, 1, 7, ONE_BLOCK)),  # KTS(21) less a point, weighted 7, with KTS(15): 141
        (3, (1, 7, 7, 1, TRANSVERSAL)),  # a TD(7, 7), filled with KTS(15): 99
        (3, (3, 9, 3, 3, DESIGN)),  # a 2-(28, 4, 1) design less a point: 165
        (3, (1, 58, 1, 4, ONE_BLOCK)),  # weighted 4 over GF(4): 465
        (4, (1, 5, 1, 9, ONE_BLOCK)),  # AG(2, 4) less a point, weighted 9, with 28: 136
        (4, (4, 5, 1, 4, ONE_BLOCK)),  # the same weighted 4, with 16 and oo_1..oo_4: 64
        (4, (1, 5, 5, 1, TRANSVERSAL)),  # a TD(5, 5) weighted 3, with 16: 76
        (4, (4, 6, 4, 1, DESIGN)),  # a 2-(25, 5, 1) design less a point, with 16: 76
    ],
)
def test_filled_frames_seat_every_pair_exactly_once(
    k: int, recipe: tuple[int, int, int, int, int]
) -> None:
    extra, u, h, m, _ = recipe
    v = (k - 1) * h * m * u + extra
    rounds = frame_rounds(recipe, k, design_rounds)
    assert is_resolvable_design(tuple(tuple(tuple(g) for g in r) for r in rounds), v, k)
    assert frame_rounds(recipe, k, design_rounds, 5) == rounds[:5]


def test_frames_fill_orders_no_other_construction_reaches() -> None:
    for k, step, known in ((3, 6, {141, 165, 213, 411, 1491}), (4, 12, {136, 652, 1492})):
        framed = [v for v in range(k, 1501, step) if (design_recipe(v, k) or ("",))[0] == "frame"]
        assert known <= set(framed)
        for v in framed[:5]:
            assert is_resolvable_design(resolvable_rounds(v, k), v, k), v


@pytest.mark.parametrize(("v", "k", "m"), [(231, 3, 7), (285, 3, 5), (280, 4, 7)])
def test_inflated_designs_seat_every_pair_exactly_once(v: int, k: int, m: int) -> None:
    """A design on v/m people less a round, each table a resolvable TD(k, m), and a design on
    k*m people in every group G x Z_m; prefixes cross from the one part to the other."""
    assert design_recipe(v, k) == ("inflate", m)
    whole = resolvable_rounds(v, k)
    assert is_resolvable_design(whole, v, k)
    inflated = ((v // m - 1) // (k - 1) - 1) * m
    assert (
        inflated_rounds(v, k, m, inflated + 2)
        == [[list(g) for g in r] for r in whole][: inflated + 2]
    )


def test_kirkman_69_is_invariant_under_z23() -> None:
    design = resolvable_rounds(69, 3)
    assert design_recipe(69, 3) == ("cyclic", 23)
    assert is_resolvable_design(design, 69, 3)
    shifted = {
        frozenset(frozenset((p // 23) * 23 + (p + 1) % 23 for p in g) for g in r) for r in design
    }
    assert shifted == {frozenset(frozenset(g) for g in r) for r in design}


def test_tables_of_four_up_to_400_are_constructed_and_valid() -> None:
    """Every v = 4 mod 12 up to 400 but those left to the search: GF(q) cyclotomy, affine
    spaces, products, frames, inflations and the 1-rotational designs over Z_n."""
    missing = []
    for v in range(4, 401, 12):
        design = resolvable_rounds(v, 4)
        if not design:
            missing.append(v)
        else:
            assert is_resolvable_design(design, v, 4), v
    assert missing == MISSING_FOURS_UP_TO_400
    left = [v for v in range(4, 1501, 12) if design_recipe(v, 4) is None]
    assert left == MISSING_FOURS


@pytest.mark.parametrize("n", sorted(ROTATIONAL))
def test_rotational_designs_seat_every_pair_exactly_once(n: int) -> None:
    """Each stored base round over Z_n x 3 and oo, translated, is a resolvable design on
    3n + 1 people at tables of 4; prefixes are the first rounds."""
    v = 3 * n + 1
    assert design_recipe(v, 4) == ("rotational", n)
    whole = resolvable_rounds(v, 4)
    assert is_resolvable_design(whole, v, 4)
    assert rotational_fours(n, 3) == [[list(g) for g in r] for r in whole[:3]]


@pytest.mark.parametrize("q", [13, 19, 25, 43, 49, 97])
def test_designs_on_four_copies_of_a_field_seat_every_pair_exactly_once(q: int) -> None:
    """4q people over GF(q) x 4 by cyclotomy (q = 25, 49: fields of p**2); prefixes are the
    first rounds, across the translates and the rounds invariant under them."""
    whole = quadruple_rounds(q)
    assert is_resolvable_design(tuple(tuple(tuple(g) for g in r) for r in whole), 4 * q, 4)
    assert quadruple_rounds(q, q + 2) == whole[: q + 2]


def test_four_copies_serve_the_orders_nothing_else_reaches() -> None:
    assert quadruple_plan(7) is None  # 28 people: no choice of cosets works
    assert quadruple_rounds(7) == []
    assert [design_recipe(v, 4) for v in (100, 172, 388)] == [
        ("quadruple", 25),
        ("quadruple", 43),
        ("quadruple", 97),
    ]
    assert design_recipe(52, 4) == ("fours", 17)  # the 3q + 1 construction comes first


def test_designs_on_100_people_give_400_and_more() -> None:
    """400 = 4 x 100 (a product over a resolvable TD(4, 100)); 484 and 1252 frames filled
    with designs on 100 people (and four more each)."""
    assert design_recipe(400, 4) == ("product", 4)
    assert is_resolvable_design(resolvable_rounds(400, 4), 400, 4)
    assert design_recipe(484, 4) == ("frame", 4, 5, 1, 32, ONE_BLOCK)
    assert is_resolvable_design(resolvable_rounds(484, 4), 484, 4)
    assert design_recipe(1252, 4) == ("frame", 4, 13, 1, 32, ONE_BLOCK)


def test_shapes_without_a_construction_get_none() -> None:
    assert resolvable_rounds(36, 6) == ()  # no two orthogonal Latin squares of order 6
    assert resolvable_rounds(20, 3) == ()  # 20 is no multiple of 3


def test_affine_space_lines_fall_into_parallel_classes() -> None:
    lines = affine_lines(3, 3)
    check_design(tuple(tuple(tuple(g) for g in rnd) for rnd in lines), 27, 3)


def test_a_product_needs_a_resolvable_transversal_design() -> None:
    first = [[list(range(3))]]
    assert product_rounds(first, 3, [[list(range(6))]], 6, 3) == []  # 2 is a part of 6


@pytest.mark.parametrize(
    ("v", "k", "themes", "rounds"),
    [
        (15, 3, 0, 7),
        (45, 3, 3, 3),
        (64, 4, 4, 4),
        (125, 5, 0, 31),
        (21, 3, 0, 10),
        (57, 3, 0, 28),
        (63, 3, 7, 7),
        (40, 4, 0, 13),
    ],
)
def test_the_planner_reaches_zero_repeats_on_constructed_shapes(
    v: int, k: int, themes: int, rounds: int
) -> None:
    tables = [TableSpec(f"t{j}", f"theme {j % themes}" if themes else "", k) for j in range(v // k)]
    instance = Instance([f"p{i}" for i in range(v)], tables, rounds)
    plan = plan_rounds(instance, seed=3, time_limit=2.0)
    assert plan.score.valid and plan.score.repeat_pairs == 0
    assert plan.score.theme_coverage == 1.0
    assert plan_rounds(instance, seed=3, time_limit=2.0).rounds == plan.rounds


@pytest.mark.parametrize("seed", range(4))
def test_21_people_at_7_tables_meet_7_themes_without_a_repeat(seed: int) -> None:
    # the grid over Z_7 with rows distinct modulo 7 (table x has theme x mod 7): no pair meets
    # twice and everyone visits a new theme each round; the Kirkman system's rounds, matched
    # to the themes by search, can leave repeats (9 for seed 0)
    tables = [TableSpec(f"t{j}", f"theme {j % 7}", 3) for j in range(7)]
    instance = Instance([f"p{i}" for i in range(21)], tables, 7)
    plan = plan_rounds(instance, seed=seed, time_limit=2.0)
    assert plan.score.valid and plan.score.theme_coverage == 1.0
    assert plan.score.repeat_pairs == 0


@pytest.mark.parametrize(("v", "k", "rounds"), [(33, 3, 16), (63, 3, 12), (40, 4, 13)])
def test_plan_files_get_zero_repeats_on_design_shapes(
    v: int, k: int, rounds: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = {
        "participants": [f"p{i}" for i in range(v)],
        "tables": [{"id": f"t{j}", "theme": "", "capacity": k} for j in range(v // k)],
        "n_rounds": rounds,
    }
    path = tmp_path / "cafe.json"
    path.write_text(json.dumps(raw))
    assert main(["plan", str(path), "--seed", "4", "--time-limit", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    instance = parse_instance(raw)
    score = score_plan(instance, out["rounds"])
    assert len(out["rounds"]) == rounds and score.valid and score.repeat_pairs == 0
