"""Load test: simulated phones against a running server, and a bare Socket.IO relay as baseline.

One asyncio process drives every simulated device: N phones join over HTTP (join page, CSRF
token, signed session cookie), connect Socket.IO with that cookie, a host console and a
projector connect too, the host starts a round, and the phones post notes one at a time with
an ack, first at a realistic rate and then at a stress rate. Every device records when each
note's fragment reaches it. The same devices, grouped at the same tables, then drive a bare
python-socketio relay (``python -m worldcafe.loadtest relay PORT``) with the same note rates,
so the app's fan-out is compared with what the transport alone costs on this machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import math
import os
import random
import re
import socket
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from yarl import URL

NOTE_ID = re.compile(r'id="(?:host-|wall-)?note-([0-9A-Za-z_-]{8,64})"')
TABLE_PANEL = re.compile(r'id="table-panel"[^>]*data-table="(\d+)"')
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_HEADER = re.compile(r'X-CSRFToken(?:"|&#34;|&quot;):\s*(?:"|&#34;|&quot;)([^"&]+)')
LINK = re.compile(r'href="([^"]*/(?:j|host|projector)/[^"]+)"')

SAMPLE_TEXT = (
    "bus lanes for every school street more shade on squares open data budgets repair cafés "
    "in libraries night trains to the coast a youth council with real budget"
)
WORDS = SAMPLE_TEXT.split()


class LoadTestError(Exception):
    """The load test could not run (server unreachable, café not created, devices refused)."""


@dataclass
class CafeLinks:
    """Where the simulated devices go."""

    cafe_id: int
    join_url: str
    host_url: str
    projector_url: str

    @classmethod
    def from_json(cls, data: dict[str, Any], base_url: str) -> CafeLinks:
        """Links from `create-cafe --json` output, re-pointed at `base_url` (the server tested)."""

        def rebase(link: object) -> str:
            parts = urlsplit(str(link))
            return base_url.rstrip("/") + parts.path

        return cls(
            cafe_id=int(data["cafe_id"]),
            join_url=rebase(data["join_url"]),
            host_url=rebase(data["host_url"]),
            projector_url=rebase(data["projector_url"]),
        )


@dataclass
class Settings:
    """What one load test does."""

    url: str
    participants: int
    also: tuple[str, ...] = ()
    duration: float = 20.0
    realistic_per_minute: float = 1.0
    stress_per_minute: float = 4.0
    concurrency: int = 50
    grace: float = 10.0
    baseline: bool = True

    @property
    def servers(self) -> list[str]:
        """Every process serving the café (behind one message queue); phones spread over them."""
        return [self.url, *self.also]


def on_server(link: str, server: str) -> str:
    """The same link on another process of the same deployment."""
    return server.rstrip("/") + urlsplit(link).path


def table_count(participants: int, capacity: int = 6) -> int:
    """Enough tables for 5–6 people each."""
    return max(1, math.ceil(participants / capacity))


def cafe_config(participants: int) -> dict[str, Any]:
    """A café for the load test: tables of 5–6 spread over themes of at most 100 tables."""
    tables = table_count(participants)
    themes = []
    remaining, index = tables, 1
    while remaining > 0:
        count = min(100, remaining)
        themes.append(
            {"name": f"Theme {index}", "tables": count, "questions": ["What should change?"]}
        )
        remaining -= count
        index += 1
    return {
        "title": f"Load test, {participants} phones",
        "language": "en",
        "rounds": 2,
        "round_minutes": 60,
        "table_capacity": 6,
        "themes": themes,
    }


def percentiles(values: Iterable[float]) -> dict[str, float | None]:
    """p50 and p99 (nearest rank), in milliseconds rounded to 0.1; None when empty."""
    ordered = sorted(values)
    if not ordered:
        return {"p50": None, "p99": None}

    def rank(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))], 1)

    return {"p50": rank(0.50), "p99": rank(0.99)}


# ----- server memory ----------------------------------------------------------------------


def _listening_inodes(port: int) -> set[str]:
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table, encoding="ascii").read().splitlines()[1:]  # noqa: SIM115
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if (
                len(fields) > 9
                and fields[3] == "0A"
                and int(fields[1].rsplit(":", 1)[1], 16) == port
            ):
                inodes.add(fields[9])
    return inodes


def server_pids(port: int) -> list[int]:
    """Processes on this machine that hold the socket listening on `port`."""
    wanted = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    pids: list[int] = []
    if not wanted:
        return pids
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fd_dir = f"/proc/{entry}/fd"
        try:
            for fd in os.listdir(fd_dir):
                with contextlib.suppress(OSError):
                    if os.readlink(f"{fd_dir}/{fd}") in wanted:
                        pids.append(int(entry))
                        break
        except OSError:
            continue
    return pids


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_rss_mb(pids: Iterable[int]) -> float | None:
    """Peak resident memory (VmHWM) summed over `pids`, in MB; None when none is readable."""
    total = sum(_status_kb(pid, "VmHWM") for pid in pids)
    return round(total / 1024, 1) if total else None


def local_port(url: str) -> int | None:
    """The port of `url` when the server runs on this machine, else None."""
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        return None
    return parts.port or (443 if parts.scheme == "https" else 80)


# ----- the bare relay (baseline) ----------------------------------------------------------


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_relay(port: int) -> None:
    """A plain python-socketio server (gevent, TCP_NODELAY) that relays notes to rooms."""
    from gevent import monkey

    monkey.patch_all()
    import socketio
    from gevent.pywsgi import WSGIServer

    sio = socketio.Server(async_mode="gevent", ping_interval=20, ping_timeout=25)

    @sio.event  # type: ignore[untyped-decorator]
    def connect(sid: str, _environ: object, auth: object = None) -> bool:
        data = auth if isinstance(auth, dict) else {}
        sio.enter_room(sid, str(data.get("room", "lobby")))
        return True

    @sio.on("note:add")  # type: ignore[untyped-decorator]
    def note_add(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        client_id, text = str(data["client_id"]), str(data["text"])
        item = f'<li id="{{}}note-{client_id}"><p>{text}</p></li>'
        sio.emit("fragment", {"html": item.format("")}, to=data["room"], skip_sid=sid)
        sio.emit("fragment", {"html": item.format("host-")}, to="host")
        sio.emit("fragment", {"html": item.format("wall-")}, to="projector")
        return {"ok": True, "id": client_id, "html": item.format(""), "duplicate": False}

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(2048)
    print(f"relay listening on {port}", flush=True)
    WSGIServer(sock, socketio.WSGIApp(sio), log=None).serve_forever()


def start_relay() -> tuple[subprocess.Popen[bytes], int]:
    """Start the relay in a subprocess on a free port and wait until it accepts connections."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "worldcafe.loadtest", "relay", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LoadTestError("the baseline relay did not start")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return process, port
        time.sleep(0.05)
    process.kill()
    raise LoadTestError("the baseline relay did not answer")


# ----- simulated devices ------------------------------------------------------------------


@dataclass
class Tracker:
    """When each note was sent and when each device received it."""

    sent_at: dict[str, float] = field(default_factory=dict)
    phase_of: dict[str, str] = field(default_factory=dict)
    expected: dict[str, set[str]] = field(default_factory=dict)
    received: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    acked: set[str] = field(default_factory=set)
    rejected: int = 0
    disconnects: int = 0
    failed: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def arrive(self, device: str, html: str) -> None:
        now = time.perf_counter()
        for note_id in NOTE_ID.findall(html):
            if note_id in self.sent_at:
                self.received[note_id].setdefault(device, now)
        self.changed.set()

    def missing(self, note_id: str) -> set[str]:
        return self.expected.get(note_id, set()) - set(self.received.get(note_id, {}))

    def undelivered(self) -> list[str]:
        return [note_id for note_id in self.acked if self.missing(note_id)]

    def fanout_ms(self, phase: str | None = None) -> list[float]:
        """Per acknowledged note: until its last expected device had it."""
        out = []
        for note_id in self.acked:
            if phase is not None and self.phase_of.get(note_id) != phase:
                continue
            if self.missing(note_id) or not self.expected.get(note_id):
                continue
            last = max(self.received[note_id][d] for d in self.expected[note_id])
            out.append((last - self.sent_at[note_id]) * 1000)
        return out


class _Headers(dict[str, str]):
    """Connection headers that survive reconnects.

    python-engineio's asyncio client moves a Cookie header into its HTTP session and deletes it
    from the dict it was given, which the Socket.IO client keeps for reconnecting; the session
    is closed on a disconnect, so without this a reconnect would arrive without the cookie.
    """

    def __delitem__(self, key: str) -> None:
        return None


@dataclass
class Device:
    """One simulated screen: a phone, the host console or the projector."""

    name: str
    tracker: Tracker
    sio: Any = None
    table: int | None = None
    cookie: str = ""
    panel: asyncio.Event = field(default_factory=asyncio.Event)
    seated: asyncio.Event = field(default_factory=asyncio.Event)
    last_panel: str = ""
    dropped: bool = False

    def on_fragment(self, data: object) -> None:
        html = data.get("html", "") if isinstance(data, dict) else ""
        if not isinstance(html, str):
            return
        match = TABLE_PANEL.search(html)
        if match:
            self.table = int(match.group(1))
            self.last_panel = html
            self.panel.set()
            self.seated.set()
        elif 'id="table-panel"' in html:
            self.last_panel = html
            self.panel.set()
        self.tracker.arrive(self.name, html)

    def on_disconnect(self, *_args: object) -> None:
        self.tracker.disconnects += 1
        self.dropped = True

    async def on_connect(self) -> None:
        # Back after a drop: re-read the panels, as the real page does, to catch up.
        if self.dropped:
            self.dropped = False
            with contextlib.suppress(Exception):
                await self.sio.emit("resync", {})

    async def resync(self, timeout: float = 60.0) -> None:
        """Ask for the current panels again, waiting out a reconnect if one is under way."""
        deadline = time.perf_counter() + timeout
        while True:
            try:
                await self.sio.call("resync", {}, timeout=30)
                return
            except Exception as error:
                if time.perf_counter() > deadline:
                    raise LoadTestError(f"{self.name} could not resync: {error}") from error
                await asyncio.sleep(0.5)

    async def connect(self, url: str, auth: dict[str, Any]) -> None:
        import socketio

        self.sio = socketio.AsyncClient(reconnection=True, reconnection_delay=0.5)
        self.sio.on("fragment", self.on_fragment)
        self.sio.on("disconnect", self.on_disconnect)
        self.sio.on("connect", self.on_connect)
        headers = _Headers({"Cookie": self.cookie} if self.cookie else {})
        await self.sio.connect(
            url, auth=auth, headers=headers, transports=["websocket"], wait_timeout=30
        )

    async def disconnect(self) -> None:
        if self.sio is not None:
            with contextlib.suppress(Exception):
                await self.sio.disconnect()


def _cookie_header(jar: aiohttp.abc.AbstractCookieJar, url: str) -> str:
    cookies = jar.filter_cookies(URL(url))
    return "; ".join(f"{key}={morsel.value}" for key, morsel in cookies.items())


def _csrf(html: str) -> str:
    match = CSRF_FIELD.search(html) or CSRF_HEADER.search(html)
    if not match:
        raise LoadTestError("no CSRF token in the page")
    return match.group(1)


async def _fetch(
    http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any
) -> tuple[int, str]:
    async with http.request(method, url, **kwargs) as response:
        return response.status, await response.text()


async def join_phone(
    connector: aiohttp.BaseConnector, links: CafeLinks, device: Device, name: str
) -> float:
    """GET the join page, POST the form: returns the POST's time in ms (until the phone page)."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(
        connector=connector, connector_owner=False, cookie_jar=jar
    ) as http:
        status, page = await _fetch(http, "GET", links.join_url)
        if status != 200:
            raise LoadTestError(f"join page answered {status}")
        started = time.perf_counter()
        status, _ = await _fetch(
            http,
            "POST",
            links.join_url,
            data={"name": name, "language": "en", "csrf_token": _csrf(page)},
        )
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            raise LoadTestError(f"join answered {status}")
        device.cookie = _cookie_header(jar, links.join_url)
    return elapsed


async def open_page(connector: aiohttp.BaseConnector, url: str, device: Device) -> str:
    """GET a secret link (host console, projector): sets the cookie; returns the page."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(
        connector=connector, connector_owner=False, cookie_jar=jar
    ) as http:
        status, page = await _fetch(http, "GET", url)
        if status != 200:
            raise LoadTestError(f"{url} answered {status}")
        device.cookie = _cookie_header(jar, url)
        return page


async def host_post(connector: aiohttp.BaseConnector, device: Device, url: str, page: str) -> None:
    """POST a host action with the console's CSRF token and cookie."""
    async with aiohttp.ClientSession(connector=connector, connector_owner=False) as http:
        status, _ = await _fetch(
            http,
            "POST",
            url,
            data={"csrf_token": _csrf(page)},
            headers={"Cookie": device.cookie, "X-CSRFToken": _csrf(page)},
            allow_redirects=False,
        )
        if status not in (200, 302, 303):
            raise LoadTestError(f"{url} answered {status}")


async def seated_round(
    connector: aiohttp.BaseConnector, url: str, links: CafeLinks, tracker: Tracker, count: int
) -> tuple[Device, list[Device]]:
    """A host console and `count` phones joined and connected, and every phone seated.

    The host starts the first round. For runs that need no join timings and no projector.
    """
    phones = [Device(f"phone-{i}", tracker) for i in range(count)]
    host = Device("host", tracker)
    console = await open_page(connector, links.host_url, host)
    await host.connect(url, {"cafe": links.cafe_id, "role": "host"})
    await _gather_limited(
        [(lambda p=p: join_phone(connector, links, p, p.name)) for p in phones],  # type: ignore[misc]
        50,
    )
    auth = {"cafe": links.cafe_id, "role": "participant"}
    await _gather_limited([(lambda p=p: p.connect(url, auth)) for p in phones], 50)  # type: ignore[misc]
    await host_post(connector, host, links.host_url + "/round/start", console)
    await asyncio.wait_for(asyncio.gather(*(p.seated.wait() for p in phones)), 120)
    return host, phones


async def create_cafe_as_organiser(
    connector: aiohttp.BaseConnector, base_url: str, email: str, password: str, participants: int
) -> CafeLinks:
    """Sign in at /organiser/login and set up a café through /organiser/new."""
    base = base_url.rstrip("/")
    config = cafe_config(participants)
    async with aiohttp.ClientSession(
        connector=connector, connector_owner=False, cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as http:
        _, page = await _fetch(http, "GET", f"{base}/organiser/login")
        status, page = await _fetch(
            http,
            "POST",
            f"{base}/organiser/login",
            data={"email": email, "password": password, "csrf_token": _csrf(page)},
        )
        if status != 200:
            raise LoadTestError(f"organiser sign-in failed ({status})")
        _, page = await _fetch(http, "GET", f"{base}/organiser/new")
        form: dict[str, str] = {
            "csrf_token": _csrf(page),
            "action": "save",
            "title": config["title"],
            "language": "en",
            "rounds": str(config["rounds"]),
            "round_minutes": str(config["round_minutes"]),
            "table_capacity": "6",
        }
        for index, theme in enumerate(config["themes"]):
            form[f"theme-{index}-name"] = theme["name"]
            form[f"theme-{index}-tables"] = str(theme["tables"])
            form[f"theme-{index}-questions"] = theme["questions"][0]
        status, page = await _fetch(http, "POST", f"{base}/organiser/new", data=form)
        if status != 200:
            raise LoadTestError(f"creating the café failed ({status})")
    found = {urlsplit(link).path for link in LINK.findall(page)}
    join = next((p for p in found if p.startswith("/j/")), None)
    host = next((p for p in found if p.startswith("/host/")), None)
    projector = next((p for p in found if p.startswith("/projector/")), None)
    if not (join and host and projector):
        raise LoadTestError("the new café's page shows no links")
    return CafeLinks(
        cafe_id=int(host.split("/")[2]),
        join_url=base + join,
        host_url=base + host,
        projector_url=base + projector,
    )


def _note_text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14))).capitalize()


async def _gather_limited(jobs: list[Callable[[], Awaitable[Any]]], limit: int) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Awaitable[Any]]) -> Any:
        async with gate:
            return await job()

    return await asyncio.gather(*(run(job) for job in jobs))


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

        ports = [local_port(server) for server in servers]
        rss = peak_rss_mb([pid for port in ports if port for pid in server_pids(port)])
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
        f"  server peak RSS: {report['server_rss_mb']} MB",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:2] == ["relay"] and len(sys.argv) == 3:
        serve_relay(int(sys.argv[2]))
    else:
        print("usage: python -m worldcafe.loadtest relay PORT", file=sys.stderr)
        raise SystemExit(2)
