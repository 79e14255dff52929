"""Note-to-screen latency: 50 simulated phones against the app and a bare relay, same run.

Starts `worldcafe run` on a free port with a fresh instance folder, creates a café, and runs
`worldcafe_loadtest` (tables of 5-6, a host console and a projector; notes at a realistic and
a stress rate). Prints the app's and the relay's fan-out p50/p99 and their ratio.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import worldcafe_loadtest as loadtest  # noqa: E402
from tests.live_server import LiveServer  # noqa: E402

PHONES = 50
SECONDS = 60.0


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        server = LiveServer(Path(folder) / "instance").start()
        try:
            links = server.create_cafe(loadtest.cafe_config(PHONES))
            settings = loadtest.Settings(url=server.url, participants=PHONES, duration=SECONDS)
            report = loadtest.run_load_test(
                settings, loadtest.CafeLinks.from_json(links, server.url)
            )
        finally:
            server.stop()
    print(loadtest.format_report(report))
    if "--json" in sys.argv:
        print(json.dumps(report))
    return 0 if report["lost"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
