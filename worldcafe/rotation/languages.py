"""Seating a round so that every table shares a language, keeping each person on their theme.

`seat_by_language` takes the people a start put at the tables of one theme in one round and
seats them anew at those tables, tables keeping their sizes (so theme coverage and balance
stay). Each table gets a language: a host's table one its host speaks; then, for every
language, enough tables for those who do not speak the language most people there speak
(the *lingua franca*); the rest the lingua franca. People go in order of how few seats they
could take (who speaks only a rare language first), then by the values to mix, dealt around
the tables of a language they speak (the one whose tables have the fewest speakers left to
fill them), which spreads each value as the plain deal does. Everyone at a
table then speaks its language. Only when the people themselves make that impossible (more
speakers of a language needed than there are) does someone end up at a table they share no
language with; the search repairs what it can after.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from worldcafe.rotation.people import languages_of
from worldcafe.rotation.search import Seating


def _labels(
    state: Seating,
    tables: list[int],
    free: dict[int, int],
    people: list[int],
    spoken: dict[int, frozenset[str]],
) -> tuple[dict[int, str], dict[int, str]]:
    """A language for each table (hosts' tables first, then what those without the lingua
    franca need, then the lingua franca), and the language each of those is counted for."""
    counts: Counter[str] = Counter()
    for p in people + [state.host_of[t] for t in tables if state.host_of[t] >= 0]:
        counts.update(spoken.get(p, ()))
    label: dict[int, str] = {}
    wants: dict[int, str] = {}
    if not counts:
        return label, wants
    lingua = max(sorted(counts), key=lambda c: counts[c])
    for t in tables:
        h = state.host_of[t]
        if h >= 0 and spoken.get(h):
            label[t] = max(sorted(spoken[h]), key=lambda c: counts[c])
    need: Counter[str] = Counter()
    for p in people:
        langs = spoken.get(p)
        if langs and lingua not in langs:
            wants[p] = max(sorted(langs), key=lambda c: counts[c])
            need[wants[p]] += 1
    seats: Counter[str] = Counter()
    for t, c in label.items():
        seats[c] += free[t]
    open_tables = sorted((t for t in tables if t not in label), key=lambda t: -free[t])
    for c in sorted(need, key=lambda c: (-need[c], c)):
        while seats[c] < need[c] and open_tables:
            t = open_tables.pop(0)
            label[t] = c
            seats[c] += free[t]
    for t in open_tables:
        label[t] = lingua
    return label, wants


def seat_by_language(
    state: Seating,
    r: int,
    tables: list[int],
    order: Callable[[list[int]], list[int]],
    spoken: dict[int, frozenset[str]],
) -> None:
    """Seat anew the travellers at these tables (one theme's) in round r (see the module); order:
    people sorted by the values to mix (dealing them around spreads each value), spoken: each
    person's languages (by person number)."""
    people = [p for t in tables for p in state.members[r][t] if not state.is_host[p]]
    free = {t: sum(1 for p in state.members[r][t] if not state.is_host[p]) for t in tables}
    label, wants = _labels(state, tables, free, people, spoken)
    if not label:
        return
    for p in people:
        state.unplace(r, p)
    seats: Counter[str] = Counter()
    for t, c in label.items():
        seats[c] += free[t]
    speakers: Counter[str] = Counter(c for p in people for c in spoken.get(p, ()))

    def room(p: int) -> int:
        langs = spoken.get(p)
        return sum(seats[c] for c in langs) if langs else len(people)

    pools: dict[str, list[int]] = {}  # the tables of each language with a free seat
    for t in tables:
        if free[t] > 0:
            pools.setdefault(label[t], []).append(t)
    for pool in pools.values():
        state.rng.shuffle(pool)
    turn: Counter[str] = Counter()
    rank = {p: k for k, p in enumerate(order(people))}
    for p in sorted(people, key=lambda p: (room(p), rank[p])):
        langs = spoken.get(p, frozenset())
        mine = sorted(c for c in langs if pools.get(c))
        # the language they were counted for, else the one whose tables have the fewest
        # speakers left to fill them
        c = min(mine, key=lambda c: (c != wants.get(p), speakers[c] - seats[c])) if mine else ""
        if not c:
            c = next(c for c in sorted(pools, key=lambda c: -len(pools[c])) if pools[c])
        pool = pools[c]
        t = pool[turn[c] % len(pool)]
        turn[c] += 1
        state.place(r, p, t)
        free[t] -= 1
        seats[c] -= 1
        for x in langs:
            speakers[x] -= 1
        if not free[t]:
            pool.remove(t)


def spoken_languages(state: Seating) -> dict[int, frozenset[str]]:
    """The languages of everyone who gave some, by person number."""
    langs = languages_of(state.instance)
    return {i: langs[p] for i, p in enumerate(state.people) if p in langs}


def seat_all_by_language(state: Seating, order: Callable[[list[int]], list[int]]) -> None:
    """`seat_by_language` for every theme (all tables where there are no themes) of every
    round being planned."""
    spoken = spoken_languages(state)
    for r in range(state.played, state.n_rounds):
        classes: dict[int, list[int]] = {}
        for t in state.open[r]:
            classes.setdefault(state.theme[t] if state.themed else 0, []).append(t)
        for theme in sorted(classes):
            seat_by_language(state, r, classes[theme], order, spoken)


def tables_without_language(state: Seating) -> int:
    """Tables of the rounds being planned whose people who gave languages share none (0 when
    the café does not ask for a common language)."""
    if not state.instance.common_language:
        return 0
    spoken = spoken_languages(state)
    return sum(
        shares_none(state.members[r][t], spoken)
        for r in range(state.played, state.n_rounds)
        for t in state.open[r]
    )


def shares_none(members: Iterable[int], spoken: Mapping[int, frozenset[str]]) -> bool:
    """Whether the people at a table who gave languages (some did) share none."""
    common: frozenset[str] | None = None
    for p in members:
        langs = spoken.get(p)
        if langs:
            common = langs if common is None else common & langs
    return common is not None and not common


def fewest_without_language(state: Seating) -> int:
    """A lower bound on `tables_without_language`: in each round, someone none of whose
    languages enough others there speak to fill the smallest table sits at a table without a
    common language, and a table holds at most its capacity of them."""
    if not state.instance.common_language:
        return 0
    spoken = spoken_languages(state)
    floor = 0
    for r in range(state.played, state.n_rounds):
        present = state.present[r]
        sizes = [len(state.members[r][t]) for t in state.open[r]]
        if not sizes:
            continue
        silent = sum(1 for p in present if p not in spoken)  # they speak with everyone
        speakers: Counter[str] = Counter(c for p in present for c in spoken.get(p, ()))
        alone = sum(
            1
            for p in present
            if p in spoken and max(speakers[c] for c in spoken[p]) + silent < min(sizes)
        )
        floor += -(-alone // max(state.cap[t] for t in state.open[r]))
    return floor
