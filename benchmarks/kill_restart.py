"""SIGKILL mid-round under note traffic, then start again on the same database.

100 phones post notes (one in flight each, outbox retries with the same id) while the server is
killed with SIGKILL and started again. Prints the notes acknowledged and stored (every
acknowledged note must be stored, each once) and how long recovery took.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import worldcafe_loadtest as loadtest  # noqa: E402
from tests.live_server import LiveServer  # noqa: E402

PHONES = 100
PER_MINUTE = 12.0
BEFORE_S = 5.0
AFTER_S = 8.0


async def crash(server: LiveServer, links: loadtest.CafeLinks) -> dict[str, Any]:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=100)
    tracker = loadtest.Tracker()
    host, phones = await loadtest.seated_round(connector, server.url, links, tracker, PHONES)

    killed_at = 0.0
    back: dict[str, float] = {}

    def watch(phone: loadtest.Device) -> None:
        async def on_connect() -> None:
            if killed_at:
                back.setdefault(phone.name, time.perf_counter() - killed_at)

        phone.sio.on("connect", on_connect)

    for phone in phones:
        watch(phone)
    traffic = loadtest.Traffic(tracker, phones, ["host"], retry_for=60.0)
    acked_at: list[float] = []
    original_send = traffic.send

    async def send(phone: loadtest.Device, phase: str, rng: random.Random, mates: set[str]) -> None:
        before = len(tracker.acked)
        await original_send(phone, phase, rng, mates)
        if len(tracker.acked) > before:
            acked_at.append(time.perf_counter())

    traffic.send = send  # type: ignore[method-assign]
    notes = asyncio.create_task(traffic.phase("traffic", PER_MINUTE, BEFORE_S + AFTER_S, 3))
    await asyncio.sleep(BEFORE_S)
    killed_at = time.perf_counter()
    acked_before_kill = len(tracker.acked)
    server.kill()
    await asyncio.to_thread(server.start)
    answering = time.perf_counter() - killed_at
    await notes
    first_ack = min((t for t in acked_at if t > killed_at + answering), default=None)
    await loadtest._gather_limited([p.disconnect for p in [*phones, host]], 200)
    await connector.close()
    return {
        "sent": traffic.notes_sent,
        "acked": set(tracker.acked),
        "acked_before_kill": acked_before_kill,
        "failed": tracker.failed,
        "answering_s": round(answering, 2),
        "all_reconnected_s": round(max(back.values()), 2) if len(back) == PHONES else None,
        "first_ack_s": round(first_ack - killed_at, 2) if first_ack else None,
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        server = LiveServer(Path(folder) / "instance").start()
        try:
            data = server.create_cafe(loadtest.cafe_config(PHONES))
            links = loadtest.CafeLinks.from_json(data, server.url)
            result = asyncio.run(crash(server, links))
            in_database = server.note_client_ids()
        finally:
            server.stop()
    acked: set[str] = result["acked"]
    counts = Counter(in_database)
    lost = len(acked - set(counts))
    doubled = sum(1 for n in counts.values() if n > 1)
    print(f"kill -9 mid-round: {PHONES} phones posting {PER_MINUTE:g} notes/minute each")
    print(
        f"  notes sent {result['sent']}, acknowledged {len(acked)} "
        f"({result['acked_before_kill']} before the kill), stored {len(in_database)}"
    )
    print(
        f"  lost (acknowledged, not stored): {lost}; stored twice: {doubled}; "
        f"never acknowledged: {result['failed']}"
    )
    print(
        f"  server answering {result['answering_s']} s after the kill; first note acknowledged "
        f"after {result['first_ack_s']} s; all phones back after {result['all_reconnected_s']} s"
    )
    return 0 if lost == 0 and doubled == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
