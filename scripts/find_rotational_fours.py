"""Find the stored numbers of `worldcafe/rotation/rotational.py` (offline, never run by tests).

.venv/bin/python scripts/find_rotational_fours.py N [--seed S] [--steps K] [--temperature T]
    [--cycle]

Compiles scripts/rotational_search.c (simulated annealing, with gcc), runs it for n = N
(form 1: one pairing of the classes of Z_n for all three pairs of copies) with the given
seed, checks the design on 3N + 1 people it gives (every round a partition, every pair once)
and prints "N: numbers" for `ROTATIONAL`. No such pairing exists when 3 divides n but 9 does
not (count the classes divisible by 3: a pair of two such gives two, a pair of two others
one, a mixed pair none); the search's forms 3 (a pairing per pair of copies) and 4 (four
copies of Z_n) are there for such n and are not read by the module. The stored entry: 77
(seed 1, --temperature 0.2).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from worldcafe.rotation import rotational


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=10**10)
    ap.add_argument("--temperature", type=float, default=0.2)
    ap.add_argument("--cycle", action="store_true", help="cycle the temperature")
    args = ap.parse_args()
    source = Path(__file__).with_name("rotational_search.c")
    with tempfile.TemporaryDirectory() as tmp:
        binary = Path(tmp) / "search"
        subprocess.run(["gcc", "-O2", "-o", str(binary), str(source), "-lm"], check=True)
        run = [str(binary), "1", str(args.n), str(args.seed), str(args.steps)]
        run += [str(args.temperature), "1" if args.cycle else "0"]
        line = subprocess.run(run, capture_output=True, text=True).stdout.strip()
    n, found = args.n, line.split(":", 1)[1].strip()
    if found == "none found":
        print(line)
        return 1
    rotational.ROTATIONAL[n] = found
    rounds = rotational.rotational_fours(n)
    v, met = 3 * n + 1, set()
    for rnd in rounds:
        assert sorted(p for g in rnd for p in g) == list(range(v))
        met.update(frozenset(pair) for g in rnd for pair in combinations(g, 2))
    assert len(rounds) == n and len(met) == v * (v - 1) // 2
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
