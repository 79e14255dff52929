"""Tabu search for small dense cafés: every swap of every person in conflict, scored at once.

Dotú and Van Hentenryck's neighbourhood: in each round, each person sitting with someone they
met before (or back on a theme they visited) may swap with anyone at another table, or move to
a table one smaller; the best such change that is not tabu is made. With numpy the whole
neighbourhood of all rounds is a handful of array operations per iteration, which is what makes
this affordable in Python. Sums over a table's people are integer gathers over a table of who
sits where, not matrix products: those would start a numeric library's threads, which wait
spinning for a busy processor. The search stops at a budget of iterations and one of work
(what its arrays hold), so that many rounds of many people fit the time limit as well.
"""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt

from worldcafe.rotation.search import MIX_MASK, W_REPEAT, Seating

Ints = npt.NDArray[np.int64]
BIG = 1 << 62
# The work of an iteration, counted so that a budget of work follows its cost in time: the
# entries of the arrays it builds (every round's meetings, swaps of the people in conflict,
# moves) and, for numpy's calls, as much again as a small café's arrays hold.
ITERATION_OVERHEAD = 40_000
# A missing theme weighs like a few repeats while searching, so that the search can pass through
# plans of lower coverage; the best plan is still chosen by coverage first.
W_THEME_SEARCH = 2 * W_REPEAT


class DenseSearch:
    """The swap tabu search over all rounds being planned, on arrays copied from the state."""

    def __init__(self, state: Seating, target: tuple[int, int], deadline: float) -> None:
        s = self.s = state
        self.target = target
        self.deadline = deadline
        n, self.m = s.n, len(s.cap)
        self.n = n
        self.rounds = list(range(s.played, s.n_rounds))
        self.seat = np.array([s.seat[r] for r in self.rounds], dtype=np.int64).reshape(-1, n)
        self.meet = np.array(s.meet, dtype=np.int64).reshape(n, n)
        self.tc = np.array(s.tcount, dtype=np.int64).reshape(n, -1)
        self.add = np.array(s.add, dtype=np.int64)
        self.add_prev = np.concatenate([[0], self.add[:-1]])
        # what a pair seated together wastes besides repeats: shared mix values, no language
        codes = np.zeros(n * n, dtype=np.int64) if s.code is None else np.array(s.code)
        codes = codes.astype(np.int64).reshape(n, n)
        self.mix_w = codes & MIX_MASK
        self.apart = codes >> 6
        top = max(s.weight, default=0) + 1
        self.w_lang = 4 * top * W_THEME_SEARCH
        self.extra = self.mix_w * (W_REPEAT + 1) + self.apart * self.w_lang
        self.marked = codes > 0
        self.mix_total, self.lang_total = s.mix_total, s.lang_total
        self.cost_of = np.array(s.pair_cost, dtype=np.int64)
        self.movable = ~np.array(s.is_host, dtype=bool)
        self.w = np.array(s.weight, dtype=np.int64) * W_THEME_SEARCH
        self.den = np.array(s.den, dtype=np.int64)
        self.theme = np.array(s.theme, dtype=np.int64)
        self.cap = np.array(s.cap, dtype=np.int64)
        self.is_open = np.zeros((len(self.rounds), self.m), dtype=bool)
        for i, r in enumerate(self.rounds):
            self.is_open[i, s.open[r]] = True
        self.tabu = np.zeros((len(self.rounds), n, self.m), dtype=np.int64)  # back to a table
        self.rows = np.arange(n)
        self.patience = 100 + 5 * n
        self.tenure = (4, 10)
        self.kick = (3, 6)  # random swaps after a stall
        self.conflicts: tuple[Ints, Ints] = (np.zeros(0, np.int64), np.zeros(0, np.int64))

    def cost(self) -> tuple[int, int, int, int]:
        """(pairs without a common language, weighted missing themes, wasted encounters,
        spread) of the current seats, as `Seating.cost`."""
        upper = np.triu(self.meet, 1)
        extra = np.maximum(upper - 1, 0)
        distinct = (self.tc > 0).sum(axis=1)
        theme = int(((self.den - distinct) * (self.w // W_THEME_SEARCH)).sum())
        mix = self.mix_total
        return self.lang_total, theme, int(extra.sum()) + mix, int((extra * extra).sum()) + mix

    def fold(self, cost: tuple[int, int, int, int]) -> int:
        return cost[0] * self.w_lang + cost[1] * W_THEME_SEARCH + cost[2] * W_REPEAT + cost[3]

    def done(self, cost: tuple[int, int, int, int]) -> bool:
        return (
            cost[0] == 0
            and cost[1] <= self.target[0]
            and cost[2] <= self.target[1]
            and cost[3] == cost[2]
        )

    def neighbourhood(self, it: int, cost: int, best: int) -> tuple[Ints, Ints, Ints]:
        """Deltas of every admissible swap [round, p, q], move [round, p, table] and exchange of
        two tables' whole groups [round, table, table] (only those that gain theme coverage)."""
        seat = self.seat
        n_r, n = seat.shape
        here = seat >= 0
        sc = np.where(here, seat, 0)
        onehot = np.zeros((n_r, n, self.m), dtype=np.int64)
        rr, pp = np.nonzero(here)
        onehot[rr, pp, seat[rr, pp]] = 1
        sizes = onehot.sum(axis=1)
        members = self.members(sizes)  # [round, table, seat]; n: an empty seat
        a_cost = self.add[self.meet] + self.extra
        join = self.per_table(a_cost, members)
        leave = -np.take_along_axis(
            self.per_table(self.add_prev[self.meet] + self.extra, members), sc[:, :, None], 2
        )[:, :, 0]
        bad = self.per_table(((self.meet >= 2) | self.marked).astype(np.int64), members)
        conflict = np.take_along_axis(bad, sc[:, :, None], 2)[:, :, 0] > 0
        th = self.theme[sc]
        own = self.tc[self.rows[None, :], th]
        distinct = (self.tc > 0).sum(axis=1)
        lacking = (self.w > 0)[None, :] & (own >= 2) & (distinct < self.den)[None, :]
        rows = here & self.movable[None, :] & (conflict | lacking)

        # swaps, only for the people in conflict: [k, q] for the k-th (round, person) in conflict
        kr, kp = np.nonzero(rows)
        self.conflicts = (kr, kp)
        sc_k = sc[kr]  # [k, q]: table of q in that round
        own_table = sc[kr, kp]
        join_p = np.take_along_axis(join[kr, kp], sc_k, 1)  # p joining q's table
        join_q = join[kr[:, None], self.rows[None, :], own_table[:, None]]  # q joining p's table
        swap = leave[kr, kp][:, None] + join_p + leave[kr] + join_q - 2 * a_cost[kp]
        th_p, th_q = th[kr, kp], th[kr]
        gain_p = (self.tc[kp[:, None], th_q] == 0).astype(np.int64) - (own[kr, kp] == 1)[:, None]
        gain_q = (self.tc[self.rows[None, :], th_p[:, None]] == 0).astype(np.int64)
        gain_q -= own[kr] == 1
        differ = th_p[:, None] != th_q
        swap -= differ * (self.w[kp][:, None] * gain_p + self.w[None, :] * gain_q)
        tabu = self.tabu > it  # [round, p, table]: p may not go back to that table yet
        tabu_p = np.take_along_axis(tabu[kr, kp], sc_k, 1)
        tabu_q = tabu[kr[:, None], self.rows[None, :], own_table[:, None]]
        blocked = (
            ~(here & self.movable[None, :])[kr]
            | (sc_k == own_table[:, None])
            | ((tabu_p | tabu_q) & (cost + swap >= best))
        )
        swap[blocked] = BIG

        own_size = np.take_along_axis(sizes, sc, 1)
        fits = self.is_open & (sizes < self.cap[None, :])
        gain_t = (self.tc[:, self.theme] == 0).astype(np.int64)[None] - (own == 1)[:, :, None]
        move = leave[:, :, None] + join
        move -= (th[:, :, None] != self.theme[None, None, :]) * self.w[None, :, None] * gain_t
        ok = fits[:, None, :] & (sizes[:, None, :] + 1 == own_size[:, :, None]) & rows[:, :, None]
        ok &= ~tabu | (cost + move < best)
        move[~ok] = BIG

        # whole groups changing tables: only themes change, so only coverage gains are offered
        stay = th[:, :, None] == self.theme[None, None, :]
        per_person = np.where(stay, 0, -self.w[None, :, None] * gain_t)
        # [round, table, to table]: what a table's people gain on the other table's theme
        padded = np.concatenate([per_person, np.zeros((n_r, 1, self.m), np.int64)], axis=1)
        per_table = padded[np.arange(n_r)[:, None, None], members].sum(axis=2)
        exchange = per_table + per_table.transpose(0, 2, 1)
        hosted = np.append(~self.movable, False)[members].any(axis=2)
        fits_other = (sizes[:, :, None] <= self.cap[None, None, :]) & (
            sizes[:, None, :] <= self.cap[None, :, None]
        )
        usable = self.is_open & ~hosted
        ok_x = usable[:, :, None] & usable[:, None, :] & fits_other & (exchange < 0)
        exchange[~ok_x] = BIG
        return swap, move, exchange

    def members(self, sizes: Ints) -> Ints:
        """Who sits at each table of each round, [round, table, seat], padded with n."""
        seat = self.seat
        n_r, n = seat.shape
        key = np.where(seat >= 0, seat, self.m)  # the absent last
        order = np.argsort(key, axis=1, kind="stable")
        tables = np.take_along_axis(key, order, 1)
        first = np.cumsum(sizes, axis=1) - sizes
        real = tables < self.m
        where = np.minimum(tables, self.m - 1)
        rank = np.arange(n)[None, :] - np.take_along_axis(first, where, 1)
        out = np.full((n_r, self.m, max(1, int(sizes.max(initial=0)))), n, dtype=np.int64)
        rows = np.broadcast_to(np.arange(n_r)[:, None], order.shape)
        out[rows[real], tables[real], rank[real]] = order[real]
        return out

    def per_table(self, pair: Ints, members: Ints) -> Ints:
        """[round, person, table]: the sum of pair[person, x] over the people x at the table
        (integer gathers: no threads of a numeric library waiting for a busy processor)."""
        n = self.n
        padded = np.zeros((n, n + 1), dtype=np.int64)
        padded[:, :n] = pair
        summed: Ints = padded[:, members].sum(axis=3).transpose(1, 0, 2)
        return summed

    def apply(self, i: int, p: int, b: int) -> None:
        """Seat p at table b in planned round i (meetings and themes follow)."""
        seat = self.seat[i]
        a = int(seat[p])
        old = np.nonzero(seat == a)[0]
        old = old[old != p]
        new = np.nonzero(seat == b)[0]
        self.meet[p, old] -= 1
        self.meet[old, p] -= 1
        self.meet[p, new] += 1
        self.meet[new, p] += 1
        if self.marked[p].any():
            self.mix_total += int(self.mix_w[p, new].sum() - self.mix_w[p, old].sum())
            self.lang_total += int(self.apart[p, new].sum() - self.apart[p, old].sum())
        self.tc[p, self.theme[a]] -= 1
        self.tc[p, self.theme[b]] += 1
        seat[p] = b

    def run(
        self, budget: int, work: int | None = None
    ) -> tuple[list[list[int]], tuple[int, int, int, int]]:
        """Search for at most `budget` iterations and `work` (see `ITERATION_OVERHEAD`); the
        best seats found and their cost. Both are counted, not timed: the same seeds give the
        same seats however fast the machine is."""
        rng = self.s.rng
        best3 = self.cost()
        best = cost = self.fold(best3)
        snap = self.seat.copy()
        stall = 0
        patience = self.patience
        spent = 0
        for it in range(1, budget + 1):
            if self.done(best3) or not self.rounds:
                break
            if work is not None and spent >= work:
                break
            if it % 16 == 0 and time.monotonic() > self.deadline:
                break
            swap, move, exchange = self.neighbourhood(it, cost, best)
            spent += ITERATION_OVERHEAD + self.meet.size * len(self.rounds)
            spent += 4 * swap.size + move.size
            low = min(int(a.min()) if a.size else BIG for a in (swap, move, exchange))
            if low >= BIG:
                self.shake(snap)
                cost = self.fold(self.cost())
                continue
            options = np.concatenate(
                [
                    np.flatnonzero(swap == low),
                    swap.size + np.flatnonzero(move == low),
                    swap.size + move.size + np.flatnonzero(exchange == low),
                ]
            )
            k = int(options[rng.randrange(options.size)])
            if k < swap.size:
                row, q = (int(x) for x in np.unravel_index(k, swap.shape))
                i, p = int(self.conflicts[0][row]), int(self.conflicts[1][row])
                a, b = int(self.seat[i, p]), int(self.seat[i, q])
                self.apply(i, p, b)
                self.apply(i, q, a)
                moved = [(p, a), (q, b)]
            elif k < swap.size + move.size:
                i, p, b = (int(x) for x in np.unravel_index(k - swap.size, move.shape))
                a = int(self.seat[i, p])
                self.apply(i, p, b)
                moved = [(p, a)]
            else:
                k -= swap.size + move.size
                i, a, b = (int(x) for x in np.unravel_index(k, exchange.shape))
                group_a = [int(x) for x in np.nonzero(self.seat[i] == a)[0]]
                group_b = [int(x) for x in np.nonzero(self.seat[i] == b)[0]]
                for x in group_a:
                    self.apply(i, x, b)
                for x in group_b:
                    self.apply(i, x, a)
                moved = []
            cost += low
            for x, t in moved:
                self.tabu[i, x, t] = it + self.tenure[0] + rng.randrange(self.tenure[1])
            now3 = self.cost()
            if now3 < best3:
                best3, snap = now3, self.seat.copy()
            if cost < best:
                best, stall = cost, 0
            else:
                stall += 1
                if stall > patience:
                    self.shake(snap)
                    cost, stall = self.fold(self.cost()), 0
        return [list(map(int, row)) for row in snap], best3

    def shake(self, snap: Ints) -> None:
        """Back to the best seats, then a few random swaps."""
        rng = self.s.rng
        for i in range(len(self.rounds)):
            for x in np.nonzero(self.seat[i] != snap[i])[0]:
                self.apply(i, int(x), int(snap[i, x]))
        for _ in range(self.kick[0] + rng.randrange(self.kick[1])):
            i = rng.randrange(len(self.rounds))
            movable = [p for p in self.s.present[self.rounds[i]] if not self.s.is_host[p]]
            if len(movable) < 2:
                continue
            p, q = rng.sample(movable, 2)
            a, b = int(self.seat[i, p]), int(self.seat[i, q])
            if a != b:
                self.apply(i, p, b)
                self.apply(i, q, a)
