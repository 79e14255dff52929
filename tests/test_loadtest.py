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


def test_a_phone_waits_at_a_busy_door_and_tries_again() -> None:
    import asyncio

    import aiohttp
    from aiohttp import web

    from worldcafe_loadtest.phones import _at_the_door

    answers = [503, 503, 200]
    seen: list[str] = []

    async def door(request: web.Request) -> web.Response:
        seen.append(request.method)
        status = answers.pop(0)
        headers = {"Retry-After": "0"} if status == 503 else {}
        return web.Response(status=status, text=f"answer {status}", headers=headers)

    async def run() -> tuple[int, str]:
        app = web.Application()
        app.router.add_route("*", "/j/code", door)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        try:
            async with aiohttp.ClientSession() as http:
                return await _at_the_door(http, "POST", f"http://127.0.0.1:{port}/j/code")
        finally:
            await runner.cleanup()

    status, body = asyncio.run(run())
    assert (status, body) == (200, "answer 200")
    assert seen == ["POST", "POST", "POST"]
