"""Erasure that erases, clear failures, ids out of range and links no Host header decides."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import app_for_test, join
from worldcafe import create_app
from worldcafe.extensions import database
from worldcafe.models import AuditEvent, Cafe

NAME = "Zebulon Quaxworthy"


def _files(app: Flask) -> list[Path]:
    path = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    return [file for file in (path, Path(f"{path}-wal")) if file.exists()]


def _on_disk(app: Flask, text: str) -> bool:
    return any(text.encode() in file.read_bytes() for file in _files(app))


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Any:
    application = app_for_test(
        tmp_path / "instance",
        SECRET_KEY="test-secret",
        WTF_CSRF_ENABLED=False,
        PLAN_SECONDS=0.2,
        SERVER_NAME="localhost",
    )
    yield application
    application.extensions["worldcafe.db"].dispose()


def test_the_database_files_are_readable_by_their_owner_only(sqlite_app: Flask) -> None:
    files = _files(sqlite_app)
    assert files
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


def test_erased_names_leave_no_trace_on_disk_in_broadcasts_or_the_audit_log(
    sqlite_app: Flask,
) -> None:
    from tests.factories import make_cafe

    app, client = sqlite_app, sqlite_app.test_client()
    cafe = make_cafe(app)
    join(app, cafe, NAME)
    client.post(f"{cafe['host_url']}/broadcast", data={"message": f"{NAME}, to table 2 please"})
    assert _on_disk(app, NAME)
    client.post(f"{cafe['organiser_url']}/privacy", data={"action": "erase"})
    with app.app_context(), database().read() as db:
        found = db.get(Cafe, cafe["cafe_id"])
        assert found is not None and NAME not in found.broadcast
        assert found.broadcast.startswith("…")
        assert all(NAME not in event.detail for event in db.query(AuditEvent))
    assert not _on_disk(app, NAME)
    assert NAME not in client.get(str(cafe["organiser_url"]) + "/privacy").text


def test_a_deleted_cafe_leaves_no_trace_on_disk(sqlite_app: Flask) -> None:
    from tests.factories import make_cafe

    app, client = sqlite_app, sqlite_app.test_client()
    cafe = make_cafe(app, title="Quaxworthy Gathering")
    join(app, cafe, NAME)
    client.post(
        f"{cafe['organiser_url']}/privacy",
        data={"action": "delete", "confirm": "Quaxworthy Gathering"},
    )
    assert not _on_disk(app, NAME)
    assert not _on_disk(app, "Quaxworthy Gathering")


def test_ids_out_of_range_are_404_on_every_route(client: FlaskClient, cafe: dict[str, Any]) -> None:
    huge = "9" * 20
    secret = str(cafe["host_url"]).rsplit("/", 1)[1]
    for path in (
        f"/host/{huge}/{secret}",
        f"/host/{huge}/{secret}/console",
        f"/projector/{huge}/{secret}",
        f"/projector/{huge}/{secret}/harvest",
        f"/organiser/cafe/{huge}/{secret}",
        f"/organiser/cafe/{huge}/{secret}/cards",
        f"/organiser/cafe/{huge}/{secret}/harvest",
        f"/organiser/cafe/{huge}/{secret}/export",
        f"/organiser/cafe/{huge}/{secret}/privacy",
        f"{cafe['host_url']}/people/{huge}/presence",
    ):
        method = client.post if path.endswith("presence") else client.get
        assert method(path).status_code == 404, path


def test_links_follow_the_base_url_or_the_allowed_hosts_never_a_forged_host(
    app: Flask, client: FlaskClient, cafe: dict[str, Any]
) -> None:
    forged = {"Host": "evil.example"}
    page = client.get(str(cafe["organiser_url"]), headers=forged).text
    assert "evil.example" not in page
    qr = client.get(f"/qr/{cafe['join_code']}.svg", headers=forged)
    assert qr.status_code == 200
    app.config["ALLOWED_HOSTS"] = ("cafe.example.org",)
    page = client.get(str(cafe["organiser_url"]), headers={"Host": "cafe.example.org"}).text
    assert "http://cafe.example.org/j/" in page
    page = client.get(str(cafe["organiser_url"]), headers=forged).text
    assert "evil.example" not in page and "http://cafe.example.org/j/" in page
    app.config["BASE_URL"] = "https://wc.example.net"
    page = client.get(str(cafe["organiser_url"]), headers=forged).text
    assert "https://wc.example.net/j/" in page and "evil.example" not in page


def test_a_read_only_database_says_so_on_health_and_on_the_page(tmp_path: Path) -> None:
    writable = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "SECRET_KEY": "k"}
    )
    from tests.factories import make_cafe

    cafe = make_cafe(writable)
    path = Path(writable.config["DATABASE_URL"].removeprefix("sqlite:///"))
    writable.extensions["worldcafe.db"].dispose()
    read_only = app_for_test(
        tmp_path / "i",
        SECRET_KEY="k",
        WTF_CSRF_ENABLED=False,
        DATABASE_URL=f"sqlite:///file:{path}?mode=ro&uri=true",
    )
    client = read_only.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and "read-only" in health.json["error"]  # type: ignore[index]
    assert client.get(str(cafe["join_url"])).status_code == 200
    refused = client.post(str(cafe["join_url"]), data={"name": "Ada"})
    assert refused.status_code == 503
    assert "cannot store anything right now" in refused.text
    read_only.extensions["worldcafe.db"].dispose()
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT count(*) FROM participant").fetchone() == (0,)


def test_a_database_in_a_missing_folder_is_one_clear_line(tmp_path: Path) -> None:
    from worldcafe.database import DatabaseUnavailable

    with pytest.raises(DatabaseUnavailable, match="does not exist"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/missing/worldcafe.db"})
    assert not os.path.exists(tmp_path / "missing")
