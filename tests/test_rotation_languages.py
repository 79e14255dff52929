"""A common language at every table is a hard constraint: never broken where a plan keeps it."""

from __future__ import annotations

import random

import pytest

from tests.test_rotation import check_hard
from worldcafe.rotation import Instance, TableSpec, plan_rounds
from worldcafe.rotation.people import languages_of


def planted(n: int, size: int, rounds: int, themes: int, seed: int, *, hosts: bool) -> Instance:
    """A café whose languages are drawn around one seating in which every table shares a
    language (most English, some German or Polish only): so a plan keeping a common language
    at every table exists (that seating in every round). People come from countries of very
    different sizes, and some at the local tables speak nothing but the local language."""
    rng = random.Random(seed)
    m = n // size
    people = [f"p{i:03d}" for i in range(n)]
    tables = [TableSpec(f"t{j}", f"theme {j % themes}", size + 1) for j in range(m)]
    attributes: dict[str, dict[str, object]] = {}
    for j in range(m):
        local = ["en", "en", "en", "de", "en", "pl"][j % 6]
        for p in people[j * size : (j + 1) * size]:
            own = {"de": "Germany", "pl": "Poland"}.get(local) or rng.choice(
                ["Spain", "Spain", "Spain", "Italy", "Italy", "France", "Kenya", "Chile"]
            )
            spoken = [local] if local != "en" and rng.random() < 0.5 else [local, "en"]
            attributes[p] = {
                "country": own,
                "city": f"{own} {rng.randrange(3)}",
                "languages": spoken,
            }
    order = list(people)
    rng.shuffle(order)  # the planted seating is not the order people come in
    host_of = {f"t{j}": people[j * size] for j in range(m)} if hosts else {}
    return Instance(
        order,
        tables,
        rounds,
        host_of,
        attributes=attributes,
        mix=("country", "city"),
        common_language=True,
    )


@pytest.mark.parametrize(
    ("n", "size", "rounds", "themes", "seed", "hosts"),
    [(36, 4, 3, 3, 1, False), (48, 6, 4, 4, 2, True), (240, 5, 3, 3, 3, False)],
)
def test_no_table_lacks_a_common_language_when_a_plan_without_one_exists(
    n: int, size: int, rounds: int, themes: int, seed: int, hosts: bool
) -> None:
    instance = planted(n, size, rounds, themes, seed, hosts=hosts)
    plan = plan_rounds(instance, seed=seed, time_limit=1.0)
    check_hard(instance, plan.rounds)
    assert plan.score.language_violations == 0
    spoken = languages_of(instance)
    for rnd in plan.rounds:
        for members in rnd.values():
            assert frozenset.intersection(*(spoken[p] for p in members))


def test_a_large_cafe_with_languages_is_planned_the_same_for_a_seed() -> None:
    instance = planted(240, 5, 3, 3, 4, hosts=False)
    first = plan_rounds(instance, seed=7, time_limit=1.0)
    assert plan_rounds(instance, seed=7, time_limit=1.0).rounds == first.rounds


def test_where_no_table_can_share_a_language_mixing_and_repeats_still_reach_their_bounds() -> None:
    # 12 people at 3 themed tables over 3 rounds, each speaking one of 6 languages (2 each):
    # every table of 4 lacks a common language whatever the plan, and the two people of
    # Leipzig (and of Lyon) are the two speakers of their language
    spoken = ["de", "en", "fr", "es", "it", "pl"]
    cities = ["Leipzig", "Bristol", "Lyon", "Valencia", "Bologna", "Krakow"]
    cities += ["Leipzig", "Cork", "Lyon", "Sevilla", "Torino", "Gdansk"]
    people = [f"p{i}" for i in range(12)]
    instance = Instance(
        people,
        [TableSpec(t, theme, 5) for t, theme in [("t1", "Heat"), ("t2", "Water"), ("t3", "Trees")]],
        3,
        {},
        attributes={
            p: {"city": cities[i], "languages": [spoken[i % 6]]} for i, p in enumerate(people)
        },
        mix=("city",),
        common_language=True,
    )
    plan = plan_rounds(instance, seed=1, time_limit=1.0)
    check_hard(instance, plan.rounds)
    assert plan.score.language_violations == 9  # every table, forced
    assert plan.score.theme_coverage == 1.0
    assert plan.score.mix_excess == 0
    assert plan.score.repeat_pairs == plan.lower_bound == 12
