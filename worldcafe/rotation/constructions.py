"""Exact seatings from design theory: affine planes over finite fields and Latin squares."""

from __future__ import annotations

from itertools import product


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
