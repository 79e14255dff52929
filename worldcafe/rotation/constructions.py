"""Exact seatings from design theory: affine planes over finite fields, Latin squares, and
rounds of tables of 4 invariant under the translations of GF(2^k)."""

from __future__ import annotations

from itertools import combinations, permutations, product

import numpy as np
import numpy.typing as npt


def _prime_power(q: int) -> tuple[int, int] | None:
    """(p, k) with q = p**k for a prime p, else None."""
    if q < 2:
        return None
    p = next(d for d in range(2, q + 1) if q % d == 0)
    k, rest = 0, q
    while rest % p == 0:
        rest //= p
        k += 1
    return (p, k) if rest == 1 else None


def _poly_mulmod(a: list[int], b: list[int], mod: list[int], p: int) -> list[int]:
    """Product of two polynomials (coefficients low first) modulo a monic polynomial over GF(p)."""
    k = len(mod) - 1
    out = [0] * (2 * k)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] = (out[i + j] + x * y) % p
    for d in range(2 * k - 1, k - 1, -1):
        c = out[d]
        if c:
            for j in range(k + 1):
                out[d - k + j] = (out[d - k + j] - c * mod[j]) % p
    return out[:k]


def _irreducible(p: int, k: int) -> list[int]:
    """A monic irreducible polynomial of degree k over GF(p) (coefficients low first)."""
    for tail in product(range(p), repeat=k):
        mod = [*tail, 1]
        if mod[0] == 0:
            continue
        if _has_no_factor(mod, p, k):
            return mod
    raise ValueError("no irreducible polynomial")  # pragma: no cover - exists for every p, k


def _has_no_factor(mod: list[int], p: int, k: int) -> bool:
    for d in range(1, k // 2 + 1):
        for tail in product(range(p), repeat=d):
            if _divides([*tail, 1], mod, p):
                return False
    return True


def _divides(div: list[int], num: list[int], p: int) -> bool:
    rest = list(num)
    d = len(div) - 1
    for i in range(len(rest) - 1, d - 1, -1):
        c = rest[i]
        if c:
            for j in range(d + 1):
                rest[i - d + j] = (rest[i - d + j] - c * div[j]) % p
    return not any(rest[:d])


def field_tables(q: int) -> tuple[list[list[int]], list[list[int]]] | None:
    """Addition and multiplication tables of GF(q) on 0..q-1; None if q is no prime power."""
    pk = _prime_power(q)
    if pk is None:
        return None
    p, k = pk
    digits = [[(x // p**i) % p for i in range(k)] for x in range(q)]

    def number(coeffs: list[int]) -> int:
        return sum(c * p**i for i, c in enumerate(coeffs))

    add = [
        [number([(a + b) % p for a, b in zip(x, y, strict=True)]) for y in digits] for x in digits
    ]
    if k == 1:
        mul = [[(a * b) % p for b in range(q)] for a in range(q)]
    else:
        mod = _irreducible(p, k)
        mul = [[number(_poly_mulmod(x, y, mod, p)) for y in digits] for x in digits]
    return add, mul


def affine_rounds(q: int) -> list[list[list[int]]] | None:
    """The q + 1 parallel classes of the affine plane of order q on points 0..q*q-1 (x*q + y)."""
    tables = field_tables(q)
    if tables is None:
        return None
    add, mul = tables
    rounds = [[[x * q + y for y in range(q)] for x in range(q)]]
    for a in range(q):
        rounds.append([[x * q + add[mul[a][x]][b] for x in range(q)] for b in range(q)])
    return rounds


def latin_rounds(g: int) -> list[list[list[int]]]:
    """Three rounds of g tables of g without a repeat, for any g: rows, columns, a Latin square."""
    return [
        [[i * g + j for j in range(g)] for i in range(g)],
        [[i * g + j for i in range(g)] for j in range(g)],
        [[i * g + (s - i) % g for i in range(g)] for s in range(g)],
    ]


def square_rounds(g: int) -> list[list[list[int]]]:
    """As many repeat-free rounds of g tables of g (g*g people) as a known construction gives."""
    affine = affine_rounds(g)
    return affine if affine is not None else latin_rounds(g)


def _difference_rows(
    g: int, m: int, want: int, node_limit: int, residues: int = 0
) -> list[list[int]]:
    """Rows F[r] over Z_m (g entries each) whose column differences F[r][a] - F[r][b] never repeat.

    With `residues`, also the entries of each column but the first differ modulo `residues`.
    Depth-first with a node limit; returns the most rows found (at least the zero row).
    """
    best: list[list[int]] = [[0] * g]
    rows: list[list[int]] = [[0] * g]
    full = (1 << m) - 1
    # used[x][y]: the differences row[x] - row[y] taken, as bits over Z_m
    used = [[1] * g for _ in range(g)]
    # taken[a]: the residues modulo `residues` of column a's entries so far (a > 0)
    taken = [1] * g
    nodes = 0

    def rotate(mask: int, by: int) -> int:
        """The bits of mask shifted by `by` around Z_m: d taken gives v = d + by taken."""
        return ((mask << by) | (mask >> (m - by))) & full if by else mask

    def mark(row: list[int], on: bool) -> None:
        for x in range(g):
            for y in range(g):
                if x != y:
                    bit = 1 << (row[x] - row[y]) % m
                    used[x][y] = used[x][y] | bit if on else used[x][y] & ~bit
            if residues and x:
                bit = 1 << row[x] % residues
                taken[x] = taken[x] | bit if on else taken[x] & ~bit

    def extend(row: list[int]) -> bool:
        nonlocal nodes, best
        nodes += 1
        if nodes > node_limit:
            return False
        a = len(row)
        if a == g:
            rows.append(list(row))
            if len(rows) > len(best):
                best = [list(r) for r in rows]
            mark(row, True)
            if len(rows) >= want or extend([0]):
                return True
            rows.pop()
            mark(row, False)
            return False
        banned = 0
        for b in range(a):
            banned |= rotate(used[a][b], row[b])
        free = full & ~banned
        while free:
            low = free & -free
            free ^= low
            v = low.bit_length() - 1
            if residues and a and taken[a] >> (v % residues) & 1:
                continue
            row.append(v)
            if extend(row):
                return True
            row.pop()
        return False

    extend([0])
    return best


def grid_rounds(
    g: int, m: int, want: int, node_limit: int = 20_000, residues: int = 0
) -> list[list[list[int]]]:
    """Repeat-free rounds of m tables of g for g*m people (a, j) = a*m + j, for g <= m.

    Round r seats (a, j) at table j + F[r][a]: with F[r][a] = r*a over GF(m) (m a prime power)
    or rows found by search over Z_m (with `residues`, always by search, each row a's entries
    distinct modulo `residues`), two people of different a meet at most once, and people
    of the same a never meet; so when g divides m, one more round seats each a by itself (and,
    for 2g = m a power of two, further rounds halve each a again, as in 8-4-11 at its bound).
    """
    if g > m or g < 2:
        return []
    field = None if residues else field_tables(m)
    seat: list[list[int]]  # seat[r][a * m + j] = table
    if field is not None:
        add, mul = field
        seat = [
            [add[j][mul[r][a]] for a in range(g) for j in range(m)] for r in range(min(want, m))
        ]
    else:
        rows = _difference_rows(g, m, want, node_limit, residues)
        seat = [[(j + f[a]) % m for a in range(g) for j in range(m)] for f in rows]
    rounds = []
    for s in seat:
        groups: list[list[int]] = [[] for _ in range(m)]
        for p, t in enumerate(s):
            groups[t].append(p)
        rounds.append(groups)
    if m % g == 0:
        for split in _row_splits(g, m)[: max(0, want - len(rounds))]:
            rounds.append([[a * m + j for j in part] for a in range(g) for part in split])
    return rounds[:want]


def _row_splits(g: int, m: int) -> list[list[list[int]]]:
    """Ways to seat a row of m people (0..m-1) at m/g tables of g, the first one repeat-free.

    For m = 2g with g a power of two the row is GF(2)^k and each way halves it by a linear form
    vanishing on 1: the first halving costs nothing, each further one 4 repeats per row.
    """
    if m == 2 * g and g & (g - 1) == 0:
        masks = [g] + [mask for mask in range(2, 2 * g, 2) if mask != g]
        return [
            [[j for j in range(m) if (j & mask).bit_count() % 2 == side] for side in (0, 1)]
            for mask in masks
        ]
    return [[list(range(k * g, (k + 1) * g)) for k in range(m // g)]]


def translation_rounds(q: int) -> list[list[list[int]]]:
    """Rounds of q tables of 4 for 4q people, q = 2**k >= 8; for 32 people 10 without a repeat.

    People (i, z) = i*q + z, a row i in 0..3 and z in GF(q); every round is invariant under
    z -> z + t, so a pair is known by its rows and the difference of its z. With c = (0, 1, a,
    a**2) and y = 1 / (c1 + c2 + c3):

    - q - 2 rounds {(i, c_i*x + s)} for each x other than 0 and y (a difference matrix),
      leaving between rows i and j exactly the differences 0 and u_ij = (c_i + c_j) * y;
    - 3 rounds, one per way of pairing the rows, of blocks {(i, s), (i, s+u), (j, s), (j, s+u)}
      with u = u_ij, which take those and the differences u_ij within rows i and j;
    - per row, the differences within it still free but 1 fall into disjoint planes {0, v, w,
      v + w} (for q = 8 exactly one: the three u_ij and 1 sum to 0), and as many rounds as
      every row has planes seat each row in the cosets of one of its planes;
    - a last round seats each row in the cosets of {0, 1, 2, 3}; for 32 people only the pairs
      (i, z), (i, z + 1) have not met before it, and its 32 repeats are the fewest an 11th
      round can have.
    """
    tables = field_tables(q) if q >= 8 and q & (q - 1) == 0 else None
    if tables is None:
        return []
    mul = tables[1]
    c = [0, 1, 2, 4]
    y = next(b for b in range(1, q) if mul[c[1] ^ c[2] ^ c[3]][b] == 1)
    rounds = [
        [[i * q + (mul[c[i]][x] ^ s) for i in range(4)] for s in range(q)]
        for x in range(q)
        if x not in (0, y)
    ]
    within: list[set[int]] = [set(range(2, q)) for _ in range(4)]
    for pairing in (((0, 1), (2, 3)), ((0, 2), (1, 3)), ((0, 3), (1, 2))):
        groups = []
        for i, j in pairing:
            u = mul[c[i] ^ c[j]][y]
            within[i].discard(u)
            within[j].discard(u)
            groups += [
                [i * q + s, i * q + (s ^ u), j * q + s, j * q + (s ^ u)] for s in _cosets(q, u)
            ]
        rounds.append(groups)
    planes = [_planes(free) for free in within]
    for k in range(min(len(p) for p in planes)):
        groups = []
        for i in range(4):
            plane = planes[i][k]
            groups += [[i * q + (s ^ v) for v in plane] for s in _cosets(q, plane[1], plane[2])]
        rounds.append(groups)
    rounds.append(
        [[i * q + (s ^ v) for v in (0, 1, 2, 3)] for i in range(4) for s in _cosets(q, 1, 2)]
    )
    return rounds


def _cosets(q: int, *gens: int) -> list[int]:
    """The least element of each coset of the subspace of GF(2)^k spanned by `gens`."""
    span = {0}
    for g in gens:
        span |= {v ^ g for v in span}
    return [s for s in range(q) if s == min(s ^ v for v in span)]


def _planes(free: set[int], node_limit: int = 20_000) -> list[list[int]]:
    """Most disjoint planes {0, v, w, v ^ w} with nonzero elements in `free` (depth-first)."""
    best: list[list[int]] = []
    chosen: list[list[int]] = []
    nodes = 0

    def extend(left: list[int]) -> None:
        nonlocal best, nodes
        nodes += 1
        if len(chosen) > len(best):
            best = [list(p) for p in chosen]
        if nodes > node_limit or len(chosen) + len(left) // 3 <= len(best):
            return
        v, rest = left[0], left[1:]
        for w in rest:
            if v ^ w > w and v ^ w in rest:
                chosen.append([0, v, w, v ^ w])
                extend([x for x in rest if x not in (w, v ^ w)])
                chosen.pop()
        extend(rest)

    if len(free) >= 3:
        extend(sorted(free))
    return best


def cyclic_hosted_rounds(
    themes: int, per_theme: int, travellers: int, rounds: int, work_limit: int = 4_000_000
) -> list[list[list[tuple[int, int]]]]:
    """Hosted rounds invariant under the theme shift θ -> θ + 1: no repeat, no theme twice.

    Table (θ, e), e < `per_theme`, seats its host and `travellers` travellers. These form
    per_theme * travellers orbits of `themes` people (a, k), k in Z_themes: in round r,
    (a, k) sits at table (θ_r(a) + k, e_r(a)). So each e_r must be taken by `travellers`
    orbits; θ(a) must not repeat a theme; and two orbits with the same e in several rounds
    must differ by a different θ there each time. Depth-first over the (θ, e) of each orbit
    in increasing order, on numpy arrays, until about `work_limit` choices were checked;
    returns, per round and table θ * per_theme + e, its travellers (a, k), or nothing.
    """
    orbits = per_theme * travellers
    if rounds > themes or per_theme < 1 or travellers < 1:
        return []
    thetas = [
        (0, *rest) for rest in permutations(range(1, themes), rounds - 1)
    ]  # the orbit's first person starts on theme 0
    es = list(product(range(per_theme), repeat=rounds))
    if len(thetas) * len(es) > 50_000:
        return []
    theta = np.array([t for t in thetas for _ in es], dtype=np.int64).reshape(-1, rounds)
    e = np.array([x for _ in thetas for x in es], dtype=np.int64).reshape(-1, rounds)
    pairs = list(combinations(range(rounds), 2))
    node_limit = work_limit // len(e)
    chosen: list[int] = []
    nodes = 0

    def extend(alive: npt.NDArray[np.bool_], counts: npt.NDArray[np.int64]) -> bool:
        nonlocal nodes
        nodes += 1
        if len(chosen) == orbits:
            return True
        if nodes > node_limit:
            return False
        full = counts >= travellers
        for r in range(rounds):
            for x in np.flatnonzero(full[r]):
                alive = alive & (e[:, r] != x)
        start = chosen[-1] + 1 if chosen else 0
        for i in np.flatnonzero(alive[start:]) + start:
            if int(np.count_nonzero(alive[i:])) < orbits - len(chosen):
                return False
            same = e == e[i]
            diff = (theta - theta[i]) % themes
            clash = np.zeros(len(e), dtype=bool)
            for r1, r2 in pairs:
                clash |= same[:, r1] & same[:, r2] & (diff[:, r1] == diff[:, r2])
            chosen.append(int(i))
            step = counts.copy()
            step[np.arange(rounds), e[i]] += 1
            if extend(alive & ~clash, step):
                return True
            chosen.pop()
            if nodes > node_limit:
                return False
        return False

    first = np.ones(len(e), dtype=bool)
    if not extend(first, np.zeros((rounds, per_theme), dtype=np.int64)):
        return []
    out: list[list[list[tuple[int, int]]]] = []
    for r in range(rounds):
        tables: list[list[tuple[int, int]]] = [[] for _ in range(themes * per_theme)]
        for a, i in enumerate(chosen):
            for k in range(themes):
                tables[((int(theta[i, r]) + k) % themes) * per_theme + int(e[i, r])].append((a, k))
        out.append(tables)
    return out
