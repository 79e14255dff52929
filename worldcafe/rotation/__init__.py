"""Seating plans for a World Café: who sits at which table in each round.

Pure: the standard library only. `plan_rounds` plans every round not yet played at once:
hard constraints (everyone present seated once, capacity, tables within one of each other,
hosts fixed, played rounds untouched, absentees not seated) always hold; then, in this order,
it maximises theme coverage, minimises repeat pairs, and spreads the repeats.

Determinism: the search stops when it reaches the lower bound or after an iteration budget
derived from `time_limit` (`ITERATIONS_PER_SECOND` per second, set well below what a 2-core
machine manages), so the same input and seed give the same plan; the clock is consulted only as
a safety cap. The price: on a fast machine part of the time limit goes unused, and on a machine
slow enough to hit the cap the plan depends on its speed.
"""

from __future__ import annotations

import random
import time

from worldcafe.rotation.constructions import square_rounds
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
from worldcafe.rotation.scoring import lower_bound, score_plan
from worldcafe.rotation.search import Search, Seating, greedy_round, seat_groups

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
DENSE_ITERATIONS_PER_SECOND = 250
DENSE_LIMIT = 200  # up to this many people, the vectorised search over whole neighbourhoods


def _construction(state: Seating) -> list[list[list[int]]]:
    """Repeat-free rounds from design theory when the café is a g-by-g square with no history."""
    if state.played or any(state.is_host) or state.n_rounds < 2:
        return []
    if any(len(state.present[r]) != state.n for r in range(state.n_rounds)):
        return []
    g = len(state.open[0])
    if g < 2 or state.n != g * g or any(state.cap[t] < g for t in state.open[0]):
        return []
    if any(state.open[r] != state.open[0] for r in range(state.n_rounds)):
        return []
    order = list(range(state.n))
    state.rng.shuffle(order)
    return [[[order[x] for x in group] for group in rnd] for rnd in square_rounds(g)]


def plan_rounds(instance: Instance, *, seed: int = 0, time_limit: float = 10.0) -> Plan:
    """Plan all rounds not yet played; return them with the played ones, their score and bound."""
    started = time.monotonic()
    for r in range(len(instance.rounds), instance.n_rounds):
        open_tables(instance, r)  # raises InstanceError when a round cannot be seated
    rng = random.Random(seed)
    state = Seating(instance, rng)
    built = _construction(state)
    for r in range(state.played, state.n_rounds):
        if r < len(built):
            seat_groups(state, r, built[r])
        else:
            greedy_round(state, r)
    themed_bound = lower_bound(instance, full_coverage=True)
    plain_bound = lower_bound(instance)
    target = (0, themed_bound if state.themed else plain_bound)
    deadline = started + max(0.0, time_limit)
    if state.n <= DENSE_LIMIT:
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
