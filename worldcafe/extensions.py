"""Access to the app's database from the web edge."""

from __future__ import annotations

from flask import current_app

from worldcafe.database import Database


def database() -> Database:
    """The current app's database."""
    db: Database = current_app.extensions["worldcafe.db"]
    return db
