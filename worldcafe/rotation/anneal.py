"""Simulated annealing over seat swaps, for cafés that mix people or need common languages.

The tabu searches chase conflicts one at a time, which suits repeats (most plans can reach
zero); mixing usually has conflicts no plan avoids, and tabu then circles around them. Here
any two people at different tables of one round may swap (or one may move to a smaller table),
and a change is taken with the Metropolis rule at a temperature that falls geometrically.
Energy: a pair without a common language weighs far above a missed theme, which weighs above a
wasted encounter (a repeat pair or a pair sharing a mixed value). Half the picks start from a
person in conflict. The best seats seen are kept, compared lexicographically as `Seating.cost`.
"""

from __future__ import annotations

import math
import time

from worldcafe.rotation.people import languages_of
from worldcafe.rotation.search import W_LANG, W_REPEAT, W_THEME, Seating

E_LANG = 64.0  # energy of a pair without a common language
E_THEME = 20.0  # of a missed theme (per traveller)
E_SPREAD = 0.01  # of one unit of spread (squares of extra meetings)
START, END = 0.6, 0.03  # temperatures
LOOK_FOR_LANGUAGE = 12  # conflicts drawn to find a pair without a common language
QUIET_BELOW = 0.15  # below this temperature, stop after long without a new best


def _split(delta: int) -> tuple[int, int, int, int]:
    """A folded cost change as (language pairs, weighted themes, wasted, spread)."""
    lang = round(delta / W_LANG)
    delta -= lang * W_LANG
    theme = round(delta / W_THEME)
    delta -= theme * W_THEME
    wasted = round(delta / W_REPEAT)
    return lang, theme, wasted, delta - wasted * W_REPEAT


class Anneal:
    """Annealing over the rounds being planned; `run` returns the best seats and their cost."""

    def __init__(self, state: Seating, target: tuple[int, int], deadline: float) -> None:
        self.s = state
        self.target = target
        self.deadline = deadline
        self.future = [r for r in range(state.played, state.n_rounds) if len(state.open[r]) > 1]
        unit = max(state.weight, default=0)
        self.e_theme = E_THEME / unit if unit else 0.0
        langs = languages_of(state.instance) if state.instance.common_language else {}
        self.spoken = [langs.get(p) for p in state.people]
        self.check_tables = len(langs) >= 2
        self.movable = [
            [p for p in state.present[r] if not state.is_host[p]] for r in range(state.n_rounds)
        ]

    def energy(self, parts: tuple[int, int, int, int]) -> float:
        lang, theme, wasted, spread = parts
        return lang * E_LANG + theme * self.e_theme + wasted + spread * E_SPREAD

    def done(self, cost: tuple[int, int, int, int]) -> bool:
        lang, theme, wasted, spread = cost
        return (
            lang == 0 and theme <= self.target[0] and wasted <= self.target[1] and spread == wasted
        )

    def pick(self) -> tuple[int, int]:
        """A round and a traveller: half the time one sitting with someone they should not."""
        s, rng = self.s, self.s.rng
        if s.bad and rng.random() < 0.5:
            a, b = s.bad[rng.randrange(len(s.bad))]
            if self.check_tables and s.code is not None:  # people without a common language
                for _ in range(LOOK_FOR_LANGUAGE):  # come first: look for such a pair
                    if s.code[a * s.n + b] >> 6:
                        break
                    a, b = s.bad[rng.randrange(len(s.bad))]
            rs = [r for r in self.future if s.seat[r][a] >= 0 and s.seat[r][a] == s.seat[r][b]]
            movers = [x for x in (a, b) if not s.is_host[x]]
            if rs and movers:
                return rng.choice(rs), rng.choice(movers)
        r = self.future[rng.randrange(len(self.future))]
        movable = self.movable[r]
        return r, movable[rng.randrange(len(movable))]

    def apart(self, group: list[int]) -> int:
        """1 when the people of a group who gave languages share none."""
        common: frozenset[str] | None = None
        for x in group:
            codes = self.spoken[x]
            if codes is not None:
                common = codes if common is None else common & codes
                if not common:
                    return 1
        return 0

    def tables_apart(self) -> int:
        """Tables of the rounds being planned whose people share no language."""
        s = self.s
        return sum(self.apart(s.members[r][t]) for r in self.future for t in s.open[r])

    def table_change(self, r: int, p: int, q: int, b: int) -> int:
        """Change in tables without a common language when p swaps with q (or moves) to b."""
        s = self.s
        a = s.seat[r][p]
        group_a, group_b = s.members[r][a], s.members[r][b]
        new_a = [x for x in group_a if x != p] + ([q] if q >= 0 else [])
        new_b = [x for x in group_b if x != q] + [p]
        before = self.apart(group_a) + self.apart(group_b)
        return self.apart(new_a) + self.apart(new_b) - before

    def delta(self, r: int, p: int, q: int, b: int) -> int:
        """Folded cost change of p (at its table) swapping with q at b, or moving there (q < 0)."""
        s = self.s
        a = s.seat[r][p]
        th_a, th_b = s.theme[a], s.theme[b]
        d = s.leave(r, p, a) + s.join(r, p, b) + s.theme_delta(p, th_a, th_b)
        if q >= 0:
            d += s.leave(r, q, b) + s.join(r, q, a) + s.theme_delta(q, th_b, th_a)
            k = p * s.n + q
            pair = s.add[s.meet[k]]
            if s.code is not None:
                pair += s.extra[s.code[k]]
            d -= 2 * pair
        return d

    def partner_round(self, r: int, p: int, q: int, b: int) -> int:
        """A second round where p and q sit on each other's themes of round r (p on b's, q on
        p's), so that swapping them in both keeps their themes; -1 when none or not needed."""
        s = self.s
        th_a, th_b = s.theme[s.seat[r][p]], s.theme[b]
        if th_a == th_b or not s.weight[p] or s.rng.random() < 0.5:
            return -1
        for r2 in self.future:
            if r2 == r:
                continue
            tp, tq = s.seat[r2][p], s.seat[r2][q]
            if tp >= 0 and tq >= 0 and s.theme[tp] == th_b and s.theme[tq] == th_a:
                return r2
        return -1

    def apply(self, r: int, p: int, q: int, b: int) -> None:
        self.s.move(r, p, q, b)

    def run(self, budget: int) -> tuple[list[list[int]], tuple[int, int, int, int]]:
        """Anneal for at most `budget` steps (fewer once at the target, or long without gain)."""
        s, rng = self.s, self.s.rng
        best3 = s.cost()
        snap = s.snapshot()
        if not self.future or budget <= 0:
            return snap, best3
        best_apart = self.tables_apart() if self.check_tables else 0
        now = self.energy(best3) + E_LANG * best_apart
        best = now
        cool = math.log(END / START) / budget
        last_gain, quiet = 0, max(40_000, 60 * s.n)
        temp = START
        for it in range(budget):
            temp = START * math.exp(cool * it)
            if (self.done(best3) and not best_apart) or (
                it - last_gain > quiet and temp < QUIET_BELOW
            ):
                break
            if it % 512 == 0 and time.monotonic() > self.deadline:
                break
            r, p = self.pick()
            a = s.seat[r][p]
            tables = s.open[r]
            b = tables[rng.randrange(len(tables))]
            if b == a:
                continue
            group = s.members[r][b]
            movers = [x for x in group if not s.is_host[x]]
            size_a, size_b = len(s.members[r][a]), len(group)
            if size_b + 1 == size_a and size_b < s.cap[b] and (not movers or rng.random() < 0.2):
                q = -1
            elif movers:
                q = movers[rng.randrange(len(movers))]
            else:
                continue
            r2 = self.partner_round(r, p, q, b) if q >= 0 else -1
            if r2 < 0:
                change = self.energy(_split(self.delta(r, p, q, b)))
                if self.check_tables:
                    change += E_LANG * self.table_change(r, p, q, b)
                if change <= 0 or rng.random() < math.exp(-change / temp):
                    self.apply(r, p, q, b)
                    now += change
                else:
                    continue
            else:  # swap in two rounds at once, so that both keep their themes
                first = self.delta(r, p, q, b)
                n_apart = self.table_change(r, p, q, b) if self.check_tables else 0
                self.apply(r, p, q, b)
                b2 = s.seat[r2][q]
                change = self.energy(_split(first + self.delta(r2, p, q, b2)))
                if self.check_tables:
                    n_apart += self.table_change(r2, p, q, b2)
                change += E_LANG * n_apart
                if change <= 0 or rng.random() < math.exp(-change / temp):
                    self.apply(r2, p, q, b2)
                    now += change
                else:
                    self.apply(r, p, q, a)
                    continue
            if now < best - 1e-9:
                cost = s.cost()
                apart = self.tables_apart() if self.check_tables else 0
                best = now = self.energy(cost) + E_LANG * apart
                if (apart, *cost) < (best_apart, *best3):
                    best3, best_apart, snap = cost, apart, s.snapshot()
                last_gain = it
        return snap, best3
