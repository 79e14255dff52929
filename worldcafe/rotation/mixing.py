"""Planning cafés that mix people or need a common language at every table.

Two starts are built and the better one (by `Seating.cost`) is annealed (`anneal.py`):

- *dealt*: each round, the people are dealt to the tables like cards, sorted by the value
  groups of the attributes to mix (largest group first, group order and order within a group
  drawn anew each round), so each group is spread as evenly as the tables allow, which is the
  mix bound for the first attribute; then whole tables exchange places to gain theme coverage;
- *plain*: the planner's usual start (designs or greedy) that ignores who people are, when
  only mixing is asked; with a common language asked, the greedy start that seats first the
  people who share a language with fewest others.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from worldcafe.rotation.anneal import Anneal
from worldcafe.rotation.constructions import grid_rounds
from worldcafe.rotation.model import Instance
from worldcafe.rotation.people import mix_values
from worldcafe.rotation.search import Search, Seating
from worldcafe.rotation.starts import greedy_round, relabel, seat_groups, target_sizes

Snapshot = list[list[int]]


def _groups(instance: Instance, people: list[str]) -> list[list[tuple[int, int]]]:
    """Per person, per mixed attribute: (size of their value's group, value id); (0, -1) none."""
    out: list[list[tuple[int, int]]] = [[] for _ in people]
    for by_person in mix_values(instance).values():
        ids: dict[object, int] = {}
        size: dict[int, int] = {}
        for p in people:
            if p in by_person:
                v = ids.setdefault(by_person[p], len(ids))
                size[v] = size.get(v, 0) + 1
        for i, p in enumerate(people):
            v = ids.get(by_person[p], -1) if p in by_person else -1
            out[i].append((size.get(v, 0), v))
    return out


def dealt_round(state: Seating, r: int, groups: list[list[tuple[int, int]]]) -> None:
    """Seat round r by dealing people sorted by value groups around the tables."""
    rng = state.rng
    sizes = target_sizes(state, r)
    free = dict(sizes)
    for t in state.open[r]:
        h = state.host_of[t]
        if h >= 0 and state.seat[r][h] < 0 and h in set(state.present[r]):
            state.place(r, h, t)
            free[t] -= 1
    people = [p for p in state.present[r] if state.seat[r][p] < 0]
    people = _sorted_people(state, people, groups)
    tables = [t for t in state.open[r] if free[t] > 0]
    rng.shuffle(tables)
    k = 0
    for p in people:
        while free[tables[k % len(tables)]] <= 0:
            k += 1
        t = tables[k % len(tables)]
        state.place(r, p, t)
        free[t] -= 1
        k += 1


def _sorted_people(
    state: Seating, people: list[int], groups: list[list[tuple[int, int]]]
) -> list[int]:
    """People sorted by value groups, largest first; ties and group order drawn at random."""
    rng = state.rng
    draw: dict[tuple[int, int], float] = {}
    for p in people:
        for g in groups[p]:
            draw.setdefault(g, rng.random())
    noise = {p: rng.random() for p in people}
    return sorted(people, key=lambda p: ([(-g[0], draw[g]) for g in groups[p]], noise[p]))


def grid_deal(state: Seating, groups: list[list[tuple[int, int]]]) -> bool:
    """Seat every round from `grid_rounds` with people in rows by value groups: people of one
    row never meet, two people meet at most once; a group within a row is spread every round.
    Only for the grid's shape (no hosts, no history, all there, n = g * m, g <= m)."""
    if state.played or any(state.is_host) or state.n_rounds < 2:
        return False
    if any(
        len(state.present[r]) != state.n or state.open[r] != state.open[0]
        for r in range(state.n_rounds)
    ):
        return False
    tables = state.open[0]
    m = len(tables)
    g, rest = divmod(state.n, m) if m else (0, 1)
    if rest or g < 2 or g > m or any(state.cap[t] < g for t in tables):
        return False
    by_theme: dict[int, list[int]] = {}
    for t in tables:
        by_theme.setdefault(state.theme[t], []).append(t)
    themes = sorted(by_theme)
    n_themes = len(themes)
    built: list[list[list[int]]] = []
    if (
        state.themed
        and g + 1 <= m
        and n_themes >= state.n_rounds
        and all(len(ts) * n_themes == m for ts in by_theme.values())
    ):  # table x gets theme x mod T; rows 1..g of F distinct mod T: a new theme every round
        # (row 0, which stays put, is left empty)
        built = [
            [[x - m for x in group if x >= m] for group in rnd]
            for rnd in grid_rounds(g + 1, m, state.n_rounds, residues=n_themes)
        ]
    if len(built) == state.n_rounds:
        at = [by_theme[themes[x % n_themes]][x // n_themes] for x in range(m)]
    else:
        at = []
        built = grid_rounds(g, m, state.n_rounds)
        if len(built) < state.n_rounds:
            return False
    order = _sorted_people(state, list(range(state.n)), groups)
    for r, rnd in enumerate(built):
        if at:
            for x, group in enumerate(rnd):
                for i in group:
                    state.place(r, order[i], at[x])
        else:
            seat_groups(state, r, [[order[i] for i in group] for group in rnd])
    return True


def _reached(cost: tuple[int, int, int, int], target: tuple[int, int]) -> bool:
    lang, theme, wasted, spread = cost
    return lang == 0 and theme <= target[0] and wasted <= target[1] and spread == wasted


def _clear(state: Seating) -> None:
    for r in range(state.played, state.n_rounds):
        for p in state.present[r]:
            if state.seat[r][p] >= 0:
                state.unplace(r, p)


def plan_with_people(
    instance: Instance,
    state: Seating,
    plain_start: Callable[[Seating, int], None],
    target: tuple[int, int],
    time_limit: float,
    started: float,
    steps_per_second: int,
) -> tuple[Seating, Snapshot]:
    """Start each way (stopping at one that reaches the target), keep the best, anneal;
    the state and the best seats found."""
    deadline = started + max(0.0, time_limit)
    groups = _groups(instance, state.people) if instance.mix else []
    best: tuple[tuple[int, int, int, int], Snapshot] | None = None
    for way in ("grid", "dealt", "plain"):
        if best is not None and _reached(best[0], target):
            break
        _clear(state)
        if way == "grid" and not (instance.mix and grid_deal(state, groups)):
            continue
        if way == "plain" and instance.common_language:
            for r in range(state.played, state.n_rounds):
                greedy_round(state, r)
        elif way == "plain":  # the usual start, as if nobody's attributes were known
            blind = Seating(replace(instance, attributes={}, mix=()), state.rng)
            plain_start(blind, 2)
            state.restore(blind.snapshot())
        if way == "dealt":
            if not instance.mix:
                continue
            for r in range(state.played, state.n_rounds):
                dealt_round(state, r, groups)
        if way != "plain":
            relabel(state, 100 * state.n, deadline)
        if best is None or state.cost() < best[0]:
            best = (state.cost(), state.snapshot())
    assert best is not None
    state.restore(best[1])
    budget = int(max(0.0, time_limit) * steps_per_second)
    snap, cost = Anneal(state, target, deadline).run(budget * 4 // 5)
    if cost[1] > target[0] and time.monotonic() < deadline:  # themes missed: the tabu search
        state.restore(snap)  # weighs them above mixing
        snap, _ = Search(state, target, deadline).run(budget // 20)
    return state, snap
