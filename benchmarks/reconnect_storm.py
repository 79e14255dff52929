"""Reconnect storm: 300 phones connected, the server restarted, every phone comes back.

Prints the notes acknowledged and stored (lost must be 0), the time until every phone was
connected again, and until every phone had re-read its panel (`resync`) and posted again.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import worldcafe_loadtest as loadtest  # noqa: E402
from tests.live_server import LiveServer  # noqa: E402

PHONES = 300


async def storm(server: LiveServer, links: loadtest.CafeLinks) -> dict[str, Any]:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=100)
    tracker = loadtest.Tracker()
    host, phones = await loadtest.seated_round(connector, server.url, links, tracker, PHONES)
    traffic = loadtest.Traffic(tracker, phones, ["host"], retry_for=60.0)
    rng = __import__("random").Random(7)
    mates = traffic.table_mates()
    await asyncio.gather(*(traffic.send(p, "before", rng, mates[p.name]) for p in phones))

    back: dict[str, float] = {}
    resynced: dict[str, float] = {}
    restart_at = 0.0

    def watch(phone: loadtest.Device) -> None:
        async def on_connect() -> None:
            if not restart_at:
                return
            back[phone.name] = time.perf_counter() - restart_at
            phone.panel.clear()
            await phone.sio.call("resync", {}, timeout=60)
            await phone.panel.wait()
            resynced[phone.name] = time.perf_counter() - restart_at

        phone.sio.on("connect", on_connect)

    for phone in phones:
        watch(phone)
    restart_at = time.perf_counter()
    await asyncio.to_thread(server.stop)
    stopped_s = time.perf_counter() - restart_at
    # While the server is down, every phone writes a note into its outbox.
    during = asyncio.gather(*(traffic.send(p, "during", rng, mates[p.name]) for p in phones))
    await asyncio.to_thread(server.start)
    started_s = time.perf_counter() - restart_at
    deadline = time.perf_counter() + 120
    while len(resynced) < PHONES and time.perf_counter() < deadline:
        await asyncio.sleep(1)
        print(f"  {time.perf_counter() - restart_at:5.1f} s: {len(back)} back", flush=True)
    await during
    await asyncio.gather(*(traffic.send(p, "after", rng, mates[p.name]) for p in phones))
    all_back = max(back.values()) if len(back) == PHONES else None
    all_resynced = max(resynced.values()) if len(resynced) == PHONES else None
    await loadtest._gather_limited([p.disconnect for p in [*phones, host]], 200)
    await connector.close()
    return {
        "phones": PHONES,
        "sent": traffic.notes_sent,
        "acked": set(tracker.acked),
        "failed": tracker.failed,
        "server_up_s": round(started_s, 2),
        "stopped_s": round(stopped_s, 2),
        "all_reconnected_s": round(all_back, 2) if all_back else None,
        "all_resynced_s": round(all_resynced, 2) if all_resynced else None,
        "reconnected": len(back),
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        server = LiveServer(Path(folder) / "instance").start()
        try:
            data = server.create_cafe(loadtest.cafe_config(PHONES))
            links = loadtest.CafeLinks.from_json(data, server.url)
            result = asyncio.run(storm(server, links))
            in_database = set(server.note_client_ids())
        finally:
            server.stop()
    acked: set[str] = result.pop("acked")
    lost = len(acked - in_database)
    print(f"reconnect storm: {result['phones']} phones, server restarted under them")
    print(f"  notes sent {result['sent']}, acknowledged {len(acked)}, stored {len(in_database)}")
    print(f"  lost (acknowledged, not stored): {lost}; never acknowledged: {result['failed']}")
    print(
        f"  server stopped after {result['stopped_s']} s, "
        f"answering again after {result['server_up_s']} s"
    )
    print(f"  all {result['reconnected']} phones reconnected after {result['all_reconnected_s']} s")
    print(f"  all phones resynced after {result['all_resynced_s']} s")
    return 0 if lost == 0 and result["all_resynced_s"] is not None else 1


if __name__ == "__main__":
    raise SystemExit(main())
