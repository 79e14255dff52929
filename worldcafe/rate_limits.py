"""Per-participant rate limits (never per IP: a whole venue shares one address)."""

from __future__ import annotations

import time
from collections import deque

from worldcafe.services.errors import ServiceError


class RateLimited(ServiceError):
    status = 429


class NoteRateLimiter:
    """A sliding one-minute window of notes per participant, kept in memory."""

    def __init__(self, per_minute: int = 20) -> None:
        self.per_minute = per_minute
        self._sent: dict[int, deque[float]] = {}

    def check(self, participant_id: int, *, now: float | None = None) -> None:
        """Count one note; raise RateLimited past the limit."""
        moment = time.monotonic() if now is None else now
        window = self._sent.setdefault(participant_id, deque())
        while window and moment - window[0] > 60:
            window.popleft()
        if len(window) >= self.per_minute:
            raise RateLimited("You are writing very fast: wait a moment before the next note.")
        window.append(moment)
