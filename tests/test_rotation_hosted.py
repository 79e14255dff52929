"""Dense cafés with a host at every table: seated from a construction, repeat-free."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import pytest

from worldcafe.rotation import Instance, TableSpec, plan_rounds
from worldcafe.rotation.constructions import cyclic_hosted_rounds


def hosted(n_tables: int, travellers: int, themes: int, rounds: int) -> Instance:
    n = n_tables * (travellers + 1)
    people = [f"p{i:03d}" for i in range(n)]
    tables = [
        TableSpec(f"t{j:02d}", f"theme {j % themes}", travellers + 1) for j in range(n_tables)
    ]
    hosts = {f"t{j:02d}": people[j] for j in range(n_tables)}
    return Instance(people, tables, rounds, hosts)


@pytest.mark.parametrize(
    ("n_tables", "travellers", "themes", "rounds"),
    [(7, 4, 7, 6), (8, 5, 4, 4), (8, 4, 4, 6), (12, 6, 6, 6), (10, 5, 5, 5), (15, 5, 5, 5)],
)
def test_hosted_dense_cafes_reach_zero_with_full_coverage(
    n_tables: int, travellers: int, themes: int, rounds: int
) -> None:
    instance = hosted(n_tables, travellers, themes, rounds)
    plan = plan_rounds(instance, seed=3, time_limit=5.0)
    assert plan.score.valid
    assert plan.score.repeat_pairs == 0
    assert plan.score.theme_coverage == pytest.approx(1.0)
    assert plan.lower_bound == 0
    for rnd in plan.rounds:
        for tid, host in instance.hosts.items():
            assert host in rnd[tid]


def test_hosted_construction_is_deterministic() -> None:
    instance = hosted(8, 5, 4, 4)
    first = plan_rounds(instance, seed=11, time_limit=2.0)
    again = plan_rounds(instance, seed=11, time_limit=2.0)
    assert first.rounds == again.rounds


@pytest.mark.parametrize(
    ("themes", "per_theme", "travellers", "rounds"),
    [(5, 2, 5, 5), (5, 2, 5, 4), (5, 3, 5, 5), (4, 2, 4, 4), (6, 2, 5, 6), (3, 3, 4, 3)],
)
def test_cyclic_hosted_rounds_meet_nobody_twice_and_no_theme_twice(
    themes: int, per_theme: int, travellers: int, rounds: int
) -> None:
    built = cyclic_hosted_rounds(themes, per_theme, travellers, rounds)
    assert len(built) == rounds
    everyone = sorted((a, k) for a in range(per_theme * travellers) for k in range(themes))
    meet: Counter[tuple[object, object]] = Counter()
    seen: dict[tuple[int, int], set[int]] = {p: set() for p in everyone}
    for rnd in built:
        assert len(rnd) == themes * per_theme
        assert sorted(p for table in rnd for p in table) == everyone
        for t, table in enumerate(rnd):
            assert len(table) == travellers
            meet.update(combinations([("host", t), *table], 2))
            for p in table:
                seen[p].add(t // per_theme)
    assert max(meet.values()) == 1
    assert all(len(themes_seen) == rounds for themes_seen in seen.values())


def test_cyclic_hosted_rounds_are_invariant_under_the_theme_shift() -> None:
    per_theme = 2
    for rnd in cyclic_hosted_rounds(5, per_theme, 5, 5):
        for t, table in enumerate(rnd):
            theme, e = divmod(t, per_theme)
            shifted = rnd[((theme + 1) % 5) * per_theme + e]
            assert sorted((a, (k + 1) % 5) for a, k in table) == sorted(shifted)


def test_cyclic_hosted_rounds_refuse_more_rounds_than_themes() -> None:
    assert cyclic_hosted_rounds(4, 2, 4, 5) == []


def test_the_60_person_hosted_cafe_with_5_themes_is_planned_repeatably() -> None:
    instance = hosted(10, 5, 5, 5)
    first = plan_rounds(instance, seed=2, time_limit=5.0)
    assert first.score.repeat_pairs == 0
    assert first.score.theme_coverage == pytest.approx(1.0)
    assert plan_rounds(instance, seed=2, time_limit=5.0).rounds == first.rounds
