"""The harvest kept ready: computed in the background once a café's notes fall quiet.

After a note is added, changed or curated, the café's synthesis is computed again when no
further change has come for HARVEST_QUIET_SECONDS (2 s; 0 turns it off, as in tests unless
set), so that the organiser who opens the harvest finds one made: the current one, or one a
little older with the newest notes shown apart while the current one is computed
(views/harvest.py). A café is refreshed by one background task at a time, which ends as soon
as nothing has changed since, and requests that ask while it runs wait for its result
(services/harvest_cache.py) rather than computing again.

Where the vector process computes the synthesis (services/vectors.computed_apart), this process
only reads the notes and keeps the answer, so the harvest is also kept fresh while notes stream
in without a pause: at the latest HARVEST_MAX_WAIT_SECONDS (30 s) after the first change, each
refresh after the previous one ended. Where this process computes it itself, nothing is
computed while notes stream in (the live notes have the processor) unless
HARVEST_MAX_WAIT_SECONDS is set, and never within HARVEST_GAP_SECONDS (15 s) or four times the
duration of the café's previous refresh.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from flask import Flask, current_app

from worldcafe.extensions import database
from worldcafe.live.transport import socketio
from worldcafe.models import Cafe
from worldcafe.services import harvest as harvest_service
from worldcafe.services.vectors import computed_apart

GAP_FACTOR = 4.0
MAX_WAIT_APART = 30.0


@dataclass
class RefreshState:
    """Per process: when each café last changed, and which have a refresh task running."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    changed_at: dict[int, float] = field(default_factory=dict)
    waiting_since: dict[int, float] = field(default_factory=dict)
    running: set[int] = field(default_factory=set)
    next_allowed: dict[int, float] = field(default_factory=dict)


def state_of(app: Flask) -> RefreshState:
    """This app's refresh state."""
    found: RefreshState = app.extensions.setdefault("worldcafe.harvest_refresh", RefreshState())
    return found


def _quiet_seconds(app: Flask) -> float:
    return float(app.config.get("HARVEST_QUIET_SECONDS", 0.0 if app.testing else 2.0))


def refresh_enabled() -> bool:
    """Whether harvests are kept ready in the background (pages may then show the last one
    made with the newest notes apart, while the current one is computed)."""
    return _quiet_seconds(current_app) > 0


def compute_now(cafe_id: int) -> None:
    """A page showed new notes apart: compute the current harvest at once, in the background
    (joined by any request for it meanwhile)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    socketio.start_background_task(_compute, app, cafe_id)


def _compute(app: Flask, cafe_id: int) -> None:
    try:
        with app.app_context(), database().read() as db:
            cafe = db.get(Cafe, cafe_id)
            if cafe is not None:
                # Never computed here: should the vector process fail, the next page asks.
                harvest_service.harvest(db, cafe, in_process_fallback=False)
    except Exception:  # the page that asked computes it itself on its next load
        app.logger.exception("Harvest refresh failed")


def harvest_changed(cafe_id: int) -> None:
    """Called after a change to a café's notes or curation is committed."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    quiet = _quiet_seconds(app)
    if quiet <= 0:
        return
    state = state_of(app)
    with state.lock:
        state.changed_at[cafe_id] = time.monotonic()
        state.waiting_since.setdefault(cafe_id, state.changed_at[cafe_id])
        if cafe_id in state.running:
            return
        state.running.add(cafe_id)
    socketio.start_background_task(_refresh, app, cafe_id, quiet)


def _refresh(app: Flask, cafe_id: int, quiet: float) -> None:
    """Wait for a quiet moment, compute the harvest, and again while changes keep coming."""
    state = state_of(app)
    try:
        while True:
            apart = computed_apart() is not None
            gap = float(app.config.get("HARVEST_GAP_SECONDS", 0.0 if apart else 15.0))
            factor = 1.0 if apart else GAP_FACTOR
            longest = float(
                app.config.get("HARVEST_MAX_WAIT_SECONDS", MAX_WAIT_APART if apart else 0.0)
            ) or float("inf")
            with state.lock:
                changed = state.changed_at[cafe_id]
                due = min(changed + quiet, state.waiting_since[cafe_id] + longest)
                wait = max(due, state.next_allowed.get(cafe_id, 0.0)) - time.monotonic()
            if wait > 0:
                socketio.sleep(wait)
                continue
            started = time.monotonic()
            _compute(app, cafe_id)
            ended = time.monotonic()
            with state.lock:
                state.next_allowed[cafe_id] = ended + max(gap, factor * (ended - started))
                if state.changed_at[cafe_id] == changed:
                    state.running.discard(cafe_id)
                    del state.changed_at[cafe_id], state.waiting_since[cafe_id]
                    return
                state.waiting_since[cafe_id] = started
    except BaseException:
        with state.lock:
            state.running.discard(cafe_id)
        raise
