"""Fixtures and factories: an app on a fresh database, cafés, participants, socket clients."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

from tests.factories import app_for_test, make_cafe
from tests.live_server import LiveServer, empty_postgres


def _worker_postgres(url: str | None) -> str | None:
    """Each parallel test worker empties its own PostgreSQL database, created on first use."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    own = base.set(database=name).render_as_string(hide_password=False)
    os.environ["WORLDCAFE_TEST_POSTGRES_URL"] = own
    return own


POSTGRES_URL = _worker_postgres(os.environ.get("WORLDCAFE_TEST_POSTGRES_URL"))

BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database: SQLite, and PostgreSQL when WORLDCAFE_TEST_POSTGRES_URL is set."""
    if request.param == "postgresql":
        assert POSTGRES_URL is not None
        empty_postgres(POSTGRES_URL)
        return POSTGRES_URL
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """The app on a fresh database, in threading mode for the test clients."""
    application = app_for_test(
        tmp_path / "instance",
        DATABASE_URL=database_url,
        SECRET_KEY="test-secret",
        WTF_CSRF_ENABLED=False,
        PLAN_SECONDS=0.5,
        SERVER_NAME="localhost",
    )
    yield application
    application.extensions["worldcafe.db"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def cafe(app: Flask) -> dict[str, Any]:
    """The standard two-theme, two-round café."""
    return make_cafe(app)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests share one parallel worker: two Chromium cafés at once starve small machines."""
    for item in items:
        if "browser" in item.path.parts and item.config.pluginmanager.hasplugin("xdist"):
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="module")
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A real `worldcafe run` process, shared by the tests of one module.

    Without the background vector process: the sentence model then loads only where a test
    asks for a harvest (in the serving process); tests/test_faults.py covers the vector process.
    """
    folder = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    live = LiveServer(folder, env_extra={"WORLDCAFE_NOTE_VECTORS": "0"}).start()
    yield live
    live.stop()
