"""Who people are: mixing by shared values (city, country) and a common language at a table.

Definitions (the same as the plan files' scorer):
- a *mix conflict* is a pair at one table in one round sharing the value of an attribute named
  in `mix`; each attribute counts on its own. Values compare as text ignoring case and runs of
  spaces, a list as the set of its items; someone without a value never conflicts.
- the *mix bound* of a round: each value's group among the people present spread over all the
  café's tables as evenly as the capacities allow (a present host with that value at their own
  table); the fewest pairs that leaves, summed over values and attributes. A played round
  counts with its own conflicts.
- a *language violation* is a (round, table) whose people who gave languages share none.
  Languages compare by their primary code, case-insensitive ("en-GB" speaks "en"); a text
  "de, en" is two languages.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from worldcafe.rotation.model import Instance, TableSpec, present_in

LANGUAGES_KEY = "languages"


def mix_value(value: object) -> str | tuple[str, ...] | None:
    """A value as compared for mixing; None when there is none ("", [], null)."""
    if value is None:
        return None
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted({x for x in (mix_value(v) for v in value) if isinstance(x, str)})
        return tuple(items) if items else None
    text = " ".join(str(value).split()).casefold()
    return text or None


def spoken(value: object) -> frozenset[str]:
    """The primary language codes someone gave (empty: none given)."""
    if value is None:
        return frozenset()
    items: Iterable[object]
    if isinstance(value, str):
        items = value.replace(",", " ").replace(";", " ").split()
    elif isinstance(value, list | tuple | set | frozenset):
        items = value
    else:
        items = [value]
    codes = {str(x).strip().casefold().replace("_", "-").split("-")[0] for x in items}
    codes.discard("")
    return frozenset(codes)


def mix_values(instance: Instance) -> dict[str, dict[str, str | tuple[str, ...]]]:
    """Per attribute in `mix`, each person's compared value (people without one left out)."""
    out: dict[str, dict[str, str | tuple[str, ...]]] = {}
    for key in instance.mix:
        values: dict[str, str | tuple[str, ...]] = {}
        for p, attrs in instance.attributes.items():
            v = mix_value(attrs.get(key))
            if v is not None:
                values[p] = v
        out[key] = values
    return out


def languages_of(instance: Instance) -> dict[str, frozenset[str]]:
    """The languages of everyone who gave some."""
    out = {}
    for p, attrs in instance.attributes.items():
        codes = spoken(attrs.get(LANGUAGES_KEY))
        if codes:
            out[p] = codes
    return out


def _c2(x: int) -> int:
    return x * (x - 1) // 2


def table_conflicts(
    members: Sequence[str], values: Mapping[str, Mapping[str, str | tuple[str, ...]]]
) -> int:
    """Mix conflicts among the people at one table."""
    total = 0
    for by_person in values.values():
        counts = Counter(by_person[p] for p in members if p in by_person)
        total += sum(_c2(k) for k in counts.values())
    return total


def shares_language(members: Sequence[str], langs: Mapping[str, frozenset[str]]) -> bool:
    """True when the people at a table who gave languages have one in common."""
    given = [langs[p] for p in members if p in langs]
    return len(given) < 2 or bool(frozenset.intersection(*given))


def spread_pairs(size: int, caps: Sequence[int], lows: Sequence[int]) -> int:
    """Fewest pairs left together when `size` people go to tables of these capacities, at
    least lows[j] of them at table j. Filling the emptiest table with a free seat first is
    optimal for a sum of C(x, 2)."""
    if not caps:
        return _c2(size)
    q, rem = divmod(size, len(caps))
    if not any(lows) and q + (1 if rem else 0) <= min(caps):  # evenly, within every capacity
        return rem * _c2(q + 1) + (len(caps) - rem) * _c2(q)
    x = list(lows)
    left = size - sum(x)
    heap = [(x[j], j) for j in range(len(caps)) if x[j] < caps[j]]
    heapq.heapify(heap)
    while left > 0:
        if not heap:  # more people than seats: spread the rest anyway
            heap = [(x[j], j) for j in range(len(caps))]
            heapq.heapify(heap)
            caps = [size] * len(caps)
        _, j = heapq.heappop(heap)
        x[j] += 1
        left -= 1
        if x[j] < caps[j]:
            heapq.heappush(heap, (x[j], j))
    return sum(_c2(v) for v in x)


def round_mix_bound(
    people: Sequence[str],
    tables: Sequence[TableSpec],
    hosts: Mapping[str, str],
    values: Mapping[str, Mapping[str, str | tuple[str, ...]]],
) -> int:
    """The fewest mix conflicts a round with these people present can have (groups one by one)."""
    caps = [t.capacity for t in tables]
    index = {t.id: j for j, t in enumerate(tables)}
    host_at = {p: index[t] for t, p in hosts.items() if t in index}
    total = 0
    for by_person in values.values():
        groups: dict[str | tuple[str, ...], list[str]] = {}
        for p in people:
            if p in by_person:
                groups.setdefault(by_person[p], []).append(p)
        for members in groups.values():
            if len(members) < 2:
                continue
            lows = [0] * len(tables)
            for p in members:
                if p in host_at:
                    lows[host_at[p]] += 1
            total += spread_pairs(len(members), caps, lows)
    return total


def mix_bound(instance: Instance) -> int:
    """Fewest mix conflicts any plan of the café can have; played rounds count as they are."""
    if not instance.mix:
        return 0
    values = mix_values(instance)
    total = 0
    known: dict[tuple[str, ...], int] = {}  # rounds with the same people have the same bound
    for r in range(instance.n_rounds):
        if r < len(instance.rounds):
            total += sum(table_conflicts(m, values) for m in instance.rounds[r].values())
            continue
        there = tuple(present_in(instance, r))
        if there not in known:
            known[there] = round_mix_bound(there, instance.tables, instance.hosts, values)
        total += known[there]
    return total


def mix_figures(
    instance: Instance, rounds: Sequence[Mapping[str, Sequence[str]]]
) -> tuple[int, int]:
    """(mix conflicts, language violations) of a plan's rounds."""
    values = mix_values(instance)
    langs = languages_of(instance)
    conflicts = violations = 0
    for rnd in rounds:
        for members in rnd.values():
            people = list(dict.fromkeys(members))
            if values:
                conflicts += table_conflicts(people, values)
            if langs and not shares_language(people, langs):
                violations += 1
    return conflicts, violations


def pair_codes(instance: Instance, people: Sequence[str]) -> npt.NDArray[np.uint8] | None:
    """For every pair of people (row-major, n x n), what seating them together wastes: the
    number of `mix` attributes they share (0..63), plus 64 when the café asks for a common
    language and both gave languages but share none. None when nothing of this applies."""
    n = len(people)
    mix = mix_values(instance) if instance.mix else {}
    langs = languages_of(instance) if instance.common_language else {}
    if n == 0 or (not any(mix.values()) and len(langs) < 2):
        return None
    codes = np.zeros((n, n), dtype=np.int64)
    for by_person in mix.values():
        ids: dict[str | tuple[str, ...], int] = {}
        value = np.array(
            [ids.setdefault(by_person[p], len(ids)) if p in by_person else -1 for p in people],
            dtype=np.int64,
        )
        codes += (value[:, None] == value[None, :]) & (value >= 0)[:, None]
    np.minimum(codes, 63, out=codes)
    if len(langs) >= 2:
        vocabulary = {code: k for k, code in enumerate(sorted(set().union(*langs.values())))}
        speaks = np.zeros((n, len(vocabulary)), dtype=np.float64)
        for i, p in enumerate(people):
            for code in langs.get(p, ()):
                speaks[i, vocabulary[code]] = 1.0
        given = np.asarray(speaks.any(axis=1))
        apart = (speaks @ speaks.T < 0.5) & given[:, None] & given[None, :]
        codes += 64 * apart
    np.fill_diagonal(codes, 0)
    return codes.astype(np.uint8)
