"""A hostile crowd against `worldcafe run`: a join flood while two cafés run their rounds.

One script floods a café's public join link with 5,000 join attempts (half from one browser
with one CSRF token, half from fresh browsers that fetch the page each time) while
- a 50-phone café runs a round, its phones posting notes with acknowledgements, and
- the host of a 100-person café presses Start round.
The same 50-phone round is measured first without the flood, as the baseline.

Prints the flooded café's participant count against its seats, the time of Start round
during the flood (target <= 2 s), the p99 acknowledgement of the 50 phones' notes with and
without the flood (target <= 2x) and whether any acknowledged note was lost.
Only loopback addresses; every loop is bounded.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import worldcafe_loadtest as loadtest  # noqa: E402
from tests.live_server import LiveServer  # noqa: E402

PHONES = 50
CROWD = 100
FLOOD = 5000
FLOOD_CONCURRENCY = 20
NOTES_PER_MINUTE = 10.0
PHASE_SECONDS = 20.0


def _p99(values: list[float]) -> float | None:
    return loadtest.percentiles(values).get("p99")


class AckClock:
    """Wraps Traffic.send: the time from sending a note to its acknowledgement, per phase."""

    def __init__(self, traffic: loadtest.Traffic) -> None:
        self.ms: dict[str, list[float]] = {}
        original = traffic.send

        async def send(
            phone: loadtest.Device, phase: str, rng: random.Random, mates: set[str]
        ) -> None:
            before = len(traffic.tracker.acked)
            started = time.perf_counter()
            await original(phone, phase, rng, mates)
            if len(traffic.tracker.acked) > before:
                self.ms.setdefault(phase, []).append((time.perf_counter() - started) * 1000)

        traffic.send = send  # type: ignore[method-assign]


async def flood(url: str, links: loadtest.CafeLinks, attempts: int) -> dict[str, int]:
    """Join attempts from one script: one browser's token reused, then fresh browsers."""
    import aiohttp

    answers: dict[str, int] = {}
    connector = aiohttp.TCPConnector(limit=FLOOD_CONCURRENCY)
    same = aiohttp.ClientSession(
        connector=connector, connector_owner=False, cookie_jar=aiohttp.CookieJar(unsafe=True)
    )
    _, page = await loadtest._fetch(same, "GET", links.join_url)
    token = loadtest._csrf(page)
    queue = list(range(attempts))

    async def attempt(index: int) -> None:
        data = {"name": f"Bot {index}", "language": "en"}
        try:
            if index % 2 == 0:
                status, _ = await loadtest._fetch(
                    same,
                    "POST",
                    links.join_url,
                    data={**data, "csrf_token": token},
                    allow_redirects=False,
                )
            else:
                async with aiohttp.ClientSession(
                    connector=connector,
                    connector_owner=False,
                    cookie_jar=aiohttp.CookieJar(unsafe=True),
                ) as fresh:
                    _, join_page = await loadtest._fetch(fresh, "GET", links.join_url)
                    if 'name="csrf_token"' not in join_page:
                        status = 0  # the page shows no form: the café is full or closed
                    else:
                        status, _ = await loadtest._fetch(
                            fresh,
                            "POST",
                            links.join_url,
                            data={**data, "csrf_token": loadtest._csrf(join_page)},
                            allow_redirects=False,
                        )
        except aiohttp.ClientError:
            status = -1
        key = {0: "no form"}.get(status, str(status))
        answers[key] = answers.get(key, 0) + 1

    async def worker() -> None:
        while queue:
            await attempt(queue.pop())

    await asyncio.gather(*(worker() for _ in range(FLOOD_CONCURRENCY)))
    await same.close()
    await connector.close()
    return answers


def _flood_process(url: str, data: dict[str, Any], attempts: int, out: Any) -> None:
    links = loadtest.CafeLinks.from_json(data, url)
    began = time.perf_counter()
    answers = asyncio.run(flood(url, links, attempts))
    out.put((answers, time.perf_counter() - began))


async def flood_elsewhere(
    url: str, data: dict[str, Any], attempts: int
) -> tuple[dict[str, int], float]:
    """The flood from its own process: the phones' client here is not slowed by it."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    process = context.Process(target=_flood_process, args=(url, data, attempts, out))
    process.start()
    while process.is_alive() and out.empty():
        await asyncio.sleep(0.2)
    answers, seconds = out.get(timeout=600)
    process.join(timeout=30)
    return answers, seconds


async def timed_start(url: str, links: loadtest.CafeLinks) -> float:
    """Press Start round on a host console; seconds until the server answered."""
    import aiohttp

    connector = aiohttp.TCPConnector(limit=4)
    host = loadtest.Device("crowd-host", loadtest.Tracker())
    console = await loadtest.open_page(connector, links.host_url, host)
    started = time.perf_counter()
    await loadtest.host_post(connector, host, links.host_url + "/round/start", console)
    elapsed = time.perf_counter() - started
    await connector.close()
    return elapsed


async def join_crowd(links: loadtest.CafeLinks, count: int) -> None:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=50)
    people = [loadtest.Device(f"person-{i}", loadtest.Tracker()) for i in range(count)]
    await loadtest._gather_limited(
        [(lambda p=p: loadtest.join_phone(connector, links, p, p.name)) for p in people],  # type: ignore[misc]
        25,
    )
    await connector.close()


async def scenario(
    server: LiveServer,
    phones_links: loadtest.CafeLinks,
    crowd_data: dict[str, Any],
    calm_links: loadtest.CafeLinks,
) -> dict[str, Any]:
    import aiohttp

    crowd_links = loadtest.CafeLinks.from_json(crowd_data, server.url)
    await join_crowd(crowd_links, CROWD)
    await join_crowd(calm_links, CROWD)
    connector = aiohttp.TCPConnector(limit=100)
    tracker = loadtest.Tracker()
    host, phones = await loadtest.seated_round(connector, server.url, phones_links, tracker, PHONES)
    traffic = loadtest.Traffic(tracker, phones, ["host"], retry_for=30.0)
    clock = AckClock(traffic)
    calm_notes = asyncio.create_task(traffic.phase("calm", NOTES_PER_MINUTE, PHASE_SECONDS, 1))
    await asyncio.sleep(PHASE_SECONDS / 2)
    calm_start = await timed_start(server.url, calm_links)
    await calm_notes

    flooding = asyncio.create_task(flood_elsewhere(server.url, crowd_data, FLOOD))
    notes = asyncio.create_task(traffic.phase("flood", NOTES_PER_MINUTE, PHASE_SECONDS, 2))
    await asyncio.sleep(PHASE_SECONDS / 2)
    start_seconds = await timed_start(server.url, crowd_links)
    answers, flood_seconds = await flooding
    await notes
    await loadtest._gather_limited([p.disconnect for p in [*phones, host]], 100)
    await connector.close()
    return {
        "start_s": start_seconds,
        "calm_start_s": calm_start,
        "answers": answers,
        "flood_s": flood_seconds,
        "acked": set(tracker.acked),
        "failed": tracker.failed,
        "sent": traffic.notes_sent,
        "ack_ms": clock.ms,
    }


def _count(database: Path, cafe_id: int) -> int:
    with sqlite3.connect(database, timeout=10) as conn:
        return int(
            conn.execute(
                "SELECT count(*) FROM participant WHERE cafe_id = ?", (cafe_id,)
            ).fetchone()[0]
        )


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        server = LiveServer(Path(folder) / "instance").start()
        try:
            phones_data = server.create_cafe(loadtest.cafe_config(PHONES))
            crowd_data = server.create_cafe(loadtest.cafe_config(CROWD))
            calm_data = server.create_cafe(loadtest.cafe_config(CROWD))
            phones_links = loadtest.CafeLinks.from_json(phones_data, server.url)
            calm_links = loadtest.CafeLinks.from_json(calm_data, server.url)
            seats = loadtest.table_count(CROWD) * 6
            result = asyncio.run(scenario(server, phones_links, crowd_data, calm_links))
            stored = set(server.note_client_ids())
            joined = _count(server.instance / "worldcafe.db", int(crowd_data["cafe_id"]))
        finally:
            server.stop()
    calm, flooded = _p99(result["ack_ms"].get("calm", [])), _p99(result["ack_ms"].get("flood", []))
    lost = len(result["acked"] - stored)
    ratio = (flooded / calm) if calm and flooded else None
    print(f"hostile crowd: {FLOOD} join attempts from one script against a {CROWD}-person café")
    print(
        f"  flood answers: {dict(sorted(result['answers'].items()))} in {result['flood_s']:.1f} s"
    )
    print(f"  participants in the flooded café: {joined} (seats {seats})")
    print(
        f"  Start round in the {CROWD}-person café during the flood: "
        f"{result['start_s']:.2f} s (target <= 2 s; {result['calm_start_s']:.2f} s without it)"
    )
    print(
        f"  {PHONES} phones' note acks p99: {calm:.0f} ms without the flood, "
        f"{flooded:.0f} ms with it (x{ratio:.2f}, target <= 2)"
        if calm and flooded and ratio
        else f"  ack figures missing: {result['ack_ms'].keys()}"
    )
    print(
        f"  notes sent {result['sent']}, acknowledged {len(result['acked'])}, "
        f"lost (acknowledged, not stored) {lost}, never acknowledged {result['failed']}"
    )
    ok = joined <= seats and lost == 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
