"""Settings: WORLDCAFE_* variables through Flask's prefixed-env loading, checked at start."""

from __future__ import annotations

from pathlib import Path

import pytest

from worldcafe import create_app
from worldcafe.cli import main


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "instance"
    monkeypatch.setenv("WORLDCAFE_INSTANCE_PATH", str(folder))
    for name in ("DATABASE_URL", "MESSAGE_QUEUE", "SECRET_KEY", "BASE_URL", "ALLOWED_HOSTS"):
        monkeypatch.delenv(f"WORLDCAFE_{name}", raising=False)
    return folder


def test_defaults_live_in_the_instance_folder_and_the_key_survives_a_restart(
    instance: Path,
) -> None:
    first = create_app({"SOCKETIO_ASYNC_MODE": "threading"})
    assert first.config["DATABASE_URL"] == f"sqlite:///{instance / 'worldcafe.db'}"
    assert first.config["MESSAGE_QUEUE"] is None
    assert first.config["BASE_URL"] is None
    assert first.config["ALLOWED_HOSTS"] == ()
    assert first.config["NOTE_VECTORS"] is True
    assert "ORGANISER_PASSWORD" not in first.config
    again = create_app({"SOCKETIO_ASYNC_MODE": "threading"})
    assert again.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert (instance / "secret_key").read_text() == first.config["SECRET_KEY"]


def test_every_documented_variable_is_read(
    instance: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    monkeypatch.setenv("WORLDCAFE_DATABASE_URL", url)
    monkeypatch.setenv("WORLDCAFE_SECRET_KEY", "12345678901234567890")  # digits stay text
    monkeypatch.setenv("WORLDCAFE_BASE_URL", "https://cafe.example.org/")
    monkeypatch.setenv("WORLDCAFE_ALLOWED_HOSTS", " Cafe.example.org, 10.0.0.2 ,")
    monkeypatch.setenv("WORLDCAFE_NOTE_VECTORS", "0")
    monkeypatch.setenv("WORLDCAFE_ORGANISER_PASSWORD", "not a setting")
    app = create_app({"SOCKETIO_ASYNC_MODE": "threading"})
    assert app.config["DATABASE_URL"] == url
    assert app.config["SECRET_KEY"] == "12345678901234567890"
    assert app.config["BASE_URL"] == "https://cafe.example.org"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["ALLOWED_HOSTS"] == ("cafe.example.org", "10.0.0.2")
    assert app.config["NOTE_VECTORS"] is False
    assert "ORGANISER_PASSWORD" not in app.config
    assert (tmp_path / "elsewhere.db").exists()
    assert not (instance / "secret_key").exists()


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("DATABASE_URL", "not a url", "WORLDCAFE_DATABASE_URL is not a database URL"),
        ("MESSAGE_QUEUE", "127.0.0.1:6379", "WORLDCAFE_MESSAGE_QUEUE is not a queue URL"),
        ("BASE_URL", "cafe.example.org", "WORLDCAFE_BASE_URL must be an http:// or https://"),
        ("BASE_URL", "true", "WORLDCAFE_BASE_URL must be text"),
        ("ALLOWED_HOSTS", "{}", "WORLDCAFE_ALLOWED_HOSTS must be host names"),
        ("NOTE_VECTORS", "yes", "WORLDCAFE_NOTE_VECTORS must be 0 or 1"),
        ("PLAN_SECONDS", "-1", "WORLDCAFE_PLAN_SECONDS must be a positive number"),
        ("DATABASE_URL__X", "1", "WORLDCAFE_DATABASE_URL__X: a double underscore"),
    ],
)
def test_a_bad_value_stops_the_start_with_one_line_naming_it(
    instance: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    value: str,
    said: str,
) -> None:
    if name.startswith("DATABASE_URL__"):
        monkeypatch.setenv("WORLDCAFE_DATABASE_URL", "sqlite://")
    monkeypatch.setenv(f"WORLDCAFE_{name}", value)
    assert main(["db", "upgrade"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"worldcafe: {said}")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert not instance.exists() or not any(instance.iterdir()), "nothing stored"
