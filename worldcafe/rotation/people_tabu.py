"""Swap tabu search for cafés that mix people or need a common language at every table.

Dotú and Van Hentenryck's neighbourhood, one person at a time but every partner at once: in a
round, a person in conflict (at a table without a common language, with someone they met
before or who shares a mixed value, or back on a theme they visited) may swap with anyone at
another table or move to a table one smaller; numpy scores all of these in one go from the
seats and the meeting counts (O(n * table size) per step), and the best change that is not
tabu is made (a tabu one when it beats the best plan seen: aspiration).

The cost is lexicographic, folded into one integer: tables without a common language, then
pairs without one (a gradient towards a language every table shares), then missing themes,
then wasted encounters (repeat pairs and pairs sharing a mixed value), then the spread of
repeats. A table that shares a language never loses it: such a change is not offered, so once
the languages are repaired (they are looked at first) they stay repaired.

Languages are bits of a 64-bit mask; beyond 63 languages in one café the rarer ones share
the last bit, which may call a table fine that is not (the plan's score tells the truth).
"""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt

from worldcafe.rotation.people import languages_of
from worldcafe.rotation.search import MIX_MASK, W_REPEAT, Seating

Ints = npt.NDArray[np.int64]
# Weights of the folded cost: each above what a change can move the parts below it by (a
# theme weight is at most lcm(1..8) = 840), and the whole within 64 bits.
W_THEME = 1 << 26  # a missing theme, times the traveller's weight
W_APART = 1 << 38  # a pair without a common language
W_TABLE = 1 << 44  # a table without a common language
NONE = np.int64(-1)  # the mask of someone who gave no language: speaks with everyone
BIG = np.int64(1 << 62)


def language_masks(state: Seating) -> Ints:
    """Each person's languages as bits (all bits: none given), and a last entry for an empty
    seat."""
    masks = np.full(state.n + 1, NONE, dtype=np.int64)
    if not state.instance.common_language:
        return masks
    langs = languages_of(state.instance)
    counts: dict[str, int] = {}
    for codes in langs.values():
        for c in codes:
            counts[c] = counts.get(c, 0) + 1
    bit = {c: min(k, 63) for k, c in enumerate(sorted(counts, key=lambda c: (-counts[c], c)))}
    for i, p in enumerate(state.people):
        if p in langs:
            value = 0
            for c in langs[p]:
                value |= 1 << bit[c]
            masks[i] = np.int64(value - (1 << 64) if value >= 1 << 63 else value)
    return masks


class PeopleTabu:
    """The search over the rounds being planned; `run` returns the best seats and their cost."""

    def __init__(
        self, state: Seating, target: tuple[int, int], deadline: float, theme_weight: int = W_THEME
    ) -> None:
        s = self.s = state
        self.target = target
        self.deadline = deadline
        n = self.n = s.n
        self.m = len(s.cap)
        self.rounds = [r for r in range(s.played, s.n_rounds) if len(s.open[r]) > 1]
        self.seat = np.array(s.seat, dtype=np.int64).reshape(s.n_rounds, n)
        meet = np.zeros((n + 1, n + 1), dtype=np.int64)  # the last row: an empty seat
        meet[:n, :n] = np.frombuffer(s.meet, dtype=np.uint8 if s.meet.itemsize == 1 else np.uint16)[
            : n * n
        ].reshape(n, n)
        self.meet = meet
        codes = np.zeros((n + 1, n + 1), dtype=np.int64)
        if s.code is not None:
            codes[:n, :n] = np.frombuffer(s.code, dtype=np.uint8).reshape(n, n)
        self.mix = codes & MIX_MASK
        self.extra = self.mix * (W_REPEAT + 1) + (codes >> 6) * W_APART
        self.add_now = np.array(s.add, dtype=np.int64)  # cost of joining someone met m times
        self.add_before = np.concatenate([[0], self.add_now[:-1]])  # of leaving them
        self.lang = language_masks(s)
        self.check_lang = bool((self.lang != NONE).sum() >= 2)
        self.tc = np.zeros((n, max(s.n_themes, 1)), dtype=np.int64)
        for p in range(n):
            self.tc[p] = s.tcount[p]
        self.units = np.array(s.weight, dtype=np.int64)
        self.w_theme = theme_weight
        self.weight = self.units * theme_weight
        self.den = np.array(s.den, dtype=np.int64)
        self.theme = np.array(s.theme, dtype=np.int64)
        self.cap = np.array(s.cap, dtype=np.int64)
        width = int(self.cap.max()) if self.m else 1
        self.table = np.full((s.n_rounds, self.m, width), n, dtype=np.int64)  # n: empty seat
        self.size = np.zeros((s.n_rounds, self.m), dtype=np.int64)
        self.is_open = np.zeros((s.n_rounds, self.m), dtype=bool)
        self.planned = set(self.rounds)
        for r in range(s.n_rounds):
            self.is_open[r, s.open[r]] = r in self.planned
            for t, group in enumerate(s.members[r]):
                self.table[r, t, : len(group)] = group
                self.size[r, t] = len(group)
        self.movers = {
            r: np.array(sorted(p for p in s.present[r] if not s.is_host[p]), dtype=np.int64)
            for r in self.rounds
        }
        self.present = {r: np.array(s.present[r], dtype=np.int64) for r in self.rounds}
        self.tabu = np.zeros((s.n_rounds, n), dtype=np.int64)
        self.languages_only = False
        self.check_every = 1 + n // 100
        self.patience = 300 + 4 * n
        self.quiet = 4000 + 12 * n  # steps without a new best after which the search stops

    # ---- the state
    def table_masks(self, r: int) -> Ints:
        """The languages each table of round r shares (0: none)."""
        masks: Ints = np.bitwise_and.reduce(self.lang[self.table[r]], axis=1)
        return masks

    def cost(self) -> tuple[int, int, int, int, int]:
        """(tables without a common language, pairs without one, weighted missing themes,
        wasted encounters, spread) of the whole plan; languages count in the rounds that
        can still change."""
        n = self.n
        left, right = np.triu_indices(self.table.shape[2], 1)
        bad = apart = mix = 0
        repeats = spread = 0.0
        for r in range(self.s.n_rounds):
            a, b = self.table[r][:, left], self.table[r][:, right]
            met = self.meet[a, b]
            real = (a < n) & (b < n)
            extra = np.where(real, met - 1, 0)
            share = np.where(real, met, 1)
            repeats += float((extra / share).sum())  # a pair met m times: m - 1, over m rounds
            spread += float((extra * extra / share).sum())
            mix += int(self.mix[a, b].sum())
            if r in self.planned and self.check_lang:
                apart += int((self.extra[a, b] >= W_APART).sum())
                bad += int(((self.table_masks(r) == 0) & self.is_open[r]).sum())
        distinct = (self.tc > 0).sum(axis=1)
        theme = int(((self.den - distinct) * self.units).sum())
        wasted = round(repeats) + mix
        return bad, apart, theme, wasted, round(spread) + mix

    def fold(self, cost: tuple[int, int, int, int, int]) -> int:
        bad, apart, theme, wasted, spread = cost
        return bad * W_TABLE + apart * W_APART + theme * self.w_theme + wasted * W_REPEAT + spread

    def done(self, cost: tuple[int, int, int, int, int]) -> bool:
        bad, apart, theme, wasted, spread = cost
        return (
            bad == 0
            and apart == 0
            and theme <= self.target[0]
            and wasted <= self.target[1]
            and spread == wasted
        )

    # ---- one step
    def leaving(self, r: int, people: Ints) -> Ints:
        """What each of these people costs at their table in round r (0: no conflict there)."""
        mates = self.table[r, self.seat[r, people]]  # [k, width]
        rows = people[:, None]
        costs = self.add_before[self.meet[rows, mates]] + self.extra[rows, mates]
        total: Ints = costs.sum(axis=1)  # oneself and empty seats cost nothing
        return total

    def lacking(self, people: Ints, tables: Ints) -> npt.NDArray[np.bool_]:
        """Who sits on a theme they visited before while a theme is still missing."""
        th = self.theme[tables]
        distinct = (self.tc[people] > 0).sum(axis=1)
        missing = distinct < self.den[people]
        out: npt.NDArray[np.bool_] = (
            (self.weight[people] > 0) & (self.tc[people, th] >= 2) & missing
        )
        return out

    def conflicts(self, r: int) -> tuple[Ints, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        """(what each mover of round r costs at their table, who of them is in conflict, which
        tables share no language)."""
        movers = self.movers[r]
        tq = self.seat[r, movers]
        leave = self.leaving(r, movers)
        conflict = (leave > 0) | self.lacking(movers, tq)
        table_bad = np.zeros(self.m, dtype=bool)
        if self.check_lang:
            table_bad = (self.table_masks(r) == 0) & self.is_open[r]
            if table_bad.any():  # languages first: only those at such tables
                conflict = table_bad[tq]
        return leave, conflict, table_bad

    def swaps(
        self, r: int, p: int, leave: Ints, table_bad: npt.NDArray[np.bool_]
    ) -> tuple[Ints, Ints]:
        """For every person, the change of p (in round r) swapping with them: (meetings and
        languages, BIG where not allowed; themes), the second left out for the same theme."""
        n = self.n
        movers = self.movers[r]
        seat = self.seat[r]
        tq = seat[movers]
        a = int(seat[p])
        k = int(np.searchsorted(movers, p))
        row = self.add_now[self.meet[p]] + self.extra[p]  # p joining each person's table
        there = self.present[r]
        join_p = np.rint(np.bincount(seat[there], weights=row[there], minlength=self.m))
        mates_a = self.table[r, a]
        mates_a = mates_a[mates_a != p]
        # p leaves a and joins q's table without q, q leaves its table and joins a without p
        rows = movers[:, None]
        join_q = (self.add_now[self.meet[rows, mates_a]] + self.extra[rows, mates_a]).sum(axis=1)
        delta = join_p.astype(np.int64)[tq] - row[movers] + join_q - leave - leave[k]
        blocked = tq == a
        if self.check_lang:
            lang = self.lang
            ex_p = np.bitwise_and.reduce(lang[mates_a]) if mates_a.size else NONE
            mates_q = self.table[r, tq]
            mates_q = np.where(mates_q == rows, n, mates_q)
            ex_q = np.bitwise_and.reduce(lang[mates_q], axis=1)
            ok_a = (ex_p & lang[movers]) != 0
            ok_b = (ex_q & lang[p]) != 0
            was_a, was_b = not table_bad[a], ~table_bad[tq]
            if not self.languages_only:  # a table keeps its common language
                blocked |= (was_a & ~ok_a) | (was_b & ~ok_b)
            delta += W_TABLE * ((~ok_a).astype(np.int64) - int(not was_a))
            delta += W_TABLE * ((~ok_b).astype(np.int64) - (~was_b))
        th_a, th_q = self.theme[a], self.theme[tq]
        other = th_q != th_a
        theme = np.zeros(movers.size, dtype=np.int64)
        if self.weight[p]:
            gain_p = (self.tc[p, th_q] == 0).astype(np.int64) - int(self.tc[p, th_a] == 1)
            theme -= other * self.weight[p] * gain_p
        gain_q = (self.tc[movers, th_a] == 0).astype(np.int64)
        gain_q -= self.tc[movers, th_q] == 1
        theme -= other * self.weight[movers] * gain_q
        full = np.full(n, BIG, dtype=np.int64)
        full[movers] = np.where(blocked, BIG, delta)
        themes = np.zeros(n, dtype=np.int64)
        themes[movers] = theme
        return full, themes

    def moves(
        self, r: int, p: int, leave_p: int, table_bad: npt.NDArray[np.bool_], allowed_below: int
    ) -> Ints:
        """The change of p moving to each table one smaller in round r (BIG elsewhere)."""
        a = int(self.seat[r, p])
        size = self.size[r]
        targets = np.flatnonzero(self.is_open[r] & (size + 1 == size[a]) & (size < self.cap))
        move = np.full(self.m, BIG, dtype=np.int64)
        if not targets.size:
            return move
        row = self.add_now[self.meet[p]] + self.extra[p]
        members = self.table[r, targets]
        d = row[members].sum(axis=1) - leave_p  # empty seats cost nothing
        th_a, th_b = self.theme[a], self.theme[targets]
        if self.weight[p]:
            gain = (self.tc[p, th_b] == 0).astype(np.int64) - int(self.tc[p, th_a] == 1)
            d -= (th_b != th_a) * self.weight[p] * gain
        allowed = np.ones(targets.size, dtype=bool)
        if self.check_lang:
            masks = np.bitwise_and.reduce(self.lang[members], axis=1)
            ok = (masks & self.lang[p]) != 0
            if not self.languages_only:
                allowed &= ok | table_bad[targets]
            d += W_TABLE * ((~ok).astype(np.int64) - table_bad[targets])
            if table_bad[a]:
                rest = self.table[r, a]
                d -= W_TABLE * int(bool(np.bitwise_and.reduce(self.lang[rest[rest != p]]) != 0))
        if allowed_below < BIG:
            allowed &= d < allowed_below
        move[targets] = np.where(allowed, d, BIG)
        return move

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
        if picks.size == 0 or (self.languages_only and not table_bad.any()):
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
        r2_ok = len(self.rounds) > 1 and self.weight[p] and not table_bad.any()
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
                if not bad2.any():
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

    def unseat(self, r: int, p: int) -> int:
        """Take p off their table in round r; returns the table."""
        a = int(self.seat[r, p])
        row = self.table[r, a]
        slot = int(np.flatnonzero(row == p)[0])
        last = int(self.size[r, a]) - 1
        row[slot] = row[last]
        row[last] = self.n
        self.size[r, a] = last
        mates = row[:last]
        self.meet[p, mates] -= 1
        self.meet[mates, p] -= 1
        self.tc[p, self.theme[a]] -= 1
        self.seat[r, p] = -1
        return a

    def sit(self, r: int, p: int, b: int) -> None:
        """Seat p (seated nowhere in round r) at table b."""
        row = self.table[r, b]
        size = int(self.size[r, b])
        mates = row[:size]
        self.meet[p, mates] += 1
        self.meet[mates, p] += 1
        row[size] = p
        self.size[r, b] = size + 1
        self.seat[r, p] = b
        self.tc[p, self.theme[b]] += 1

    def change(self, r: int, p: int, q: int, b: int) -> None:
        """p goes to table b in round r; q (when >= 0) takes p's place."""
        a = self.unseat(r, p)
        if q >= 0:
            self.unseat(r, q)
            self.sit(r, q, a)
        self.sit(r, p, b)

    # ---- the search
    def run(self, budget: int) -> tuple[list[list[int]], tuple[int, int, int, int, int]]:
        """Search for at most `budget` steps (fewer at the target, or long without a gain)."""
        rng = self.s.rng
        best3 = self.cost()
        best = cost = self.fold(best3)
        snap = self.seat.copy()
        stall = last_gain = checked = 0
        idle_rounds: set[int] = set()
        for it in range(1, budget + 1):
            if self.done(best3) or not self.rounds or it - last_gain > self.quiet:
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

    def restore(self, snap: Ints) -> None:
        """Back to the seats of a snapshot."""
        for r in self.rounds:
            moved = [int(x) for x in np.flatnonzero(self.seat[r] != snap[r])]
            for x in moved:
                self.unseat(r, x)
            for x in moved:
                self.sit(r, x, int(snap[r, x]))

    def repair(self, budget: int) -> list[list[int]]:
        """Only seat tables without a common language anew (as in `run`); the seats after."""
        self.languages_only = True
        self.quiet = self.patience
        snap, _ = self.run(budget)
        self.languages_only = False
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
