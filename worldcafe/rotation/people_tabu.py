"""Swap tabu search for cafés that mix people or need a common language at every table.

Dotú and Van Hentenryck's neighbourhood, one person at a time but every partner at once: in a
round, a person in conflict (at a table without a common language, with someone they met
before or who shares a mixed value, or back on a theme they visited) may swap with anyone at
another table, swap with someone in two rounds at once (each on the other's theme, so both
keep their themes), or move to a table one smaller; `PeopleState` scores all of these in one
go, and the best change that is not tabu is made (a tabu one when it beats the best plan seen:
aspiration). After long without a gain the search goes back to the best plan and shakes it.
Tables without a common language are looked at before anything else (`repair` does only that),
and once a table shares a language no change takes it away.
"""

from __future__ import annotations

import time

import numpy as np

from worldcafe.rotation.people_state import BIG, W_THEME, Ints, PeopleState
from worldcafe.rotation.search import Seating


class PeopleTabu(PeopleState):
    """The search over the rounds being planned; `run` returns the best seats and their cost."""

    def __init__(
        self,
        state: Seating,
        target: tuple[int, int],
        deadline: float,
        *,
        repairing: bool = False,
    ) -> None:
        super().__init__(state, W_THEME, repairing=repairing)
        self.target = target
        self.deadline = deadline
        n = state.n
        self.tabu = np.zeros((state.n_rounds, n), dtype=np.int64)
        self.check_every = 1 + n // 100
        self.patience = 300 + 4 * n
        self.quiet = 4 * self.patience  # steps without a new best after which the search stops

    def done(self, cost: tuple[int, int, int, int, int]) -> bool:
        bad, apart, theme, wasted, spread = cost
        return (
            bad == 0
            and apart == 0
            and theme <= self.target[0]
            and wasted <= self.target[1]
            and spread == wasted
        )

    def step(self, r: int, it: int, cost: int, best: int) -> tuple[int, int, int, int, int] | None:
        """The best admissible change in round r for a person in conflict there:
        (delta, p, q, table, second round) with q = -1 for a move, and a second round >= 0 when
        p and q swap in both (on each other's themes, so that both keep their themes; the
        delta is then an estimate). None when nobody there is in conflict."""
        rng = self.s.rng
        movers = self.movers[r]
        if movers.size == 0:
            return None
        leave, conflict, table_bad = self.conflicts(r)
        picks = np.flatnonzero(conflict)
        if picks.size == 0 or (not self.keep_languages and not table_bad.any()):
            return None
        k = int(picks[rng.randrange(picks.size)])
        p = int(movers[k])
        slack = best - cost
        tabu = self.tabu[r] > it
        first, themes = self.swaps(r, p, leave, table_bad)
        single = np.where(first < BIG, first + themes, BIG)
        if tabu[p]:
            single[single >= slack] = BIG
        else:
            single[tabu & (single >= slack)] = BIG
        move = self.moves(r, p, int(leave[k]), table_bad, slack if tabu[p] else int(BIG))
        double = np.full(self.n, BIG, dtype=np.int64)
        r2 = -1
        settled = self.keep_languages or not table_bad.any()  # (repairing: languages only)
        r2_ok = len(self.rounds) > 1 and self.weight[p] and settled
        r2_ok = r2_ok and rng.random() < 0.5
        if r2_ok:
            r2 = self.rounds[rng.randrange(len(self.rounds) - 1)]
            r2 = self.rounds[-1] if r2 == r else r2
            th = self.theme
            seat, seat2 = self.seat[r], self.seat[r2]
            mirror = (seat >= 0) & (seat2 >= 0) & (seat2[p] >= 0)
            mirror &= (th[seat] == th[seat2[p]]) & (th[seat2] == th[seat[p]])
            mirror &= th[seat] != th[seat[p]]
            if mirror.any():
                leave2, _, bad2 = self.conflicts(r2)
                if self.keep_languages or not bad2.any():
                    second, _ = self.swaps(r2, p, leave2, bad2)
                    both = mirror & (second < BIG) & (first < BIG)
                    double = np.where(both, first + second, BIG)
                    tabu2 = tabu | (self.tabu[r2] > it)
                    if tabu2[p]:
                        double[double >= slack] = BIG
                    else:
                        double[tabu2 & (double >= slack)] = BIG
        low = min(int(single.min()), int(move.min()), int(double.min()))
        if low >= BIG:
            return (int(BIG), p, -2, -1, -1)
        options = np.concatenate(
            [
                np.flatnonzero(single == low),
                self.n + np.flatnonzero(double == low),
                2 * self.n + np.flatnonzero(move == low),
            ]
        )
        pick = int(options[rng.randrange(options.size)])
        if pick < self.n:
            return low, p, pick, int(self.seat[r, pick]), -1
        if pick < 2 * self.n:
            q = pick - self.n
            return low, p, q, int(self.seat[r, q]), r2
        return low, p, -1, pick - 2 * self.n, -1

    # ---- the search
    def run(self, budget: int) -> tuple[list[list[int]], tuple[int, int, int, int, int]]:
        """Search for at most `budget` steps (fewer at the target, or long without a gain)."""
        rng = self.s.rng
        best3 = self.cost()
        best = cost = self.fold(best3)
        snap = self.seat.copy()
        stall = last_gain = checked = 0
        quiet = max(self.quiet, budget // 2)  # a longer search gets longer to find a gain
        idle_rounds: set[int] = set()
        for it in range(1, budget + 1):
            if self.done(best3) or not self.rounds or it - last_gain > quiet:
                break
            if it % 64 == 0 and time.monotonic() > self.deadline:
                break
            r = self.rounds[rng.randrange(len(self.rounds))]
            found = self.step(r, it, cost, best)
            if found is None:
                idle_rounds.add(r)
                if len(idle_rounds) == len(self.rounds):
                    break  # nobody in conflict anywhere
                continue
            idle_rounds.clear()
            delta, p, q, b, r2 = found
            if q == -2:
                continue
            self.change(r, p, q, b)
            tenure = 3 + rng.randrange(8)
            self.tabu[r, p] = it + tenure
            if q >= 0:
                self.tabu[r, q] = it + tenure
            if r2 >= 0:
                self.change(r2, p, q, int(self.seat[r2, q]))
                self.tabu[r2, p] = self.tabu[r2, q] = it + tenure
                cost = self.fold(self.cost())
            else:
                cost += delta
            if cost < best:  # the fold orders plans as their costs do
                best, stall, last_gain, snap = cost, 0, it, self.seat.copy()
                if it - checked >= self.check_every:  # whole costs are dear in large cafés
                    best3, checked = self.cost(), it
            else:
                stall += 1
                if stall > self.patience:
                    self.shake(snap)
                    cost, stall = self.fold(self.cost()), 0
                    best = min(best, cost)
        self.restore(snap)
        best3 = self.cost()
        return [list(map(int, snap[r])) for r in range(self.s.played, self.s.n_rounds)], best3

    def repair(self, budget: int) -> list[list[int]]:
        """Only seat tables without a common language anew (as in `run`); the seats after.
        Meant for a search made `repairing`: a pair without a common language then weighs
        below a missing theme, so that tables are repaired on their themes where they can be."""
        self.quiet = self.patience
        snap, _ = self.run(budget)
        return snap

    def shake(self, snap: Ints) -> None:
        """Back to the best seats, then a few random swaps on one theme that keep languages."""
        rng = self.s.rng
        self.restore(snap)
        for _ in range(3 + rng.randrange(6)):
            r = self.rounds[rng.randrange(len(self.rounds))]
            movers = self.movers[r]
            if movers.size < 2:
                continue
            p, q = (int(movers[rng.randrange(movers.size)]) for _ in range(2))
            a, b = int(self.seat[r, p]), int(self.seat[r, q])
            if a == b or self.theme[a] != self.theme[b]:
                continue
            before = self.table_masks(r)
            self.change(r, p, q, b)
            after = self.table_masks(r)
            if self.check_lang and bool(((before != 0) & (after == 0)).any()):
                self.change(r, p, q, a)
