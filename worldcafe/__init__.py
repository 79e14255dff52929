"""worldcafe: a self-hosted, real-time web app for running a World Café."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, database, sockets, languages, security and the role blueprints."""
    from worldcafe import i18n, live, security
    from worldcafe.database import Database
    from worldcafe.rate_limits import RateLimits
    from worldcafe.schema import needs_upgrade, upgrade_database
    from worldcafe.settings import (
        PROJECT_ROOT,
        checked_settings,
        load_environment,
    )
    from worldcafe.views import (
        errors,
        harvest,
        host,
        invite,
        organiser,
        pages,
        participant,
        projector,
        roster,
    )

    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "WORLDCAFE_INSTANCE_PATH"
    )
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(
        SOCKETIO_ASYNC_MODE="gevent",
        AUTO_UPGRADE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=60 * 60 * 24 * 30,
        MAX_CONTENT_LENGTH=1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
    )
    load_environment(app.config)
    if test_config:
        app.config.update(test_config)
        if "INSTANCE_PATH" in test_config and "DATABASE_URL" not in test_config:
            app.config.pop("DATABASE_URL", None)  # the test's own instance folder
    app.config.update(checked_settings(app.config, Path(app.instance_path)))
    base_url = app.config.get("BASE_URL") or ""
    if "SESSION_COOKIE_SECURE" not in (test_config or {}):
        app.config["SESSION_COOKIE_SECURE"] = base_url.startswith("https://")

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    database = Database(
        app.config["DATABASE_URL"],
        write_lock=threading.RLock(),
        manual_checkpoints=bool(app.config.get("SQLITE_MANUAL_CHECKPOINTS")),
    )
    app.extensions["worldcafe.db"] = database
    if app.config["AUTO_UPGRADE"] and needs_upgrade(database.write_engine):
        upgrade_database(database.write_engine)

    app.extensions["worldcafe.limits"] = RateLimits(
        app.config.get("MESSAGE_QUEUE"), namespace=app.config["SECRET_KEY"]
    )
    security.init_app(app)
    i18n.init_app(app)
    live.init_app(app)
    errors.init_app(app)
    for blueprint in (
        pages.bp,
        organiser.bp,
        harvest.bp,
        roster.bp,
        host.bp,
        participant.bp,
        invite.bp,
        projector.bp,
    ):
        app.register_blueprint(blueprint)
    return app
