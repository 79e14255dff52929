"""The planner's step budgets and the faster forms of its dear parts: each gives what the plain
form gives, and the dense search's work budget follows the shape."""

from __future__ import annotations

import random

import numpy as np
import pytest

from worldcafe.rotation import DENSE_WORK_PER_SECOND, Instance, TableSpec, plan_rounds
from worldcafe.rotation.constructions import _difference_rows
from worldcafe.rotation.dense import ITERATION_OVERHEAD, DenseSearch
from worldcafe.rotation.people_state import PeopleState
from worldcafe.rotation.search import Seating
from worldcafe.rotation.starts import greedy_round, seat_groups


def plain_difference_rows(
    g: int, m: int, want: int, node_limit: int, residues: int = 0
) -> list[list[int]]:
    """The depth-first search over sets, as first written."""
    best: list[list[int]] = [[0] * g]
    rows: list[list[int]] = [[0] * g]
    used = [[{0} for _ in range(g)] for _ in range(g)]
    nodes = 0

    def extend(row: list[int]) -> bool:
        nonlocal nodes, best
        nodes += 1
        if nodes > node_limit:
            return False
        a = len(row)
        if a == g:
            rows.append(list(row))
            if len(rows) > len(best):
                best = [list(r) for r in rows]
            for x in range(g):
                for y in range(g):
                    if x != y:
                        used[x][y].add((row[x] - row[y]) % m)
            if len(rows) >= want or extend([0]):
                return True
            rows.pop()
            for x in range(g):
                for y in range(g):
                    if x != y:
                        used[x][y].discard((row[x] - row[y]) % m)
            return False
        for v in range(m):
            if residues and a and any((f[a] - v) % residues == 0 for f in rows):
                continue
            if all((v - row[b]) % m not in used[a][b] for b in range(a)):
                row.append(v)
                if extend(row):
                    return True
                row.pop()
        return False

    extend([0])
    return best


@pytest.mark.parametrize(
    ("g", "m", "want", "residues"),
    [(3, 7, 5, 0), (6, 10, 5, 0), (6, 10, 5, 5), (7, 10, 5, 5), (4, 9, 5, 3), (5, 12, 6, 4)],
)
def test_difference_rows_over_bit_masks_are_the_rows_of_the_plain_search(
    g: int, m: int, want: int, residues: int
) -> None:
    assert _difference_rows(g, m, want, 3000, residues) == plain_difference_rows(
        g, m, want, 3000, residues
    )


def themed(n: int, tables: int, cap: int, rounds: int, themes: int) -> Instance:
    names = [f"theme {j % themes}" if themes else "" for j in range(tables)]
    specs = [TableSpec(f"t{j}", name, cap) for j, name in enumerate(names)]
    return Instance([f"p{i:03d}" for i in range(n)], specs, rounds)


def test_groups_go_to_the_tables_the_plain_rule_picks() -> None:
    """Largest group first, at the fitting free table its people sat on the theme of least
    often (then the larger table, then the first)."""
    instance = Instance(
        [f"p{i:02d}" for i in range(40)],
        [TableSpec(f"t{j}", f"theme {j % 3}", 5 + j % 2) for j in range(8)],
        4,
    )
    state = Seating(instance, random.Random(3))
    for r in range(3):
        greedy_round(state, r)
    people = list(range(40))
    random.Random(5).shuffle(people)
    groups = [people[k : k + 5] for k in range(0, 40, 5)]
    tables = list(state.open[3])
    expected = {}
    for group in sorted(groups, key=len, reverse=True):
        fits = [t for t in tables if state.cap[t] >= len(group)]
        best = min(
            fits,
            key=lambda t: sum(state.tcount[p][state.theme[t]] for p in group) - 1e-3 * state.cap[t],
        )
        tables.remove(best)
        expected.update({p: best for p in group})
    seat_groups(state, 3, groups)
    assert {p: state.seat[3][p] for p in people} == expected


def test_the_mixing_search_cost_is_the_sum_over_rounds() -> None:
    people = [f"p{i:02d}" for i in range(30)]
    attributes: dict[str, dict[str, object]] = {
        p: {"city": f"c{i % 4}", "languages": ["en", "de"] if i % 3 else ["fr"]}
        for i, p in enumerate(people)
    }
    instance = Instance(
        people,
        [TableSpec(f"t{j}", f"theme {j % 2}", 5) for j in range(6)],
        4,
        attributes=attributes,
        mix=("city",),
        common_language=True,
    )
    state = Seating(instance, random.Random(1))
    for r in range(4):
        greedy_round(state, r)
    arrays = PeopleState(state)
    n = arrays.n
    left, right = np.triu_indices(arrays.table.shape[2], 1)
    bad = apart = mix = 0
    repeats = spread = 0.0
    for r in range(4):
        a, b = arrays.table[r][:, left], arrays.table[r][:, right]
        real = (a < n) & (b < n)
        extra = np.where(real, arrays.meet[a, b] - 1, 0)
        share = np.where(real, arrays.meet[a, b], 1)
        repeats += float((extra / share).sum())
        spread += float((extra * extra / share).sum())
        mix += int(arrays.mix[a, b].sum())
        apart += int(arrays.apart[a, b].sum())
        bad += int(((arrays.table_masks(r) == 0) & arrays.is_open[r]).sum())
    assert arrays.check_lang
    assert arrays.cost()[:2] == (bad, apart)
    assert arrays.cost()[3:] == (round(repeats) + mix, round(spread) + mix)


def test_the_dense_search_stops_at_its_work_budget() -> None:
    """156 people at 26 tables of 6 over 31 rounds: an iteration weighs every round's meetings
    at least, so a budget of work allows at most that many iterations (and one more)."""
    instance = themed(156, 26, 6, 31, 0)
    state = Seating(instance, random.Random(0))
    for r in range(31):
        greedy_round(state, r)
    search = DenseSearch(state, (0, 0), float("inf"))
    calls = 0
    look = search.neighbourhood

    def counted(it: int, cost: int, best: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        nonlocal calls
        calls += 1
        return look(it, cost, best)

    search.neighbourhood = counted  # type: ignore[method-assign]
    work = DENSE_WORK_PER_SECOND // 10
    search.run(500, work)
    assert 1 <= calls <= work // (ITERATION_OVERHEAD + 31 * 156 * 156) + 1


def test_a_dear_dense_cafe_is_planned_the_same_for_a_seed() -> None:
    instance = themed(156, 26, 6, 31, 0)
    first = plan_rounds(instance, seed=4, time_limit=0.2)
    second = plan_rounds(instance, seed=4, time_limit=0.2)
    assert first.score.valid
    assert first.rounds == second.rounds


def test_a_large_cafe_asking_only_a_common_language_is_planned() -> None:
    """Beyond 200 people, a common language asked and nothing mixed: every table shares one."""
    people = [f"p{i:03d}" for i in range(210)]
    attributes: dict[str, dict[str, object]] = {
        p: {"languages": ["en"] if i % 2 else ["en", ("de", "fr")[i % 4 // 2]]}
        for i, p in enumerate(people)
    }
    instance = Instance(
        people,
        [TableSpec(f"t{j}", f"theme {j % 4}", 6) for j in range(35)],
        3,
        attributes=attributes,
        common_language=True,
    )
    plan = plan_rounds(instance, seed=0, time_limit=0.5)
    assert plan.score.valid
    assert plan.score.language_violations == 0
