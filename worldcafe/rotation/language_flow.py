"""Seating a round so that every table shares a language: table languages and seats by a flow.

The tables of a round (one theme's, or all of them) can all share a language exactly when
each table can be given a language and everyone a seat at a table whose language they speak.
For given table languages that is a transportation problem, solved exactly by a maximum flow:
people, grouped by the languages they speak (someone who gave none speaks with everyone),
flow to the languages, each language taking as many as its tables seat at the smaller size,
and the round's larger tables (one seat more each, as many as now) are shared out among the
languages with a table that can take one more. The flow seats everyone or shows who cannot be:
the languages reachable from them in the residual graph have all their seats taken.

Table languages start from the seating as it is (a language the table shares, the one most
people there speak, else the most spoken there) and, while the flow falls short, a table of
a language with seats to spare (not reachable) takes the language most spoken by those left
without a seat; a table just given a language keeps it a while, and the best languages found
are kept. Then people sit: where they sit already when their table's language is theirs and
it has room, otherwise at the table of their language where they add least (a theme visited
before, then repeats and shared mixed values). Each theme's tables are seated by themselves
first (so everyone keeps their theme); the tables of the themes where that fails are then
seated together, and only where that fails too the whole round.
"""

from __future__ import annotations

from collections import Counter, deque

from worldcafe.rotation.languages import shares_none, spoken_languages
from worldcafe.rotation.search import SAMPLE_TABLES, Seating

ANY = frozenset({""})  # who gave no language: seated with any language
PATIENCE = 12  # relabellings without fewer people left without a seat (and two per language)


class _Flow:
    """A small maximum flow (Edmonds-Karp over adjacency lists)."""

    def __init__(self, nodes: int) -> None:
        self.adj: list[list[int]] = [[] for _ in range(nodes)]
        self.to: list[int] = []
        self.cap: list[int] = []

    def edge(self, a: int, b: int, capacity: int) -> int:
        self.adj[a].append(len(self.to))
        self.to.append(b)
        self.cap.append(capacity)
        self.adj[b].append(len(self.to))
        self.to.append(a)
        self.cap.append(0)
        return len(self.to) - 2

    def push(self, path: list[int], amount: int) -> None:
        for e in path:
            self.cap[e] -= amount
            self.cap[e ^ 1] += amount

    def flow(self, e: int) -> int:
        """What goes through edge e."""
        return self.cap[e ^ 1]

    def run(self, s: int, t: int) -> int:
        total = 0
        to, cap, adj = self.to, self.cap, self.adj
        while True:
            via = [-1] * len(adj)
            via[s] = -2
            queue = deque([s])
            while queue and via[t] == -1:
                x = queue.popleft()
                for e in adj[x]:
                    y = to[e]
                    if cap[e] > 0 and via[y] == -1:
                        via[y] = e
                        queue.append(y)
            if via[t] == -1:
                return total
            path, y = [], t
            while y != s:
                path.append(via[y])
                y = to[via[y] ^ 1]
            amount = min(cap[e] for e in path)
            self.push(path, amount)
            total += amount

    def reachable(self, s: int) -> set[int]:
        seen = {s}
        queue = deque([s])
        while queue:
            x = queue.popleft()
            for e in self.adj[x]:
                if self.cap[e] > 0 and self.to[e] not in seen:
                    seen.add(self.to[e])
                    queue.append(self.to[e])
        return seen


class _Round:
    """The people and tables of one round's class of tables, and the flow for table languages."""

    def __init__(
        self, state: Seating, r: int, tables: list[int], spoken: dict[int, frozenset[str]]
    ) -> None:
        self.s, self.r, self.tables = state, r, tables
        sizes = [len(state.members[r][t]) for t in state.open[r]]
        self.lo = min(sizes)
        here = [len(state.members[r][t]) for t in tables]
        self.flexible = max(sizes) <= self.lo + 1  # the larger tables may change places
        self.big = sum(1 for x in here if x > self.lo) if self.flexible else 0
        self.size = dict(zip(tables, here, strict=True))
        self.host = {t: p for t in tables for p in state.members[r][t] if state.is_host[p]}
        self.people = [p for t in tables for p in state.members[r][t] if not state.is_host[p]]
        self.speaks = {p: spoken.get(p, ANY) for p in self.people}
        self.types = sorted(set(self.speaks.values()), key=sorted)
        self.count = Counter(self.speaks.values())
        heard: Counter[str] = Counter()
        for p in [*self.people, *self.host.values()]:
            heard.update(spoken.get(p, ()))
        self.heard = heard
        self.langs = sorted(heard, key=lambda c: (-heard[c], c))
        self.spoken = spoken

    def allowed(self, t: int) -> list[str]:
        """The languages table t may take (its host's, when the host gave some)."""
        h = self.host.get(t)
        own = self.spoken.get(h, frozenset()) if h is not None else frozenset()
        return [c for c in self.langs if c in own] if own else self.langs

    def start_labels(self) -> dict[int, str]:
        label = {}
        for t in self.tables:
            here: Counter[str] = Counter()
            members = self.s.members[self.r][t]
            given = [self.spoken[p] for p in members if p in self.spoken]
            for langs in given:
                here.update(langs)
            options = self.allowed(t)
            label[t] = min(options, key=lambda c: (-here[c], -self.heard[c], c))
        return label

    def solve(self, label: dict[int, str]) -> tuple[int, _Flow, dict[str, int], list[int]]:
        """(people without a seat, the flow, each language's node, each type's edge)."""
        n_types = len(self.types)
        node = {c: 1 + n_types + k for k, c in enumerate(self.langs)}
        big, sink = 1 + n_types + len(self.langs), 2 + n_types + len(self.langs)
        f = _Flow(sink + 1)
        edges = [f.edge(0, 1 + k, self.count[kind]) for k, kind in enumerate(self.types)]
        for k, kind in enumerate(self.types):
            for c in self.langs if kind == ANY else sorted(kind):
                f.edge(1 + k, node[c], self.count[kind])
        base: Counter[str] = Counter()
        bigs: Counter[str] = Counter()
        for t in self.tables:
            c = label[t]
            hosted = 1 if t in self.host else 0
            if self.flexible:
                base[c] += self.lo - hosted
                bigs[c] += self.s.cap[t] > self.lo
            else:
                base[c] += self.size[t] - hosted
        out: dict[int, list[int]] = {}  # a language's ways to the sink: its seats, larger tables
        larger = f.edge(big, sink, self.big)
        for c in self.langs:
            out[node[c]] = [f.edge(node[c], sink, base[c])]
            if bigs[c]:
                out[node[c]].append(f.edge(node[c], big, bigs[c]))
        # a greedy flow first (who speaks fewest languages first), then augmenting paths
        for k in sorted(range(n_types), key=lambda k: len(self.types[k]) * (self.types[k] != ANY)):
            for e in f.adj[1 + k]:
                for way in out.get(f.to[e], []) if e % 2 == 0 else []:
                    path = [edges[k], e, way] + ([larger] if f.to[way] == big else [])
                    amount = min(f.cap[x] for x in path)
                    if amount > 0:
                        f.push(path, amount)
        short = len(self.people) - sum(f.flow(e) for e in edges) - f.run(0, sink)
        return short, f, node, edges

    def find_labels(self) -> tuple[int, dict[int, str], _Flow, dict[str, int], list[int]]:
        """Table languages that seat everyone (or the fewest left without a seat found)."""
        label = self.start_labels()
        best = None
        held: dict[int, int] = {}
        found = 0
        for step in range(3 * len(self.tables) + 5):
            short, f, node, edges = self.solve(label)
            if best is None or short < best[0]:
                best, found = (short, dict(label), f, node, edges), step
            if not short or step - found > PATIENCE + 2 * len(self.langs):
                break
            seen = f.reachable(0)
            stuck = {c for c, x in node.items() if x in seen}
            want: Counter[str] = Counter()
            for k, kind in enumerate(self.types):
                left = self.count[kind] - f.flow(edges[k])
                for c in self.langs if kind == ANY else kind:
                    want[c] += left
            load = {c: sum(f.flow(e) for e in f.adj[x] if e % 2 == 0) for c, x in node.items()}
            seats: Counter[str] = Counter()
            for t in self.tables:
                seats[label[t]] += self.size[t] - (1 if t in self.host else 0)
            choice = None
            for c in sorted(stuck, key=lambda c: (-want[c], -self.heard[c], c)):
                donors = [
                    t
                    for t in self.tables
                    if label[t] not in stuck and held.get(t, -1) < step and c in self.allowed(t)
                ]
                if donors:
                    members = self.s.members[self.r]
                    choice = (
                        c,
                        min(
                            donors,
                            key=lambda t: (
                                -(seats[label[t]] - load[label[t]]),
                                -sum(c in self.speaks.get(p, ANY) for p in members[t]),
                                t,
                            ),
                        ),
                    )
                    break
            if choice is None:
                break
            c, t = choice
            label[t] = c
            held[t] = step + 2 + len(self.tables) // 4
        assert best is not None
        return best

    def seat(self) -> bool:
        """Seat the class anew so that every table shares a language; False (seats left as
        they are) when no table languages found seat everyone."""
        if not self.langs:
            return False
        short, label, f, node, _ = self.find_labels()
        if short:
            return False
        s, r = self.s, self.r
        n_types = len(self.types)
        # the larger tables of each language: those larger now first
        big_of: Counter[str] = Counter()
        if self.flexible:
            big_node = 1 + n_types + len(self.langs)
            for c, x in node.items():
                big_of[c] = sum(f.flow(e) for e in f.adj[x] if e % 2 == 0 and f.to[e] == big_node)
        target = {}
        for t in sorted(self.tables, key=lambda t: (-self.size[t], t)):
            c = label[t]
            grow = self.flexible and big_of[c] > 0 and s.cap[t] > self.lo
            if grow:
                big_of[c] -= 1
            target[t] = (self.lo + (1 if grow else 0)) if self.flexible else self.size[t]
        # how many of each kind go to each language
        quota: dict[tuple[frozenset[str], str], int] = {}
        for k, kind in enumerate(self.types):
            for e in f.adj[1 + k]:
                if e % 2 == 0 and f.flow(e):
                    c = self.langs[f.to[e] - 1 - n_types]
                    quota[kind, c] = f.flow(e)
        was = {p: s.seat[r][p] for p in self.people}
        goes: dict[int, str] = {}
        for p in self.people:  # who may stay where they are
            key = (self.speaks[p], label[was[p]])
            if quota.get(key, 0) > 0:
                quota[key] -= 1
                goes[p] = label[was[p]]
        for p in self.people:
            if p not in goes:
                key = next(k for k, v in quota.items() if k[0] == self.speaks[p] and v > 0)
                quota[key] -= 1
                goes[p] = key[1]
        for p in self.people:
            s.unplace(r, p)
        free = {t: target[t] - len(s.members[r][t]) for t in self.tables}
        movers = []
        for p in self.people:
            t = was[p]
            if goes[p] == label[t] and free[t] > 0:
                s.place(r, p, t)
                free[t] -= 1
            else:
                movers.append(p)
        by_lang: dict[str, list[int]] = {}
        for t in self.tables:
            by_lang.setdefault(label[t], []).append(t)
        movers.sort(key=lambda p: (-s.hardness[p], p))
        for p in movers:
            options = [t for t in by_lang[goes[p]] if free[t] > 0]
            if len(options) > SAMPLE_TABLES:
                options = s.rng.sample(options, SAMPLE_TABLES)
            t = min(
                options,
                key=lambda t: (s.weight[p] * (s.tcount[p][s.theme[t]] > 0), s.join(r, p, t), t),
            )
            s.place(r, p, t)
            free[t] -= 1
        return True


def _lacking(state: Seating, r: int, spoken: dict[int, frozenset[str]]) -> set[int]:
    """The open tables of round r whose people who gave languages share none."""
    return {t for t in state.open[r] if shares_none(state.members[r][t], spoken)}


def seat_rounds_by_flow(state: Seating) -> None:
    """Every planned round with a table without a common language is seated anew (its
    themes' tables with such a table by themselves, else the whole round) where table
    languages seating everyone are found; other rounds stay as they are."""
    if not state.instance.common_language:
        return
    spoken = spoken_languages(state)
    for r in range(state.played, state.n_rounds):
        lacking = _lacking(state, r, spoken)
        if not lacking or len(state.open[r]) < 2:
            continue
        classes: dict[int, list[int]] = {}
        for t in state.open[r]:
            classes.setdefault(state.theme[t] if state.themed else 0, []).append(t)
        failed = [
            t
            for theme in sorted(classes)
            if lacking & set(classes[theme])
            and not (len(classes[theme]) > 1 and _Round(state, r, classes[theme], spoken).seat())
            for t in classes[theme]
        ]
        # the themes that failed together, else the whole round
        some = 1 < len(failed) < len(state.open[r])
        if some and _Round(state, r, failed, spoken).seat():
            continue
        if failed and len(classes) > 1:
            _Round(state, r, list(state.open[r]), spoken).seat()
