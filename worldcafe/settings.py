"""Settings from the environment (contracts.md), with instance-folder defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_FILE = "worldcafe.db"
SECRET_KEY_FILE = "secret_key"


def read_or_create_secret_key(instance_path: Path) -> str:
    """Return the instance folder's secret key, creating it on first use."""
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / SECRET_KEY_FILE
    if key_file.exists():
        key = key_file.read_text(encoding="utf-8").strip()
        if key:
            return key
    key = secrets.token_urlsafe(48)
    # Written with owner-only permissions: the key signs every session cookie.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def settings_from_environment(instance_path: Path) -> dict[str, Any]:
    """The app's settings: WORLDCAFE_* variables, else defaults in the instance folder."""
    env = os.environ
    database_url = env.get("WORLDCAFE_DATABASE_URL") or (
        f"sqlite:///{instance_path / DEFAULT_DB_FILE}"
    )
    return {
        "DATABASE_URL": database_url,
        "MESSAGE_QUEUE": env.get("WORLDCAFE_MESSAGE_QUEUE") or None,
        "SECRET_KEY": env.get("WORLDCAFE_SECRET_KEY") or None,
        "BASE_URL": (env.get("WORLDCAFE_BASE_URL") or "").rstrip("/") or None,
        "ALLOWED_HOSTS": tuple(
            host.strip().lower()
            for host in (env.get("WORLDCAFE_ALLOWED_HOSTS") or "").split(",")
            if host.strip()
        ),
    }
