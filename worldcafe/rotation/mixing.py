"""Planning cafés that mix people or need a common language at every table.

Several starts are built and the best is improved by a swap tabu search (`people_tabu.py`).
Starts compare by their tables without a common language (where one is asked), then as
`Seating.cost`; the best one's tables without a common language are repaired by that search
first (languages before themes and mixing), and from then on no change takes a common
language away from a table:

- *grid*: `grid_rounds` with people in rows by value groups (no repeats; a group within a row
  spread every round) and, where themes allow, tables given themes by residues so that every
  round brings a new theme;
- *themed*: each traveller gets a theme sequence (phase + round * step mod T), phases and steps
  round robin along the people sorted by value groups; each round each theme's travellers are
  dealt around its tables (those who share a language with few others first);

- *dealt*: each round, the people are dealt to the tables like cards, sorted by the value
  groups of the attributes to mix (the order of groups and within them drawn anew each round),
  so each group is spread as evenly as the tables allow, which is the mix bound for the first
  attribute; then whole tables exchange places to gain theme coverage;
- *plain*: the planner's usual start (designs or greedy) that ignores who people are, when
  only mixing is asked; with a common language asked, the greedy start that seats first the
  people who share a language with fewest others.

Beyond `LARGE` people the plain start is built only where no common language is asked and
the cheap dealt one (built first) misses themes, and where a common language is asked each
round's tables of a theme are seated by table languages (`languages.py`), to keep within the
time goals; the search then takes fewer steps, as each costs about n times the table size.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from worldcafe.rotation.annealing import anneal
from worldcafe.rotation.constructions import grid_rounds
from worldcafe.rotation.language_flow import seat_rounds_by_flow
from worldcafe.rotation.languages import (
    fewest_without_language,
    seat_all_by_language,
    tables_without_language,
)
from worldcafe.rotation.model import Instance
from worldcafe.rotation.people import mix_values
from worldcafe.rotation.people_tabu import PeopleTabu
from worldcafe.rotation.search import Search, Seating
from worldcafe.rotation.starts import greedy_round, relabel, seat_groups, target_sizes

Snapshot = list[list[int]]
LARGE = 200  # beyond this many people only the dealt start (repeats are rare there anyway)
SMALL = 150  # up to this many people the search takes all its steps
SMALL_BOOST = 3.0  # and the mixing search up to this many times more, as their steps are cheaper
REPAIR_TRIES = 16  # of the language repair, at the most
REPAIR_BY_FLOW = True  # what the repair leaves without a common language seated by a flow
ANNEAL_STEPS_PER_SECOND = 20_000  # of the polish at the end (`annealing.py`)


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
    """People sorted by value groups (by the first attribute, then the next), the order of
    the groups and within them drawn at random."""
    rng = state.rng
    draw: dict[tuple[int, int], float] = {}
    for p in people:
        for g in groups[p]:
            draw.setdefault(g, rng.random())
    noise = {p: rng.random() for p in people}
    return sorted(people, key=lambda p: ([draw[g] for g in groups[p]], noise[p]))


def grid_deal(
    state: Seating, groups: list[list[tuple[int, int]]], *, themed_only: bool = False
) -> bool:
    """Seat every round from `grid_rounds` with people in rows by value groups: people of one
    row never meet, two people meet at most once; a group within a row is spread every round.
    Only for the grid's shape (no hosts, no history, all there, n = g * m, g <= m); with
    `themed_only`, only where every round brings everyone a new theme."""
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
    elif themed_only:
        return False
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


def _speaks_with(state: Seating, r: int, p: int, t: int) -> bool:
    """True when p shares a language with everyone at table t in round r (as far as given)."""
    code, base = state.code, p * state.n
    return code is None or not any(code[base + x] >> 6 for x in state.members[r][t])


def themed_deal(state: Seating, groups: list[list[tuple[int, int]]]) -> bool:
    """Seat every round dealing people by value groups within theme classes, for full coverage.

    Traveller p visits theme (phase_p + r * step_p) mod T in round r (T themes, step a unit
    mod T, so R <= T rounds bring R different themes); phases and steps go round robin along
    the people sorted by value groups, so each group is split evenly over the themes. In each
    round each theme's travellers are dealt around that theme's tables. Only when all are
    there in every round, nothing was played, and every theme has as many open tables.
    """
    if state.played or not state.themed or state.n_rounds > state.n_themes:
        return False
    rounds = range(state.n_rounds)
    if any(len(state.present[r]) != state.n or state.open[r] != state.open[0] for r in rounds):
        return False
    by_theme: dict[int, list[int]] = {}
    for t in state.open[0]:
        by_theme.setdefault(state.theme[t], []).append(t)
    if len({len(ts) for ts in by_theme.values()}) != 1 or len(by_theme) != state.n_themes:
        return False
    n_themes = state.n_themes
    languages = state.instance.common_language and state.code is not None
    rare = (state.n // 2) * (state.n + 1)  # `Seating.hardness` of sharing no language with n/2
    steps = [k for k in range(1, n_themes) if math.gcd(k, n_themes) == 1] or [1]
    travellers = [p for p in range(state.n) if not state.is_host[p]]
    order = _sorted_people(state, travellers, groups)
    phase = {p: i % n_themes for i, p in enumerate(order)}
    step = {p: steps[(i // n_themes) % len(steps)] for i, p in enumerate(order)}
    for r in rounds:
        free = target_sizes(state, r)
        for t in state.open[r]:
            h = state.host_of[t]
            if h >= 0:
                state.place(r, h, t)
                free[t] -= 1
        classes: dict[int, list[int]] = {}
        for p in _sorted_people(state, travellers, groups):
            classes.setdefault((phase[p] + r * step[p]) % n_themes, []).append(p)
        leftovers: list[int] = []
        for theme, people in classes.items():
            tables = list(by_theme[theme])
            state.rng.shuffle(tables)
            seats = sum(max(0, free[t]) for t in tables)
            if languages:  # who shares no language with half the café is seated first
                people.sort(key=lambda p: state.hardness[p] < rare)
            for k, p in enumerate(people):
                if k >= seats:
                    leftovers.append(p)
                    continue
                open_seats = [tables[(k + i) % len(tables)] for i in range(len(tables))]
                open_seats = [t for t in open_seats if free[t] > 0]
                t = open_seats[0]
                if languages:
                    t = next((x for x in open_seats if _speaks_with(state, r, p, x)), t)
                state.place(r, p, t)
                free[t] -= 1
        for p in leftovers:  # a theme class larger than its seats: the emptiest table elsewhere
            t = max(state.open[r], key=lambda x: free[x])
            state.place(r, p, t)
            free[t] -= 1
    return True


def _reached(cost: tuple[int, int, int, int], target: tuple[int, int]) -> bool:
    lang, theme, wasted, spread = cost
    return lang == 0 and theme <= target[0] and wasted <= target[1] and spread == wasted


def _clear(state: Seating) -> None:
    for r in range(state.played, state.n_rounds):
        for p in state.present[r]:
            if state.seat[r][p] >= 0:
                state.unplace(r, p)


def _scramble(state: Seating, swaps: int) -> None:
    """Swap this many random pairs of travellers at different tables in every round being
    planned: another start for another try of the repair."""
    rng = state.rng
    for r in range(state.played, state.n_rounds):
        travellers = [p for p in state.present[r] if not state.is_host[p] and state.seat[r][p] >= 0]
        for _ in range(swaps if len(travellers) > 1 else 0):
            p, q = rng.sample(travellers, 2)
            a, b = state.seat[r][p], state.seat[r][q]
            if a != b:
                state.unplace(r, p)
                state.unplace(r, q)
                state.place(r, p, b)
                state.place(r, q, a)


def repair_languages(
    state: Seating,
    target: tuple[int, int],
    deadline: float,
    steps: int,
    budget: int,
    starts: list[Snapshot],
) -> None:
    """Seat anew the tables without a common language. The repair can stop at a local optimum
    (seating everyone who shares few languages at one table may need a detour through worse
    seats), so it tries again until it reaches the lower bound, from each start in turn (best
    first), then from them with a few people swapped at random, and keeps the best. A step
    costs about n, so a small café has time for more tries: `REPAIR_TRIES` at most, as many
    as `budget` steps of a café of `SMALL` people would take. Where even the best leaves more
    tables without a common language than the bound, its rounds that lack one are seated anew
    by table languages found with a flow (`language_flow.py`), which finds seats for everyone
    where the tries' local optima do not (a theme's tables by themselves first, so themes
    stay where they can)."""
    floor = fewest_without_language(state)
    best: tuple[int, Snapshot] | None = None
    tries = max(1, min(REPAIR_TRIES, budget * SMALL // max(1, state.n * steps)))
    for attempt in range(tries):
        state.restore(starts[attempt % len(starts)])
        _scramble(state, attempt // len(starts))
        state.restore(PeopleTabu(state, target, deadline, repairing=True).repair(steps))
        bad = tables_without_language(state)
        if best is None or bad < best[0]:
            best = (bad, state.snapshot())
        if bad <= floor:
            break
    assert best is not None
    state.restore(best[1])
    if best[0] > floor and REPAIR_BY_FLOW:
        seat_rounds_by_flow(state)


def plan_with_people(
    instance: Instance,
    state: Seating,
    plain_start: Callable[[Seating, int], None],
    target: tuple[int, int],
    time_limit: float,
    deadline: float,
    steps_per_second: int,
) -> tuple[Seating, Snapshot]:
    """Start each way (stopping at one that reaches the target), keep the best, search on;
    the state and the best seats found. Step budgets follow the nominal time limit; the
    deadline is only a safety cap (so that a seed gives one plan however busy the machine)."""
    groups = _groups(instance, state.people)  # [] per person when nothing is mixed
    best: tuple[tuple[int, int, int, int], Snapshot] | None = None
    starts: list[tuple[tuple[int, int, int, int], Snapshot]] = []
    # step budgets: a step costs about n * table size, so fewer of them in larger cafés
    scale = min(1.0, SMALL / max(1, state.n))
    budget = int(max(0.0, time_limit) * steps_per_second * scale)
    repair_steps = min(max(4 * state.n, 2000), budget // 2)
    ways: tuple[str, ...] = ("grid", "themed", "dealt", "plain")
    if state.n > LARGE:
        # the dealt start spreads every value and rarely repeats a pair here; the plain one
        # (designs or greedy, dear here) only where it misses themes; with a common language
        # asked, the dealt one is seated by languages
        ways = ("themed", "dealt") if instance.common_language else ("themed", "dealt", "plain")
    for way in ways:
        if best is not None and _reached(best[0], target):
            break
        if best is not None and state.n > LARGE and best[0][:2] <= (0, target[0]):
            break  # a large café with all themes and languages: no time for more starts
        _clear(state)
        if way == "grid" and not (instance.mix and grid_deal(state, groups)):
            continue
        if way == "themed" and not themed_deal(state, groups):
            continue
        if way == "plain" and instance.common_language:
            for r in range(state.played, state.n_rounds):
                greedy_round(state, r)
        elif way == "plain":  # the usual start, as if nobody's attributes were known
            blind = Seating(replace(instance, attributes={}, mix=()), state.rng)
            plain_start(blind, 2)
            state.restore(blind.snapshot())
        if way == "dealt":
            if not instance.mix and state.n <= LARGE:
                continue
            for r in range(state.played, state.n_rounds):
                dealt_round(state, r, groups)  # (by languages below, for large cafés)
        if way in ("grid", "dealt"):
            relabel(state, 100 * state.n, deadline)
        # starts compared by tables without a common language, then as `Seating.cost`; a
        # start with such tables is also seated by table languages (large cafés: only that)
        bad = tables_without_language(state)
        for seated in (False, True) if bad else (False,):
            if seated:
                seat_all_by_language(state, lambda people: _sorted_people(state, people, groups))
                bad = tables_without_language(state)
            elif state.n > LARGE and bad:
                continue
            _, theme, wasted, spread = state.cost()
            starts.append(((bad, theme, wasted, spread), state.snapshot()))
            if best is None or (bad, theme, wasted, spread) < best[0]:
                best = starts[-1]
    assert best is not None
    state.restore(best[1])
    if best[0][0]:  # languages first: the search then never loses them
        ordered = [snap for _, snap in sorted(starts, key=lambda start: start[0])]
        repair_languages(state, target, deadline, repair_steps, budget, ordered)
    # a café smaller than SMALL takes a step in less time: up to SMALL_BOOST times the steps
    boost = min(SMALL_BOOST, SMALL / max(1, state.n)) if state.n < SMALL else 1.0
    snap, cost = PeopleTabu(state, target, deadline).run(int(budget * boost) * 4 // 5)
    if cost[2] > target[0]:  # themes missed: the tabu search
        state.restore(snap)  # weighs them above mixing
        bad = tables_without_language(state)
        # its gains come early here: it stops after half its budget without one
        found, _ = Search(state, target, deadline).run(budget, quiet=budget // 2)
        state.restore(found)
        if tables_without_language(state) <= bad:  # it does not see languages
            snap = found
    state.restore(snap)  # fewer steps beyond SMALL people, as for the search
    snap = anneal(state, int(max(0.0, time_limit) * ANNEAL_STEPS_PER_SECOND * scale), deadline)
    return state, snap
