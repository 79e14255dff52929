"""Load test, part two: simulated phones, host console and projector, and how they join."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from yarl import URL

from worldcafe_loadtest.measure import (
    CSRF_FIELD,
    CSRF_HEADER,
    LINK,
    NOTE_ID,
    TABLE_PANEL,
    CafeLinks,
    LoadTestError,
    cafe_config,
)

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


DOOR_TRIES = 12


async def _at_the_door(
    http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any
) -> tuple[int, str]:
    """A request to the join page that, like a person, tries again when the door says "busy".

    The server answers 503 with Retry-After while many people join at once; the phone waits
    that long and tries again, a bounded number of times.
    """
    for _ in range(DOOR_TRIES - 1):
        async with http.request(method, url, **kwargs) as response:
            body = await response.text()
            if response.status != 503 or "Retry-After" not in response.headers:
                return response.status, body
            wait = float(response.headers["Retry-After"])
        await asyncio.sleep(max(0.5, min(wait, 30.0)))
    return await _fetch(http, method, url, **kwargs)


async def join_phone(
    connector: aiohttp.BaseConnector,
    links: CafeLinks,
    device: Device,
    name: str,
    language: str = "en",
) -> float:
    """GET the join page, POST the form in `language`: returns the POST's time in ms (until
    the phone page, waits at a busy door included)."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(
        connector=connector, connector_owner=False, cookie_jar=jar
    ) as http:
        status, page = await _at_the_door(http, "GET", links.join_url)
        if status != 200:
            raise LoadTestError(f"join page answered {status}")
        started = time.perf_counter()
        status, _ = await _at_the_door(
            http,
            "POST",
            links.join_url,
            data={"name": name, "language": language, "csrf_token": _csrf(page)},
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


async def _gather_limited(jobs: list[Callable[[], Awaitable[Any]]], limit: int) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Awaitable[Any]]) -> Any:
        async with gate:
            return await job()

    return await asyncio.gather(*(run(job) for job in jobs))
