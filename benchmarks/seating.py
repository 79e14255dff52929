"""Benchmark of the seating planner on the shared cafés, scored by its own scoring and the referee.

.venv/bin/python benchmarks/seating.py [--time-limit S] [--baseline-seconds S] [--only NAME]
    [--seed N] [--skip-repeats] [--unseen N] [--unseen-limit S] [--reference-seconds S]
    [--skip-designs] [--scan N]

For every café of instances.json and mix_instances.json: repeats, mix excess, tables without a
common language, theme coverage and seconds, each beside its bound (or upper bound), a plain
greedy + swap annealing baseline run in the same process for a fixed time
(`swap_baseline.py`), and the best figures the file records. Then cafés the planner has never
seen (`unseen_cafes.py`, `--only unseen` for these alone) against that baseline run far longer
(`--reference-seconds`, 30 s by default), the shapes where a resolvable design is known to
exist (`design_shapes.py`: repeats, bound and seconds), and the repeats table of instances.json.
With --scan N, N random cafés of 20 to 600 people, each with a plan keeping a common language at
every table: the tables lacking one with the flow repair and without it, wasted encounters,
coverage and seconds (`--only unseen --scan 200 --unseen 0` for that alone).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from design_shapes import print_section
from swap_baseline import baseline_plan
from unseen_cafes import UNSEEN_HEADER, compare_unseen, replan_unseen, scan_figures

from worldcafe.rotation import (
    Instance,
    Plan,
    TableSpec,
    instance_to_json,
    mixing,
    parse_instance,
    plan_rounds,
    score_plan,
)

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared" / "rotation"
SHARED = DEFAULT_SHARED


def referee(instance: Instance, plan: Plan) -> dict[str, object]:
    """The independent evaluator's verdict on a plan."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(instance_to_json(instance, plan.rounds), f)
        path = f.name
    try:
        out = subprocess.run(
            [sys.executable, str(SHARED / "rotation_eval.py"), "eval", path, "--brief"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        Path(path).unlink()
    result: dict[str, object] = json.loads(out)
    return result


def _cov(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float | int) else "-"


def _geg(entry: dict[str, object]) -> str:
    geg = entry.get("anchor_good_enough_golfers")
    if not isinstance(geg, dict):
        return "-"
    if "failed" in geg:
        return str(geg["failed"])
    rep, sec = geg["repeat_pairs_best"], geg["seconds_median"]
    return f"{rep:>4} {sec:>7.2f}s {_cov(geg['theme_coverage'])}"


HEADER = (
    f"{'café':<28} {'n':>5} {'tab':>4} {'rnd':>3} {'bound':>9} {'ours':>4} {'rep':>4} {'max':>3} "
    f"{'cov':>6} {'sec/goal':>10} {'ok':>3} {'ref':>4} | GEG rep / sec / cov"
)


def row(name: str, instance: Instance, plan: Plan, bounds: str, geg: str, limit: float) -> str:
    """One line of the table; the referee must agree with our own score. The seconds stand
    beside the time limit, the goal for the plan's wall time."""
    ref = referee(instance, plan)
    s = plan.score
    agree = ref["repeat_pairs"] == s.repeat_pairs and ref["valid"] == s.valid
    return (
        f"{name:<28} {len(instance.participants):>5} {len(instance.tables):>4} "
        f"{instance.n_rounds:>3} {bounds:>9} {plan.lower_bound:>4} {s.repeat_pairs:>4} "
        f"{s.max_meetings:>3} "
        f"{_cov(ref['theme_coverage']):>6} {f'{plan.seconds:.2f}/{limit:g}':>10} "
        f"{'yes' if s.valid else 'NO':>3} "
        f"{'=' if agree else '!=':>4} | {geg}"
    )


def replanning_case(seed: int, time_limit: float) -> tuple[Instance, Plan]:
    """120 people at 24 tables, 4 rounds; after round 1, 4 leave and 7 join."""
    people = [f"p{i:04d}" for i in range(127)]
    themes = ["Participation", "Investment", "Collaboration"]
    tables = [TableSpec(f"t{j:02d}", themes[j % 3], 6) for j in range(24)]
    first = Instance(people[:120], tables, 4, present=[people[:120]] * 4)
    first_plan = plan_rounds(first, seed=seed, time_limit=time_limit)
    rng = random.Random(seed)
    leavers = set(rng.sample(people[:120], 4))
    later = [p for p in people if p not in leavers]
    instance = Instance(people, tables, 4, {}, first_plan.rounds[:1], [people[:120]] + [later] * 3)
    return instance, plan_rounds(instance, seed=seed, time_limit=time_limit)


def hosted_case(seed: int, time_limit: float) -> tuple[Instance, Plan]:
    """60 people at 10 hosted tables of 6 with 5 themes (2 tables each), 5 rounds."""
    people = [f"p{i:03d}" for i in range(60)]
    tables = [TableSpec(f"t{j:02d}", f"theme {j % 5}", 6) for j in range(10)]
    hosts = {f"t{j:02d}": people[j] for j in range(10)}
    instance = Instance(people, tables, 5, hosts)
    return instance, plan_rounds(instance, seed=seed, time_limit=time_limit)


def large_case(seed: int, time_limit: float) -> tuple[Instance, Plan, float]:
    """1,500 people at 300 tables of 5 with 5 themes, 5 rounds; also the peak memory in MB.

    Timed without tracemalloc (which slows Python down), then planned again to measure memory.
    """
    people = [f"p{i:05d}" for i in range(1500)]
    tables = [TableSpec(f"t{j:03d}", f"theme {j % 5}", 6) for j in range(300)]
    instance = Instance(people, tables, 5)
    plan = plan_rounds(instance, seed=seed, time_limit=time_limit)
    tracemalloc.start()
    plan_rounds(instance, seed=seed, time_limit=time_limit)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return instance, plan, peak


MIX_HEADER = (
    f"{'café':<36} {'n':>4} {'rnd':>3} | {'repeats ours/lb/base/best':>26} | "
    f"{'mix excess o/b/best':>19} | {'no-lang o/b/best':>16} | "
    f"{'coverage ours/ub/base/best':>27} | "
    f"{'sec ours/limit/base':>19} | ok"
)


def _num(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def compare_row(entry: dict[str, Any], seed: int, time_limit: float, base_seconds: float) -> str:
    """One café: our plan, the bound, the baseline measured now and the file's best figures."""
    instance = parse_instance(entry)
    plan = plan_rounds(instance, seed=seed, time_limit=time_limit)
    ref = referee(instance, plan)
    started = time.monotonic()
    base = score_plan(instance, baseline_plan(instance, seed, base_seconds))
    base_sec = time.monotonic() - started
    b = entry.get("bound") or {}
    best = entry.get("best_known") or entry.get("best_known_schedule_found") or {}
    s = plan.score
    full = b.get("lb_repeat_pairs_full_theme_coverage")
    lb = f"{b.get('lb_repeat_pairs', plan.lower_bound)}" + (f"/{full}" if full is not None else "")
    agree = ref["repeat_pairs"] == s.repeat_pairs and ref.get("mix_conflicts", 0) == s.mix_conflicts
    agree = agree and ref.get("language_violations", 0) == s.language_violations
    reps = f"{s.repeat_pairs}/{lb}/{base.repeat_pairs}/{_num(best.get('repeat_pairs'))}"
    mix = f"{s.mix_excess}/{base.mix_excess}/{_num(best.get('mix_excess'))}"
    lang = f"{s.language_violations}/{base.language_violations}/"
    lang += _num(best.get("language_violations"))
    cov = f"{_num(ref['theme_coverage'])}/{_num(b.get('theme_coverage_upper_bound'))}/"
    cov += f"{_num(base.theme_coverage)}/{_num(best.get('theme_coverage'))}"
    ok = ("yes" if s.valid else "NO") + ("" if agree else " (referee differs)")
    return (
        f"{entry['name']:<36} {len(instance.participants):>4} {instance.n_rounds:>3} | "
        f"{reps:>26} | {mix:>19} | {lang:>16} | {cov:>27} | "
        f"{plan.seconds:>5.2f}/{time_limit:>5g}/{base_sec:>6.1f} | {ok}"
    )


def compare_files(args: argparse.Namespace) -> None:
    """The comparison table for both shared files (whichever are present)."""
    print(
        "\nours = this planner (--time-limit), lb = lower bound (/ with full theme coverage), "
        f"base = greedy + swap annealing for {args.baseline_seconds:g} s in this run, "
        "best = the file's best_known; mix excess = mix conflicts - mix bound; "
        "no-lang = tables without a common language"
    )
    print(MIX_HEADER)
    for name in ("instances.json", "mix_instances.json"):
        path = SHARED / name
        if not path.exists():
            continue
        for entry in json.loads(path.read_text())["instances"]:
            if args.only and args.only != entry["name"]:
                continue
            row_text = compare_row(entry, args.seed, args.time_limit, args.baseline_seconds)
            print(row_text, flush=True)


def unseen_section(args: argparse.Namespace) -> None:
    """Random cafés of other shapes and people, against a long local search."""
    print(
        f"\nunseen cafés (unseen_cafes.py): ours = this planner at {args.unseen_limit:g} s (the "
        f"app's limit), ref = greedy + swap annealing for {args.reference_seconds:g} s; wasted = "
        "repeats + mix excess; a plan without a table lacking a common language exists in "
        "each; goal = the time goal (1 s from 60 to 1,500 people); mark = no worse than ref "
        "in this order: tables without a common language, coverage, wasted"
    )
    print(UNSEEN_HEADER)
    for k in range(args.unseen):
        row_text = compare_unseen(
            1000 + k, args.unseen_limit, args.reference_seconds, baseline_plan
        )
        print(row_text, flush=True)
    if args.unseen:
        for seed, n in ((11, 120), (12, 600), (13, 1500)):
            print(replan_unseen(seed, n, args.unseen_limit), flush=True)


def scan_section(args: argparse.Namespace) -> None:
    """A seed scan of random cafés that each have a plan with a common language at every
    table: tables lacking one, with the flow repair and without it (the baseline), in this
    process; wasted encounters also over the cafés the baseline leaves lacking one alone."""
    seeds = range(args.scan)
    print(
        f"\nseed scan (unseen_cafes.scan_cafe, seeds 0..{args.scan - 1}, 20 to 600 people, a "
        f"common language asked and possible in each; planner at {args.unseen_limit:g} s): "
        "cafés and tables lacking a common language; wasted = repeats + mix excess summed "
        "(all / the cafés lacking one without the flow repair); mean coverage; slowest "
        "seconds and cafés of 60-1,500 people over 1 s (timings: a shared machine)"
    )
    runs = {}
    for label, by_flow in (("without the flow repair", False), ("with the flow repair", True)):
        mixing.REPAIR_BY_FLOW = by_flow
        try:
            runs[label] = scan_figures(seeds, args.unseen_limit)
        finally:
            mixing.REPAIR_BY_FLOW = True
    before = runs["without the flow repair"]
    failing = [seed for seed, row in before.items() if row[1]]
    for label, rows in runs.items():
        lacking = [(seed, row[0], row[1]) for seed, row in rows.items() if row[1]]
        text = " ".join(f"{seed}({n}):{k}" for seed, n, k in lacking) or "-"
        slow = sum(1 for row in rows.values() if 60 <= row[0] <= 1500 and row[4] > 1.0)
        print(
            f"{label:<24} lacking cafés {len(lacking):>3}/{len(rows)} tables "
            f"{sum(k for _, _, k in lacking):>4} | wasted {sum(r[2] for r in rows.values()):>6}"
            f" / {sum(rows[seed][2] for seed in failing):>5} | coverage "
            f"{sum(r[3] for r in rows.values()) / max(1, len(rows)):.4f} | slowest "
            f"{max((r[4] for r in rows.values()), default=0.0):.2f} s, over 1 s {slow} | "
            f"seed(n):tables {text}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--baseline-seconds", type=float, default=5.0)
    ap.add_argument("--skip-repeats", action="store_true", help="only the comparison table")
    ap.add_argument("--skip-designs", action="store_true", help="no section on design shapes")
    ap.add_argument("--shared", type=Path, help=f"benchmark cafés (default {DEFAULT_SHARED})")
    ap.add_argument("--only", help="run only the café of this name")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--unseen", type=int, default=4, help="random cafés to compare (0: none)")
    ap.add_argument("--unseen-limit", type=float, default=2.0, help="planner limit for them")
    ap.add_argument("--reference-seconds", type=float, default=30.0)
    ap.add_argument("--scan", type=int, default=0, help="random cafés of the seed scan (0: none)")
    args = ap.parse_args(argv)
    global SHARED
    SHARED = args.shared or DEFAULT_SHARED
    if not (SHARED / "instances.json").exists():
        print(f"skipped: no benchmark cafés at {SHARED}")
        return 0
    if not args.only or args.only != "unseen":
        compare_files(args)
    if not args.only or args.only == "unseen":
        unseen_section(args)
    if args.scan:
        scan_section(args)
    if not args.skip_designs and not args.only:
        print_section(args.seed, min(args.time_limit, 5.0))
    if args.skip_repeats or args.only == "unseen":
        return 0
    data = json.loads((SHARED / "instances.json").read_text())
    print(
        "bound = the file's lower bound on repeats (/ with full theme coverage); "
        "ours = lower_bound() for the plan's coverage; rep = our repeats; ref = referee agrees"
    )
    print(HEADER)
    for entry in data["instances"]:
        name = entry["name"]
        if args.only and args.only != name:
            continue
        instance = parse_instance(entry)
        plan = plan_rounds(instance, seed=args.seed, time_limit=args.time_limit)
        b = entry["bound"]
        full = b.get("lb_repeat_pairs_full_theme_coverage")
        bounds = f"{b['lb_repeat_pairs']}" + (f"/{full}" if full is not None else "")
        if "known_optimum" in entry and "repeat_pairs_at_least" in entry["known_optimum"]:
            bounds += f" (≥{entry['known_optimum']['repeat_pairs_at_least']})"
        print(row(name, instance, plan, bounds, _geg(entry), args.time_limit), flush=True)
    if not args.only or args.only == "replan":
        limit = min(args.time_limit, 10.0)
        instance, plan = replanning_case(args.seed, limit)
        kept = plan.rounds[0] == instance.rounds[0]
        print(row("replan_120_-4+7_after_r1", instance, plan, str(plan.lower_bound), "-", limit))
        print(f"  played round unchanged: {kept}")
    if not args.only or args.only == "hosted":
        limit = min(args.time_limit, 10.0)
        instance, plan = hosted_case(args.seed, limit)
        print(row("hosted_60_10t_5themes_r5", instance, plan, str(plan.lower_bound), "-", limit))
    if not args.only or args.only == "large":
        limit = min(args.time_limit, 10.0)
        instance, plan, peak = large_case(args.seed, limit)
        print(row("large_1500_300t_r5", instance, plan, str(plan.lower_bound), "-", limit))
        print(f"  peak memory while planning: {peak:.1f} MB (tracemalloc)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
