"""Resolvable designs of tables of 5 and 6 developed over GF(q) from a few stored base tables.

q is an odd prime power, omega its primitive element (`fields.py`), e an even divisor of
q - 1 with (q - 1)/e odd, and M the subgroup of the (q - 1)/e powers of omega**e: the
multipliers. Since |M| is odd, -1 is not in M, so the two differences +-d of a pair in one
copy fall into distinct cosets of M (with -1 in M every such pair would cover its coset
twice). A base table T stands for the |M| tables y*T, y in M. Person c*q + x is x in copy c;
k is the table size.

- 1-rotational, `"fives"` (k = 5, 4q + 1 people, q = 1 mod 10) and `"sixes"` (k = 6,
  5q + 1 people, q = 1 mod 6): GF(q) x {0..k-2} and oo = (k - 1)q. The base round holds
  {oo, 0_0, .., 0_(k-2)} and y*T for every stored T and y in M; its q translates
  x -> x + g are the rounds. The stored tables put one point in every coset of M in every
  copy (so the round is a partition), and their differences x - x' within a copy, and
  x' - x from copy c to copy d > c, hit every coset of M once each: every nonzero
  difference occurs once, 0 across copies in the first table, so every pair meets once.
- with rounds invariant under the translations, `"quintuple"` (k = 5, 5q people,
  q = 1 mod 4) and `"sextuple"` (k = 6, 6q people, q = 1 mod 5): GF(q) x {0..k-1}. The base
  round holds {0_0, .., 0_(k-1)} and y*T as above, translated (q rounds); and (q - 1)/(k - 1)
  rounds {(x + a_c z)_c : x in GF(q)} for z in Z, the union of the cosets omega**i M with
  i = 0 mod k - 1, and a_c = c (the field element numbered c) or as stored. Those rounds meet
  every difference (a_d - a_c) z from copy c to copy d; the stored tables hit the other cosets
  once each, and every coset within a copy once.

Some stored tables come in orbits of a turn of the copies, (x, c) -> (zeta x, c + 1 mod 5)
with zeta of order 5 (q = 1 mod 5; a sixth copy stays), the stored a_c = zeta**c (0 on the
sixth copy): the rounds {(x + a_c z)_c} are kept by the turn, so the search deals with one
table of each orbit, five times fewer.

The tables are found once by a seeded randomised backtracking search
(scripts/find_base_tables.py: each coset of M once per copy, no difference twice, table by
table) and stored in base_tables.json, with the turn's images written out; the tests rebuild
every stored design and check every pair.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from worldcafe.rotation.fields import field
from worldcafe.rotation.kirkman import Point, Rounds, develop

DATA = Path(__file__).with_name("base_tables.json")
# kind: (table size k, 1-rotational)
KINDS = {"fives": (5, True), "quintuple": (5, False), "sixes": (6, True), "sextuple": (6, False)}


class Entry(NamedTuple):
    e: int  # the index of the multipliers M
    tables: tuple[tuple[Point, ...], ...]  # the base tables, points (x, copy)
    shifts: tuple[int, ...] | None  # a_c of the rounds {(x + a_c z)_c}, when not c


@lru_cache(maxsize=1)
def stored() -> dict[str, dict[int, Entry]]:
    """{kind: {q: Entry}} from base_tables.json."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    return {
        kind: {
            int(q): Entry(
                int(entry["e"]),
                tuple(tuple((int(x), int(c)) for x, c in table) for table in entry["tables"]),
                tuple(int(a) for a in entry["shifts"]) if "shifts" in entry else None,
            )
            for q, entry in raw.get(kind, {}).items()
        }
        for kind in KINDS
    }


def people(kind: str, q: int) -> int:
    k, rotational = KINDS[kind]
    return (k - 1) * q + 1 if rotational else k * q


def base_recipe(v: int, k: int) -> tuple[str, int] | None:
    """(kind, q) when stored tables give the design on v people at tables of k, else None."""
    tables = stored()
    for kind, (size, rotational) in KINDS.items():
        q = (v - 1) // (k - 1) if rotational else v // k
        if size == k and q in tables[kind] and people(kind, q) == v:
            return (kind, q)
    return None


def base_round(kind: str, q: int) -> list[tuple[Point, ...]]:
    """The base round: {0_0, .., 0_(k-1)} (0_(k-1) standing for oo when 1-rotational) and y*T
    for the stored T and y in M."""
    entry = stored()[kind][q]
    f = field(q)
    multipliers = [f.power(entry.e * j) for j in range((q - 1) // entry.e)]
    base: list[tuple[Point, ...]] = [tuple((0, c) for c in range(KINDS[kind][0]))]
    for table in entry.tables:
        base += [tuple((f.mul(y, x), c) for x, c in table) for y in multipliers]
    return base


def base_rounds(kind: str, q: int, limit: int | None = None) -> Rounds:
    """The first `limit` rounds of the stored design `kind` over GF(q), else []."""
    entry = stored().get(kind, {}).get(q)
    if entry is None:
        return []
    k, rotational = KINDS[kind]
    f = field(q)
    total = (people(kind, q) - 1) // (k - 1)
    wanted = total if limit is None else min(limit, total)
    rounds = develop(f, base_round(kind, q), k - 1 if rotational else k, min(wanted, q))
    m = (q - 1) // entry.e
    zs = sorted(f.power(i + entry.e * j) for i in range(0, entry.e, k - 1) for j in range(m))
    everyone = np.arange(q, dtype=np.int64)
    shifts = entry.shifts or tuple(range(k))
    for z in zs[: max(0, wanted - q)]:
        seats = [c * q + f.add[everyone, f.mul(a, z)] for c, a in enumerate(shifts)]
        rounds.append(np.stack(seats, axis=1).tolist())
    return rounds
