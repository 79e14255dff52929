"""Load test, part three: the traffic the devices make, and the run that compares the app
with the relay."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from worldcafe_loadtest.measure import (
    NOTE_ID,
    WORDS,
    CafeLinks,
    LoadTestError,
    Settings,
    child_pids,
    local_port,
    on_server,
    peak_rss_mb,
    percentiles,
    server_pids,
    start_relay,
)
from worldcafe_loadtest.phones import (
    Device,
    Tracker,
    _gather_limited,
    create_cafe_as_organiser,
    host_post,
    join_phone,
    open_page,
)


def _note_text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14))).capitalize()


@dataclass
class Traffic:
    """Phones at tables posting notes one at a time, with acks and outbox retries."""

    tracker: Tracker
    phones: list[Device]
    observers: list[str]
    extra: Callable[[Device], dict[str, Any]] = lambda _phone: {}
    notes_sent: int = 0
    retry_for: float = 2.0

    def table_mates(self) -> dict[str, set[str]]:
        tables: dict[int | None, set[str]] = defaultdict(set)
        for phone in self.phones:
            tables[phone.table].add(phone.name)
        return {phone.name: tables[phone.table] - {phone.name} for phone in self.phones}

    async def send(self, phone: Device, phase: str, rng: random.Random, mates: set[str]) -> None:
        client_id = str(uuid.uuid4())
        tracker = self.tracker
        tracker.expected[client_id] = mates | set(self.observers)
        tracker.phase_of[client_id] = phase
        tracker.sent_at[client_id] = time.perf_counter()
        payload = {"client_id": client_id, "text": _note_text(rng), **self.extra(phone)}
        self.notes_sent += 1
        # The outbox: the same client id again until acknowledged (the server stores it once).
        give_up = time.perf_counter() + self.retry_for
        while True:
            try:
                answer = await phone.sio.call("note:add", payload, timeout=15)
            except Exception:
                if time.perf_counter() > give_up:
                    break
                await asyncio.sleep(0.5)
                continue
            if isinstance(answer, dict) and answer.get("ok"):
                tracker.acked.add(client_id)
            elif isinstance(answer, dict) and answer.get("status") == 429:
                tracker.rejected += 1
                del tracker.expected[client_id]
            else:
                tracker.failed += 1
                del tracker.expected[client_id]
            return
        tracker.failed += 1
        del tracker.expected[client_id]

    async def phase(self, name: str, per_minute: float, seconds: float, seed: int) -> None:
        mates = self.table_mates()
        end = time.perf_counter() + seconds
        mean_gap = 60.0 / per_minute

        async def phone_loop(phone: Device, rng: random.Random) -> None:
            # Phones start at random points of their first gap: over the whole phase the café
            # posts at the phase's rate (at 1 note/minute a 10 s phase hears from 1 phone in 6).
            first = rng.uniform(0, mean_gap)
            if first >= seconds:
                return
            await asyncio.sleep(first)
            while time.perf_counter() < end:
                started = time.perf_counter()
                await self.send(phone, name, rng, mates[phone.name])
                gap = rng.uniform(0.5 * mean_gap, 1.5 * mean_gap)
                now = time.perf_counter()
                await asyncio.sleep(max(0.0, min(gap - (now - started), end - now)))

        await asyncio.gather(
            *(phone_loop(p, random.Random(seed * 100_003 + i)) for i, p in enumerate(self.phones))
        )

    async def run(self, settings: Settings) -> None:
        half = settings.duration / 2
        # The load generator's own garbage collections would show up as latency of whichever
        # server is being measured: none while notes are timed.
        gc.collect()
        gc.disable()
        try:
            await self.phase("realistic", settings.realistic_per_minute, half, 1)
            await self.phase("stress", settings.stress_per_minute, half, 2)
        finally:
            gc.enable()
        deadline = time.perf_counter() + settings.grace
        while self.tracker.undelivered() and time.perf_counter() < deadline:
            self.tracker.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.tracker.changed.wait(), 0.5)


async def _await_all(events: list[asyncio.Event], timeout: float, what: str) -> None:
    try:
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in events)), timeout)
    except TimeoutError as error:
        missing = sum(1 for e in events if not e.is_set())
        raise LoadTestError(f"{missing} devices never got {what}") from error


async def run_app(
    settings: Settings, links: CafeLinks, connector: aiohttp.BaseConnector
) -> dict[str, Any]:
    """Join, seat, post notes against the app; measure joins, fan-out, losses and memory."""
    tracker = Tracker()
    auth = {"cafe": links.cafe_id}
    host = Device("host", tracker)
    projector = Device("projector", tracker)
    servers = settings.servers
    console = await open_page(connector, links.host_url, host)
    await open_page(connector, on_server(links.projector_url, servers[-1]), projector)
    await host.connect(servers[0], {**auth, "role": "host"})
    await projector.connect(servers[-1], {**auth, "role": "projector"})

    phones = [Device(f"phone-{i}", tracker) for i in range(settings.participants)]
    server_of = {p.name: servers[i % len(servers)] for i, p in enumerate(phones)}

    def phone_links(phone: Device) -> CafeLinks:
        join_url = on_server(links.join_url, server_of[phone.name])
        return CafeLinks(links.cafe_id, join_url, links.host_url, links.projector_url)

    join_ms = await _gather_limited(
        [
            (lambda p=p: join_phone(connector, phone_links(p), p, f"Phone {p.name[6:]}"))  # type: ignore[misc]
            for p in phones
        ],
        settings.concurrency,
    )
    started = time.perf_counter()
    await _gather_limited(
        [
            (lambda p=p: p.connect(server_of[p.name], {**auth, "role": "participant"}))  # type: ignore[misc]
            for p in phones
        ],
        settings.concurrency,
    )
    connect_s = time.perf_counter() - started

    try:
        round_started = time.perf_counter()
        await host_post(connector, host, links.host_url.rstrip("/") + "/round/start", console)
        await _await_all([p.seated for p in phones], 120, "a seat")
        seat_s = time.perf_counter() - round_started

        traffic = Traffic(tracker, phones, ["host", "projector"])
        await traffic.run(settings)
        ports = [local_port(server) for server in servers]
        pids = [pid for port in ports if port for pid in server_pids(port)]
        # While the phones wrote: before the café falls quiet and the harvest is made.
        live_rss = peak_rss_mb(pids)

        # Stored: one phone per table re-reads its tablecloth; every acknowledged note is there.
        by_table: dict[int | None, Device] = {}
        for phone in phones:
            by_table.setdefault(phone.table, phone)
        for phone in by_table.values():
            phone.panel.clear()
            await phone.resync()
        await _await_all([p.panel for p in by_table.values()], 60, "their tablecloth")
        stored = set()
        for phone in by_table.values():
            stored.update(NOTE_ID.findall(phone.last_panel))
        not_stored = tracker.acked - stored
        undelivered = set(tracker.undelivered())
        drops = tracker.disconnects

        rss = peak_rss_mb(pids)
        children_rss = peak_rss_mb(child_pids(pids))
    finally:
        await _gather_limited([d.disconnect for d in [*phones, host, projector]], 200)
    return {
        "tables": len(by_table),
        "tracker": tracker,
        "traffic": traffic,
        "join_ms": join_ms,
        "connect_s": connect_s,
        "seat_s": seat_s,
        "drops": drops,
        "lost": len(undelivered | not_stored),
        "undelivered": len(undelivered),
        "not_stored": len(not_stored),
        "rss": rss,
        "live_rss": live_rss,
        "children_rss": children_rss,
        "seating": [p.table for p in phones],
    }


async def run_relay(settings: Settings, tables: list[int | None]) -> dict[str, Any]:
    """The same devices, tables and note rates against the bare relay."""
    process, port = start_relay()
    url = f"http://127.0.0.1:{port}"
    try:
        tracker = Tracker()
        host = Device("host", tracker)
        projector = Device("projector", tracker)
        await host.connect(url, {"room": "host"})
        await projector.connect(url, {"room": "projector"})
        phones = [Device(f"phone-{i}", tracker, table=t) for i, t in enumerate(tables)]
        await _gather_limited(
            [
                (lambda p=p: p.connect(url, {"room": f"table:{p.table}"}))  # type: ignore[misc]
                for p in phones
            ],
            settings.concurrency,
        )
        traffic = Traffic(
            tracker, phones, ["host", "projector"], extra=lambda p: {"room": f"table:{p.table}"}
        )
        await traffic.run(settings)
        rss = peak_rss_mb([process.pid])
        await _gather_limited([d.disconnect for d in [*phones, host, projector]], 200)
        return {"tracker": tracker, "traffic": traffic, "rss": rss}
    finally:
        process.kill()
        process.wait(timeout=10)


async def run(settings: Settings, links: CafeLinks | None, login: tuple[str, str] | None) -> Any:
    """The whole load test; returns the report (contracts.md keys and a few more)."""
    connector = aiohttp.TCPConnector(limit=settings.concurrency * 2, force_close=False)
    try:
        if links is None:
            if login is None:
                raise LoadTestError("no café: give its links or an organiser sign-in")
            links = await create_cafe_as_organiser(
                connector, settings.url, login[0], login[1], settings.participants
            )
        app = await run_app(settings, links, connector)
    except aiohttp.ClientError as error:
        raise LoadTestError(f"cannot reach {settings.url}: {error}") from error
    finally:
        await connector.close()
    tracker: Tracker = app["tracker"]
    fanout = tracker.fanout_ms()
    report: dict[str, Any] = {
        "participants": settings.participants,
        "servers": len(settings.servers),
        "tables": app["tables"],
        "duration_s": settings.duration,
        "rates_per_phone_per_minute": {
            "realistic": settings.realistic_per_minute,
            "stress": settings.stress_per_minute,
        },
        "notes_sent": app["traffic"].notes_sent,
        "notes_acked": len(tracker.acked),
        "rejected": tracker.rejected,
        "disconnects": app["drops"],
        "failed": tracker.failed,
        "lost": app["lost"],
        "undelivered": app["undelivered"],
        "not_stored": app["not_stored"],
        "join_ms": percentiles(app["join_ms"]),
        "fanout_ms": percentiles(fanout),
        "fanout_ms_by_phase": {
            phase: percentiles(tracker.fanout_ms(phase)) for phase in ("realistic", "stress")
        },
        "connect_all_s": round(app["connect_s"], 2),
        "seat_all_s": round(app["seat_s"], 2),
        "server_rss_mb": app["rss"],
        "server_rss_live_mb": app["live_rss"],
        "server_children_rss_mb": app["children_rss"],
        "server_total_rss_mb": round((app["rss"] or 0) + (app["children_rss"] or 0), 1) or None,
        "baseline_fanout_ms": {"p50": None, "p99": None},
        "baseline_notes_sent": 0,
        "baseline_lost": None,
        "baseline_rss_mb": None,
        "fanout_p99_ratio_vs_baseline": None,
    }
    if settings.baseline:
        relay = await run_relay(settings, app["seating"])
        relay_tracker: Tracker = relay["tracker"]
        baseline = percentiles(relay_tracker.fanout_ms())
        report["baseline_fanout_ms"] = baseline
        report["baseline_fanout_ms_by_phase"] = {
            phase: percentiles(relay_tracker.fanout_ms(phase)) for phase in ("realistic", "stress")
        }
        report["baseline_notes_sent"] = relay["traffic"].notes_sent
        report["baseline_lost"] = len(relay_tracker.undelivered())
        report["baseline_rss_mb"] = relay["rss"]
        app_p99, relay_p99 = report["fanout_ms"]["p99"], baseline["p99"]
        if app_p99 is not None and relay_p99:
            report["fanout_p99_ratio_vs_baseline"] = round(app_p99 / relay_p99, 2)
    return report


def run_load_test(
    settings: Settings, links: CafeLinks | None = None, login: tuple[str, str] | None = None
) -> dict[str, Any]:
    """Run the load test to completion (blocking)."""
    result: dict[str, Any] = asyncio.run(run(settings, links, login))
    return result


def format_report(report: dict[str, Any]) -> str:
    """The report for people."""

    def pair(values: dict[str, Any]) -> str:
        return f"p50 {values['p50']} ms, p99 {values['p99']} ms"

    lines = [
        f"{report['participants']} phones at {report['tables']} tables, "
        f"{report['duration_s']} s of notes",
        f"  notes sent {report['notes_sent']}, acknowledged {report['notes_acked']}, "
        f"rate-limited {report['rejected']}, failed {report['failed']}, lost {report['lost']}",
        f"  join (HTTP POST):  {pair(report['join_ms'])}",
        f"  fan-out, app:      {pair(report['fanout_ms'])}",
        f"  fan-out, relay:    {pair(report['baseline_fanout_ms'])}",
        f"  p99 ratio app/relay: {report['fanout_p99_ratio_vs_baseline']}",
        f"  server peak RSS: {report['server_rss_mb']} MB, the process(es) serving the phones"
        f" ({report.get('server_rss_live_mb')} MB until the last note)",
        f"    their child processes (the sentence model's vector process): "
        f"{report.get('server_children_rss_mb')} MB;"
        f" together {report.get('server_total_rss_mb')} MB",
    ]
    return "\n".join(lines)
