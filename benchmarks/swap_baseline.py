"""A plain baseline planner for the seating benchmark: greedy start, then swaps under annealing.

Independent of the planner (it shares only the instance type): round by round each person
takes the cheapest table so far, then random swaps of two people in one round are taken
with the Metropolis rule for a fixed time. The cost weighs a person at a table without a
common language (where asked) far above a missed theme, and that above a wasted encounter (a
repeat pair or a pair sharing a mixed value).
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from itertools import combinations

from worldcafe.rotation import Instance
from worldcafe.rotation.model import open_tables, present_in
from worldcafe.rotation.people import languages_of, mix_values

W_LANG, W_THEME = 1000.0, 30.0


class Baseline:
    def __init__(self, instance: Instance, seed: int) -> None:
        self.inst = instance
        self.rng = random.Random(seed)
        self.values = mix_values(instance)
        self.langs = languages_of(instance) if instance.common_language else {}
        self.theme = {t.id: t.theme or t.id for t in instance.tables}
        self.w_theme = W_THEME if any(t.theme for t in instance.tables) else 0.0
        self.hosts = {p: t for t, p in instance.hosts.items()}
        self.rounds: list[dict[str, list[str]]] = [dict(r) for r in instance.rounds]
        self.meet: Counter[tuple[str, str]] = Counter()
        self.visits: dict[str, Counter[str]] = {p: Counter() for p in instance.participants}
        for rnd in self.rounds:
            for t, members in rnd.items():
                self.meet.update(combinations(sorted(members), 2))
                for p in members:
                    self.visits[p][self.theme[t]] += 1

    def pair(self, a: str, b: str) -> float:
        """What seating a and b together once more adds (repeat or shared values)."""
        key = (a, b) if a < b else (b, a)
        cost = 1.0 if self.meet[key] >= 1 else 0.0
        for by in self.values.values():
            if a in by and b in by and by[a] == by[b]:
                cost += 1.0
        return cost

    def table(self, members: list[str]) -> float:
        given = [self.langs[p] for p in members if p in self.langs]
        if len(given) > 1 and not frozenset.intersection(*given):
            best = max(Counter(x for g in given for x in g).values())
            return W_LANG * (len(given) - best)
        return 0.0

    def plan(self, seconds: float) -> list[dict[str, list[str]]]:
        for r in range(len(self.rounds), self.inst.n_rounds):
            self.rounds.append(self.greedy(r))
        self.anneal(seconds)
        return self.rounds

    def greedy(self, r: int) -> dict[str, list[str]]:
        tables = open_tables(self.inst, r)
        people = list(present_in(self.inst, r))
        q, rem = divmod(len(people), len(tables))
        size = {t.id: q + (1 if j < rem else 0) for j, t in enumerate(tables)}
        seats: dict[str, list[str]] = {t.id: [] for t in tables}
        for p in people:
            if p in self.hosts:
                seats[self.hosts[p]].append(p)
        rest = [p for p in people if p not in self.hosts]
        self.rng.shuffle(rest)
        for p in rest:
            free = [t for t in seats if len(seats[t]) < size[t]]
            seats[min(free, key=lambda t: self.join_cost(p, seats[t], r, t))].append(p)
        for t, members in seats.items():
            self.meet.update(combinations(sorted(members), 2))
            for p in members:
                self.visits[p][self.theme[t]] += 1
        return seats

    def join_cost(self, p: str, members: list[str], r: int, t: str) -> float:
        cost = sum(self.pair(p, x) for x in members) + self.table([*members, p])
        return cost + (self.w_theme if self.visits[p][self.theme[t]] else 0.0)

    def anneal(self, seconds: float) -> None:
        future = list(range(len(self.inst.rounds), self.inst.n_rounds))
        if not future:
            return
        end = time.monotonic() + seconds
        temp = 2.0
        while time.monotonic() < end:
            for _ in range(200):
                r = self.rng.choice(future)
                rnd = self.rounds[r]
                a, b = self.rng.sample(list(rnd), 2) if len(rnd) > 1 else (None, None)
                if a is None or b is None:
                    break
                p, q = self.rng.choice(rnd[a]), self.rng.choice(rnd[b])
                if p in self.hosts or q in self.hosts:
                    continue
                before = self.local(r, a, b, p, q)
                rnd[a][rnd[a].index(p)], rnd[b][rnd[b].index(q)] = q, p
                self.shift(rnd[a], q, p, 1)
                self.shift(rnd[b], p, q, 1)
                self.move(p, a, b)
                self.move(q, b, a)
                change = self.local(r, a, b, q, p) - before
                if change > 0 and self.rng.random() >= math.exp(-change / temp):
                    self.shift(rnd[a], q, p, -1)
                    self.shift(rnd[b], p, q, -1)
                    self.move(p, b, a)
                    self.move(q, a, b)
                    rnd[a][rnd[a].index(q)], rnd[b][rnd[b].index(p)] = p, q
            temp = max(0.05, temp * 0.97)

    def move(self, p: str, old: str, new: str) -> None:
        self.visits[p][self.theme[old]] -= 1
        self.visits[p][self.theme[new]] += 1

    def shift(self, members: list[str], new: str, old: str, sign: int) -> None:
        """Meetings after `new` took the place of `old` in `members` (sign 1), or back (-1)."""
        for x in members:
            if x not in (new, old):
                self.meet[tuple(sorted((old, x)))] -= sign  # type: ignore[index]
                self.meet[tuple(sorted((new, x)))] += sign  # type: ignore[index]

    def local(self, r: int, a: str, b: str, p: str, q: str) -> float:
        """Cost of tables a and b in round r, with p at a and q at b."""
        rnd = self.rounds[r]
        cost = self.table(rnd[a]) + self.table(rnd[b])
        for t, person in ((a, p), (b, q)):
            others = [x for x in rnd[t] if x != person]
            key = lambda x, y=person: (x, y) if x < y else (y, x)  # noqa: E731
            cost += sum(max(0, self.meet[key(x)] - 1) for x in others)
            for by in self.values.values():
                cost += sum(1 for x in others if person in by and x in by and by[x] == by[person])
            if person not in self.hosts and self.visits[person][self.theme[t]] > 1:
                cost += self.w_theme
        return cost


def baseline_plan(instance: Instance, seed: int, seconds: float) -> list[dict[str, list[str]]]:
    """All rounds planned by the baseline in about `seconds`."""
    return Baseline(instance, seed).plan(seconds)
