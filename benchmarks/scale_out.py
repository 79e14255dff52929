"""A big café against one process (SQLite) or two processes (PostgreSQL + Redis), same run relay.

.venv/bin/python benchmarks/scale_out.py [--participants 1000] [--duration 60] [--processes 2]
    [--postgres URL] [--redis URL] [--json]

One process: `worldcafe run` on a fresh instance folder with its embedded SQLite database.
Two processes: both on one PostgreSQL database (its public schema is emptied first) and one
Redis message queue, the phones spread over both. Prints the load test's report: joins,
fan-out p50/p99 of the app and of a bare Socket.IO relay under the same client load, their
p99 ratio, lost notes and peak memory: of the process(es) serving the phones (also as it was
when the last note was delivered, before the quiet café's harvest is made in the background),
and apart from it of their vector process (the child holding the sentence model), and both
together.

The goal for one process: p99 at most twice the relay's, at most 250 MB for the process serving
the phones (its vector process is counted apart), nothing lost.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


import worldcafe_loadtest as loadtest  # noqa: E402
from tests.live_server import LiveServer, empty_postgres  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "WORLDCAFE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument(
        "--redis", default=os.environ.get("WORLDCAFE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        shared: dict[str, str] = {}
        if args.processes == 2:
            empty_postgres(args.postgres)
            shared = {
                "WORLDCAFE_DATABASE_URL": args.postgres,
                "WORLDCAFE_MESSAGE_QUEUE": args.redis,
                "WORLDCAFE_SECRET_KEY": "scale-out-benchmark-key",
            }
        servers = [
            LiveServer(Path(folder) / f"instance-{index}", env_extra=shared)
            for index in range(args.processes)
        ]
        try:
            for server in servers:
                server.start()
            links = servers[0].create_cafe(loadtest.cafe_config(args.participants))
            settings = loadtest.Settings(
                url=servers[0].url,
                also=tuple(server.url for server in servers[1:]),
                participants=args.participants,
                duration=args.duration,
            )
            report = loadtest.run_load_test(
                settings, loadtest.CafeLinks.from_json(links, servers[0].url)
            )
        except loadtest.LoadTestError as error:
            for server in servers:
                if server.log_path is not None and server.log_path.exists():
                    print(f"--- {server.url} log (end) ---")
                    print("\n".join(server.log_path.read_text().splitlines()[-400:]))
            print(f"load test failed: {error}")
            return 1
        finally:
            for server in servers:
                server.stop()
    engines = "SQLite" if args.processes == 1 else "PostgreSQL + Redis"
    print(f"{args.processes} process(es), {engines}")
    print(loadtest.format_report(report))
    if args.processes == 1:
        print(goal(report))
    if args.json:
        print(json.dumps(report))
    return 0 if report["lost"] == 0 else 1


def goal(report: dict[str, Any]) -> str:
    """Whether one process met the goal, figure by figure."""
    ratio, rss, live, lost = (
        report["fanout_p99_ratio_vs_baseline"],
        report["server_rss_mb"],
        report["server_rss_live_mb"],
        report["lost"],
    )

    def mark(ok: bool) -> str:
        return "met" if ok else "NOT met"

    return "\n".join(
        [
            "goal, one process:",
            f"  p99 ratio app/relay {ratio} <= 2: {mark(ratio is not None and ratio <= 2)}",
            f"  RSS of the process serving the phones {rss} MB <= 250 MB "
            f"(its vector process apart): {mark(rss is not None and rss <= 250)}",
            f"    until the last note (before the café fell quiet and the harvest was made "
            f"in the background): {live} MB: {mark(live is not None and live <= 250)}",
            f"  lost {lost} = 0: {mark(lost == 0)}",
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
