"""Run CPU-heavy work (seating plans, harvests) beside the event loop rather than on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def offload(work: Callable[[], T]) -> T:
    """Run `work` in gevent's thread pool when the server is monkey-patched, else inline.

    A seating plan may search for a couple of seconds; in the pool the interpreter still
    switches back to the event loop every few milliseconds, so sockets keep flowing.
    """
    try:
        from gevent import get_hub, monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return work()
    if not monkey.is_module_patched("threading"):
        return work()
    result: T = get_hub().threadpool.apply(work)
    return result
