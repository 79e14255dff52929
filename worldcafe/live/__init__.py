"""The live edge: Socket.IO transport, socket identities, rooms, events and announcements.

- transport.py: the one `socketio`, the identity registry and the dispatch of every event;
- identity.py: what a socket's identity stands on, re-checked at every event;
- rooms.py: room names and who hears a table, a screen or a café;
- events.py: the client events (who sends, who hears);
- announce.py: what the server tells the screens after a commit, and the cut-offs;
- fragments.py: notes rendered from the macro file of each audience.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Attach Socket.IO and route the client events."""
    from worldcafe.live import events, transport

    transport.init_app(app)
    events.register(app)
