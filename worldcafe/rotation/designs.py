"""Resolvable designs: rounds in which no two people ever meet twice, derived at run time.

A resolvable 2-(v, k, 1) design seats v people at v/k tables of k for (v - 1)/(k - 1) rounds
with every pair meeting exactly once. Which shapes are covered (`resolvable_rounds(v, k)`;
`design_recipe` names the construction without building it; docs/design.md has the table):

- the lines of the affine space AG(d, q), q a prime power: v = q**d people at tables of q,
  (q**d - 1)/(q - 1) rounds, one round per direction (a point of PG(d - 1, q)); this includes
  the affine planes (v = q*q) and the Kirkman triple systems KTS(3**d);
- Kirkman triple systems from GF(q), q = 1 mod 6 a prime power (`kirkman.py`): KTS(2q + 1)
  and KTS(3q) by cyclotomy; and tables of 4 on 3q + 1 people, q = 1 mod 4 (`kirkman.fours`);
- products: a design on u points and one on w points, when every prime power part of w is at
  least k, give one on u*w points. Each table {a_1..a_k} of a round of the first, crossed with
  the w parallel classes s of a resolvable transversal design {(a_i, x + s*e_i)} over the
  fields of w's parts, plus the second design on every copy {a} x w. So KTS(u) and KTS(w)
  give KTS(u*w), and designs of one k combine (affine spaces over GF(q) and GF(q**e), e.g.
  16 x 64 people at tables of 4, or 4 x 52 = 208);
- KTS(69) invariant under Z_23 (`kirkman.cyclic_triples`);
- tables of 4 on 3n + 1 people, 1-rotational over Z_n: a base round on Z_n x 3 and one more
  person, translated, from (n - 1)/2 stored numbers (`rotational.py`; 232 people); and on 4q
  people, q = 1 mod 6 a prime power, over GF(q) x 4 by cyclotomy (`rotational.quadruple_rounds`;
  used where nothing else serves: 100, 172, 388);
- tables of k = 5 and 6 on (k - 1)q + 1 people (1-rotational: GF(q) x (k - 1) and a fixed
  person) and on kq people (GF(q) x k, q translates of a base round and (q - 1)/(k - 1)
  rounds invariant under them), q a prime power, from base tables stored per q whose
  multiples by a subgroup M of GF(q)* of odd order are the base round (`base_tables.py`,
  base_tables.json);
- inflation (`inflated_rounds`): a design on w people and one on k*m, when every prime power
  part of m is at least k, give one on w*m: the tables of one round of the first become groups
  of k*m, seated by the second; every table of its other rounds a resolvable TD(k, m);
- KTS(2n + 1) doubled from a pairwise balanced design on n points (`kirkman.doubled_rounds`):
  a 2-(n, b, 1) design of this list, b = 1 mod 3 (the lines of AG(d, q), or tables of 4), or a
  transversal design TD(b, m) whose groups are blocks too (n = b*m), or with one more point
  on every group (n = b*m + 1);
- tables of k = 3, 4 or 5 on (k - 1)hmu + 1 or + k people from frames of type ((k - 1)hm)^u,
  filled (`frames.py`): a group divisible design of u groups of h (one block, a TD(u, h), or
  a 2-(hu + 1, h + 1, 1) design less a point) weighted k - 1 by the designs on (k - 1)b + 1
  for its blocks of b, then m by a resolvable TD(k, m).

Together these give a KTS(v) for every v = 3 mod 6 up to 1,500 but 5 (591, 789, 1077, 1167,
1437), a design of tables of 4 for every v = 4 mod 12 up to 1,500 but 4 (712, 748, 904,
1420), of tables of 5 for 29 of the 75 v = 5 mod 20 (45, 65 and 85 are not among them) and of
tables of 6 for 8 of the 50 v = 6 mod 30 (6, 306, 426, 786, 906, 1086, 1146, 1266); the others,
like the resolvable designs not listed (packings of PG(3, q) for q >= 4, for example), are
left to the search.
Only the rounds asked for are built (`limit`), so large designs cost little.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from worldcafe.rotation.base_tables import KINDS, base_recipe, base_rounds
from worldcafe.rotation.constructions import _prime_power
from worldcafe.rotation.fields import field
from worldcafe.rotation.frames import frame_recipe, frame_rounds
from worldcafe.rotation.kirkman import (
    CYCLIC,
    Rounds,
    cyclic_triples,
    doubled_rounds,
    fours,
    kirkman_double,
    kirkman_triple,
    resolved_transversal,
    transversal_design,
    transversal_exists,
)
from worldcafe.rotation.rotational import (
    ROTATIONAL,
    quadruple_plan,
    quadruple_rounds,
    rotational_fours,
)


def affine_lines(q: int, d: int, limit: int | None = None) -> Rounds:
    """The parallel classes of lines of AG(d, q) on points 0..q**d-1 (base-q digits, the first
    coordinate most significant), the first `limit` of them."""
    if _prime_power(q) is None or d < 1:
        return []
    f = field(q)
    weights = q ** np.arange(d - 1, -1, -1, dtype=np.int64)
    digits = (np.arange(q**d, dtype=np.int64)[:, None] // weights) % q
    directions = [p for p in digits if any(p) and p[int(np.flatnonzero(p)[0])] == 1][:limit]
    rounds: Rounds = []
    for v in directions:
        lead = int(np.flatnonzero(v)[0])
        base = digits[digits[:, lead] == 0]  # each line meets the hyperplane x_lead = 0 once
        steps = f.times[np.arange(q)[:, None], v[None, :]]  # t * v for every t
        lines = f.add[base[:, None, :], steps[None, :, :]] @ weights
        rounds.append(lines.tolist())
    return rounds


def product_rounds(
    first: Rounds, u: int, second: Rounds, w: int, k: int, limit: int | None = None
) -> Rounds:
    """A resolvable design on u*w points (a*w + x) from one on u and one on w points, when a
    resolvable TD(k, w) is built (`resolved_transversal`)."""
    td = resolved_transversal(k, w).tolist()
    if not td:
        return []
    rounds: Rounds = []
    wanted = len(first) * w + len(second) if limit is None else limit
    for rnd in first:
        for s in range(min(w, wanted - len(rounds))):
            rounds.append(
                [
                    [a * w + block[i] for i, a in enumerate(group)]
                    for group in rnd
                    for block in td[s]
                ]
            )
    for rnd in second[: max(0, wanted - len(rounds))]:
        rounds.append([[a * w + x for x in group] for a in range(u) for group in rnd])
    return rounds[:limit]


@lru_cache(maxsize=16)
def resolvable_rounds(
    v: int, k: int, limit: int | None = None
) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """The rounds of a resolvable 2-(v, k, 1) design on people 0..v-1 (only the first `limit`
    when given), or () when none is constructed here (see the module's list of shapes)."""
    recipe = design_recipe(v, k)
    rounds = _build(recipe, v, k, limit) if recipe else []
    return tuple(tuple(tuple(g) for g in rnd) for rnd in rounds[:limit])


def _lists(rounds: tuple[tuple[tuple[int, ...], ...], ...]) -> Rounds:
    return [[list(g) for g in rnd] for rnd in rounds]


def _power_of(v: int, k: int) -> int:
    """d with v = k**d, else 0."""
    d, rest = 0, v
    while rest % k == 0:
        rest //= k
        d += 1
    return d if rest == 1 else 0


@lru_cache(maxsize=4096)
def design_recipe(v: int, k: int) -> tuple[int | str, ...] | None:
    """How `resolvable_rounds` builds its design on v people at tables of k, or None."""
    if k < 2 or v < k or v % k or (v - 1) % (k - 1):
        return None
    if v == k:
        return ("block",)
    if _prime_power(k) is not None and _power_of(v, k):
        return ("affine", _power_of(v, k))
    if k == 3:
        for kind, q in (("double", (v - 1) // 2), ("triple", v // 3)):
            if q % 6 == 1 and _prime_power(q) is not None:
                return (kind, q)
        if v // 3 in CYCLIC:
            return ("cyclic", v // 3)
    if k == 4 and (v - 1) // 3 % 4 == 1 and _prime_power((v - 1) // 3) is not None:
        return ("fours", (v - 1) // 3)
    if k == 4 and (v - 1) // 3 in ROTATIONAL:
        return ("rotational", (v - 1) // 3)
    stored = base_recipe(v, k)
    if stored:
        return stored
    for u in range(k, v // k + 1):
        w = v // u
        if v % u or (u - 1) % (k - 1) or (w - 1) % (k - 1) or w < k:
            continue
        if transversal_exists(k, w) and design_recipe(u, k) and design_recipe(w, k):
            return ("product", u)
    if k == 3:
        doubled = _doubling_recipe((v - 1) // 2)
        if doubled:
            return doubled
    if k in (3, 4, 5):
        framed = frame_recipe(v, k, _built, transversal_exists)
        if framed:
            return ("frame", *framed)
    for m in range(2, v // k):
        w = v // m
        if v % m or w % k or (w - 1) % (k - 1) or not transversal_exists(k, m):
            continue
        if design_recipe(w, k) and design_recipe(k * m, k):
            return ("inflate", m)
    if k == 4 and v % 4 == 0 and quadruple_plan(v // 4) is not None:
        return ("quadruple", v // 4)
    return None


def _built(v: int, k: int) -> bool:
    return design_recipe(v, k) is not None


def _doubling_recipe(n: int) -> tuple[int | str, ...] | None:
    """A pairwise balanced design on n points whose block sizes b all have a KTS(2b + 1): a
    2-(n, b, 1) design built here (such as the lines of AG(d, q)), or a TD(b, m) with its groups
    as blocks (m = n / b), or with one more point on every group (m = (n - 1) / b)."""
    for b in range(4, n, 3):
        if design_recipe(n, b) and design_recipe(2 * b + 1, 3):
            return ("design", b)
    for b in range(4, n, 3):
        if not design_recipe(2 * b + 1, 3):
            continue
        for extra in (0, 1):
            m, rest = divmod(n - extra, b)
            if rest or m + extra < 4 or (m + extra) % 3 != 1 or not transversal_exists(b, m):
                continue
            if design_recipe(2 * (m + extra) + 1, 3):
                return ("transversal", b, m, extra)
    return None


def _build(recipe: tuple[int | str, ...], v: int, k: int, limit: int | None) -> Rounds:
    kind, *args = recipe
    a = [int(x) for x in args]
    if kind == "block":
        return [[list(range(v))]]
    if kind == "affine":
        return affine_lines(k, a[0], limit)
    if kind == "double":
        return kirkman_double(a[0], limit)
    if kind == "triple":
        return kirkman_triple(a[0], limit)
    if kind == "cyclic":
        return cyclic_triples(a[0], limit)
    if kind == "fours":
        return fours(a[0], limit)
    if kind == "rotational":
        return rotational_fours(a[0], limit)
    if kind == "quadruple":
        return quadruple_rounds(a[0], limit)
    if kind in KINDS:
        return base_rounds(str(kind), a[0], limit)
    if kind == "product":
        u, w = a[0], v // a[0]
        first = _lists(resolvable_rounds(u, k, None if limit is None else -(-limit // w)))
        second = _lists(resolvable_rounds(w, k)) if limit is None or limit > len(first) * w else []
        return product_rounds(first, u, second, w, k, limit)
    if kind == "frame":
        extra, u, h, m, source = a
        return frame_rounds((extra, u, h, m, source), k, design_rounds, limit)
    if kind == "inflate":
        return inflated_rounds(v, k, a[0], limit)
    n = (v - 1) // 2
    last = n if limit is None else min(n, limit)
    if kind == "design":
        lines = np.array(resolvable_rounds(n, a[0])).reshape(-1, a[0])
    else:
        b, m, extra = a
        lines = transversal_design(b, m) + np.arange(b) * m
    blocks: list[list[int]] = lines[lines.min(axis=1) < last].tolist()
    if kind == "transversal":
        blocks += [[i * m + x for x in range(m)] + [b * m] * extra for i in range(b)]
    return doubled_rounds(n, blocks, kts_rounds, limit)


def inflated_rounds(v: int, k: int, m: int, limit: int | None = None) -> Rounds:
    """The first `limit` rounds of a design on v = w*m people (a*m + z) from one on w: its first
    round's tables G become groups G x Z_m, each table of a later round a resolvable TD(k, m)
    (m rounds), and a design on the k*m people of every group at once seats the rest."""
    w = v // m
    inflated = ((w - 1) // (k - 1) - 1) * m
    wanted = (v - 1) // (k - 1) if limit is None else min(limit, (v - 1) // (k - 1))
    base = np.array(resolvable_rounds(w, k, 1 + -(-min(wanted, inflated) // m)), dtype=np.int64)
    td = resolved_transversal(k, m)  # [s, x, i]
    rounds: Rounds = []
    for r in range(min(wanted, inflated)):
        tables = base[1 + r // m] * m  # (w/k, k)
        rounds.append((tables[:, None, :] + td[r % m][None, :, :]).reshape(-1, k).tolist())
    if wanted > inflated:
        groups = (base[0][:, :, None] * m + np.arange(m)).reshape(len(base[0]), -1)  # (w/k, km)
        fill = np.array(resolvable_rounds(k * m, k, wanted - inflated), dtype=np.int64)
        for rnd in fill:
            rounds.append(groups[:, rnd].reshape(-1, k).tolist())
    return rounds


def kts_rounds(v: int) -> Rounds:
    return _lists(resolvable_rounds(v, 3))


def design_rounds(v: int, k: int) -> Rounds:
    return _lists(resolvable_rounds(v, k))
