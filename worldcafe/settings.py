"""Settings from the environment (contracts.md), with instance-folder defaults.

Every `WORLDCAFE_<NAME>` variable becomes the setting `<NAME>` through Flask's prefixed-env
loading (a value that reads as JSON, such as `0`, `2.5` or `false`, arrives as that value).
`checked_settings` then gives the documented settings their defaults and refuses a bad value
with one clear line (`SettingsError`), before anything starts.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Config
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_FILE = "worldcafe.db"
SECRET_KEY_FILE = "secret_key"
PREFIX = "WORLDCAFE"
# Read by the command line or before the app exists; no setting of the app (and a password
# has no business in its configuration).
NOT_APP_SETTINGS = ("INSTANCE_PATH", "ORGANISER_EMAIL", "ORGANISER_PASSWORD")


class SettingsError(ValueError):
    """A setting from the environment cannot be used: the message names it and says why."""


def load_environment(config: Config) -> None:
    """Every WORLDCAFE_* variable into the config (Flask's prefixed-env loading)."""
    try:
        config.from_prefixed_env(PREFIX)
    except (TypeError, KeyError) as error:
        # WORLDCAFE_A__B nests B under the setting A, which must then be a group (a mapping).
        nested = ", ".join(
            sorted(k for k in os.environ if k.startswith(f"{PREFIX}_") and "__" in k)
        )
        raise SettingsError(
            f"{nested}: a double underscore sets a part of a setting that has no parts"
        ) from error
    for name in NOT_APP_SETTINGS:
        config.pop(name, None)


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


def _text(name: str, value: Any) -> str | None:
    """A text setting; empty means unset. A number the JSON reading made is its digits again."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise SettingsError(f"{PREFIX}_{name} must be text, not {value!r}")
    return str(value)


def _database_url(value: str) -> str:
    try:
        make_url(value)
    except ArgumentError as error:
        raise SettingsError(
            f"{PREFIX}_DATABASE_URL is not a database URL ({error}); "
            "for example sqlite:///worldcafe.db or postgresql+psycopg://user@host/worldcafe"
        ) from error
    return value


def _message_queue(value: str) -> str:
    if not urlsplit(value).scheme or "://" not in value:
        raise SettingsError(
            f"{PREFIX}_MESSAGE_QUEUE is not a queue URL: {value!r}; "
            "for example redis://127.0.0.1:6379/0"
        )
    return value


def _base_url(value: str) -> str:
    parts = urlsplit(value.rstrip("/"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(
            f"{PREFIX}_BASE_URL must be an http:// or https:// address with a host, "
            f"not {value!r}; for example https://cafe.example.org"
        )
    return value.rstrip("/")


def _allowed_hosts(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list | tuple) or not all(isinstance(name, str) for name in names):
        raise SettingsError(
            f"{PREFIX}_ALLOWED_HOSTS must be host names separated by commas, not {value!r}"
        )
    return tuple(name.strip().lower() for name in names if name.strip())


def _switch(name: str, value: Any) -> bool:
    """On unless `0` (or false)."""
    if value is None:
        return True
    if isinstance(value, bool | int) and not isinstance(value, float):
        return bool(value)
    if isinstance(value, str) and value.strip() in ("0", "1"):
        return value.strip() == "1"
    raise SettingsError(f"{PREFIX}_{name} must be 0 or 1, not {value!r}")


def _positive(name: str, value: Any, kind: Callable[[Any], float]) -> float:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = 0
    if isinstance(value, bool) or not number > 0:
        raise SettingsError(f"{PREFIX}_{name} must be a positive number, not {value!r}")
    return number


def checked_settings(config: Mapping[str, Any], instance_path: Path) -> dict[str, Any]:
    """The documented settings with their defaults, or SettingsError naming the bad one.

    Everything is checked before the secret key file is made: a bad value stores nothing.
    """
    database_url = _text("DATABASE_URL", config.get("DATABASE_URL"))
    queue = _text("MESSAGE_QUEUE", config.get("MESSAGE_QUEUE"))
    base_url = _text("BASE_URL", config.get("BASE_URL"))
    checked = {
        "DATABASE_URL": _database_url(database_url)
        if database_url
        else f"sqlite:///{instance_path / DEFAULT_DB_FILE}",
        "MESSAGE_QUEUE": _message_queue(queue) if queue else None,
        "BASE_URL": _base_url(base_url) if base_url else None,
        "ALLOWED_HOSTS": _allowed_hosts(config.get("ALLOWED_HOSTS")),
        "NOTE_VECTORS": _switch("NOTE_VECTORS", config.get("NOTE_VECTORS")),
        "PLAN_SECONDS": _positive("PLAN_SECONDS", config.get("PLAN_SECONDS", 1.0), float),
        "NOTE_RATE_PER_MINUTE": int(
            _positive("NOTE_RATE_PER_MINUTE", config.get("NOTE_RATE_PER_MINUTE", 20), int)
        ),
    }
    secret_key = _text("SECRET_KEY", config.get("SECRET_KEY"))
    checked["SECRET_KEY"] = secret_key or read_or_create_secret_key(instance_path)
    return checked
