"""Load test, part one: the café and its links, the figures, the server's memory and the
bare Socket.IO relay measured as the baseline."""

from __future__ import annotations

import contextlib
import math
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

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


def child_pids(parents: Iterable[int]) -> list[int]:
    """Processes on this machine started by one of `parents` (a server's vector process)."""
    wanted = set(parents)
    pids = [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]
    return [pid for pid in pids if _status_number(pid, "PPid") in wanted]


def _status_number(pid: int, key: str) -> int:
    """A number of /proc/PID/status (VmHWM in kB, PPid, …); 0 when unreadable."""
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
    total = sum(_status_number(pid, "VmHWM") for pid in pids)
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
        [sys.executable, "-m", "worldcafe_loadtest", "relay", str(port)],
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
