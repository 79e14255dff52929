"""Initial seatings: greedy round by round, prepared groups matched to tables, relabelling."""

from __future__ import annotations

import time

from worldcafe.rotation.search import SAMPLE_TABLES, W_LANG, Seating


def target_sizes(state: Seating, r: int) -> dict[int, int]:
    """Balanced sizes for round r; the larger tables rotate across themes from round to round."""
    tables = state.open[r]
    n = len(state.present[r])
    q, rem = divmod(n, len(tables)) if tables else (0, 0)
    by_theme: dict[int, list[int]] = {}
    for t in tables:
        if state.cap[t] >= q + 1:
            by_theme.setdefault(state.theme[t], []).append(t)
    order = [
        group[i]
        for i in range(max((len(g) for g in by_theme.values()), default=0))
        for group in by_theme.values()
        if i < len(group)
    ]
    shift = (r * rem) % len(order) if order else 0
    big = set((order[shift:] + order[:shift])[:rem])
    return {t: q + 1 if t in big else q for t in tables}


def greedy_round(state: Seating, r: int) -> None:
    """Seat round r person by person at a free table that costs least so far.

    In large cafés only a sample of tables is tried, and the first one that costs nothing wins.
    """
    rng = state.rng
    sizes = target_sizes(state, r)
    free_seats = dict(sizes)
    there = state.present[r]
    present = set(there)
    for t in state.open[r]:
        h = state.host_of[t]
        if h >= 0 and state.seat[r][h] < 0 and h in present:
            state.place(r, h, t)
            free_seats[t] -= 1
    free = [t for t in state.open[r] if free_seats[t] > 0]
    travellers = [p for p in there if state.seat[r][p] < 0]
    rng.shuffle(travellers)
    travellers.sort(key=lambda p: -state.hardness[p])
    for p in travellers:
        small = len(free) <= SAMPLE_TABLES
        best_t, best_key = -1, (0, 0, 0, 0.0)
        for k in range(len(free) if small else SAMPLE_TABLES):
            t = free[k] if small else free[int(rng.random() * len(free))]
            join = state.join(r, p, t)
            key = (
                join // W_LANG,
                state.weight[p] * state.tcount[p][state.theme[t]],
                join % W_LANG,
                -free_seats[t] + rng.random(),
            )
            if best_t < 0 or key < best_key:
                best_t, best_key = t, key
                if not small and key[0] == 0 and key[1] == 0 and key[2] == 0:
                    break
        state.place(r, p, best_t)
        free_seats[best_t] -= 1
        if free_seats[best_t] == 0:
            free.remove(best_t)


def seat_groups(state: Seating, r: int, groups: list[list[int]]) -> None:
    """Seat prepared groups (one per open table) in round r, matching groups to tables by theme."""
    tables = list(state.open[r])
    for group in sorted(groups, key=len, reverse=True):
        fits = [t for t in tables if state.cap[t] >= len(group)]
        best = min(
            fits,
            key=lambda t: sum(state.tcount[p][state.theme[t]] for p in group) - 1e-3 * state.cap[t],
        )
        tables.remove(best)
        for p in group:
            state.place(r, p, best)


def relabel(state: Seating, steps: int, deadline: float = float("inf")) -> None:
    """Exchange whole groups between tables (meetings stay, themes change) to gain coverage.

    A walk that takes every exchange costing no coverage; it keeps the best labelling seen.
    """
    s, rng = state, state.rng
    future = [r for r in range(s.played, s.n_rounds) if len(s.open[r]) > 1]
    if not s.themed or not future:
        return

    def lacking() -> int:
        return sum(s.weight[p] * s.missing(p) for p in range(s.n))

    def gain(group: list[int], old: int, new: int) -> int:
        """Themes the group's people gain going from theme old to new (weighted)."""
        tc, weight = s.tcount, s.weight
        return sum(weight[x] * ((tc[x][new] == 0) - (tc[x][old] == 1)) for x in group)

    best, snap = lacking(), s.snapshot()
    now, at_best = best, True
    hosted = any(s.is_host)
    for step in range(steps):
        if best == 0 or (step % 256 == 255 and time.monotonic() > deadline):
            break
        r = future[rng.randrange(len(future))]
        a, b = rng.sample(s.open[r], 2)
        ta, tb = s.theme[a], s.theme[b]
        if ta == tb:
            continue
        group_a, group_b = s.members[r][a], s.members[r][b]
        if hosted and any(s.is_host[x] for x in group_a + group_b):
            continue
        if len(group_a) > s.cap[b] or len(group_b) > s.cap[a]:
            continue
        delta = -gain(group_a, ta, tb) - gain(group_b, tb, ta)
        if delta > 0:
            continue
        group_a, group_b = list(group_a), list(group_b)
        for x in group_a:
            s.unplace(r, x)
        for x in group_b:
            s.unplace(r, x)
            s.place(r, x, a)
        for x in group_a:
            s.place(r, x, b)
        now += delta
        if now < best:
            best, snap, at_best = now, s.snapshot(), True
        else:
            at_best = now == best and at_best
    if not at_best:
        s.restore(snap)
