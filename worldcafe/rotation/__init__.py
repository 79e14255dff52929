"""Seating plans for a World Café: who sits at which table in each round.

Pure (the standard library, and numpy for the search in small dense cafés). `plan_rounds`
plans every round not yet played at once:
hard constraints (everyone present seated once, capacity, tables within one of each other,
hosts fixed, played rounds untouched, absentees not seated) always hold; then, in this order,
it maximises theme coverage, minimises repeat pairs, and spreads the repeats.

How: dense cafés with no history start from exact constructions (affine planes over finite
fields, difference arrays, halvings over GF(2); `constructions.py`) whose groups are matched to
themed tables; other cafés start greedy (`starts.py`). Then a swap tabu search after Dotú and
Van Hentenryck repairs what is left: vectorised over whole neighbourhoods up to
`DENSE_LIMIT` people (`dense.py`), conflict by conflict beyond (`search.py`).

Determinism: the search stops when it reaches the lower bound or after an iteration budget
derived from `time_limit` (`ITERATIONS_PER_SECOND` per second, set well below what a 2-core
machine manages), so the same input and seed give the same plan; the clock is consulted only as
a safety cap. The price: on a fast machine part of the time limit goes unused, and on a machine
slow enough to hit the cap the plan depends on its speed.
"""

from __future__ import annotations

import random
import time

from worldcafe.rotation.constructions import grid_rounds, square_rounds
from worldcafe.rotation.dense import DenseSearch
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
    "parse_instance",
    "plan_rounds",
    "score_plan",
]

ITERATIONS_PER_SECOND = 5_000
DENSE_ITERATIONS_PER_SECOND = 500
DENSE_LIMIT = 200  # up to this many people, the vectorised search over whole neighbourhoods


def _construction(state: Seating) -> list[list[list[int]]]:
    """Repeat-free rounds from design theory for a dense café with no history.

    Only where a greedy start is not already safe: a greedy never repeating a pair is
    guaranteed n // (g(g-1)) rounds (Schmand et al.), so cafés with fewer rounds go greedy.
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
    built = grid_rounds(g, m, state.n_rounds)
    if g == m and len(square_rounds(g)) > len(built):
        built = square_rounds(g)[: state.n_rounds]
    order = list(range(state.n))
    state.rng.shuffle(order)
    return [[[order[x] for x in group] for group in rnd] for rnd in built]


def _constructed_start(state: Seating, attempts: int = 8) -> bool:
    """Seat all rounds from a construction (extra rounds greedily), labelled for coverage.

    Tries a few random labellings of people and keeps the one with the best coverage.
    """
    best: tuple[tuple[int, int, int], list[list[int]]] | None = None
    for _ in range(attempts):
        built = _construction(state)
        if not built:
            return False
        for r in range(state.n_rounds):
            if r < len(built):
                seat_groups(state, r, built[r])
            else:
                greedy_round(state, r)
        relabel(state, 200 * state.n)
        cost = state.cost()
        if best is None or cost < best[0]:
            best = (cost, state.snapshot())
        if cost[0] == 0:
            return True
        for r in range(state.n_rounds):
            for p in list(state.present[r]):
                state.unplace(r, p)
    if best is not None:
        state.restore(best[1])
    return True


def plan_rounds(instance: Instance, *, seed: int = 0, time_limit: float = 10.0) -> Plan:
    """Plan all rounds not yet played; return them with the played ones, their score and bound."""
    started = time.monotonic()
    for r in range(len(instance.rounds), instance.n_rounds):
        open_tables(instance, r)  # raises InstanceError when a round cannot be seated
    rng = random.Random(seed)
    state = Seating(instance, rng)
    if not _constructed_start(state):
        for r in range(state.played, state.n_rounds):
            greedy_round(state, r)
    themed_bound = lower_bound(instance, full_coverage=True)
    plain_bound = lower_bound(instance)
    gap = missing_themes_bound(instance)
    weights = {w for w in state.weight if w}
    theme_target = gap * weights.pop() if len(weights) == 1 else 0
    target = (theme_target, themed_bound if state.themed and not gap else plain_bound)
    deadline = started + max(0.0, time_limit)
    if state.n == 0 or state.played == state.n_rounds:
        snap = state.snapshot()
    elif state.n <= DENSE_LIMIT:
        snap, _ = DenseSearch(state, target, deadline).run(
            int(max(0.0, time_limit) * DENSE_ITERATIONS_PER_SECOND)
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
