"""Resolvable designs of tables of 4 on 3n + 1 people, 1-rotational over Z_n: a base round
translated by Z_n, from a few stored numbers per n (found once by a seeded search,
scripts/find_rotational_fours.py, as the literature gives small cases).

People: x in copy c is c*n + x (x in Z_n, c in 0, 1, 2), and oo is 3n. The base round holds
{oo, 0_0, 0_1, 0_2} and, for each pair of copies (a, b) in (0, 1), (1, 2), (2, 0), the tables
{x_a, -x_a, y_b, -y_b} for (n - 1)/4 pairs (x, y); its n translates are the rounds. Copy a
lists each class {x, -x} of the nonzero elements once (within copy a the tables differ by
+-2x, so by every nonzero element once); across copies they differ by +-(y - x) and
+-(y + x), and these classes are distinct for each pair of copies, so with 0 from the first
table every difference across two copies occurs once: every pair meets exactly once.

Stored per n: either one list of the classes, its first half paired with its second half
for all three pairs of copies ((n - 1)/2 numbers), or three lists, copy c's classes, the
first half paired with the second half of copy c + 1's (3(n - 1)/2 numbers; needed when 3
divides n but 9 does not).
"""

from __future__ import annotations

import numpy as np

Rounds = list[list[list[int]]]

ROTATIONAL: dict[int, str] = {
    33: (
        "4 1 7 13 15 3 16 14 6 2 8 9 12 11 5 10 9 7 16 13 4 6 15 12 1 10 11 14 8 5 3 2 16 14 12 "
        "10 6 13 2 15 7 4 3 5 8 1 9 11"
    ),
    57: (
        "28 6 25 5 19 14 9 8 12 10 3 4 20 2 11 22 7 17 27 13 15 23 24 16 21 1 18 26 10 24 21 12 "
        "22 23 16 5 11 1 17 13 3 9 26 20 19 6 2 18 28 15 4 25 27 14 8 7 16 10 17 6 14 27 7 8 4 "
        "23 15 2 20 22 25 1 9 5 26 24 13 11 3 12 19 18 21 28"
    ),
    77: (
        "37 18 34 25 9 2 21 26 7 1 5 12 30 24 35 19 13 31 33 23 10 8 36 16 29 22 14 3 20 27 32 "
        "17 15 6 4 11 28 38"
    ),
}


def base_pairs(n: int) -> list[list[tuple[int, int]]]:
    """For each pair of copies (0, 1), (1, 2), (2, 0), its pairs (x, y), or [] for an n
    not stored."""
    if n not in ROTATIONAL:
        return []
    numbers = [int(x) for x in ROTATIONAL[n].split()]
    k, t = (n - 1) // 2, (n - 1) // 4
    if len(numbers) == k:
        common = list(zip(numbers[:t], numbers[t:], strict=True))
        return [common] * 3
    lists = [numbers[c * k : (c + 1) * k] for c in range(3)]
    return [list(zip(lists[a][:t], lists[(a + 1) % 3][t:], strict=True)) for a in range(3)]


def base_round(n: int, pairs: list[list[tuple[int, int]]]) -> list[list[int]]:
    """The base round on people 0..3n (oo = 3n) from the pairs of `base_pairs`."""
    base = [[3 * n, 0, n, 2 * n]]
    for a, own in enumerate(pairs):
        b = (a + 1) % 3
        base += [[a * n + x, a * n + n - x, b * n + y, b * n + n - y] for x, y in own]
    return base


def rotational_fours(n: int, limit: int | None = None) -> Rounds:
    """The first `limit` of the n rounds of the design on 3n + 1 people for a stored n,
    else []."""
    pairs = base_pairs(n)
    if not pairs:
        return []
    base = np.array(base_round(n, pairs), dtype=np.int64)
    copy, x = base // n, base % n
    shifts = np.arange(n if limit is None else min(n, limit), dtype=np.int64)[:, None, None]
    rounds = copy * n + (x + shifts) % n
    rounds[:, base == 3 * n] = 3 * n
    out: Rounds = rounds.tolist()
    return out
