"""Scoring a seating plan and the lower bound on repeat encounters."""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations

from worldcafe.rotation.model import Instance, Score, open_tables, present_in
from worldcafe.rotation.people import mix_bound, mix_figures


def theme_key(theme: str, table_id: str) -> str:
    """A table without a theme counts as a theme of its own."""
    return theme if theme else f"table:{table_id}"


def score_plan(instance: Instance, rounds: list[dict[str, list[str]]]) -> Score:
    """Score all rounds of a plan: repeats, spread, theme coverage, balance and hard constraints."""
    problems: list[str] = []
    tables = {t.id: t for t in instance.tables}
    known = set(instance.participants)
    host_table = {p: t for t, p in instance.hosts.items()}
    any_theme = any(t.theme for t in instance.tables)
    themes = {theme_key(t.theme, t.id) for t in instance.tables}
    meet: Counter[tuple[str, str]] = Counter()
    visits: dict[str, list[str]] = {}
    imbalance = 0
    if len(rounds) != instance.n_rounds:
        problems.append(f"{len(rounds)} rounds planned, the café has {instance.n_rounds}")
    for r, rnd in enumerate(rounds):
        label = f"round {r + 1}"
        if r < len(instance.rounds) and rnd != instance.rounds[r]:
            problems.append(f"{label} was played and has been changed")
        expected = set(present_in(instance, r)) if r < instance.n_rounds else known
        seat: dict[str, str] = {}
        sizes = []
        for tid, members in rnd.items():
            sizes.append(len(members))
            if tid not in tables:
                problems.append(f"{label} uses unknown table {tid!r}")
            elif len(members) > tables[tid].capacity:
                problems.append(f"{label} seats {len(members)} at table {tid!r}")
            for p in members:
                if p in seat:
                    problems.append(f"{label} seats {p!r} twice")
                elif p not in known:
                    problems.append(f"{label} seats unknown participant {p!r}")
                elif p not in expected:
                    problems.append(f"{label} seats {p!r}, who is absent")
                seat[p] = tid
            for a, b in combinations(sorted(set(members)), 2):
                meet[(a, b)] += 1
        if sizes and max(sizes) - min(sizes) > 1:
            problems.append(f"{label} has tables of {min(sizes)} and {max(sizes)} people")
        imbalance = max(imbalance, max(sizes) - min(sizes) if sizes else 0)
        missing = sorted(expected - set(seat))
        if missing:
            problems.append(f"{label} does not seat {len(missing)} present, e.g. {missing[0]!r}")
        for p, tid in seat.items():
            if p in host_table and tid != host_table[p]:
                problems.append(f"{label} moves host {p!r} away from table {host_table[p]!r}")
            spec = tables.get(tid)
            visits.setdefault(p, []).append(theme_key(spec.theme if spec else "", tid))
    coverage = 1.0
    if any_theme:
        ratios = [
            len(set(v)) / min(len(v), len(themes))
            for p, v in visits.items()
            if p not in host_table and p in known
        ]
        coverage = sum(ratios) / len(ratios) if ratios else 1.0
    conflicts, violations = mix_figures(instance, rounds)
    floor = mix_bound(instance)
    return Score(
        repeat_pairs=sum(m - 1 for m in meet.values() if m > 1),
        max_meetings=max(meet.values(), default=0),
        theme_coverage=coverage,
        size_imbalance=imbalance,
        valid=not problems,
        problems=tuple(problems),
        mix_conflicts=conflicts,
        mix_bound=floor,
        mix_excess=conflicts - floor,
        language_violations=violations,
    )


def _c2(x: int) -> int:
    return x * (x - 1) // 2


def min_split(s: int, k: int) -> int:
    """Fewest pairs kept together when s people are spread over k tables."""
    if k <= 0:
        return _c2(s)
    q, rem = divmod(s, k)
    return rem * _c2(q + 1) + (k - rem) * _c2(q)


def balanced(n: int, k: int) -> list[int]:
    """Sizes of k tables seating n people evenly, largest first."""
    if k == 0:
        return []
    q, rem = divmod(n, k)
    return [q + 1] * rem + [q] * (k - rem)


def _round_sizes(instance: Instance) -> list[list[int]]:
    sizes = [[len(m) for m in rnd.values()] for rnd in instance.rounds]
    for r in range(len(instance.rounds), instance.n_rounds):
        sizes.append(balanced(len(present_in(instance, r)), len(open_tables(instance, r))))
    return sizes


def _played_repeats(instance: Instance) -> int:
    meet: Counter[tuple[str, str]] = Counter()
    for rnd in instance.rounds:
        for members in rnd.values():
            meet.update(combinations(sorted(members), 2))
    return sum(m - 1 for m in meet.values() if m > 1)


def _counting(instance: Instance, sizes: list[list[int]]) -> int:
    """Pair meetings beyond the pairs that can meet, globally and person by person."""
    there = [set(present_in(instance, r)) for r in range(instance.n_rounds)]
    hosts = set(instance.hosts.values())
    everyone = set().union(*there) if there else set()
    n = len(everyone)
    total = sum(_c2(s) for rs in sizes for s in rs)
    host_pairs = _c2(len(hosts & everyone))
    global_bound = total - (_c2(n) - host_pairs)
    excess = 0
    patterns: Counter[tuple[tuple[int, ...], bool]] = Counter(
        (tuple(r for r in range(len(there)) if p in there[r]), p in hosts) for p in everyone
    )
    for (attended, is_host), count in patterns.items():
        degree = sum(min(sizes[r]) - 1 for r in attended if sizes[r])
        met = set().union(*(there[r] for r in attended))
        others = len(met) - 1 - (len(met & hosts) - 1 if is_host else 0)
        excess += count * max(0, degree - others)
    return max(global_bound, math.ceil(excess / 2), 0)


def _same_people(instance: Instance, r: int) -> bool:
    return set(present_in(instance, r)) == set(present_in(instance, r - 1))


def _pigeonhole(instance: Instance, sizes: list[list[int]]) -> int:
    """Pairs that must sit together again when a table splits over fewer tables than its size."""
    return sum(
        min_split(s, len(sizes[r]))
        for r in range(1, instance.n_rounds)
        if _same_people(instance, r)
        for s in sizes[r - 1]
    )


def _equal_future(instance: Instance, sizes: list[list[int]]) -> bool:
    return all(len(set(rs)) <= 1 for rs in sizes[len(instance.rounds) :])


def lower_bound(instance: Instance, *, full_coverage: bool = False) -> int:
    """Fewest repeat pairs any plan can have (with `full_coverage`: any plan of full coverage).

    Counting (pair meetings beyond the pairs available), pigeonhole (a table larger than the
    number of tables must keep pairs together; with full coverage a traveller may not stay on a
    theme, so only the other themes' tables count) and the repeats already played; for 36 people
    in 6 tables of 6 over 4 or more rounds at least 1, since two orthogonal Latin squares of
    order 6 do not exist.
    """
    sizes = _round_sizes(instance)
    bound = max(_counting(instance, sizes), _played_repeats(instance), _pigeonhole(instance, sizes))
    if full_coverage and _full_theme_rounds(instance) and _equal_future(instance, sizes):
        bound = max(bound, _pigeonhole_themes(instance, sizes))
    if (
        instance.n_rounds >= 4
        and all(rs == [6] * 6 for rs in sizes)
        and all(len(present_in(instance, r)) == 36 for r in range(instance.n_rounds))
    ):
        bound = max(bound, 2)
    return bound


def _full_theme_rounds(instance: Instance) -> bool:
    """Full coverage forces a new theme each round: themes set, all there, rounds <= themes."""
    themes = {theme_key(t.theme, t.id) for t in instance.tables}
    return (
        any(t.theme for t in instance.tables)
        and instance.present is None
        and instance.n_rounds <= len(themes)
    )


def _pigeonhole_themes(instance: Instance, sizes: list[list[int]]) -> int:
    """Pigeonhole when travellers must change theme every round (future tables equally full)."""
    themes = {t.id: theme_key(t.theme, t.id) for t in instance.tables}
    hosted = set(instance.hosts)
    played = len(instance.rounds)
    bound = 0
    for r in range(1, instance.n_rounds):
        if r - 1 < played:
            groups = [(t, len(m)) for t, m in instance.rounds[r - 1].items()]
        else:
            groups = [(t.id, sizes[r - 1][0]) for t in open_tables(instance, r - 1)]
        ids = list(instance.rounds[r]) if r < played else [t.id for t in open_tables(instance, r)]
        per_theme = Counter(themes[t] for t in ids)
        for tid, s in groups:
            other = len(ids) - per_theme[themes[tid]]
            bound += min_split(s - 1 if tid in hosted else s, other)
    return bound


def missing_themes_bound(instance: Instance) -> int:
    """Fewest theme visits travellers must miss in total, when everyone comes to every round.

    Each theme offers so many traveller seats over the café; a theme can be visited by at most
    that many travellers. Which tables are the larger ones may change from round to round, so
    each theme gets its smallest seats and the rest is poured where it helps most. 0 when
    people come and go or rounds are played (the bound is then not worked out).
    """
    there = {frozenset(present_in(instance, r)) for r in range(instance.n_rounds)}
    if len(there) != 1 or instance.rounds or not any(t.theme for t in instance.tables):
        return 0
    people = there.pop()
    keys = [theme_key(t.theme, t.id) for t in instance.tables]
    hosted = {t for t, p in instance.hosts.items() if p in people}
    travellers = len(people) - len(hosted)
    rounds = instance.n_rounds
    tables = open_tables(instance, 0)
    sizes = sorted(balanced(len(people), len(tables)))
    per_theme = Counter(theme_key(t.theme, t.id) for t in tables)
    hosts_at = Counter(theme_key(t.theme, t.id) for t in tables if t.id in hosted)
    low = {k: rounds * (sum(sizes[: per_theme[k]]) - hosts_at[k]) for k in per_theme}
    high = {k: rounds * (sum(sizes[len(sizes) - per_theme[k] :]) - hosts_at[k]) for k in per_theme}
    spare = rounds * (sum(sizes) - len(hosted & {t.id for t in tables})) - sum(low.values())
    seats = dict(low)
    for k in sorted(per_theme):
        extra = max(0, min(spare, travellers - seats[k], high[k] - seats[k]))
        seats[k] += extra
        spare -= extra
    visits = sum(min(travellers, s) for s in seats.values())
    n_themes = len(set(keys))
    return max(0, travellers * min(rounds, n_themes) - visits)
