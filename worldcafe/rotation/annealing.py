"""A cool swap annealing that polishes a plan with attributes after the tabu search.

The tabu search always takes the best swap around a conflict, which in a café with
attributes tends to circle among a few plans. Swaps of two people in one round (every other
one moving someone of a wasted meeting, the rest anyone), taken with the Metropolis rule at
a low temperature that falls geometrically, wander further: they cut wasted encounters
(repeats and shared mixed values) by a tenth to a third in small cafés, and clear the last
few in large ones. The cost is the search's folded one (`search.py`), so a swap
that would cost a theme or a pair without a common language is never taken (its cost is
millions of times the temperature), nor one that leaves a table without a language shared by
all, and hosts stay where they are. Deterministic: a step budget and the state's random
generator; the clock is a safety cap only.
"""

from __future__ import annotations

import math
import time

from worldcafe.rotation.people_state import language_masks
from worldcafe.rotation.search import W_REPEAT, Seating

START_TEMPERATURE = 0.6  # in wasted encounters: a swap losing one is taken 19% of the time
END_TEMPERATURE = 0.05


def _masks(state: Seating) -> list[int] | None:
    """Each person's languages as bits (-1: gave none, speaks with everyone), or None when the
    café asks for no common language."""
    if not state.instance.common_language:
        return None
    return [int(x) for x in language_masks(state)[: state.n]]


def _shared(members: list[int], masks: list[int], out: int, into: int) -> bool:
    """Whether the table keeps a language all share with `out` replaced by `into`."""
    common = masks[into]
    for x in members:
        if x != out:
            common &= masks[x]
    return common != 0


def _keeps_languages(state: Seating, masks: list[int] | None, r: int, p: int, q: int) -> bool:
    if masks is None:
        return True
    a, b = state.seat[r][p], state.seat[r][q]
    members = state.members[r]
    return _shared(members[a], masks, p, q) and _shared(members[b], masks, q, p)


def _partner_round(state: Seating, rounds: list[int], r: int, p: int, q: int) -> int:
    """A round other than r in which p sits at a table of q's theme in round r and q at one
    of p's: changing places there too gives both their themes back. -1: none."""
    th = state.theme
    want_p, want_q = th[state.seat[r][q]], th[state.seat[r][p]]
    for r2 in rounds:
        a, b = state.seat[r2][p], state.seat[r2][q]
        if r2 != r and a >= 0 and b >= 0 and th[a] == want_p and th[b] == want_q:
            return r2
    return -1


def anneal(state: Seating, steps: int, deadline: float) -> list[list[int]]:
    """Polish the state's plan for at most `steps` swaps; leave the best plan seated and
    return its snapshot.

    Where p and q would change themes, they change places in a second round too (one where
    each sits at a table of the other's theme), as the tabu search does, so that a café
    whose themes are all taken can still be reshuffled."""
    rounds = [r for r in range(state.played, state.n_rounds) if len(state.open[r]) > 1]
    movable = {r: [p for p in state.present[r] if not state.is_host[p]] for r in rounds}
    rounds = [r for r in rounds if len(movable[r]) > 1]
    best_snap = state.snapshot()
    if not rounds or steps <= 0:
        return best_snap
    rng = state.rng
    masks = _masks(state)
    cost = best = 0  # relative to the start, in the folded units of `search.py`
    cooling = (END_TEMPERATURE / START_TEMPERATURE) ** (1.0 / steps)
    temperature = START_TEMPERATURE * W_REPEAT
    for step in range(steps):
        temperature *= cooling
        if step % 256 == 0 and time.monotonic() > deadline:
            break
        if state.bad and step % 2:  # every other swap moves someone of a wasted meeting
            pair = state.bad[rng.randrange(len(state.bad))]
            p = pair[rng.randrange(2)]
            met = [r for r in rounds if state.seat[r][pair[0]] == state.seat[r][pair[1]] >= 0]
            if not met or state.is_host[p]:
                continue
            r = met[rng.randrange(len(met))]
        else:
            r = rounds[rng.randrange(len(rounds))]
            p = movable[r][rng.randrange(len(movable[r]))]
        people = movable[r]
        q = people[rng.randrange(len(people))]
        a, b = state.seat[r][p], state.seat[r][q]
        if a == b or not _keeps_languages(state, masks, r, p, q):
            continue
        r2 = -1
        if state.themed and state.theme[a] != state.theme[b]:
            r2 = _partner_round(state, rounds, r, p, q)
        delta = state.swap_delta(r, p, q)
        if r2 >= 0:  # the second swap is priced after the first
            state.move(r, p, q, b)
            if _keeps_languages(state, masks, r2, p, q):
                delta += state.swap_delta(r2, p, q)
                if delta <= 0 or rng.random() < math.exp(-delta / temperature):
                    state.move(r2, p, q, state.seat[r2][q])
                    cost += delta
                    if cost < best:
                        best, best_snap = cost, state.snapshot()
                    continue
            state.move(r, p, q, a)  # back
            continue
        if delta > 0 and rng.random() >= math.exp(-delta / temperature):
            continue
        state.move(r, p, q, b)
        cost += delta
        if cost < best:
            best, best_snap = cost, state.snapshot()
    state.restore(best_snap)
    return best_snap
