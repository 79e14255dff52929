"""Kirkman triple systems KTS(v): v people at tables of 3 for (v - 1)/2 rounds, every pair once;
and, by the same means, resolvable designs of tables of 4 on 3q + 1 people (`fours`).

Direct constructions over GF(q), q = 6t + 1 a prime power, omega a primitive element, C the cube
roots of unity {1, eps, eps**2} (eps = omega**(2t)), H the t cosets omega**i * C, i < t, and S the
t cosets omega**i * C, t <= i < 2t. Both S and -S (the cosets with index in [4t, 5t), [0, t) and
[2t, 3t) modulo 6t) together hold every nonzero element once, and eps * S = S.

- KTS(2q + 1) on GF(q) x {1, 2} and a point oo: a base round of {oo, 0_1, 0_2}, the cosets of H on
  side 1, and {x_1, (a x)_2, (-a x)_2} for x in S with a = (1 + eps)/(eps - 1), translated by every
  element of GF(q). The differences of the cosets omega**i * C cover each nonzero element once;
  on side 2, +-(2a x) do so over x in S; across the sides (a - 1) x and (-a - 1) x =
  -eps (a - 1) x do so, with 0 from the base triple.
- KTS(3q) on GF(q) x {0, 1, 2}: a base round of {0_0, 0_1, 0_2}, the cosets of H scaled by rho_c
  in copy c (rho = 1, l, m with l = omega, m = omega**2) and {x_0, (l x)_1, (m x)_2} for x in S,
  translated (q rounds); and (q - 1)/2 rounds invariant under translation,
  {x_0, (x + (l - 1) y)_1, (x + (m - 1) y)_2 : x} for y in -S, which take the differences
  across copies that S leaves.

- KTS(3m) invariant under Z_m, for the m in `CYCLIC` (found once by an exact-cover search, as
  the literature gives small cases): a base round on Z_m x {0, 1, 2} translated (m rounds) and
  (m - 1)/2 rounds {x_0, (x + a)_1, (x + b)_2 : x} that take the differences across copies
  the base round leaves.

`doubled_rounds` builds KTS(2n + 1) from a pairwise balanced design on n points whose block
sizes k all have a KTS(2k + 1) (Ray-Chaudhuri and Wilson's doubling): on {oo} and two copies of
the points, the round of point x is {oo, x_1, x_2} with, for each block B through x, the round of
the KTS(2|B| + 1) on {oo} and B x {1, 2} that holds {oo, x_1, x_2}.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from worldcafe.rotation.constructions import _prime_power
from worldcafe.rotation.fields import Field, field

Rounds = list[list[list[int]]]
Point = tuple[int, int]  # (element of GF(q), copy); the copy past the last one is the point oo


# m: (the base round, person c*m + x being x in copy c; the shifts (a, b) of the other rounds)
CYCLIC: dict[int, tuple[tuple[tuple[int, int, int], ...], tuple[tuple[int, int], ...]]] = {
    23: (
        (
            (0, 23, 46),
            (2, 5, 29),
            (13, 22, 55),
            (14, 21, 30),
            (4, 9, 56),
            (11, 17, 47),
            (6, 7, 67),
            (3, 16, 66),
            (1, 12, 20),
            (8, 10, 25),
            (18, 28, 59),
            (15, 35, 44),
            (19, 32, 37),
            (27, 33, 40),
            (41, 42, 53),
            (24, 36, 39),
            (43, 45, 60),
            (34, 38, 64),
            (26, 58, 63),
            (31, 49, 50),
            (52, 54, 62),
            (57, 61, 68),
            (48, 51, 65),
        ),
        (
            (3, 5),
            (11, 16),
            (2, 8),
            (21, 2),
            (22, 21),
            (19, 12),
            (14, 11),
            (8, 9),
            (12, 22),
            (5, 3),
            (7, 20),
        ),
    )
}


def develop(f: Field, base: list[tuple[Point, ...]], copies: int, limit: int | None) -> Rounds:
    """The first `limit` of the q translates of a base round: (x, c) -> c*q + x + g, and
    oo = copies*q fixed."""
    q = f.q
    xs = np.array([[x for x, _ in triple] for triple in base], dtype=np.int64)
    cs = np.array([[c for _, c in triple] for triple in base], dtype=np.int64)
    shifted = f.add[xs[None, :, :], np.arange(q)[:limit, None, None]] + cs * q
    shifted[:, cs == copies] = copies * q
    out: Rounds = shifted.tolist()
    return out


def develop_cyclic(
    base: Sequence[Sequence[int]], m: int, limit: int | None, fixed: int | None = None
) -> Rounds:
    """The first `limit` of the m translates of a base round over Z_m: person c*m + x goes to
    c*m + x + g; `fixed` (a person beyond the copies) stays where it is."""
    b = np.array(base, dtype=np.int64)
    copy, x = b // m, b % m
    rounds = copy * m + (x + np.arange(m)[:limit, None, None]) % m
    if fixed is not None:
        rounds[:, b == fixed] = fixed
    out: Rounds = rounds.tolist()
    return out


def _cosets(f: Field, first: int, last: int, scale: int = 1) -> list[list[int]]:
    """The cosets scale * omega**i * C for first <= i < last."""
    t2 = (f.q - 1) // 3
    return [[f.mul(scale, f.power(i + j * t2)) for j in range(3)] for i in range(first, last)]


def kirkman_double(q: int, limit: int | None = None) -> Rounds:
    """The first `limit` rounds of KTS(2q + 1) for a prime power q = 1 mod 6 (people 0..2q;
    oo is 2q), else []."""
    if q % 6 != 1 or _prime_power(q) is None:
        return []
    f, t = field(q), (q - 1) // 6
    eps = f.power(2 * t)
    a = f.div(int(f.add[1, eps]), f.sub(eps, 1))
    base: list[tuple[Point, ...]] = [((0, 2), (0, 0), (0, 1))]
    base += [tuple((x, 0) for x in coset) for coset in _cosets(f, 0, t)]
    for coset in _cosets(f, t, 2 * t):
        base += [((x, 0), (f.mul(a, x), 1), (f.mul(f.neg[a], x), 1)) for x in coset]
    return develop(f, base, 2, limit)


def kirkman_triple(q: int, limit: int | None = None) -> Rounds:
    """The first `limit` rounds of KTS(3q) for a prime power q = 1 mod 6 (person c*q + x is x
    in copy c), else []."""
    if q % 6 != 1 or _prime_power(q) is None:
        return []
    f, t = field(q), (q - 1) // 6
    lam, mu = f.power(1), f.power(2)
    base: list[tuple[Point, ...]] = [((0, 0), (0, 1), (0, 2))]
    for c, rho in enumerate((1, lam, mu)):
        base += [tuple((x, c) for x in coset) for coset in _cosets(f, 0, t, rho)]
    half = [x for coset in _cosets(f, t, 2 * t) for x in coset]
    base += [((x, 0), (f.mul(lam, x), 1), (f.mul(mu, x), 2)) for x in half]
    rounds = develop(f, base, 3, limit)
    for y in half[: None if limit is None else max(0, limit - q)]:
        a, b = f.mul(f.sub(lam, 1), f.neg[y]), f.mul(f.sub(mu, 1), f.neg[y])
        rounds.append([[x, q + int(f.add[x, a]), 2 * q + int(f.add[x, b])] for x in range(q)])
    return rounds


def cyclic_triples(m: int, limit: int | None = None) -> Rounds:
    """The first `limit` rounds of the KTS(3m) of `CYCLIC` (person c*m + x), else []."""
    if m not in CYCLIC:
        return []
    base, shifts = CYCLIC[m]
    rounds = develop_cyclic(base, m, limit)
    x = np.arange(m)
    for a, c in shifts[: None if limit is None else max(0, limit - m)]:
        rounds.append(np.stack([x, m + (x + a) % m, 2 * m + (x + c) % m], axis=1).tolist())
    return rounds


def fours(q: int, limit: int | None = None) -> Rounds:
    """The first `limit` rounds of a resolvable 2-(3q + 1, 4, 1) design for a prime power
    q = 1 mod 4 (person c*q + x is x in copy c, oo is 3q), else [].

    A base round on GF(q) x {0, 1, 2} and oo, translated: {oo, 0_0, 0_1, 0_2} and, for each
    pair of copies (a, b) in (0, 1), (1, 2), (2, 0) and x = omega**j, j < t = (q - 1)/4,
    {x_a, (-x)_a, (i x)_b, (-i x)_b} with i = omega**t, a square root of -1. Copy a holds
    +-x and +-i x, that is x times the fourth roots of unity U; its pairs differ by 2 U x;
    across copies the differences are +-(i - 1) x and +-(i + 1) x = -+i (i - 1) x, that is
    (i - 1) U x: each nonzero element once.
    """
    if q % 4 != 1 or _prime_power(q) is None:
        return []
    f, t = field(q), (q - 1) // 4
    i = f.power(t)
    base: list[tuple[Point, ...]] = [((0, 3), (0, 0), (0, 1), (0, 2))]
    for a, b in ((0, 1), (1, 2), (2, 0)):
        for x in (f.power(j) for j in range(t)):
            ix = f.mul(i, x)
            base.append(((x, a), (f.neg[x], a), (ix, b), (f.neg[ix], b)))
    return develop(f, base, 3, limit)


def _prime_power_parts(m: int) -> list[int]:
    parts, d = [], 2
    while d * d <= m:
        part = 1
        while m % d == 0:
            m //= d
            part *= d
        if part > 1:
            parts.append(part)
        d += 1
    return [*parts, m] if m > 1 else parts


def resolved_transversal(k: int, m: int) -> npt.NDArray[np.int64]:
    """A resolvable TD(k, m): [s, x, i] is the point in group i of block x of class s, when
    every prime power part of m is at least k (MacNeish's product, over each part's field, of
    the blocks {a + b*e_i} whose class is b); else an empty array."""
    parts = _prime_power_parts(m)
    if k < 2 or m < 2 or any(part < k for part in parts):
        return np.zeros((0, 0, k), dtype=np.int64)
    table = np.zeros((1, 1, k), dtype=np.int64)
    for part in parts:
        f = field(part)
        a = np.arange(part)
        small = f.add[a[None, :, None], f.times[a[:, None, None], np.arange(k)[None, None, :]]]
        table = table[:, None, :, None, :] * part + small[None, :, None, :, :]
        table = table.reshape(table.shape[0] * part, -1, k)
    return table


def transversal_design(k: int, m: int) -> npt.NDArray[np.int64]:
    """Blocks of a TD(k, m), one per row (entry i its point in group i), or none."""
    return resolved_transversal(k, m).reshape(-1, k)


def transversal_exists(k: int, m: int) -> bool:
    """Whether `transversal_design(k, m)` builds one (without building it)."""
    return k >= 2 and m >= 2 and all(part >= k for part in _prime_power_parts(m))


def doubled_rounds(
    n: int, blocks: Sequence[Sequence[int]], kts: Callable[[int], Rounds], limit: int | None = None
) -> Rounds:
    """The first `limit` rounds of KTS(2n + 1) from a pairwise balanced design on 0..n-1
    (people x, n + x, and oo = 2n).

    `kts(v)` gives a KTS(v) for each v = 2|B| + 1 of the blocks B (blocks of one point add
    nothing and are skipped).
    """
    last = n if limit is None else min(n, limit)
    rounds: Rounds = [[[2 * n, x, n + x]] for x in range(last)]
    labels: dict[int, tuple[Rounds, list[tuple[int, int]]]] = {}
    for block in blocks:
        k = len(block)
        if k < 2 or min(block) >= last:
            continue
        if k not in labels:
            design = kts(2 * k + 1)
            oo = 2 * k
            label = [(0, 0)] * (2 * k + 1)  # the point of D: (its class j, side 0 or 1)
            ordered = []
            for j, rnd in enumerate(design):
                inf = next(g for g in rnd if oo in g)
                a, b = (p for p in inf if p != oo)
                label[a], label[b] = (j, 0), (j, 1)
                ordered.append([g for g in rnd if oo not in g])
            labels[k] = (ordered, label)
        ordered, label = labels[k]
        point = [block[j] + side * n for j, side in label[:-1]]
        for j, groups in enumerate(ordered):
            if block[j] < last:
                rounds[block[j]].extend([point[p] for p in g] for g in groups)
    return rounds
