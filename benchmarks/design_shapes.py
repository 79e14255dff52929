"""Shapes where a resolvable design is known to exist: what the planner reaches on each.

.venv/bin/python benchmarks/design_shapes.py [--time-limit S] [--seed N]

For each shape (people, tables of k, rounds, themes): the repeats of the plan beside the lower
bound (0: a design seats every pair at most once), the seconds, and the construction that
serves it (`design_recipe`, or "search" where none is built here). Then, for every v = 3 mod 6
up to 1,500 (tables of 3), every v = 4 mod 12 (tables of 4), every v = 5 mod 20 (tables of
5) and every v = 6 mod 30 (tables of 6), whether a design is constructed and the slowest
build of its first 12 rounds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.design_check import is_resolvable_design
from worldcafe.rotation import Instance, TableSpec, plan_rounds
from worldcafe.rotation.designs import design_recipe, resolvable_rounds

# (people, tables of, rounds, themes); all have a resolvable design with at least these rounds
# (156 at tables of 6, 65 and 85 at tables of 5 are not built here)
SHAPES = [
    (21, 3, 10, 0),
    (21, 3, 7, 7),
    (33, 3, 16, 0),
    (39, 3, 19, 0),
    (51, 3, 25, 0),
    (57, 3, 28, 0),
    (63, 3, 31, 0),
    (63, 3, 7, 7),
    (105, 3, 52, 0),
    (189, 3, 12, 3),
    (69, 3, 34, 0),
    (141, 3, 70, 0),
    (213, 3, 12, 0),
    (231, 3, 115, 0),
    (40, 4, 13, 0),
    (40, 4, 10, 5),
    (52, 4, 17, 0),
    (64, 4, 21, 0),
    (100, 4, 33, 0),
    (172, 4, 57, 0),
    (232, 4, 77, 0),
    (388, 4, 129, 0),
    (136, 4, 45, 0),
    (280, 4, 12, 0),
    (125, 5, 31, 0),
    (65, 5, 16, 0),
    (85, 5, 21, 0),
    (205, 5, 51, 0),
    (285, 5, 71, 0),
    (306, 6, 61, 0),
    (156, 6, 31, 0),
]


def shape_row(v: int, k: int, rounds: int, themes: int, seed: int, time_limit: float) -> str:
    tables = [TableSpec(f"t{j}", f"theme {j % themes}" if themes else "", k) for j in range(v // k)]
    instance = Instance([f"p{i}" for i in range(v)], tables, rounds)
    plan = plan_rounds(instance, seed=seed, time_limit=time_limit)
    recipe = design_recipe(v, k)
    how = " ".join(str(x) for x in recipe) if recipe else "search"
    return (
        f"{v:>5} {k:>3} {rounds:>4} {themes:>6} | {plan.score.repeat_pairs:>4} "
        f"{plan.lower_bound:>5} {plan.score.theme_coverage:>6.3f} "
        f"{f'{plan.seconds:.2f}/{time_limit:g}':>10} | {how}"
    )


def design_range(k: int = 3, bound: int = 1500, rounds: int = 12) -> str:
    """How many orders v = k mod k(k - 1) up to `bound` get a resolvable design of tables of k,
    and the slowest build of its first rounds."""
    step = k * (k - 1)
    orders = list(range(k, bound + 1, step))
    built, slowest, worst = 0, 0.0, 0
    for v in orders:
        if design_recipe(v, k) is None:
            continue
        started = time.monotonic()
        resolvable_rounds(v, k, rounds)
        took = time.monotonic() - started
        built += 1
        if took > slowest:
            slowest, worst = took, v
        resolvable_rounds.cache_clear()
    missing = [v for v in orders if design_recipe(v, k) is None]
    what = "Kirkman triple systems" if k == 3 else f"designs of tables of {k}"
    return (
        f"{what} for {built} of the {len(orders)} orders v = {k} mod {step} up "
        f"to {bound}; the first {rounds} rounds of the slowest (v = {worst}) in {slowest:.2f} s."
        f"\nleft to the search: {', '.join(map(str, missing))}"
    )


# orders no construction here reached before the designs of `worldcafe/rotation/rotational.py`
# (translated over Z_n or GF(q) x 4) and those built from them; for tables of 5, before the
# stored base tables of `worldcafe/rotation/base_tables.py` (only 5, 25, 125 and 625 were built,
# and no design of tables of 6 but 6)
BEFORE_MISSING = {
    3: [591, 789, 1077, 1167, 1437],
    4: [100, 172, 232, 388, 400, 484, 712, 748, 856, 904, 928, 1252, 1420],
    5: [v for v in range(45, 1501, 20) if v not in (125, 625)],
    6: list(range(66, 1501, 30)),
}
# orders built before whose recipe now goes through those designs
REBUILT = {3: [345, 465, 777, 969], 4: [892, 1144, 1156, 1288], 5: [], 6: []}


def verify(v: int, k: int) -> bool:
    """Every round of the whole design a partition of 0..v-1 into tables of k, every pair
    together exactly once."""
    return is_resolvable_design(resolvable_rounds(v, k), v, k)


def verify_new_orders(rounds: int = 12) -> str:
    """The orders built since `BEFORE_MISSING` (and those `REBUILT`): the first `rounds`
    rounds' build time, and the whole design checked pair by pair."""
    lines = []
    for k, orders in BEFORE_MISSING.items():
        for v in [*orders, *REBUILT[k]]:
            recipe = design_recipe(v, k)
            if recipe is None:
                continue
            resolvable_rounds.cache_clear()
            started = time.monotonic()
            resolvable_rounds(v, k, rounds)
            took = time.monotonic() - started
            started = time.monotonic()
            ok = verify(v, k)
            whole = time.monotonic() - started
            how = " ".join(str(x) for x in recipe)
            lines.append(
                f"{v:>5} {k:>3} | first {rounds} rounds {took:.3f} s | whole design "
                f"{'every pair once' if ok else 'INVALID'} ({whole:.1f} s) | {how}"
            )
    built = sum(len(orders) for orders in BEFORE_MISSING.values())
    return (
        f"newly built ({len(lines) - sum(map(len, REBUILT.values()))} of the {built} missing "
        f"before), and orders now built from them:\n" + "\n".join(lines)
    )


def print_section(seed: int, time_limit: float) -> None:
    print(
        "\nshapes with a resolvable design (lb = lower bound on repeats; sec/goal: the plan's "
        "seconds beside the time limit, the goal for its wall time)"
    )
    print(
        f"{'n':>5} {'k':>3} {'rnd':>4} {'themes':>6} | {'rep':>4} {'lb':>5} {'cov':>6} "
        f"{'sec/goal':>10} |"
    )
    for shape in SHAPES:
        print(shape_row(*shape, seed, time_limit), flush=True)
    print(design_range(3))
    print(design_range(4))
    print(design_range(5))
    print(design_range(6))
    print(verify_new_orders())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--time-limit", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    print_section(args.seed, args.time_limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
