"""JSON for Socket.IO packets that refuses hostile input without a traceback.

A packet nested thousands of levels deep, or carrying a number of hundreds of digits, cannot
be decoded; Socket.IO would log a traceback for each. Here it decodes to the one event
MALFORMED instead, which the server answers {"ok": false, …} (or refuses, on connect).
"""

from __future__ import annotations

from typing import Any

from engineio import json as _engineio_json

MALFORMED = "malformed"


def dumps(*args: Any, **kwargs: Any) -> str:
    """Encode as Socket.IO does."""
    encoded: str = _engineio_json.dumps(*args, **kwargs)
    return encoded


def loads(*args: Any, **kwargs: Any) -> Any:
    """Decode as Socket.IO does (numbers of at most 100 digits), or the MALFORMED event."""
    try:
        return _engineio_json.loads(*args, **kwargs)
    except (RecursionError, ValueError):
        return [MALFORMED]
