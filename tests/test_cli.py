"""The `worldcafe` command: good input works, bad input exits 2 with one clear line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from tests.factories import CONFIG
from worldcafe import create_app
from worldcafe.cli import main


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "instance"
    monkeypatch.setenv("WORLDCAFE_INSTANCE_PATH", str(folder))
    monkeypatch.delenv("WORLDCAFE_DATABASE_URL", raising=False)
    monkeypatch.delenv("WORLDCAFE_BASE_URL", raising=False)
    return folder


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_create_cafe_prints_the_five_links_and_each_page_answers(
    instance: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "cafe.json"
    config.write_text(json.dumps(CONFIG))
    code, out, _ = _run(["create-cafe", str(config), "--json"], capsys)
    assert code == 0
    links = json.loads(out)
    assert set(links) == {"cafe_id", "join_url", "host_url", "projector_url", "organiser_url"}
    app: Flask = create_app({"TESTING": True, "SOCKETIO_ASYNC_MODE": "threading"})
    client = app.test_client()
    for key in ("join_url", "host_url", "projector_url", "organiser_url"):
        path = links[key].removeprefix("http://127.0.0.1:5000")
        assert client.get(path).status_code == 200, key
    for key in ("host_url", "projector_url", "organiser_url"):
        forged = links[key].removeprefix("http://127.0.0.1:5000")[:-4] + "xxxx"
        assert client.get(forged).status_code in (401, 403, 404), key


def test_base_url_from_the_environment_goes_into_the_links(
    instance: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WORLDCAFE_BASE_URL", "https://cafe.example.org/")
    config = tmp_path / "cafe.json"
    config.write_text(json.dumps(CONFIG))
    code, out, _ = _run(["create-cafe", str(config), "--json"], capsys)
    assert code == 0
    assert json.loads(out)["join_url"].startswith("https://cafe.example.org/j/")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({**CONFIG, "title": ""}), "Title must not be empty"),
        (json.dumps({**CONFIG, "rounds": 0}), "Rounds must be between"),
        (json.dumps({**CONFIG, "round_minutes": -5}), "Round length"),
        (json.dumps({**CONFIG, "themes": []}), "at least one theme"),
        (
            json.dumps({**CONFIG, "themes": [{"name": "A", "tables": 0, "questions": ["q"]}]}),
            "Tables of theme",
        ),
        (json.dumps({**CONFIG, "language": "xx"}), "Language must be one of"),
        (json.dumps([1, 2]), "must be a JSON object"),
    ],
)
def test_create_cafe_refuses_bad_config_with_one_line(
    instance: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    config = tmp_path / "bad.json"
    config.write_text(content)
    code, out, err = _run(["create-cafe", str(config)], capsys)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_missing_file_and_unknown_subcommand_exit_2(
    instance: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(["create-cafe", "/no/such/file.json"], capsys)
    assert code == 2 and "not found" in err
    code, _, err = _run(["frobnicate"], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    code, _, err = _run(["export", "999"], capsys)
    assert code == 2 and "no café" in err


def test_demo_creates_the_three_theme_cafe_once_with_if_missing(
    instance: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(["demo", "--json"], capsys)
    assert code == 0
    first = json.loads(out)
    code, out, _ = _run(["demo", "--if-missing", "--json"], capsys)
    assert json.loads(out)["cafe_id"] == first["cafe_id"]
    app = create_app({"TESTING": True, "SOCKETIO_ASYNC_MODE": "threading"})
    page = app.test_client().get(first["projector_url"].removeprefix("http://127.0.0.1:5000"))
    html = page.get_data(as_text=True)
    for theme in ("Citizen participation", "Investment", "Collaboration"):
        assert theme in html


def test_db_upgrade_runs_on_a_fresh_database(
    instance: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(["db", "upgrade"], capsys)
    assert code == 0 and "up to date" in out
    assert (instance / "worldcafe.db").exists()
    assert (instance / "secret_key").exists()


def test_create_organiser_reads_the_password_from_the_environment(
    instance: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORLDCAFE_ORGANISER_PASSWORD", "correct horse battery")
    code, out, _ = _run(["create-organiser", "ada@example.org"], capsys)
    assert code == 0 and "ada@example.org" in out
    code, _, err = _run(["create-organiser", "ada@example.org"], capsys)
    assert code == 2 and "exists already" in err
    monkeypatch.setenv("WORLDCAFE_ORGANISER_PASSWORD", "short")
    code, _, err = _run(["create-organiser", "bob@example.org"], capsys)
    assert code == 2 and "at least" in err


def test_the_console_script_is_installed_and_reports_errors_without_traceback(
    instance: Path,
) -> None:
    exe = Path(sys.executable).with_name("worldcafe")
    result = subprocess.run(
        [str(exe), "create-cafe", "/no/such.json"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("worldcafe:")


def test_secret_key_persists_across_restarts(instance: Path) -> None:
    first = create_app({"TESTING": True, "SOCKETIO_ASYNC_MODE": "threading"})
    second = create_app({"TESTING": True, "SOCKETIO_ASYNC_MODE": "threading"})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32


def test_export_writes_every_format_with_every_note(
    instance: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.factories import make_cafe, run_round_with_notes

    app = create_app(
        {
            "TESTING": True,
            "SOCKETIO_ASYNC_MODE": "threading",
            "WTF_CSRF_ENABLED": False,
            "PLAN_SECONDS": 0.3,
        }
    )
    cafe = make_cafe(app)
    texts = ["Open data first", "Größere Radwege in Łódź", "Πράσινη πόλη"]
    run_round_with_notes(app, app.test_client(), cafe, texts, people=3)
    code, out, _ = _run(["export", str(cafe["cafe_id"]), "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert sorted(n["text"] for n in data["cafe"]["notes"]) == sorted(texts)
    assert all(n["round"] == 1 and n["table"] in (1, 2) for n in data["cafe"]["notes"])
    for fmt in ("md", "csv", "docx", "pdf"):
        target = tmp_path / f"harvest.{fmt}"
        code, _, _ = _run(
            ["export", str(cafe["cafe_id"]), "--format", fmt, "-o", str(target)], capsys
        )
        assert code == 0 and target.stat().st_size > 0
    code, _, err = _run(["export", str(cafe["cafe_id"]), "--format", "xls"], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_synthesize_refuses_a_table_under_two_themes_and_reads_semicolon_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    two = tmp_path / "two.csv"
    two.write_text("note_id,table,theme,text\nn1,t1,A,Plant trees\nn2,t1,B,More benches\n")
    code, out, err = _run(["synthesize", str(two)], capsys)
    assert code == 2 and not out
    assert len(err.strip().splitlines()) == 1 and "two themes" in err
    semicolons = tmp_path / "semicolons.csv"
    semicolons.write_text(
        "note_id;table;theme;text\nn1;t1;A;Mehr Bäume pflanzen, bitte\nn2;t1;A;Mehr Bänke\n",
        encoding="utf-8",
    )
    output = tmp_path / "out.json"
    code, _, err = _run(["synthesize", str(semicolons), "-o", str(output)], capsys)
    assert code == 0, err
    data = json.loads(output.read_text("utf-8"))
    assert {n["text"] for n in data["notes"]} == {"Mehr Bäume pflanzen, bitte", "Mehr Bänke"}
    assert any((tmp_path / "cache").rglob("*.f16"))
