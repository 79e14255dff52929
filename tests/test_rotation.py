"""The seating planner: hard constraints, determinism, input checks, bounds and re-planning."""

from __future__ import annotations

import json
import random
from itertools import combinations
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worldcafe.rotation import (
    Instance,
    InstanceError,
    TableSpec,
    instance_to_json,
    lower_bound,
    parse_instance,
    plan_rounds,
    score_plan,
)
from worldcafe.rotation.scoring import missing_themes_bound


def cafe(
    n: int,
    tables: int,
    rounds: int,
    *,
    capacity: int | None = None,
    themes: int = 0,
    hosts: int = 0,
) -> Instance:
    """A café of n people p0.. at tables t0.. (themes assigned round robin, hosts p0..)."""
    cap = capacity if capacity is not None else -(-n // tables)
    specs = [
        TableSpec(f"t{j}", f"theme {j % themes}" if themes else "", cap) for j in range(tables)
    ]
    people = [f"p{i}" for i in range(n)]
    return Instance(people, specs, rounds, {f"t{j}": f"p{j}" for j in range(hosts)})


def check_hard(instance: Instance, rounds: list[dict[str, list[str]]]) -> None:
    """Every hard constraint, checked here independently of score_plan."""
    assert len(rounds) == instance.n_rounds
    caps = {t.id: t.capacity for t in instance.tables}
    for r, rnd in enumerate(rounds):
        there = instance.participants if instance.present is None else instance.present[r]
        seated = [p for members in rnd.values() for p in members]
        assert sorted(seated) == sorted(there), f"round {r}: not everyone present seated once"
        sizes = [len(m) for m in rnd.values()]
        assert max(sizes, default=0) - min(sizes, default=0) <= 1
        for tid, members in rnd.items():
            assert len(members) <= caps[tid]
        for tid, host in instance.hosts.items():
            if host in there:
                assert host in rnd[tid]
        if r < len(instance.rounds):
            assert rnd == instance.rounds[r]


def repeats(rounds: list[dict[str, list[str]]]) -> int:
    seen: dict[tuple[str, str], int] = {}
    for rnd in rounds:
        for members in rnd.values():
            for pair in combinations(sorted(members), 2):
                seen[pair] = seen.get(pair, 0) + 1
    return sum(m - 1 for m in seen.values() if m > 1)


@st.composite
def cafes(draw: st.DrawFn) -> Instance:
    """Small random cafés with hosts, themes, absentees and sometimes a played round."""
    n_tables = draw(st.integers(1, 5))
    n = draw(st.integers(1, 24))
    cap = draw(st.integers(max(1, -(-n // n_tables)), max(1, -(-n // n_tables)) + 2))
    themes = draw(st.integers(0, 3))
    n_rounds = draw(st.integers(1, 4))
    hosts = draw(st.integers(0, min(n_tables, n)))
    instance = cafe(n, n_tables, n_rounds, capacity=cap, themes=themes, hosts=hosts)
    if draw(st.booleans()):
        rng = random.Random(draw(st.integers(0, 1000)))
        instance.present = [
            [p for p in instance.participants if rng.random() < 0.8] for _ in range(n_rounds)
        ]
    if draw(st.booleans()) and n_rounds > 1:
        first = plan_rounds(
            Instance(
                instance.participants, instance.tables, 1, instance.hosts, [], instance.present[:1]
            )
            if instance.present
            else Instance(instance.participants, instance.tables, 1, instance.hosts),
            seed=1,
            time_limit=0.05,
        )
        instance.rounds = first.rounds
    return instance


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cafes(), st.integers(0, 3))
def test_plans_keep_every_hard_constraint(instance: Instance, seed: int) -> None:
    plan = plan_rounds(instance, seed=seed, time_limit=0.05)
    check_hard(instance, plan.rounds)
    assert plan.score.valid, plan.score.problems
    assert plan.score.repeat_pairs == repeats(plan.rounds)
    assert plan.score.repeat_pairs >= lower_bound(instance)


@settings(max_examples=25, deadline=None)
@given(cafes())
def test_plans_survive_the_json_contract(instance: Instance) -> None:
    plan = plan_rounds(instance, time_limit=0.02)
    text = json.dumps(instance_to_json(instance, plan.rounds))
    again = parse_instance(json.loads(text))
    assert again.rounds == plan.rounds
    assert score_plan(again, again.rounds) == plan.score


@pytest.mark.parametrize(
    "instance",
    [cafe(60, 12, 3, themes=3, hosts=12), cafe(62, 12, 3, capacity=6, themes=3), cafe(30, 6, 5)],
)
def test_same_seed_same_plan(instance: Instance) -> None:
    first = plan_rounds(instance, seed=7, time_limit=20)
    second = plan_rounds(instance, seed=7, time_limit=20)
    assert first.rounds == second.rounds
    assert first.score == second.score


def test_other_seeds_other_plans() -> None:
    instance = cafe(60, 12, 3, themes=3)
    assert plan_rounds(instance, seed=1).rounds != plan_rounds(instance, seed=2).rounds


def test_the_kirkman_size_square_reaches_zero_repeats() -> None:
    plan = plan_rounds(cafe(16, 4, 5), time_limit=5)
    assert plan.score.repeat_pairs == 0
    assert plan.lower_bound == 0


def test_a_small_classic_case_reaches_zero_repeats() -> None:
    plan = plan_rounds(cafe(20, 5, 4), seed=3, time_limit=10)
    assert plan.score.repeat_pairs == 0
    assert plan.score.max_meetings == 1


def test_a_dense_themed_workshop_gets_zero_repeats_and_full_coverage() -> None:
    plan = plan_rounds(cafe(30, 6, 5, themes=3), time_limit=10)
    assert plan.score.repeat_pairs == 0
    assert plan.score.theme_coverage == 1.0


def test_one_round_past_the_limit_meets_its_bound() -> None:
    instance = cafe(32, 8, 11)
    plan = plan_rounds(instance, time_limit=0)
    assert plan.score.repeat_pairs == lower_bound(instance) == 32


def test_every_traveller_visits_every_theme() -> None:
    plan = plan_rounds(cafe(60, 12, 3, themes=3, hosts=12), time_limit=5)
    assert plan.score.theme_coverage == 1.0
    assert plan.score.repeat_pairs == 0
    assert all(plan.rounds[r][f"t{j}"][0] == f"p{j}" for r in range(3) for j in range(12))


def test_uneven_head_count_still_covers_every_theme() -> None:
    plan = plan_rounds(cafe(62, 12, 3, capacity=6, themes=3), time_limit=5)
    assert plan.score.valid
    assert plan.score.theme_coverage == 1.0
    assert plan.score.repeat_pairs == 0


def test_hosts_never_move() -> None:
    instance = cafe(25, 5, 4, themes=5, hosts=5)
    plan = plan_rounds(instance, time_limit=1)
    for rnd in plan.rounds:
        for tid, host in instance.hosts.items():
            assert host in rnd[tid]


def test_replanning_keeps_the_played_round_and_seats_the_newcomers() -> None:
    people = [f"p{i}" for i in range(127)]
    tables = [TableSpec(f"t{j}", ["a", "b", "c"][j % 3], 6) for j in range(24)]
    first = plan_rounds(Instance(people[:120], tables, 4, present=[people[:120]] * 4))
    rng = random.Random(5)
    leavers = set(rng.sample(people[:120], 4))
    later = [p for p in people if p not in leavers]
    instance = Instance(people, tables, 4, {}, first.rounds[:1], [people[:120]] + [later] * 3)
    plan = plan_rounds(instance, time_limit=5)
    assert plan.rounds[0] == first.rounds[0]
    check_hard(instance, plan.rounds)
    assert plan.score.repeat_pairs == 0
    assert plan.score.theme_coverage == 1.0


def test_absent_people_are_not_seated() -> None:
    instance = cafe(12, 3, 3)
    instance.present = [instance.participants, instance.participants[:9], instance.participants]
    plan = plan_rounds(instance, time_limit=0.5)
    assert "p10" not in [p for m in plan.rounds[1].values() for p in m]
    check_hard(instance, plan.rounds)


def test_a_closed_table_stays_closed_when_too_few_come() -> None:
    specs = [TableSpec("small", "", 2), TableSpec("a", "", 6), TableSpec("b", "", 6)]
    instance = Instance([f"p{i}" for i in range(12)], specs, 2)
    plan = plan_rounds(instance, time_limit=0.2)
    assert all(set(rnd) == {"a", "b"} for rnd in plan.rounds)


@pytest.mark.parametrize(
    ("n", "tables", "rounds", "themes", "expected"),
    [
        (9, 3, 4, 0, 0),  # the affine plane of order 3
        (9, 3, 5, 0, 9),  # one round too many: every pair has met
        (32, 8, 10, 0, 0),
        (32, 8, 11, 0, 32),  # 11 * 48 pair meetings, 496 pairs
        (20, 4, 3, 0, 8),  # tables of 5 split over 4 tables: pigeonhole
        (36, 6, 4, 0, 2),  # no two orthogonal Latin squares of order 6
        (36, 6, 3, 0, 0),
    ],
)
def test_lower_bound_on_known_cases(
    n: int, tables: int, rounds: int, themes: int, expected: int
) -> None:
    assert lower_bound(cafe(n, tables, rounds, themes=themes)) == expected


def test_full_coverage_bound_counts_theme_changes() -> None:
    instance = cafe(20, 4, 3, themes=4)
    assert lower_bound(instance) == 8
    assert lower_bound(instance, full_coverage=True) == 16
    plan = plan_rounds(instance, time_limit=2)
    assert plan.score.theme_coverage == 1.0
    assert plan.lower_bound == 16
    assert plan.score.repeat_pairs >= 16


def test_bound_includes_played_repeats() -> None:
    instance = cafe(8, 2, 3)
    group = {"t0": [f"p{i}" for i in range(4)], "t1": [f"p{i}" for i in range(4, 8)]}
    instance.rounds = [group, group]
    assert lower_bound(instance) >= 12


def test_score_reports_broken_constraints() -> None:
    instance = cafe(6, 2, 1, themes=2, hosts=1)
    score = score_plan(instance, [{"t0": ["p1", "p2", "p3", "p4"], "t1": ["p0", "p5"]}])
    assert not score.valid
    assert any("host" in p for p in score.problems)
    assert any("2 and 4" in p for p in score.problems)
    assert score.size_imbalance == 2


def base() -> dict[str, Any]:
    return {
        "participants": ["a", "b", "c", "d"],
        "tables": [
            {"id": "t1", "theme": "x", "capacity": 2},
            {"id": "t2", "theme": None, "capacity": 2},
        ],
        "n_rounds": 2,
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"participants": ["a", "a", "b", "c"]}, "participant id 'a' appears twice"),
        ({"participants": "abcd"}, "participants must be a list"),
        ({"participants": ["a", 1.5]}, "participant id must be a string"),
        ({"n_rounds": 0}, "n_rounds must be between 1 and"),
        ({"n_rounds": True}, "n_rounds must be a whole number"),
        ({"tables": []}, "at least one table"),
        ({"tables": [{"id": "t1", "capacity": 2}, {"id": "t1", "capacity": 2}]}, "appears twice"),
        ({"tables": [{"id": "t1", "capacity": "two"}]}, "capacity must be a whole number"),
        ({"hosts": {"t9": "a"}}, "unknown table 't9'"),
        ({"hosts": {"t1": "zed"}}, "host 'zed' of table 't1' is not a participant"),
        ({"hosts": {"t1": "a", "t2": "a"}}, "hosts more than one table"),
        ({"present": [["a"]]}, "each of the 2 rounds"),
        ({"present": [["a", "q"], ["a"]]}, "unknown participant 'q'"),
        ({"rounds": [{"t1": ["a", "b", "c"], "t2": ["d"]}]}, "capacity 2"),
        ({"rounds": [{"t1": ["a", "b"], "t2": ["b", "c"]}]}, "seats participant 'b' twice"),
        ({"rounds": [{"t1": ["a", "b"], "t2": ["c"]}]}, "does not seat 'd'"),
        ({"rounds": [{"t3": ["a", "b"]}]}, "unknown table 't3'"),
        ({"rounds": [{}, {}, {}]}, "3 rounds played"),
        ({"participants": ["a", "b", "c", "d", "e"]}, "cannot sit at evenly filled tables"),
        (
            {"hosts": {"t1": "a"}, "rounds": [{"t1": ["b", "c"], "t2": ["a", "d"]}]},
            "seats host 'a' at table 't2'",
        ),
    ],
)
def test_bad_instances_are_refused_with_one_clear_line(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(InstanceError) as caught:
        parse_instance({**base(), **change})
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_not_an_object_is_refused() -> None:
    with pytest.raises(InstanceError, match="must be an object"):
        parse_instance([1, 2])


def test_json_round_trip_keeps_missing_themes_null() -> None:
    instance = parse_instance(base())
    out = instance_to_json(instance, [])
    assert out["tables"] == base()["tables"]
    assert "present" not in out


def test_empty_and_finished_cafes_plan_nothing_new() -> None:
    empty = parse_instance({**base(), "participants": []})
    assert plan_rounds(empty).rounds == [{}, {}]
    played = [{"t1": ["a", "b"], "t2": ["c", "d"]}, {"t1": ["a", "c"], "t2": ["b", "d"]}]
    done = parse_instance({**base(), "rounds": played})
    assert plan_rounds(done).rounds == played


def test_coverage_bound_when_themes_offer_uneven_seats() -> None:
    instance = cafe(150, 25, 4, capacity=7, themes=4)  # theme 0 has 7 tables, the others 6
    assert missing_themes_bound(instance) == 18
    plan = plan_rounds(instance, time_limit=5)
    assert plan.score.theme_coverage == pytest.approx(1 - 18 / 600)
    assert plan.score.repeat_pairs == 0
