"""Real server processes for tests and benchmarks: `worldcafe run` on a free port."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "worldcafe.cli"]


def empty_postgres(url: str) -> None:
    """Drop everything in a PostgreSQL database's public schema (tests' and benchmarks' own)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A `worldcafe run` process with its own instance folder (and database unless given)."""

    instance: Path
    port: int = field(default_factory=free_port)
    env_extra: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WORLDCAFE_")}
        env.update(
            {
                "WORLDCAFE_INSTANCE_PATH": str(self.instance),
                "WORLDCAFE_BASE_URL": self.url,
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.env_extra)
        return env

    def cli(self, *args: str) -> str:
        """Run a `worldcafe` subcommand against this server's instance; returns stdout."""
        result = subprocess.run(
            [*CLI, *args], env=self.env(), capture_output=True, text=True, timeout=120, cwd=ROOT
        )
        if result.returncode != 0:
            raise RuntimeError(f"worldcafe {' '.join(args)} failed: {result.stderr}")
        return result.stdout

    def create_cafe(self, config: dict[str, Any]) -> dict[str, Any]:
        """Create a café from a config object; returns the five links."""
        path = self.instance / f"cafe-{time.monotonic_ns()}.json"
        self.instance.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(config))
        links: dict[str, Any] = json.loads(self.cli("create-cafe", str(path), "--json"))
        return links

    def start(self, timeout: float = 30.0) -> LiveServer:
        """Start the server and wait until it answers."""
        self.instance.mkdir(parents=True, exist_ok=True)
        self.log_path = self.instance / f"server-{self.port}.log"
        with self.log_path.open("ab") as log:
            # The child keeps its own copy of the file descriptor.
            self.process = subprocess.Popen(
                [*CLI, "run", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not answer in {timeout}s")

    def note_client_ids(self) -> list[str]:
        """The client id of every note row in this server's own SQLite database."""
        with sqlite3.connect(self.instance / "worldcafe.db", timeout=10) as conn:
            return [row[0] for row in conn.execute("SELECT client_id FROM note")]

    def kill(self) -> None:
        """SIGKILL: no chance to clean up, as in a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), then make sure."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
