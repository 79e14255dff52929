"""Initial seatings: greedy round by round, prepared groups matched to tables, relabelling."""

from __future__ import annotations

import time

import numpy as np

from worldcafe.rotation.search import SAMPLE_TABLES, W_LANG, Seating

PATIENCE = 12  # sweeps in a row that gain nothing end the relabelling sweeps


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
    """Seat prepared groups (one per open table) in round r, matching groups to tables by theme.

    Largest group first, each at the free table that fits it where its people have sat on that
    table's theme least often (ties: the larger table, then the first); the sums for every
    group and table at once, as a group's seating leaves the others' theme counts as they are.
    """
    tables = np.array(state.open[r], dtype=np.int64)
    order = sorted(groups, key=len, reverse=True)
    if not order or not tables.size:
        return
    width = max(1, max(len(group) for group in order))
    people = sorted({p for group in order for p in group})
    row = {p: i for i, p in enumerate(people)}
    counts = np.zeros((len(people) + 1, state.n_themes), dtype=np.int64)  # last: empty seat
    for p in people:
        counts[row[p]] = state.tcount[p]
    padded = np.full((len(order), width), len(people), dtype=np.int64)
    for i, group in enumerate(order):
        padded[i, : len(group)] = [row[p] for p in group]
    theme = np.array(state.theme, dtype=np.int64)[tables]
    cap = np.array(state.cap, dtype=np.int64)[tables]
    # key[i, j]: times group i's people sat on table j's theme, less a thousandth of its size
    key = counts[padded][:, :, theme].sum(axis=1) - 1e-3 * cap
    free = np.ones(tables.size, dtype=bool)
    for i, group in enumerate(order):
        fits = free & (cap >= len(group))
        if not fits.any():
            raise ValueError("no free table fits the group")
        j = int(np.argmin(np.where(fits, key[i], np.inf)))
        free[j] = False
        for p in group:
            state.place(r, p, int(tables[j]))


def relabel(state: Seating, steps: int, deadline: float = float("inf")) -> None:
    """Exchange whole groups between tables (meetings stay, themes change) to gain coverage.

    Sweeps over the rounds (`_sweeps`) that take exchanges gaining coverage or costing none,
    so coverage never falls, until full coverage, `steps` or a few sweeps without a gain.
    Only tables without a host exchange; an exchange moves the two groups' seats and theme
    counts (the meetings, and so every pair's cost, stay as they are).
    """
    s = state
    if not s.themed:
        return
    rounds: list[tuple[int, list[int]]] = []
    for r in range(s.played, s.n_rounds):
        free = [t for t in s.open[r] if not any(s.is_host[x] for x in s.members[r][t])]
        if len({s.theme[t] for t in free}) > 1:
            rounds.append((r, free))
    if not rounds:
        return
    _sweeps(s, rounds, sum(s.weight[p] * s.missing(p) for p in range(s.n)), steps, deadline)


def _sweeps(
    s: Seating, rounds: list[tuple[int, list[int]]], now: int, steps: int, deadline: float
) -> int:
    """Sweeps over the rounds, on numpy arrays: in each round every exchange of two tables'
    groups is weighed at once; the exchanges that are both tables' best gain are made, and
    a random pairing of the other tables exchanges where that costs nothing. Exchanges within
    a round touch different people, so they add up. Until full coverage, `steps` (a table
    weighed is a step) or `PATIENCE` sweeps without a gain; the coverage cost after them.
    The seats, groups and theme counts are written back at the end."""
    n = s.n
    weight = np.array([*s.weight, 0], dtype=np.int64)
    tc = np.zeros((n + 1, s.n_themes), dtype=np.int64)
    tc[:n] = s.tcount
    tc[n] = 2  # an empty seat: gains and loses nothing
    cap, theme = np.array(s.cap, dtype=np.int64), np.array(s.theme, dtype=np.int64)
    gen = np.random.default_rng(s.rng.getrandbits(32))
    tables = []
    for r, free in rounds:
        groups = [s.members[r][t] for t in free]
        rows = np.full((len(free), max(1, max(len(g) for g in groups))), n, dtype=np.int64)
        for i, g in enumerate(groups):
            rows[i, : len(g)] = g
        f = np.array(free, dtype=np.int64)
        tables.append((rows, theme[f], cap[f]))
    used = idle = 0
    while now > 0 and idle < PATIENCE and used < steps and time.monotonic() < deadline:
        idle += 1
        for rows, th, cp in tables:
            m = len(th)
            used += m
            w = weight[rows]
            at = tc[rows]  # (tables, seats, themes)
            to = ((at == 0) * w[:, :, None]).sum(axis=1)
            lose = ((tc[rows, th[:, None]] == 1) * w).sum(axis=1)
            move = to[:, th] - lose[:, None]  # move[i, j]: group i to table j's theme
            gain = move + move.T
            size = (rows < n).sum(axis=1)
            fits = size[:, None] <= cp[None, :]
            gain[(th[:, None] == th[None, :]) | ~(fits & fits.T)] = -1
            best = gain.argmax(axis=1)
            idx = np.arange(m)
            mutual = (best[best] == idx) & (gain[idx, best] > 0) & (idx < best)
            first, second = idx[mutual], best[mutual]
            taken = np.zeros(m, dtype=bool)
            taken[first] = taken[second] = True
            rest = gen.permutation(idx[~taken])
            a, b = rest[: len(rest) // 2 * 2 : 2], rest[1 : len(rest) // 2 * 2 : 2]
            even = gain[a, b] == 0
            first = np.concatenate([first, a[even]])
            second = np.concatenate([second, b[even]])
            if not len(first):
                continue
            delta = int(gain[first, second].sum())
            if delta > 0:
                now -= delta
                idle = 0
            for here, there in ((first, second), (second, first)):
                people = rows[here]
                np.add.at(tc, (people, th[here][:, None]), -1)
                np.add.at(tc, (people, th[there][:, None]), 1)
            tc[n] = 2
            rows[first], rows[second] = rows[second], rows[first].copy()
    for (r, free), (rows, _, _) in zip(rounds, tables, strict=True):
        for t, row in zip(free, rows.tolist(), strict=True):
            group = [x for x in row if x < n]
            s.members[r][t] = group
            for x in group:
                s.seat[r][x] = t
    for x in range(n):
        s.tcount[x] = tc[x].tolist()
        s.distinct[x] = int(np.count_nonzero(tc[x]))
    return now
