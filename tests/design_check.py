"""Whether rounds form a resolvable design (used by the tests, the design benchmark and the
base-table search)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np


def is_resolvable_design(rounds: Sequence[Sequence[Sequence[int]]], v: int, k: int) -> bool:
    """Every round a partition of 0..v-1 into tables of k, every pair together exactly once."""
    seats = np.array(rounds, dtype=np.int64)
    if seats.shape != ((v - 1) // (k - 1), v // k, k):
        return False
    if (np.sort(seats.reshape(len(rounds), v), axis=1) != np.arange(v)).any():
        return False
    pairs = [
        np.minimum(seats[..., i], seats[..., j]) * v + np.maximum(seats[..., i], seats[..., j])
        for i, j in combinations(range(k), 2)
    ]
    return len(np.unique(np.concatenate([p.ravel() for p in pairs]))) == v * (v - 1) // 2
