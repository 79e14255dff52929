"""Rate limits: how often a browser, a participant, a console or a guesser may act.

Built on the `limits` library with a moving one-minute (or longer) window. The counters live
in memory, or in Redis when a message queue is configured, so that every process of a
scaled-out server counts the same hits. Keys name a browser, a participant, a console or an
e-mail address, never only an IP address: a whole venue shares one address.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from flask import current_app, has_app_context
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.storage.memory import Entry
from limits.strategies import MovingWindowRateLimiter

from worldcafe.messages import N_, MessageId
from worldcafe.services.errors import ServiceError

logger = logging.getLogger(__name__)


class RateLimited(ServiceError):
    """Too fast: answered 429 with Retry-After (HTTP) or {ok: false} (sockets)."""

    status = 429

    def __init__(self, message_id: str, retry_after: int = 60) -> None:
        super().__init__(message_id)
        self.retry_after = max(1, int(retry_after))


# Every rule in one place. Joins count per browser; wrong sign-ins and device codes count per
# e-mail address or browser; socket events count per participant or console and event type.
RULES: dict[str, str] = {
    "join": "5/minute",
    "note": "20/minute",
    "event": "30/minute",
    "sign_in": "10/15 minutes",
    "sign_in_address": "100/15 minutes",
    "device_code": "10/15 minutes",
    "device_code_address": "100/15 minutes",
}

MESSAGES: dict[str, MessageId] = {
    "join": N_("You joined several times within a minute: wait a moment and try again."),
    "note": N_("You are writing very fast: wait a moment before the next note."),
    "event": N_("You are going very fast: wait a moment and try again."),
    "sign_in": N_("Too many wrong sign-ins: wait a few minutes and try again."),
    "sign_in_address": N_("Too many wrong sign-ins: wait a few minutes and try again."),
    "device_code": N_("Too many wrong codes: wait a few minutes and try again."),
    "device_code_address": N_("Too many wrong codes: wait a few minutes and try again."),
}


class MemoryWindows(MemoryStorage):
    """Moving windows in this process's memory, kept short as they are hit.

    The library's memory storage starts a timer at nearly every hit that walks every key
    a hundred times a second, taking a lock per key: with a thousand phones writing, that
    walk took a fifth of the server's time. Here a key keeps at most its limit of entries, and
    keys whose entries have all expired are dropped once a minute (`sweep_seconds`), while
    counting a hit.
    """

    def __init__(self, sweep_seconds: float = 60.0) -> None:
        super().__init__()
        self._sweep_seconds = sweep_seconds
        self._next_sweep = time.time() + sweep_seconds

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Count `amount` entries under `key` unless `limit` of them fall within `expiry`."""
        if amount > limit:
            return False
        now = time.time()
        if now >= self._next_sweep:
            self._sweep(now)
        events = self.events.setdefault(key, [])
        if len(events) > limit - amount and events[limit - amount].atime >= now - expiry:
            return False
        events[:0] = [Entry(expiry)] * amount
        del events[limit:]  # older entries can no longer decide anything
        return True

    def _sweep(self, now: float) -> None:
        self._next_sweep = now + self._sweep_seconds
        for key, events in list(self.events.items()):
            if not events or events[0].expiry <= now:
                del self.events[key]


@dataclass(frozen=True)
class _Rule:
    name: str
    item: RateLimitItem


class RateLimits:
    """The app's limiter: `hit` counts and refuses, `check` refuses without counting."""

    def __init__(
        self,
        storage_uri: str | None = None,
        *,
        namespace: str = "",
        overrides: dict[str, str] | None = None,
    ) -> None:
        self._storage = self._open(storage_uri)
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._fallback: MovingWindowRateLimiter | None = None
        self._namespace = hashlib.sha256(namespace.encode()).hexdigest()[:12]
        self._rules = {
            name: _Rule(name, parse(spec)) for name, spec in {**RULES, **(overrides or {})}.items()
        }

    @staticmethod
    def _open(storage_uri: str | None) -> Storage:
        if storage_uri and storage_uri.startswith(("redis://", "rediss://", "redis+unix://")):
            storage = storage_from_string(storage_uri)
            if isinstance(storage, Storage):
                return storage
        return MemoryWindows()

    def set_rule(self, name: str, spec: str) -> None:
        """Change a rule (for a test or a command-line setting)."""
        self._rules[name] = _Rule(name, parse(spec))

    def _keys(self, keys: tuple[object, ...]) -> list[str]:
        return [self._namespace, *(str(key) for key in keys)]

    def _strategy(self) -> MovingWindowRateLimiter:
        return self._fallback or self._limiter

    def _use_memory(self, error: Exception) -> MovingWindowRateLimiter:
        # Redis went away: keep limiting in this process rather than failing every request.
        logger.warning("Rate limit storage unreachable (%s); counting in memory", error)
        self._fallback = MovingWindowRateLimiter(MemoryWindows())
        return self._fallback

    def hit(self, rule: str, *keys: object) -> None:
        """Count one action; raise RateLimited (counting nothing) when the limit is reached."""
        item = self._rules[rule].item
        ids = self._keys((rule, *keys))
        try:
            allowed = self._strategy().hit(item, *ids)
        except Exception as error:
            allowed = self._use_memory(error).hit(item, *ids)
        if not allowed:
            raise RateLimited(MESSAGES.get(rule, MESSAGES["event"]), self.retry_after(rule, *keys))

    def check(self, rule: str, *keys: object) -> None:
        """Raise RateLimited if the limit is reached already; counts nothing."""
        item = self._rules[rule].item
        ids = self._keys((rule, *keys))
        try:
            allowed = self._strategy().test(item, *ids)
        except Exception as error:
            allowed = self._use_memory(error).test(item, *ids)
        if not allowed:
            raise RateLimited(MESSAGES.get(rule, MESSAGES["event"]), self.retry_after(rule, *keys))

    def count(self, rule: str, *keys: object) -> None:
        """Count one failure (a wrong password, a wrong code) without refusing anything."""
        item = self._rules[rule].item
        ids = self._keys((rule, *keys))
        try:
            self._strategy().hit(item, *ids)
        except Exception as error:
            self._use_memory(error).hit(item, *ids)

    def retry_after(self, rule: str, *keys: object) -> int:
        """Seconds until the next action under `rule` would be allowed."""
        item = self._rules[rule].item
        try:
            stats = self._strategy().get_window_stats(item, *self._keys((rule, *keys)))
        except Exception:
            return int(item.get_expiry())
        return max(1, math.ceil(stats.reset_time - time.time()))


class NoteRateLimiter:
    """Notes per participant a minute, counted by the app's RateLimits (shared by processes).

    Without limits given it counts in the current app's RateLimits, else in its own memory.
    """

    def __init__(self, per_minute: int = 20, limits: RateLimits | None = None) -> None:
        self._limits = limits
        self._own: RateLimits | None = None
        self._per_minute = per_minute

    @property
    def per_minute(self) -> int:
        return self._per_minute

    @per_minute.setter
    def per_minute(self, value: int) -> None:
        self._per_minute = value

    def _counter(self) -> RateLimits:
        if self._limits is not None:
            return self._limits
        if has_app_context():
            found = current_app.extensions.get("worldcafe.limits")
            if isinstance(found, RateLimits):
                return found
        if self._own is None:
            self._own = RateLimits()
        return self._own

    def check(self, participant_id: int) -> None:
        """Count one note; raise RateLimited past the limit."""
        limits = self._counter()
        limits.set_rule("note", f"{self._per_minute}/minute")
        limits.hit("note", participant_id)
