"""The arrays a swap search over seats works on, and what a swap or a move would change.

Seats, meeting counts (an extra row and column: an empty seat), what a pair wastes besides
repeats (shared mixed values; no common language), themes visited, and each table's people as
rows of a padded array, so that the cost of a change for one person against everyone in a
round is a few gathers (O(n * table size)).

The cost is lexicographic, folded into one integer: tables without a common language, then
(only while `repairing`, as a gradient towards a language every table shares) pairs without
one, then missing themes, then wasted encounters (repeat pairs and pairs sharing a mixed
value), then the spread of repeats. Once repaired, what tables cannot share a language is not
worth any wasted encounter: pairs without a common language then weigh nothing, so mixing and
repeats are minimised as well as without languages. While a round has tables without a common
language, the search looks at the people there first (only at them while repairing, every
other step after it), so a table that can be repaired is. Unless
`keep_languages` is off, a change that takes a common language away from a table is not
offered.

Languages are bits of a 64-bit mask; beyond 63 languages in one café the rarer ones share
the last bit, which may call a table fine that is not (the plan's score tells the truth).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from worldcafe.rotation.people import languages_of
from worldcafe.rotation.search import MIX_MASK, W_REPEAT, Seating

Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]
# Weights of the folded cost: each above what a change can move the parts below it by (a
# theme weight is at most lcm(1..8) = 840), and the whole within 64 bits.
W_THEME = 1 << 26  # a missing theme, times the traveller's weight
W_APART_REPAIRING = 1 << 22  # a pair without a common language while repairing languages:
# below themes, above wasted encounters (after the repair such a pair weighs nothing)
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


class PeopleState:
    """The seats of the rounds being planned, as arrays, and the changes they allow."""

    def __init__(
        self, state: Seating, theme_weight: int = W_THEME, *, repairing: bool = False
    ) -> None:
        s = self.s = state
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
        self.apart = (codes >> 6) > 0
        self.w_apart = W_APART_REPAIRING if repairing else 0
        self.extra = self.mix * (W_REPEAT + 1) + self.apart * self.w_apart
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
        played = max((len(g) for r in range(s.played) for g in s.members[r]), default=0)
        width = max(int(self.cap.max()) if self.m else 1, played, 1)  # played rounds as they were
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
        self.even = [self.level(r) for r in range(s.n_rounds)]
        self.keep_languages = not repairing  # a table keeps its common language
        self.themed = bool(self.units.any())

    # ---- the state
    def level(self, r: int) -> bool:
        """True when the open tables of round r seat as many each (nobody can move then)."""
        sizes = self.size[r][self.is_open[r]]
        return not sizes.size or int(sizes.min()) == int(sizes.max())

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
        a, b = self.table[:, :, left], self.table[:, :, right]  # every round at once
        met = self.meet[a, b]
        real = (a < n) & (b < n)
        extra = np.where(real, met - 1, 0)
        share = np.where(real, met, 1)
        repeats = float((extra / share).sum())  # a pair met m times: m - 1, over m rounds
        spread = float((extra * extra / share).sum())
        mix = int(self.mix[a, b].sum())
        bad = apart = 0
        if self.check_lang and self.planned:
            rs = np.array(sorted(self.planned), dtype=np.int64)
            apart = int(self.apart[a[rs], b[rs]].sum())
            masks = np.bitwise_and.reduce(self.lang[self.table[rs]], axis=2)
            bad = int(((masks == 0) & self.is_open[rs]).sum())
        distinct = (self.tc > 0).sum(axis=1)
        theme = int(((self.den - distinct) * self.units).sum())
        wasted = round(repeats) + mix
        return bad, apart, theme, wasted, round(spread) + mix

    def fold(self, cost: tuple[int, int, int, int, int]) -> int:
        bad, apart, theme, wasted, spread = cost
        parts = bad * W_TABLE + apart * self.w_apart + theme * self.w_theme
        return parts + wasted * W_REPEAT + spread

    # ---- one step
    def leaving(self, r: int, people: Ints) -> Ints:
        """What each of these people costs at their table in round r (0: no conflict there)."""
        mates = self.table[r, self.seat[r, people]]  # [k, width]
        rows = people[:, None]
        costs = self.add_before[self.meet[rows, mates]] + self.extra[rows, mates]
        total: Ints = costs.sum(axis=1)  # oneself and empty seats cost nothing
        return total

    def lacking(self, people: Ints, tables: Ints) -> Flags:
        """Who sits on a theme they visited before while a theme is still missing."""
        th = self.theme[tables]
        distinct = (self.tc[people] > 0).sum(axis=1)
        missing = distinct < self.den[people]
        out: Flags = (self.weight[people] > 0) & (self.tc[people, th] >= 2) & missing
        return out

    def conflicts(self, r: int) -> tuple[Ints, Flags, Flags]:
        """(what each mover of round r costs at their table, who of them is in conflict, which
        tables share no language)."""
        movers = self.movers[r]
        tq = self.seat[r, movers]
        leave = self.leaving(r, movers)
        conflict = leave > 0
        if self.themed:
            conflict |= self.lacking(movers, tq)
        table_bad = np.zeros(self.m, dtype=bool)
        if self.check_lang:
            table_bad = (self.table_masks(r) == 0) & self.is_open[r]
            # languages first: only those at such tables (while repairing; after it, every
            # other look, as a table may lack one whatever is done, and the rest of the round
            # must not stand still for it)
            if table_bad.any() and (not self.keep_languages or self.s.rng.random() < 0.5):
                conflict = table_bad[tq]
        return leave, conflict, table_bad

    def swaps(self, r: int, p: int, leave: Ints, table_bad: Flags) -> tuple[Ints, Ints]:
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
            if self.keep_languages:  # a table keeps its common language
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

    def moves(self, r: int, p: int, leave_p: int, table_bad: Flags, allowed_below: int) -> Ints:
        """The change of p moving to each table one smaller in round r (BIG elsewhere)."""
        a = int(self.seat[r, p])
        size = self.size[r]
        move = np.full(self.m, BIG, dtype=np.int64)
        if self.even[r]:
            return move
        targets = np.flatnonzero(self.is_open[r] & (size + 1 == size[a]) & (size < self.cap))
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
            if self.keep_languages:
                allowed &= ok | table_bad[targets]
            d += W_TABLE * ((~ok).astype(np.int64) - table_bad[targets])
            if table_bad[a]:
                rest = self.table[r, a]
                d -= W_TABLE * int(bool(np.bitwise_and.reduce(self.lang[rest[rest != p]]) != 0))
        if allowed_below < BIG:
            allowed &= d < allowed_below
        move[targets] = np.where(allowed, d, BIG)
        return move

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
        if q < 0:
            self.even[r] = self.level(r)

    def restore(self, snap: Ints) -> None:
        """Back to the seats of a snapshot."""
        for r in self.rounds:
            moved = [int(x) for x in np.flatnonzero(self.seat[r] != snap[r])]
            for x in moved:
                self.unseat(r, x)
            for x in moved:
                self.sit(r, x, int(snap[r, x]))
            self.even[r] = self.level(r)
