"""Access to the app's database from the web edge."""

from __future__ import annotations

from flask import current_app

from worldcafe.database import Database
from worldcafe.rate_limits import RateLimits


def database() -> Database:
    """The current app's database."""
    db: Database = current_app.extensions["worldcafe.db"]
    return db


def limits() -> RateLimits:
    """The current app's rate limits."""
    found: RateLimits = current_app.extensions["worldcafe.limits"]
    return found
