"""Find the stored base tables of `worldcafe/rotation/base_tables.py` (offline, never run by
tests).

.venv/bin/python scripts/find_base_tables.py KIND Q E [--seed S] [--seconds T] [--steps N]
    [--write]

KIND is fives (4Q + 1 people), quintuple (5Q), sixes (5Q + 1) or sextuple (6Q), E the index
of the multipliers M ((Q - 1)/E odd). A randomised backtracking search, seeded
(scripts/base_table_search.c, compiled with gcc): the base tables get a fixed pattern of
copies (how many points of each table lie in each copy, `pattern`), shuffled; then point by
point, table by table, a point in a coset of M its copy has not used, whose differences with
the points already at its table (within the copy, and from copy to copy both ways) are not 0
and fall into cosets not yet met; the first point of a table is a power omega**i, i < E
(multiplying a table by M changes nothing). Differences are as many as cosets to meet, so
none twice means all once. Each try stops after --steps steps (200,000) and starts again
with the next shuffle. With --turn (q = 1 mod 5; sixes, quintuple, sextuple), the tables
come in orbits of the turn (x, c) -> (zeta x, c + 1 mod 5) (the sixth copy of sextuple stays),
zeta of order 5: one table of each orbit is searched, its differences counted with their
images (the copies are 5, a prime, so no image meets the same pair of copies again), and the
rounds {(x + a_c z)_c} take a_c = zeta**c (0 on the sixth copy), which the turn keeps. With
--write the tables (checked: every round a partition, every pair once) go into
base_tables.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from itertools import permutations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.design_check import is_resolvable_design
from worldcafe.rotation import base_tables
from worldcafe.rotation.fields import field

# copies of each base table, for E = 10 (fives) and E = 8 (quintuple): every copy E points,
# E/2 pairs within, 10 or 6 pairs with each other copy (E or E - E/(k - 1))
PATTERNS = {
    "fives": [
        (3, 2, 0, 0), (2, 1, 2, 0), (2, 0, 1, 2), (1, 1, 1, 2),
        (1, 1, 1, 2), (1, 0, 2, 2), (0, 3, 0, 2), (0, 2, 3, 0),
    ],
    "quintuple": [
        (3, 2, 0, 0, 0), (2, 0, 1, 1, 1), (1, 0, 3, 1, 0), (1, 0, 1, 2, 1),
        (1, 0, 0, 1, 3), (0, 2, 2, 0, 1), (0, 2, 1, 0, 2), (0, 2, 0, 3, 0),
    ],
}  # fmt: skip


def _orbits(rows: tuple[tuple[int, ...], ...], fixed: int = 0) -> list[tuple[int, ...]]:
    """The rows with their copies rotated (the last `fixed` copies stay)."""
    n = len(rows[0]) - fixed
    return [tuple(p[(i - s) % n] for i in range(n)) + p[n:] for p in rows for s in range(n)]


def pattern(kind: str, e: int, turn: bool = False) -> list[tuple[int, ...]]:
    if turn:  # one table of each orbit under the turn of the copies
        if kind == "sixes":
            if e % 30 == 0:
                return [(0, 0, 0, 2, 4), (0, 1, 1, 1, 3), (0, 2, 1, 1, 2), (0, 2, 1, 1, 2),
                        (1, 1, 1, 1, 2)] * (e // 30)  # fmt: skip
            return [(0, 0, 2, 1, 3), (0, 1, 1, 2, 2)] * (e // 12)
        if kind == "quintuple":
            return ([(0, 0, 0, 0, 5)] + [(1, 1, 1, 1, 1)] * 3) * (e // 20)
        return [(0, 0, 0, 1, 3, 2), (0, 2, 1, 1, 2, 0)] * (e // 10)
    if kind == "sixes":  # E = 12 (or a multiple)
        return _orbits(((0, 0, 2, 1, 3), (0, 1, 1, 2, 2))) * (e // 12)
    if kind == "sextuple":  # E = 10 (or a multiple)
        return _orbits(((0, 0, 0, 1, 3, 2), (0, 2, 1, 1, 2, 0)), fixed=1) * (e // 10)
    if kind == "quintuple" and e % 8 == 4:  # 12: two full tables and two orbits
        twelve = [(1, 1, 1, 1, 1)] * 2 + _orbits(((3, 1, 0, 1, 0), (3, 1, 1, 0, 0)))
        return twelve + PATTERNS[kind] * ((e - 12) // 8)
    return PATTERNS[kind] * (e // (10 if kind == "fives" else 8))


def shifts(kind: str, q: int, turn: bool) -> list[int]:
    """a_c of the rounds {(x + a_c z)_c}: c, or with the turn zeta**c (0 for the sixth copy)."""
    k = base_tables.KINDS[kind][0]
    if not turn:
        return list(range(k))
    f = field(q)
    return [f.power(c * (q - 1) // 5) for c in range(5)] + [0] * (k - 5)


def search(
    kind: str, q: int, e: int, seed: int, seconds: float, steps: int = 200_000, turn: bool = False
) -> list[list[list[int]]] | None:
    """The base tables found by scripts/base_table_search.c (compiled with gcc), or None."""
    f = field(q)
    coset = [f.log(x) % e if x else -1 for x in range(q)]
    k, rotational = base_tables.KINDS[kind]
    copies = k - 1 if rotational else k
    tables = pattern(kind, e, turn)
    known = []
    a = shifts(kind, q, turn)
    if not rotational:  # the rounds {(x + a_c z)_c} for z in the cosets 0, k - 1, 2(k - 1), ..
        for c, d in permutations(range(copies), 2):
            known += [(c, d, (coset[f.sub(a[d], a[c])] + i) % e) for i in range(0, e, k - 1)]
    step = (q - 1) // 5
    lines = [f"{q} {e} {copies} {len(tables)} {seed} {seconds} {steps}"]
    lines[0] += f" {5 if turn else 0} {step % e}"
    lines += [" ".join(map(str, counts)) for counts in tables]
    lines += [" ".join(str(coset[f.sub(y, x)]) for y in range(q)) for x in range(q)]
    lines += [" ".join(str(f.power(i)) for i in range(q - 1)), str(len(known))]
    lines += [f"{c} {d} {z}" for c, d, z in known]
    source = Path(__file__).with_name("base_table_search.c")
    with tempfile.TemporaryDirectory() as tmp:
        binary = Path(tmp) / "search"
        subprocess.run(["gcc", "-O2", "-o", str(binary), str(source)], check=True)
        done = subprocess.run(
            [str(binary)], input="\n".join(lines) + "\n", capture_output=True, text=True
        )
    if done.returncode != 0:
        return None
    out: list[list[list[int]]] = [[] for _ in tables]
    for line in done.stdout.split("\n"):
        if line:
            t, x, c = map(int, line.split())
            out[t].append([x, c])
    if turn:  # every table and its images (zeta**g x, c + g mod 5)
        out = [
            [[f.mul(f.power(g * step), x), (c + g) % 5 if c < 5 else c] for x, c in table]
            for table in out
            for g in range(5)
        ]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("kind", choices=base_tables.KINDS)
    ap.add_argument("q", type=int)
    ap.add_argument("e", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=600.0)
    ap.add_argument("--steps", type=int, default=200_000, help="steps of one try")
    ap.add_argument("--turn", action="store_true", help="tables in orbits of the turn")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    started = time.monotonic()
    tables = search(args.kind, args.q, args.e, args.seed, args.seconds, args.steps, args.turn)
    print(f"{args.kind} {args.q} e={args.e}: {time.monotonic() - started:.1f} s", tables)
    if tables is None or not args.write:
        return 0 if tables else 1
    entry: dict[str, object] = {"e": args.e, "seed": args.seed, "tables": tables}
    if args.steps != 200_000:
        entry["steps"] = args.steps
    if args.turn:
        entry["turn"] = True
        if not base_tables.KINDS[args.kind][1]:
            entry["shifts"] = shifts(args.kind, args.q, True)
    raw = json.loads(base_tables.DATA.read_text(encoding="utf-8"))
    raw.setdefault(args.kind, {})[str(args.q)] = entry
    base_tables.DATA.write_text(json.dumps(raw, sort_keys=True) + "\n", encoding="utf-8")
    base_tables.stored.cache_clear()
    v = base_tables.people(args.kind, args.q)
    ok = is_resolvable_design(
        base_tables.base_rounds(args.kind, args.q), v, base_tables.KINDS[args.kind][0]
    )
    print("every pair once" if ok else "INVALID")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
