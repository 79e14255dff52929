"""Seating plans for a World Café: who sits at which table in each round.

Pure (the standard library, and numpy for the search in small dense cafés). `plan_rounds`
plans every round not yet played at once:
hard constraints (everyone present seated once, capacity, tables within one of each other,
hosts fixed, played rounds untouched, absentees not seated) always hold; then, in this order,
it maximises theme coverage, minimises repeat pairs, and spreads the repeats.

How: dense cafés with no history start from exact constructions (resolvable designs:
affine spaces, Kirkman triple systems and their products, `designs.py`; affine planes over
finite fields, difference arrays, halvings over GF(2), rounds of tables of 4 invariant under the
translations of GF(2^k), which seat 32 people 10 times without a repeat, and for hosted
cafés rounds invariant under a shift of the themes; `constructions.py`) whose groups are
matched to themed tables; other cafés start greedy (`starts.py`). Then a swap tabu search
after Dotú and Van Hentenryck repairs what is left: vectorised over whole neighbourhoods up
to `DENSE_LIMIT` people (`dense.py`), conflict by conflict beyond (`search.py`).

Determinism: every phase stops when it reaches the lower bound or after a step budget derived
from the instance's size and the nominal `time_limit` (`ITERATIONS_PER_SECOND` and the like per
second, set well below what a loaded 2-core machine manages; the dense search also counts
its work, which grows with rounds times people squared), so the same input and seed give
the same plan however busy the machine is; the clock is consulted only as a safety cap at
`SAFETY` times the limit, never reached in normal use. The price: on a fast machine part of the
time limit goes unused, and on a machine slow enough to hit the cap the plan depends on its
speed.
"""

from __future__ import annotations

import random
import time
from itertools import combinations

from worldcafe.rotation.constructions import (
    _prime_power,
    cyclic_hosted_rounds,
    grid_rounds,
    square_rounds,
    translation_rounds,
)
from worldcafe.rotation.dense import DenseSearch
from worldcafe.rotation.designs import resolvable_rounds
from worldcafe.rotation.mixing import grid_deal, plan_with_people
from worldcafe.rotation.model import (
    Instance,
    InstanceError,
    Plan,
    Score,
    TableSpec,
    instance_to_json,
    open_tables,
    parse_instance,
)
from worldcafe.rotation.people import mix_bound
from worldcafe.rotation.scoring import lower_bound, missing_themes_bound, score_plan
from worldcafe.rotation.search import Search, Seating
from worldcafe.rotation.starts import greedy_round, relabel, seat_groups

__all__ = [
    "Instance",
    "InstanceError",
    "Plan",
    "Score",
    "TableSpec",
    "instance_to_json",
    "lower_bound",
    "mix_bound",
    "parse_instance",
    "plan_rounds",
    "score_plan",
]

ITERATIONS_PER_SECOND = 5_000
DENSE_ITERATIONS_PER_SECOND = 500
DENSE_WORK_PER_SECOND = 60_000_000  # and at most this much of its work (`DenseSearch.run`)
PEOPLE_STEPS_PER_SECOND = 1_000
SAFETY = 3.0  # the clock stops a search only at this many times the time limit
DENSE_LIMIT = 200  # up to this many people, the vectorised search over whole neighbourhoods


def _constructions(state: Seating) -> list[list[list[list[int]]]]:
    """Repeat-free rounds from design theory for a dense café with no history.

    Only where a greedy start is not already safe: a greedy never repeating a pair is
    guaranteed n // (g(g-1)) rounds (Schmand et al.), so cafés with fewer rounds go greedy.
    The grid (or square) comes last; before it, for tables of 4, the translation rounds when
    they seat more rounds, or as many with fewer repeats or a smaller spread.
    """
    if state.played or any(state.is_host) or state.n_rounds < 2:
        return []
    if any(len(state.present[r]) != state.n for r in range(state.n_rounds)):
        return []
    if any(state.open[r] != state.open[0] for r in range(state.n_rounds)):
        return []
    m = len(state.open[0])
    g, rest = divmod(state.n, m) if m else (0, 1)
    if rest or g < 2 or g > m or any(state.cap[t] < g for t in state.open[0]):
        return []
    if state.n_rounds <= state.n // (g * (g - 1)):
        return []
    design = resolvable_rounds(state.n, g, state.n_rounds)
    whole = [[list(group) for group in rnd] for rnd in design if len(design) >= state.n_rounds]
    if whole and _prime_power(m) is None:
        return [whole]  # a grid over Z_m would be searched for, and could at best tie
    built = grid_rounds(g, m, state.n_rounds)
    if g == m and len(square_rounds(g)) > len(built):
        built = square_rounds(g)[: state.n_rounds]
    found = [built] if built else []
    if whole and (len(built) < state.n_rounds or _repeats(built)[0]):
        return [whole]
    if g == 4 and (len(built) < state.n_rounds or _repeats(built)[0]):
        other = translation_rounds(m)[: state.n_rounds]
        if other and (-len(other), *_repeats(other)) < (-len(built), *_repeats(built)):
            found.insert(0, other)
    return found


def _repeats(rounds: list[list[list[int]]]) -> tuple[int, int]:
    """Repeat pairs among constructed rounds, and their spread (sum of squared extra meetings)."""
    meet: dict[tuple[int, int], int] = {}
    for rnd in rounds:
        for group in rnd:
            for pair in combinations(sorted(group), 2):
                meet[pair] = meet.get(pair, 0) + 1
    extra = [m - 1 for m in meet.values() if m > 1]
    return sum(extra), sum(e * e for e in extra)


def _hosted_layout(state: Seating) -> tuple[list[int], int, dict[int, list[int]]] | None:
    """The shape both hosted constructions need, or None.

    No played round, at least two rounds, everyone present and the same tables open in every
    round, a host at each table and nobody else hosting, the same number g of travellers per
    table, and too many rounds for a greedy start to be safe (Schmand et al.). Returns (the
    open tables, g, the tables of each theme).
    """
    if state.played or state.n_rounds < 2:
        return None
    if any(len(state.present[r]) != state.n for r in range(state.n_rounds)):
        return None
    if any(state.open[r] != state.open[0] for r in range(state.n_rounds)):
        return None
    tables = state.open[0]
    m = len(tables)
    if any(state.host_of[t] < 0 for t in tables) or sum(state.is_host) != m:
        return None
    g, rest = divmod(state.n - m, m) if m else (0, 1)
    if rest or g < 1 or any(state.cap[t] < g + 1 for t in tables):
        return None
    if state.n_rounds <= state.n // ((g + 1) * g):
        return None
    by_theme: dict[int, list[int]] = {}
    for t in tables:
        by_theme.setdefault(state.theme[t], []).append(t)
    return tables, g, by_theme


def _hosted_grid(state: Seating) -> tuple[list[int], list[list[list[int]]]]:
    """Repeat-free rounds for a dense café with a host at every table and no history.

    The m hosts are row 0 of `grid_rounds` with g + 1 rows (people a*m + j at table
    j + F[r][a]): row 0 stays at its table, everyone else goes to a different table each round,
    so nobody meets a host twice. Coverage: with T themes of m/T tables each, table x of Z_m
    gets theme x mod T and the rows of F are sought distinct modulo T, so every traveller visits
    a new theme each round; failing that, tables are matched to x by `_match_themes`.
    Returns (the table of each x, the rounds as groups of people by x), or nothing unless all
    rounds are seated repeat-free with full coverage.
    """
    none: tuple[list[int], list[list[list[int]]]] = ([], [])
    layout = _hosted_layout(state)
    if layout is None:
        return none
    tables, g, by_theme = layout
    m = len(tables)
    if g < 2 or g + 1 > m:
        return none
    themes = sorted(by_theme)
    even = state.themed and all(len(ts) * len(themes) == m for ts in by_theme.values())
    grids = []
    if even and len(themes) >= state.n_rounds:
        grids.append((len(themes), grid_rounds(g + 1, m, state.n_rounds, residues=len(themes))))
    grids.append((0, grid_rounds(g + 1, m, state.n_rounds)))
    for residues, grid in grids:
        if len(grid) < state.n_rounds or any(
            sum(1 for x in group if x < m) != 1 for rnd in grid for group in rnd
        ):
            continue
        if residues:
            order = [by_theme[themes[x % residues]][x // residues] for x in range(m)]
        else:
            order = list(tables)
            state.rng.shuffle(order)
        travellers = [p for p in range(state.n) if not state.is_host[p]]
        state.rng.shuffle(travellers)
        label = [state.host_of[t] for t in order] + travellers
        rounds = []
        for rnd in grid:
            groups: list[list[int]] = [[] for _ in range(m)]
            for group in rnd:
                host = next(x for x in group if x < m)
                groups[host] = [label[x] for x in group]
            rounds.append(groups)
        if residues or _match_themes(state, order, rounds, min(40 * m * m, 4000)):
            return order, rounds
    return none


def _match_themes(
    state: Seating, order: list[int], built: list[list[list[int]]], steps: int
) -> bool:
    """Reorder (in place) the tables of a grid's x so travellers visit more themes.

    A walk over swaps of two tables that never loses coverage; True when coverage is full.
    """
    col = [[-1] * state.n for _ in built]
    for r, groups in enumerate(built):
        for k, group in enumerate(groups):
            for p in group:
                col[r][p] = k
    movers = [p for p in range(state.n) if state.weight[p]]

    def missing() -> int:
        total = 0
        for p in movers:
            seen = {state.theme[order[col[r][p]]] for r in range(len(built))}
            total += max(0, state.den[p] - len(seen))
        return total

    now = missing()
    for _ in range(steps):
        if now == 0:
            break
        i, j = state.rng.sample(range(len(order)), 2)
        order[i], order[j] = order[j], order[i]
        new = missing()
        if new <= now:
            now = new
        else:
            order[i], order[j] = order[j], order[i]
    return now == 0


def _hosted_cyclic(state: Seating) -> tuple[list[int], list[list[list[int]]]]:
    """Repeat-free rounds of full coverage from `cyclic_hosted_rounds`, hosts at every table.

    Needs every theme on as many tables and no more rounds than themes. Returns (the tables
    in the construction's order, the rounds as groups of people in that order), or nothing.
    """
    none: tuple[list[int], list[list[list[int]]]] = ([], [])
    layout = _hosted_layout(state) if state.themed else None
    if layout is None:
        return none
    tables, g, by_theme = layout
    m = len(tables)
    per_theme = m // len(by_theme)
    if any(len(ts) != per_theme for ts in by_theme.values()):
        return none
    built = cyclic_hosted_rounds(len(by_theme), per_theme, g, state.n_rounds)
    if not built:
        return none
    themes = list(by_theme.values())
    state.rng.shuffle(themes)
    order = [t for ts in themes for t in ts]
    travellers = [p for p in range(state.n) if not state.is_host[p]]
    state.rng.shuffle(travellers)
    rounds = [
        [
            [state.host_of[t]] + [travellers[a * len(themes) + k] for a, k in group]
            for t, group in zip(order, groups, strict=True)
        ]
        for groups in built
    ]
    return order, rounds


def _hosted_start(state: Seating) -> bool:
    """Seat a hosted dense café from `_hosted_grid`, else from `_hosted_cyclic`."""
    order, built = _hosted_grid(state)
    if not built:
        order, built = _hosted_cyclic(state)
    for r, groups in enumerate(built):
        for t, group in zip(order, groups, strict=True):
            for p in group:
                state.place(r, p, t)
    return bool(built)


def _constructed_start(state: Seating, deadline: float, attempts: int = 8) -> bool:
    """Seat all rounds from a construction (extra rounds greedily), labelled for coverage.

    First, where each theme has as many tables and there are no more rounds than themes, a
    grid whose rows are distinct modulo the number of themes (`mixing.grid_deal`): no repeat
    and a new theme every round. Else tries a few random labellings of people for each
    construction in turn and stops at the first with full coverage; failing that, keeps the
    lowest cost found with the last one (the grid: the search repairs it towards coverage
    better than the rigid translation rounds).
    """
    best: tuple[tuple[int, int, int, int], list[list[int]]] | None = None
    candidates = _constructions(state)
    if candidates and state.themed and grid_deal(state, [[]] * state.n, themed_only=True):
        return True  # repeat-free, and a new theme for everyone every round
    drawn = state.rng.getstate()
    for k, built in enumerate(candidates):
        if k == len(candidates) - 1:
            state.rng.setstate(drawn)  # the last one's labellings as if tried alone
        for attempt in range(attempts):
            if attempt and time.monotonic() > deadline:
                break
            order = list(range(state.n))
            state.rng.shuffle(order)
            for r in range(state.n_rounds):
                if r < len(built):
                    seat_groups(state, r, [[order[x] for x in group] for group in built[r]])
                else:
                    greedy_round(state, r)
            relabel(state, 200 * state.n, deadline)
            cost = state.cost()
            if cost[:2] == (0, 0):
                return True
            if k == len(candidates) - 1 and (best is None or cost < best[0]):
                best = (cost, state.snapshot())
            for r in range(state.n_rounds):
                for p in list(state.present[r]):
                    state.unplace(r, p)
    if best is None:
        return False
    state.restore(best[1])
    return True


def plan_rounds(instance: Instance, *, seed: int = 0, time_limit: float = 10.0) -> Plan:
    """Plan all rounds not yet played; return them with the played ones, their score and bound."""
    started = time.monotonic()
    for r in range(len(instance.rounds), instance.n_rounds):
        open_tables(instance, r)  # raises InstanceError when a round cannot be seated
    rng = random.Random(seed)
    state = Seating(instance, rng)
    deadline = started + SAFETY * max(0.0, time_limit)  # a safety cap only: budgets decide

    def start(seating: Seating, attempts: int = 8) -> None:
        if not _constructed_start(seating, deadline, attempts) and not _hosted_start(seating):
            for r in range(seating.played, seating.n_rounds):
                greedy_round(seating, r)

    if state.code is None:
        start(state)
    themed_bound = lower_bound(instance, full_coverage=True)
    plain_bound = lower_bound(instance)
    gap = missing_themes_bound(instance)
    weights = {w for w in state.weight if w}
    theme_target = gap * weights.pop() if len(weights) == 1 else 0
    repeat_target = themed_bound if state.themed and not gap else plain_bound
    target = (theme_target, repeat_target + mix_bound(instance))
    if state.n == 0 or state.played == state.n_rounds:
        snap = state.snapshot()
    elif state.code is not None:
        state, snap = plan_with_people(
            instance, state, start, target, time_limit, deadline, PEOPLE_STEPS_PER_SECOND
        )
    elif state.n <= DENSE_LIMIT:
        snap, _ = DenseSearch(state, target, deadline).run(
            int(max(0.0, time_limit) * DENSE_ITERATIONS_PER_SECOND),
            int(max(0.0, time_limit) * DENSE_WORK_PER_SECOND),
        )
    else:
        snap, _ = Search(state, target, deadline).run(
            int(max(0.0, time_limit) * ITERATIONS_PER_SECOND)
        )
    state.restore(snap)
    rounds = state.rounds_out()
    for r, played in enumerate(instance.rounds):
        rounds[r] = {t: list(m) for t, m in played.items()}
    score = score_plan(instance, rounds)
    full = score.theme_coverage >= 1.0 - 1e-9
    return Plan(
        rounds=rounds,
        score=score,
        lower_bound=themed_bound if full else plain_bound,
        seconds=time.monotonic() - started,
    )
