"""A smoke run of `worldcafe loadtest`: 20 phones against a real server, and the relay."""

from __future__ import annotations

import json
from pathlib import Path

from tests.live_server import LiveServer
from tests.test_faults import create_cafe
from worldcafe_loadtest import cafe_config


def test_a_small_load_test_loses_nothing_and_reports_every_figure(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "instance").start()
    links = tmp_path / "links.json"
    try:
        links.write_text(json.dumps(create_cafe(server, cafe_config(20))))
        output = server.cli(
            "loadtest",
            *("--url", server.url, "--participants", "20", "--duration", "4"),
            *("--stress-rate", "60"),
            *("--links", str(links), "--json"),
        )
    finally:
        server.stop()
    report = json.loads(output)
    for key in ("join_ms", "fanout_ms", "baseline_fanout_ms"):
        assert set(report[key]) >= {"p50", "p99"}
        assert report[key]["p99"] is not None and report[key]["p99"] > 0
    assert report["participants"] == 20
    assert report["notes_sent"] > 0
    assert report["notes_acked"] == report["notes_sent"]
    assert report["lost"] == 0
    assert report["fanout_p99_ratio_vs_baseline"] > 0
    assert report["server_rss_mb"] > 0


def test_bad_input_is_one_line_and_status_2(tmp_path: Path) -> None:
    from worldcafe.cli import main

    assert main(["loadtest", "--url", "ftp://x", "--participants", "20"]) == 2
    assert main(["loadtest", "--url", "http://127.0.0.1:1", "--participants", "0"]) == 2
