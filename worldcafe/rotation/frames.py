"""Kirkman triple systems from Kirkman frames, filled (Stinson's frames).

A Kirkman frame of type g^u: u groups of g people and triples meeting each group at most once,
every pair from different groups in exactly one triple, the triples split into holey rounds:
each seats everyone but one group, and each group is left out by g/2 of them. Filling every
group (with `extra` = 1 or 3 more people, the same for all groups) by a KTS(g + extra) gives a
KTS(g u + extra):

- extra = 1 (g = 2 mod 6): the g/2 rounds of the KTS(g + 1) on a group and the point oo each
  complete one holey round that leaves the group out;
- extra = 3 (g = 0 mod 6): the KTS(g + 3) on a group and oo_1, oo_2, oo_3 holds a triple of the
  three; its round minus that triple splits the group, and those of all groups together with
  {oo_1, oo_2, oo_3} make one more round; its other g/2 rounds complete the holey rounds.

The frames are built from a group divisible design (a GDD: groups, and blocks meeting each
group at most once, every pair from different groups in one block) by giving every point
weight 2 (Stinson's fundamental construction) and then weight m:

- weight 2: a block B of k points with a KTS(2k + 1) on B x {0, 1} and oo, each of its rounds
  labelled so that it holds {oo, (b, 0), (b, 1)} for one b in B, is a frame of type 2^k (drop
  oo); for x in a group G, the blocks through x partition the points outside G, so the rounds
  of their frames that leave x out make one holey round that leaves G x {0, 1} out;
- weight m: each triple {a, b, c} of a holey round becomes the m rounds of a resolvable
  TD(3, m) on {a, b, c} x Z_m (`resolved_transversal`), one holey round each.

The GDDs: one block of u points (groups of one; then the frame of type 2^u is a KTS(2u + 1)
less a point); a TD(u, h) (u groups of h, blocks of u); or a 2-(hu + 1, h + 1, 1) design less a
point (the blocks through it are the groups). So KTS(v) for v = 2 m h u + extra, given KTS(2hm
+ extra), KTS(2k + 1) for the block size k, and TD(3, m).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from worldcafe.rotation.kirkman import Rounds, resolved_transversal, transversal_design

Recipe = tuple[int, int, int, int, int]  # (extra, u, h, m, source): source 0 block, 1 TD, 2 design
ONE_BLOCK, TRANSVERSAL, DESIGN = 0, 1, 2


def frame_recipe(
    v: int,
    kts: Callable[[int], bool],
    design: Callable[[int, int], bool],
    exists: Callable[[int, int], bool],
) -> Recipe | None:
    """(extra, u, h, m, source) of a filled frame giving KTS(v), or None. `kts(w)`: a KTS(w) is
    built; `design(n, k)`: a 2-(n, k, 1) design is; `exists(k, m)`: a TD(k, m) is, and so a
    resolvable TD(k - 1, m) (`transversal_exists`)."""
    for extra in (1, 3):
        t = v - extra
        for u in range(4, t // 6 + 1):
            if t % u:
                continue
            g = t // u  # the frame's group size, 2 h m
            if g % 6 != (2 if extra == 1 else 0) or not kts(g + extra):
                continue
            for h in range(1, g // 2 + 1):
                m, rest = divmod(g // 2, h)
                if rest or (m > 1 and not exists(3, m)):
                    continue
                if h == 1 and kts(2 * u + 1):
                    return (extra, u, h, m, ONE_BLOCK)
                if h > 1 and kts(2 * u + 1) and exists(u, h):
                    return (extra, u, h, m, TRANSVERSAL)
                if h > 1 and kts(2 * h + 3) and design(h * u + 1, h + 1):
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


def _pieces(k: int, kts: Callable[[int], Rounds]) -> list[list[list[tuple[int, int]]]]:
    """For a block of k points: per position j, the triples of the frame of type 2^k that
    leave position j out, as (position, side)."""
    design = kts(2 * k + 1)
    oo = 2 * k
    label = [(0, 0)] * (2 * k + 1)
    for j, rnd in enumerate(design):
        a, b = (p for p in next(g for g in rnd if oo in g) if p != oo)
        label[a], label[b] = (j, 0), (j, 1)
    return [[[label[p] for p in g] for g in rnd if oo not in g] for rnd in design]


def frame_rounds(
    recipe: Recipe,
    kts: Callable[[int], Rounds],
    design: Callable[[int, int], Rounds],
    limit: int | None = None,
) -> Rounds:
    """The first `limit` rounds of the KTS(2 m h u + extra) of a recipe from `frame_recipe`;
    person ((2x + side) m + z) is copy z of side `side` of GDD point x, the extra ones last."""
    extra, u, h, m, source = recipe
    groups, blocks = _gdd(u, h, source, design)
    frame = 2 * h * u * m
    oo = list(range(frame, frame + extra))
    through: dict[int, list[list[int]]] = {}
    for b in blocks:
        for x in b:
            through.setdefault(x, []).append(b)
    pieces: dict[int, list[list[list[tuple[int, int]]]]] = {}
    td = resolved_transversal(3, m) if m > 1 else np.zeros((1, 1, 3), dtype=np.int64)
    fill = kts(2 * h * m + extra)
    first = fill[0][0] if extra == 3 else [2 * h * m]  # the points of the fill that are oo
    rest = [p for p in range(2 * h * m + extra) if p not in first]
    wanted = (frame + extra - 1) // 2 if limit is None else limit
    rounds: Rounds = []
    special: list[list[int]] = [list(oo)]
    last = extra == 3 and wanted > h * u * m  # the round of the oo triple is wanted
    for group in groups:
        if len(rounds) >= wanted and not last:
            break
        people = [(2 * x + side) * m + z for x in group for side in (0, 1) for z in range(m)]
        where = dict(zip(rest, people, strict=True)) | dict(zip(first, oo, strict=True))
        local = [[[where[p] for p in g] for g in rnd] for rnd in fill]
        if extra == 3:
            special += [g for g in local[0] if g != oo]
            local = local[1:]
        for i, x in enumerate(group):
            if len(rounds) >= wanted:
                break
            holey: list[list[int]] = []
            for b in through.get(x, []):
                k = len(b)
                if k not in pieces:
                    pieces[k] = _pieces(k, kts)
                pos = b.index(x)
                holey += [[2 * b[j] + side for j, side in g] for g in pieces[k][pos]]
            triples = np.array(holey, dtype=np.int64).reshape(-1, 3) * m
            for s in range(m):
                if len(rounds) >= wanted:
                    break
                inflated = (triples[:, None, :] + td[s][None, :, :]).reshape(-1, 3)
                rounds.append(inflated.tolist() + local[i * m + s])
    if last:
        rounds.append(special)
    return rounds
