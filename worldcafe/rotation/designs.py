"""Resolvable designs: rounds in which no two people ever meet twice, derived at run time.

A resolvable 2-(v, k, 1) design seats v people at v/k tables of k for (v - 1)/(k - 1) rounds
with every pair meeting exactly once. Which shapes are covered (`resolvable_rounds(v, k)`):

- the lines of the affine space AG(d, q), q a prime power: v = q**d people at tables of q,
  (q**d - 1)/(q - 1) rounds, one round per direction (a point of PG(d - 1, q)); this includes
  the affine planes (v = q*q) and the Kirkman triple systems KTS(3**d);
- Kirkman triple systems KTS(2q + 1) for q = 6t + 1: one base round on the points
  Z_q x {1, 2} and a fixed point, developed over Z_q (each round a translate of it); the base
  round is found by a depth-first search over differences, which is quick for q <= 13 only,
  so this gives KTS(15) (and KTS(27), also an affine space);
- products: a design on u points and one on w points, when every prime factor of w is at least
  k, give one on u*w points. Each table {a_1..a_k} of a round of the first, crossed with w
  "parallel classes" s of the transversal design {(a_i, x + i*s mod w)}, plus the second design
  on every copy {a} x Z_w. So KTS(u) and KTS(w) give KTS(u*w): with the above, every
  v = 3**a * 15**b (9, 15, 27, 45, 81, 135, 225, 243, 405, ...), and designs of one k combine
  (affine spaces over GF(q) and GF(q**e), e.g. 16 x 64 people at tables of 4).

Kirkman triple systems exist for every v = 3 mod 6 (Ray-Chaudhuri and Wilson); those not
constructed here (v = 21, 33, 39, 51, 57, 63, ...) are left to the planner's search, as are
resolvable designs not listed (for example from spreads of projective spaces).
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product

from worldcafe.rotation.constructions import _prime_power, field_tables

Rounds = list[list[list[int]]]
SEARCH_NODES = 30_000
CYCLIC_LIMIT = 27  # the cyclic Kirkman search is tried up to this many people


def affine_lines(q: int, d: int) -> Rounds:
    """The parallel classes of lines of AG(d, q) on points 0..q**d-1 (base-q digits)."""
    tables = field_tables(q)
    if tables is None or d < 1:
        return []
    add, mul = tables
    points = list(product(range(q), repeat=d))
    index = {p: i for i, p in enumerate(points)}
    directions = [p for p in points if any(p) and p[next(i for i, x in enumerate(p) if x)] == 1]
    rounds: Rounds = []
    for v in directions:
        seen: set[int] = set()
        groups = []
        for p in points:
            if index[p] in seen:
                continue
            line = [
                index[tuple(add[x][mul[t][y]] for x, y in zip(p, v, strict=True))] for t in range(q)
            ]
            seen.update(line)
            groups.append(line)
        rounds.append(groups)
    return rounds


def _prime_factors(w: int) -> list[int]:
    out, d = [], 2
    while d * d <= w:
        while w % d == 0:
            out.append(d)
            w //= d
        d += 1
    if w > 1:
        out.append(w)
    return out


def product_rounds(first: Rounds, u: int, second: Rounds, w: int, k: int) -> Rounds:
    """A resolvable design on u*w points (a*w + x) from one on u and one on w points."""
    if any(f < k for f in _prime_factors(w)):
        return []
    rounds: Rounds = []
    for rnd in first:
        for s in range(w):
            rounds.append(
                [
                    [a * w + (x + i * s) % w for i, a in enumerate(group)]
                    for group in rnd
                    for x in range(w)
                ]
            )
    for rnd in second:
        rounds.append([[a * w + x for x in group] for a in range(u) for group in rnd])
    return rounds


def _kirkman_cyclic(q: int, node_limit: int = SEARCH_NODES) -> Rounds:
    """KTS(2q + 1), q = 6t + 1: a base round over Z_q x {1, 2} and a fixed point, developed.

    Point x_1 is x, x_2 is q + x, the fixed point 2q. The base round holds {fixed, 0_1, 0_2},
    t triples inside Z_q x {1} and 3t triples with one point of side 1 and two of side 2:
    together their differences must cover each nonzero difference within a side once and
    each difference from side 1 to side 2 (but 0) once.
    """
    if q % 6 != 1:
        return []
    t = q // 6
    pure = [False] * q  # pure differences used in side 1
    pure2 = [False] * q
    mixed = [False] * q  # y - x for x in side 1, y in side 2
    pure[0] = pure2[0] = mixed[0] = True
    used1 = [False] * q
    used2 = [False] * q
    used1[0] = used2[0] = True
    triples: list[tuple[int, int, int]] = []
    nodes = 0

    def take(flags: list[bool], diffs: list[int]) -> bool:
        if len(set(diffs)) != len(diffs) or any(flags[d] for d in diffs):
            return False
        for d in diffs:
            flags[d] = True
        return True

    def free(flags: list[bool], diffs: list[int]) -> None:
        for d in diffs:
            flags[d] = False

    def search(need_pure: int, need_mixed: int) -> bool:
        nonlocal nodes
        nodes += 1
        if nodes > node_limit:
            return False
        if need_pure == 0 and need_mixed == 0:
            return True
        if need_pure:
            a = used1.index(False)
            for b in range(a + 1, q):
                for c in range(b + 1, q):
                    if used1[b] or used1[c]:
                        continue
                    diffs = [(b - a) % q, (a - b) % q, (c - a) % q, (a - c) % q]
                    diffs += [(c - b) % q, (b - c) % q]
                    if not take(pure, diffs):
                        continue
                    used1[a] = used1[b] = used1[c] = True
                    triples.append((a, b, c))
                    if search(need_pure - 1, need_mixed):
                        return True
                    triples.pop()
                    used1[a] = used1[b] = used1[c] = False
                    free(pure, diffs)
            return False
        y = used2.index(False)
        for x, z in product(range(q), range(y + 1, q)):
            if used1[x] or used2[z]:
                continue
            inner = [(z - y) % q, (y - z) % q]
            cross = [(y - x) % q, (z - x) % q]
            if not take(pure2, inner):
                continue
            if not take(mixed, cross):
                free(pure2, inner)
                continue
            used1[x] = used2[y] = used2[z] = True
            triples.append((x, q + y, q + z))
            if search(0, need_mixed - 1):
                return True
            triples.pop()
            used1[x] = used2[y] = used2[z] = False
            free(pure2, inner)
            free(mixed, cross)
        return False

    if not search(t, 3 * t):
        return []
    base = [(2 * q, 0, q), *triples]

    def shift(p: int, g: int) -> int:
        if p == 2 * q:
            return p
        return (p + g) % q if p < q else q + (p - q + g) % q

    return [[[shift(p, g) for p in group] for group in base] for g in range(q)]


@lru_cache(maxsize=64)
def resolvable_rounds(v: int, k: int) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """All rounds of a resolvable 2-(v, k, 1) design on people 0..v-1, or () when none is
    constructed here (see the module's list of shapes)."""
    rounds = _resolvable(v, k)
    return tuple(tuple(tuple(g) for g in rnd) for rnd in rounds)


def _lists(rounds: tuple[tuple[tuple[int, ...], ...], ...]) -> Rounds:
    return [[list(g) for g in rnd] for rnd in rounds]


def _resolvable(v: int, k: int) -> Rounds:
    if k < 2 or v < k or v % k or (v - 1) % (k - 1):
        return []
    if v == k:
        return [[list(range(v))]]
    pk = _prime_power(k)
    if pk is not None:
        d, rest = 0, v
        while rest % k == 0:
            rest //= k
            d += 1
        if rest == 1:
            return affine_lines(k, d)
    if k == 3 and v % 6 == 3 and ((v - 1) // 2) % 6 == 1 and v <= CYCLIC_LIMIT:
        found = _kirkman_cyclic((v - 1) // 2)
        if found:
            return found
    for u in range(k, v // k + 1):
        if v % u or (u - 1) % (k - 1) or (v // u - 1) % (k - 1):
            continue
        w = v // u
        if any(f < k for f in _prime_factors(w)):
            continue
        first, second = resolvable_rounds(u, k), resolvable_rounds(w, k)
        if first and second:
            return product_rounds(_lists(first), u, _lists(second), w, k)
    return []
