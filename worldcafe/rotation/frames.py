"""Resolvable designs of tables of 3, 4 and 5 from frames, filled (Stinson's frames).

A frame of tables of k and type g^u: u groups of g people and tables of k meeting each group
at most once, every pair from different groups at exactly one table, the tables split into
holey rounds: each seats everyone but one group, and each group is left out by g/(k - 1) of
them. Filling every group (with `extra` = 1 or k more people, the same for all groups) by a
resolvable design on g + extra people gives one on g u + extra:

- extra = 1: the g/(k - 1) rounds of the design on a group and the point oo each complete one
  holey round that leaves the group out;
- extra = k: the design on a group and oo_1..oo_k holds a table of the k; its round minus that
  table splits the group, and those of all groups together with {oo_1..oo_k} make one more
  round; its other g/(k - 1) rounds complete the holey rounds.

The frames are built from a group divisible design (a GDD: groups, and blocks meeting each
group at most once, every pair from different groups in one block) by giving every point
weight k - 1 (Stinson's fundamental construction) and then weight m:

- weight k - 1: a block B of b points with a resolvable design on B x {0..k-2} and oo, each of
  its rounds labelled so that it holds {oo, (x, 0), .., (x, k - 2)} for one x in B, is a frame
  of type (k - 1)^b (drop oo); for x in a group G, the blocks through x partition the points
  outside G, so the rounds of their frames that leave x out make one holey round that leaves
  G x {0..k-2} out (for k = 3 this is Ray-Chaudhuri and Wilson's doubling);
- weight m: each table of a holey round becomes the m rounds of a resolvable TD(k, m) on the
  table x Z_m (`resolved_transversal`), one holey round each.

The GDDs: one block of u points (groups of one); a TD(u, h) (u groups of h, blocks of u); or a
2-(hu + 1, h + 1, 1) design less a point (the blocks through it are the groups). So designs on
v = (k - 1) m h u + extra people, given designs on (k - 1) h m + extra people and on (k - 1) b + 1
for the block size b, and a resolvable TD(k, m) (m = 1: none needed).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from worldcafe.rotation.kirkman import Rounds, resolved_transversal, transversal_design

Recipe = tuple[int, int, int, int, int]  # (extra, u, h, m, source): source 0 block, 1 TD, 2 design
ONE_BLOCK, TRANSVERSAL, DESIGN = 0, 1, 2


def frame_recipe(
    v: int,
    k: int,
    design: Callable[[int, int], bool],
    exists: Callable[[int, int], bool],
) -> Recipe | None:
    """(extra, u, h, m, source) of a filled frame giving a design on v people at tables of k,
    or None. `design(n, b)`: a resolvable 2-(n, b, 1) design is built (for b = k; for the
    block size of a GDD, any 2-design); `exists(b, m)`: a resolvable TD(b, m) is, and so a
    TD(b, m) (`transversal_exists`). Every ingredient is smaller than v."""
    for extra in (1, k):
        t = v - extra
        for u in range(k, t // k + 1):
            g, rest = divmod(t, u)  # the frame's group size, (k - 1) h m
            if rest or g % (k - 1) or g + extra >= v or not design(g + extra, k):
                continue
            for h in range(1, g // (k - 1) + 1):
                m, rest = divmod(g // (k - 1), h)
                if rest or (m > 1 and not exists(k, m)):
                    continue
                block = (k - 1) * u + 1
                if h == 1 and block < v and design(block, k):
                    return (extra, u, h, m, ONE_BLOCK)
                if h > 1 and design(block, k) and exists(u, h):
                    return (extra, u, h, m, TRANSVERSAL)
                inner = (k - 1) * (h + 1) + 1  # the design of the GDD's blocks of h + 1
                if h > 1 and h * u + 1 < v and design(inner, k) and design(h * u + 1, h + 1):
                    return (extra, u, h, m, DESIGN)
    return None


def _gdd(
    u: int, h: int, source: int, design: Callable[[int, int], Rounds]
) -> tuple[list[list[int]], list[list[int]]]:
    """(groups, blocks) of the GDD on points 0..hu-1."""
    if source == ONE_BLOCK:
        return [[x] for x in range(u)], [list(range(u))]
    if source == TRANSVERSAL:
        lines = transversal_design(u, h) + np.arange(u) * h
        return [[i * h + x for x in range(h)] for i in range(u)], lines.tolist()
    n = h * u + 1
    blocks = [list(b) for rnd in design(n, h + 1) for b in rnd]
    groups = [[x for x in b if x != n - 1] for b in blocks if n - 1 in b]
    return groups, [b for b in blocks if n - 1 not in b]


def _pieces(b: int, k: int, design: Callable[[int, int], Rounds]) -> Rounds:
    """For a block of b points: per position j, the tables of the frame of type (k - 1)^b
    that leave position j out, as position * (k - 1) + copy."""
    rounds = design((k - 1) * b + 1, k)
    oo = (k - 1) * b
    label = [0] * (oo + 1)
    for j, rnd in enumerate(rounds):
        own = [p for p in next(g for g in rnd if oo in g) if p != oo]
        for copy, p in enumerate(own):
            label[p] = j * (k - 1) + copy
    return [[[label[p] for p in g] for g in rnd if oo not in g] for rnd in rounds]


def frame_rounds(
    recipe: Recipe, k: int, design: Callable[[int, int], Rounds], limit: int | None = None
) -> Rounds:
    """The first `limit` rounds of the design on (k - 1) m h u + extra people at tables of k of
    a recipe from `frame_recipe`; person ((k - 1) x + copy) m + z is copy z of copy `copy` of
    GDD point x, the extra ones last."""
    extra, u, h, m, source = recipe
    groups, blocks = _gdd(u, h, source, design)
    g = (k - 1) * h * m
    frame = g * u
    oo = list(range(frame, frame + extra))
    through: dict[int, list[list[int]]] = {}
    for b in blocks:
        for x in b:
            through.setdefault(x, []).append(b)
    pieces: dict[int, Rounds] = {}
    td = resolved_transversal(k, m) if m > 1 else np.zeros((1, 1, k), dtype=np.int64)
    fill = design(g + extra, k)
    first = fill[0][0] if extra == k else [g]  # the points of the fill that are oo
    rest = [p for p in range(g + extra) if p not in first]
    wanted = (frame + extra - 1) // (k - 1) if limit is None else limit
    rounds: Rounds = []
    special: list[list[int]] = [list(oo)]
    last = extra == k and wanted > h * u * m  # the round of the oo table is wanted
    for group in groups:
        if len(rounds) >= wanted and not last:
            break
        people = [((k - 1) * x + c) * m + z for x in group for c in range(k - 1) for z in range(m)]
        where = dict(zip(rest, people, strict=True)) | dict(zip(first, oo, strict=True))
        local = [[[where[p] for p in t] for t in rnd] for rnd in fill]
        if extra == k:
            special += [t for t in local[0] if t != oo]
            local = local[1:]
        for i, x in enumerate(group):
            if len(rounds) >= wanted:
                break
            holey: list[list[int]] = []
            for b in through.get(x, []):
                if len(b) not in pieces:
                    pieces[len(b)] = _pieces(len(b), k, design)
                at = b.index(x)
                holey += [
                    [(k - 1) * b[p // (k - 1)] + p % (k - 1) for p in t] for t in pieces[len(b)][at]
                ]
            tables = np.array(holey, dtype=np.int64).reshape(-1, k) * m
            for s in range(m):
                if len(rounds) >= wanted:
                    break
                inflated = (tables[:, None, :] + td[s][None, :, :]).reshape(-1, k)
                rounds.append(inflated.tolist() + local[i * m + s])
    if last:
        rounds.append(special)
    return rounds
