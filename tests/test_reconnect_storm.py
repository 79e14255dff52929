"""A small reconnect storm in the suite: phones connected, the server restarted under them.

The full-size run (300 phones) is `benchmarks/reconnect_storm.py`; this test drives the same
code with fewer phones so that it stays quick.
"""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from types import ModuleType

import worldcafe_loadtest as loadtest
from tests.live_server import LiveServer

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "reconnect_storm.py"


def _benchmark(phones: int) -> ModuleType:
    spec = importlib.util.spec_from_file_location("reconnect_storm", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.PHONES = phones
    return module


def test_a_restart_under_connected_phones_loses_and_doubles_nothing(tmp_path: Path) -> None:
    storm = _benchmark(30)
    server = LiveServer(tmp_path / "instance").start()
    try:
        data = server.create_cafe(loadtest.cafe_config(30))
        links = loadtest.CafeLinks.from_json(data, server.url)
        result = asyncio.run(storm.storm(server, links))
        in_database = set(server.note_client_ids())
    finally:
        server.stop()
    acked: set[str] = result["acked"]
    assert result["failed"] == 0
    assert acked and acked <= in_database, "an acknowledged note is missing"
    assert len(in_database) == len(acked) == result["sent"]
    assert result["reconnected"] == 30
    assert result["all_resynced_s"] is not None
