"""Planning the remaining rounds: a greedy start and a tabu search over seat swaps.

The cost is lexicographic, folded into one integer: pairs who share no language at a table
(where the café asks for a common language) first, then missing themes, then wasted encounters
(repeat pairs and pairs sharing a value the café mixes), then the spread of repeats (sum of
squared extra meetings). The search follows Dotú and Van
Hentenryck's swap tabu search: take a conflict (a pair that met before, or a traveller back on
a theme), try every swap or move of one of its people in that round, make the best move that is
not tabu, and perturb when it stalls.
"""

from __future__ import annotations

import math
import random
import time
from array import array

from worldcafe.rotation.model import Instance, open_tables, present_in
from worldcafe.rotation.people import pair_codes
from worldcafe.rotation.scoring import theme_key

W_REPEAT = 1 << 12  # one repeat outweighs any spread change a move makes
W_THEME = 1 << 32  # one missing theme outweighs any repeat change a move makes
W_LANG = 1 << 48  # a pair without a common language outweighs any theme change a move makes
MIX_MASK = 63  # a pair code's shared mix values; the bit above: no common language
SAMPLE_TABLES = 40  # tables tried per move in large cafés


class Seating:
    """The planning state: seats of every round, meeting counts, themes visited."""

    def __init__(self, instance: Instance, rng: random.Random) -> None:
        self.rng = rng
        self.instance = instance
        self.people = list(instance.participants)
        index = {p: i for i, p in enumerate(self.people)}
        self.table_ids = [t.id for t in instance.tables]
        tindex = {t: i for i, t in enumerate(self.table_ids)}
        n, n_tables = len(self.people), len(self.table_ids)
        self.n = n
        self.cap = [t.capacity for t in instance.tables]
        keys = [theme_key(t.theme, t.id) for t in instance.tables]
        names = sorted(set(keys))
        self.theme = [names.index(k) for k in keys]
        self.n_themes = len(names)
        self.themed = any(t.theme for t in instance.tables)
        self.host_of = [-1] * n_tables
        self.is_host = [False] * n
        for tid, pid in instance.hosts.items():
            self.host_of[tindex[tid]] = index[pid]
            self.is_host[index[pid]] = True
        self.n_rounds = instance.n_rounds
        self.played = len(instance.rounds)
        self.present = [[index[p] for p in present_in(instance, r)] for r in range(self.n_rounds)]
        self.open = [
            [tindex[t.id] for t in open_tables(instance, r)] if r >= self.played else []
            for r in range(self.n_rounds)
        ]
        self.seat = [[-1] * n for _ in range(self.n_rounds)]
        self.members: list[list[list[int]]] = [
            [[] for _ in range(n_tables)] for _ in range(self.n_rounds)
        ]
        typecode = "B" if self.n_rounds < 255 else "H"
        self.meet = array(typecode, bytes(n * n * array(typecode).itemsize))
        self.tcount = [[0] * self.n_themes for _ in range(n)]
        self.distinct = [0] * n
        attended = [0] * n
        for r in range(self.n_rounds):
            for p in self.present[r]:
                attended[p] += 1
        lcm = math.lcm(*range(1, min(self.n_rounds, self.n_themes) + 1))
        self.weight = [
            lcm // min(a, self.n_themes) if a and self.themed and not self.is_host[p] else 0
            for p, a in enumerate(attended)
        ]
        self.den = [min(a, self.n_themes) for a in attended]
        reps = self.n_rounds + 2
        self.add = [W_REPEAT + 2 * m - 1 if m >= 1 else 0 for m in range(reps)]
        self.pair_cost = [W_REPEAT * max(0, m - 1) + max(0, m - 1) ** 2 for m in range(reps)]
        self.bad: list[tuple[int, int]] = []
        self.bad_at: dict[tuple[int, int], int] = {}
        codes = pair_codes(instance, self.people)
        self.code = array("B", codes.tobytes()) if codes is not None else None
        # who is hardest to seat: many partners without a common language, then many to mix
        self.hardness = [0] * n
        if codes is not None:
            apart = (codes >> 6).sum(axis=1, dtype="int64")
            shared = ((codes & MIX_MASK) > 0).sum(axis=1, dtype="int64")
            self.hardness = [int(x) for x in apart * (n + 1) + shared]
        self.extra = [(c & MIX_MASK) * (W_REPEAT + 1) + (c >> 6) * W_LANG for c in range(256)]
        self.mix_total = 0  # shared mix values of pairs seated together, over all rounds
        self.lang_total = 0  # pairs without a common language seated together
        for r, rnd in enumerate(instance.rounds):
            for tid, group in rnd.items():
                for pid in group:
                    self.place(r, index[pid], tindex[tid])

    # ---- incremental updates
    def _mark(self, a: int, b: int, m: int, code: int = 0) -> None:
        key = (a, b) if a < b else (b, a)
        if m >= 2 or (code and m >= 1):
            if key not in self.bad_at:
                self.bad_at[key] = len(self.bad)
                self.bad.append(key)
        elif key in self.bad_at:
            self.unmark(key)

    def unmark(self, key: tuple[int, int]) -> None:
        """Forget a conflict pair (swap-remove from the list)."""
        i = self.bad_at.pop(key)
        last = self.bad.pop()
        if i < len(self.bad):
            self.bad[i] = last
            self.bad_at[last] = i

    def place(self, r: int, p: int, t: int) -> None:
        """Seat p at table t in round r."""
        meet, n, code = self.meet, self.n, self.code
        for x in self.members[r][t]:
            m = meet[p * n + x] + 1
            meet[p * n + x] = m
            meet[x * n + p] = m
            c = code[p * n + x] if code is not None else 0
            if c:
                self.mix_total += c & MIX_MASK
                self.lang_total += c >> 6
            if m >= 2 or c:
                self._mark(p, x, m, c)
        self.members[r][t].append(p)
        self.seat[r][p] = t
        th = self.theme[t]
        self.tcount[p][th] += 1
        if self.tcount[p][th] == 1:
            self.distinct[p] += 1

    def unplace(self, r: int, p: int) -> None:
        """Take p off its table in round r."""
        t = self.seat[r][p]
        group = self.members[r][t]
        group.remove(p)
        meet, n, code = self.meet, self.n, self.code
        for x in group:
            m = meet[p * n + x] - 1
            meet[p * n + x] = m
            meet[x * n + p] = m
            c = code[p * n + x] if code is not None else 0
            if c:
                self.mix_total -= c & MIX_MASK
                self.lang_total -= c >> 6
            if m == 1 or (c and m == 0):
                self._mark(p, x, m, c)
        self.seat[r][p] = -1
        th = self.theme[t]
        self.tcount[p][th] -= 1
        if self.tcount[p][th] == 0:
            self.distinct[p] -= 1

    def move(self, r: int, p: int, q: int, b: int) -> int:
        """Seat p at table b in round r; q (when >= 0) takes p's old table. Returns that table."""
        a = self.seat[r][p]
        self.unplace(r, p)
        if q >= 0:
            self.unplace(r, q)
            self.place(r, q, a)
        self.place(r, p, b)
        return a

    # ---- costs

    def missing(self, p: int) -> int:
        """Themes p could still visit."""
        return self.den[p] - self.distinct[p] if self.weight[p] else 0

    def cost(self) -> tuple[int, int, int, int]:
        """(pairs without a common language, weighted missing themes, wasted encounters,
        spread) of the whole plan; wasted = repeat pairs + mix conflicts, and the spread adds
        the squares of extra meetings to the mix conflicts."""
        theme = sum(self.weight[p] * self.missing(p) for p in range(self.n))
        repeats = spread = 0
        meet, n = self.meet, self.n
        for a, b in self.bad:
            m = meet[a * n + b]
            repeats += m - 1
            spread += (m - 1) ** 2
        mix = self.mix_total
        return self.lang_total, theme, repeats + mix, spread + mix

    def theme_delta(self, p: int, old: int, new: int) -> int:
        """Cost change when p goes from a table of theme old to one of theme new."""
        if old == new or not self.weight[p]:
            return 0
        tc = self.tcount[p]
        gained = (tc[new] == 0) - (tc[old] == 1)
        return -gained * self.weight[p] * W_THEME

    def leave(self, r: int, p: int, t: int) -> int:
        """Cost change of taking p away from table t's group in round r."""
        meet, add, base, code = self.meet, self.add, p * self.n, self.code
        if code is not None:
            extra = self.extra
            return -sum(
                add[meet[base + x] - 1] + extra[code[base + x]]
                for x in self.members[r][t]
                if x != p
            )
        return -sum(add[meet[base + x] - 1] for x in self.members[r][t] if x != p)

    def join(self, r: int, p: int, t: int) -> int:
        """Cost change of adding p to table t's group in round r (p not there)."""
        meet, add, base, code = self.meet, self.add, p * self.n, self.code
        if code is not None:
            extra = self.extra
            return sum(add[meet[base + x]] + extra[code[base + x]] for x in self.members[r][t])
        return sum(add[meet[base + x]] for x in self.members[r][t])

    def swap_delta(self, r: int, p: int, q: int) -> int:
        """Cost change of p and q (at different tables) changing places in round r."""
        n, meet, code, seat = self.n, self.meet, self.code, self.seat[r]
        a, b = seat[p], seat[q]
        together = self.add[meet[p * n + q]] + (
            self.extra[code[p * n + q]] if code is not None else 0
        )
        delta = self.leave(r, p, a) + self.leave(r, q, b) + self.join(r, p, b) + self.join(r, q, a)
        delta -= 2 * together  # p and q, each counted with the other's table, stay apart
        delta += self.theme_delta(p, self.theme[a], self.theme[b])
        return delta + self.theme_delta(q, self.theme[b], self.theme[a])

    def rounds_out(self) -> list[dict[str, list[str]]]:
        """The plan in the contract's shape (a table nobody sits at is closed)."""
        out: list[dict[str, list[str]]] = []
        for r in range(self.n_rounds):
            out.append(
                {
                    self.table_ids[t]: [self.people[p] for p in group]
                    for t, group in enumerate(self.members[r])
                    if group
                }
            )
        return out

    def snapshot(self) -> list[list[int]]:
        """The seats of the rounds being planned."""
        return [list(self.seat[r]) for r in range(self.played, self.n_rounds)]

    def restore(self, snap: list[list[int]]) -> None:
        """Go back to a snapshot (only those seated elsewhere move)."""
        for r, seats in zip(range(self.played, self.n_rounds), snap, strict=True):
            moved = [p for p in self.present[r] if self.seat[r][p] != seats[p]]
            for p in moved:
                if self.seat[r][p] >= 0:
                    self.unplace(r, p)
            for p in moved:
                self.place(r, p, seats[p])


class Search:
    """Tabu search over swaps and moves in the rounds being planned."""

    def __init__(self, state: Seating, target: tuple[int, int], deadline: float) -> None:
        self.s = state
        self.target_theme, self.target_repeats = target  # wasted encounters, with mixing
        self.deadline = deadline
        self.future = list(range(state.played, state.n_rounds))
        self.tabu = [[0] * state.n for _ in range(state.n_rounds)]
        self.sizes = [
            {t: len(state.members[r][t]) for t in state.open[r]} if r >= state.played else {}
            for r in range(state.n_rounds)
        ]
        self.lacking = [p for p in range(state.n) if state.missing(p) > 0]

    def reset(self) -> None:
        """Forget what the state was; look again at who lacks themes and how full tables are."""
        s = self.s
        self.sizes = [
            {t: len(s.members[r][t]) for t in s.open[r]} if r >= s.played else {}
            for r in range(s.n_rounds)
        ]
        self.lacking = [p for p in range(s.n) if s.missing(p) > 0]

    def total(self) -> int:
        lang, theme, wasted, spread = self.s.cost()
        return lang * W_LANG + theme * W_THEME + wasted * W_REPEAT + spread

    def done(self, cost: tuple[int, int, int, int]) -> bool:
        lang, theme, wasted, spread = cost
        return (
            lang == 0
            and theme <= self.target_theme
            and wasted <= self.target_repeats
            and spread == wasted
        )

    def pick(self) -> tuple[int, int] | None:
        """A (round, person) in conflict, or None when there is nothing left to fix."""
        s, rng = self.s, self.s.rng
        while self.lacking or s.bad:
            if self.lacking and (not s.bad or rng.random() < 0.5):
                i = rng.randrange(len(self.lacking))
                p = self.lacking[i]
                rs = [
                    r
                    for r in self.future
                    if s.seat[r][p] >= 0 and s.tcount[p][s.theme[s.seat[r][p]]] >= 2
                ]
                if s.missing(p) == 0 or not rs:
                    self.lacking[i] = self.lacking[-1]
                    self.lacking.pop()
                    continue
                return rng.choice(rs), p
            a, b = s.bad[rng.randrange(len(s.bad))]
            rs = [r for r in self.future if s.seat[r][a] >= 0 and s.seat[r][a] == s.seat[r][b]]
            movers = [x for x in (a, b) if not s.is_host[x]]
            if not rs or not movers:
                s.unmark((a, b))
                continue
            return rng.choice(rs), rng.choice(movers)
        return None

    def best_move(self, r: int, p: int, cost: int, best: int, it: int) -> tuple[int, int, int]:
        """(delta, q, table) of the best admissible move of p in round r; q = -1 for a move."""
        s, rng = self.s, self.s.rng
        a = s.seat[r][p]
        meet, add, n, code, extra = s.meet, s.add, s.n, s.code, s.extra
        tabu = self.tabu[r]
        tables = s.open[r]
        if len(tables) > SAMPLE_TABLES:
            tables = rng.sample(tables, SAMPLE_TABLES)
        group_a = s.members[r][a]
        leave_p = s.leave(r, p, a)
        th_a = s.theme[a]
        size = self.sizes[r]
        p_tabu = tabu[p] > it
        found = (1 << 62, -2, -1)
        ties = 0
        for b in tables:
            if b == a:
                continue
            th_b = s.theme[b]
            join_p = s.join(r, p, b)
            tp = s.theme_delta(p, th_a, th_b)
            if size[b] + 1 == size[a] and size[b] < s.cap[b]:
                delta = leave_p + join_p + tp
                if delta <= found[0] and (not p_tabu or cost + delta < best):
                    ties = ties + 1 if delta == found[0] else 1
                    if ties == 1 or rng.randrange(ties) == 0:
                        found = (delta, -1, b)
            for q in s.members[r][b]:
                if s.is_host[q]:
                    continue
                base_q = q * n
                if code is None:
                    pq = add[meet[p * n + q]]
                    delta = leave_p + join_p - 2 * pq + tp + s.theme_delta(q, th_b, th_a)
                    delta += sum(add[meet[base_q + x]] for x in group_a)
                    delta -= sum(add[meet[base_q + x] - 1] for x in s.members[r][b] if x != q)
                else:
                    pq = add[meet[p * n + q]] + extra[code[p * n + q]]
                    delta = leave_p + join_p - 2 * pq + tp + s.theme_delta(q, th_b, th_a)
                    delta += sum(add[meet[base_q + x]] + extra[code[base_q + x]] for x in group_a)
                    delta -= sum(
                        add[meet[base_q + x] - 1] + extra[code[base_q + x]]
                        for x in s.members[r][b]
                        if x != q
                    )
                if delta > found[0] or ((p_tabu or tabu[q] > it) and cost + delta >= best):
                    continue
                ties = ties + 1 if delta == found[0] else 1
                if ties == 1 or rng.randrange(ties) == 0:
                    found = (delta, q, b)
        return found

    def apply(self, r: int, p: int, q: int, b: int) -> None:
        a = self.s.move(r, p, q, b)
        if q < 0:
            self.sizes[r][a] -= 1
            self.sizes[r][b] += 1
        for x in (p, q) if q >= 0 else (p,):
            if self.s.missing(x) > 0:
                self.lacking.append(x)

    def run(
        self, budget: int, quiet: int | None = None
    ) -> tuple[list[list[int]], tuple[int, int, int, int]]:
        """Search for at most `budget` iterations, and no more than `quiet` after the last
        gain; returns the best seats found and their cost."""
        s, rng = self.s, self.s.rng
        best_cost3 = s.cost()
        cost = self.total()
        best = cost
        best_snap = s.snapshot()
        stall = last_gain = 0
        patience = 2000 + 20 * s.n
        for it in range(1, budget + 1):
            if self.done(best_cost3) or (quiet is not None and it - last_gain > quiet):
                break
            if it % 256 == 0 and time.monotonic() > self.deadline:
                break
            picked = self.pick()
            if picked is None:
                break
            r, p = picked
            delta, q, b = self.best_move(r, p, cost, best, it)
            if q == -2:
                continue
            self.apply(r, p, q, b)
            cost += delta
            tenure = 4 + rng.randrange(8)
            self.tabu[r][p] = it + tenure
            if q >= 0:
                self.tabu[r][q] = it + tenure
            if cost < best:
                best, best_cost3, best_snap = cost, s.cost(), s.snapshot()
                stall, last_gain = 0, it
            else:
                stall += 1
                if stall > patience:
                    self.perturb(best_snap)
                    cost, stall = self.total(), 0
        return best_snap, best_cost3

    def perturb(self, snap: list[list[int]]) -> None:
        """Go back to the best seats and shake them with a few random swaps."""
        s, rng = self.s, self.s.rng
        s.restore(snap)
        for _ in range(2 + rng.randrange(4)):
            r = rng.choice(self.future)
            movable = [p for p in s.present[r] if not s.is_host[p]]
            if len(movable) < 2:
                continue
            p, q = rng.sample(movable, 2)
            if s.seat[r][p] != s.seat[r][q]:
                a, b = s.seat[r][p], s.seat[r][q]
                s.unplace(r, p)
                s.unplace(r, q)
                s.place(r, p, b)
                s.place(r, q, a)
        self.reset()
