"""Resolvable designs of tables of 4 translated over a group: on 3n + 1 people 1-rotational
over Z_n from a few stored numbers, and on 4q people over GF(q) by cyclotomy.

`rotational_fours(n)`: people x in copy c are c*n + x (x in Z_n, c in 0, 1, 2), and oo is
3n. The base round holds {oo, 0_0, 0_1, 0_2} and, for each pair of copies (a, b) in (0, 1),
(1, 2), (2, 0), the tables {x_a, -x_a, y_b, -y_b} for (n - 1)/4 pairs (x, y) that split the
classes {x, -x} of the nonzero elements; its n translates are the rounds. Within copy a the
tables differ by +-2x, so by every nonzero element once; across copies by +-(y - x) and
+-(y + x), and these classes are all distinct, so with 0 from the first table every
difference across two copies occurs once. The pairs are stored, the first half of the list
paired with the second half ((n - 1)/2 numbers, found once by a seeded search,
scripts/find_rotational_fours.py, as the literature gives small cases; none exists when 3
divides n but 9 does not).

`quadruple_rounds(q)`, q = 1 mod 6 a prime power, q >= 13: on GF(q) x {0, 1, 2, 3} (person
c*q + x), D_0, D_1, D_2 the classes {x, -x} of the cubes, the other cubic residues and the
rest (-1 is a cube, so a class has one character chi). The base round holds
{0_0, 0_1, 0_2, 0_3} and, for each pair of copies (a, b), {x_a, -x_a, (l x)_b, (-l x)_b} for
x in D_i; its q translates and the (q - 1)/3 rounds {(x + c y)_c : x in GF(q)} for y in
+-D_k are the rounds. Each copy gives its three cosets to its three partners (so it holds
every nonzero element once, and differs within by +-2x: all once). Across (a, b) the tables
give the cosets (l - 1) D_i and (l + 1) D_i, the translation-invariant rounds (b - a) D_k:
chosen (`quadruple_plan`) so that the three are distinct, with chi(l) moving D_i to the coset
copy b gives to a; with 0 from the first table every difference occurs once.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import permutations, product

import numpy as np

from worldcafe.rotation.constructions import _prime_power
from worldcafe.rotation.fields import field
from worldcafe.rotation.kirkman import Point, develop, develop_cyclic

Rounds = list[list[list[int]]]

ROTATIONAL: dict[int, str] = {
    77: (
        "37 18 34 25 9 2 21 26 7 1 5 12 30 24 35 19 13 31 33 23 10 8 36 16 29 22 14 3 20 27 32 "
        "17 15 6 4 11 28 38"
    ),
}


def base_pairs(n: int) -> list[tuple[int, int]]:
    """The pairs (x, y) of a stored n, or []."""
    if n not in ROTATIONAL:
        return []
    numbers = [int(x) for x in ROTATIONAL[n].split()]
    t = (n - 1) // 4
    return list(zip(numbers[:t], numbers[t:], strict=True))


def base_round(n: int, pairs: list[tuple[int, int]]) -> list[list[int]]:
    """The base round on people 0..3n (oo = 3n) from the pairs of `base_pairs`."""
    base = [[3 * n, 0, n, 2 * n]]
    for a, b in ((0, 1), (1, 2), (2, 0)):
        base += [[a * n + x, a * n + n - x, b * n + y, b * n + n - y] for x, y in pairs]
    return base


def rotational_fours(n: int, limit: int | None = None) -> Rounds:
    """The first `limit` of the n rounds of the design on 3n + 1 people for a stored n,
    else []."""
    pairs = base_pairs(n)
    if not pairs:
        return []
    return develop_cyclic(base_round(n, pairs), n, limit, fixed=3 * n)


COPY_PAIRS = ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))


@lru_cache(maxsize=64)
def quadruple_plan(q: int) -> tuple[tuple[int, ...], int, tuple[int, ...]] | None:
    """For `quadruple_rounds`: per pair of copies (a, b) the coset index i of its x and its
    multiplier l, and the coset index k of Y; None when q is no prime power = 1 mod 6 or no
    choice works (q = 7). The first choice in a fixed order, so the design is always the same."""
    if q % 6 != 1 or _prime_power(q) is None:
        return None
    f = field(q)

    def chi(x: int) -> int:
        return f.log(x) % 3

    for order in product(permutations(range(3)), repeat=4):
        coset = {(a, b): order[a][b - (b > a)] for a in range(4) for b in range(4) if a != b}
        for k in range(3):
            chosen: list[int] = []
            for a, b in COPY_PAIRS:
                i, j = coset[a, b], coset[b, a]
                free = (chi(b - a) + k - i) % 3
                for lam in range(2, q):  # lam = -1 (and 0, 1) would differ by 0
                    low, high = f.sub(lam, 1), int(f.add[lam, 1])
                    if high == 0 or chi(lam) != (j - i) % 3:
                        continue
                    if {chi(low), chi(high), free} == {0, 1, 2}:
                        chosen.append(lam)
                        break
                else:
                    break
            if len(chosen) == len(COPY_PAIRS):
                return tuple(coset[a, b] for a, b in COPY_PAIRS), k, tuple(chosen)
    return None


def quadruple_rounds(q: int, limit: int | None = None) -> Rounds:
    """The first `limit` rounds of a resolvable 2-(4q, 4, 1) design for a prime power
    q = 1 mod 6 with a `quadruple_plan` (person c*q + x is x in copy c), else []."""
    plan = quadruple_plan(q)
    if plan is None:
        return []
    cosets, k, lams = plan
    f = field(q)
    half = (q - 1) // 2

    def classes(i: int) -> list[int]:  # one of +-x for every x in the coset D_i
        return [f.power(e) for e in range(i, half, 3)]

    base: list[tuple[Point, ...]] = [((0, 0), (0, 1), (0, 2), (0, 3))]
    for (a, b), i, lam in zip(COPY_PAIRS, cosets, lams, strict=True):
        for e in classes(i):
            y = f.mul(lam, e)
            base.append(((e, a), (f.neg[e], a), (y, b), (f.neg[y], b)))
    wanted = (4 * q - 1) // 3 if limit is None else min(limit, (4 * q - 1) // 3)
    rounds = develop(f, base, 4, wanted)
    ys = [s for y in classes(k) for s in (y, f.neg[y])][: max(0, wanted - q)]
    everyone = np.arange(q, dtype=np.int64)
    for y in ys:
        seats = [c * q + f.add[everyone, f.mul(c, y)] for c in range(4)]
        rounds.append(np.stack(seats, axis=1).tolist())
    return rounds
