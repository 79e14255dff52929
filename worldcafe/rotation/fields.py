"""Finite fields GF(q) on the numbers 0..q-1: an addition table and a primitive element.

Element x stands for the polynomial whose coefficients are the base-p digits of x (for a prime
q, x itself). Multiplication goes through the powers of a primitive element: `power(i)` is
omega**i, `log(x)` its inverse on the nonzero elements.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

from worldcafe.rotation.constructions import _irreducible, _poly_mulmod, _prime_power


class Field:
    """GF(q) for a prime power q."""

    def __init__(self, q: int) -> None:
        pk = _prime_power(q)
        if pk is None:
            raise ValueError(f"{q} is no prime power")
        p, k = pk
        self.q = q
        digits = np.array([[(x // p**i) % p for i in range(k)] for x in range(q)], dtype=np.int64)
        weights = p ** np.arange(k, dtype=np.int64)
        self.add: npt.NDArray[np.int64] = ((digits[:, None, :] + digits[None, :, :]) % p) @ weights
        self.neg = [int(x) for x in ((-digits) % p) @ weights]
        self.exp = self._powers(p, k)
        self._log = [0] * q
        for i, x in enumerate(self.exp):
            self._log[x] = i
        logs = np.array(self._log, dtype=np.int64)
        exps = np.array(self.exp, dtype=np.int64)
        self.times: npt.NDArray[np.int64] = exps[(logs[:, None] + logs[None, :]) % (q - 1)]
        self.times[0, :] = 0
        self.times[:, 0] = 0

    def _powers(self, p: int, k: int) -> list[int]:
        """The powers omega**0 .. omega**(q-2) of the first element that generates GF(q)*."""
        mod = _irreducible(p, k) if k > 1 else [0, 1]

        def times(x: int, g: int) -> int:
            if k == 1:
                return (x * g) % p
            a = [(x // p**i) % p for i in range(k)]
            b = [(g // p**i) % p for i in range(k)]
            return sum(c * p**i for i, c in enumerate(_poly_mulmod(a, b, mod, p)))

        for g in range(2, self.q):
            powers, x = [1], g
            while x != 1:
                powers.append(x)
                x = times(x, g)
            if len(powers) == self.q - 1:
                return powers
        return [1]  # GF(2): 1 generates the single nonzero element

    def power(self, i: int) -> int:
        """omega**i."""
        return self.exp[i % (self.q - 1)]

    def log(self, x: int) -> int:
        """i with omega**i = x, for x != 0."""
        return self._log[x]

    def mul(self, x: int, y: int) -> int:
        if x == 0 or y == 0:
            return 0
        return self.power(self._log[x] + self._log[y])

    def div(self, x: int, y: int) -> int:
        return 0 if x == 0 else self.power(self._log[x] - self._log[y])

    def sub(self, x: int, y: int) -> int:
        return int(self.add[x, self.neg[y]])


@lru_cache(maxsize=32)
def field(q: int) -> Field:
    """GF(q), built once per q."""
    return Field(q)
