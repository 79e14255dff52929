"""Every command with the hostile crowd's inputs: one line on stderr, exit 2, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from worldcafe.cli import main

DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "9" * 401


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "instance"
    monkeypatch.setenv("WORLDCAFE_INSTANCE_PATH", str(folder))
    monkeypatch.delenv("WORLDCAFE_DATABASE_URL", raising=False)
    return folder


def _files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "deep": '{"title": ' + DEEP + "}",
        "deep_list": DEEP,
        "huge_cafe": json.dumps({"title": "x", "themes": [{"name": "a"}]}).replace(
            '"x"', '"x", "rounds": ' + HUGE + ', "table_capacity": ' + HUGE
        ),
        "huge_instance": '{"participants": ["a", "b"], "tables": [{"id": "t", "capacity": '
        + HUGE
        + '}], "n_rounds": '
        + HUGE
        + "}",
        "invisible_cafe": json.dumps(
            {"title": "\u200b\u200d", "themes": [{"name": "a", "questions": ["q"]}]}
        ),
    }
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / f"{name}.json"
        paths[name].write_text(text)
    return paths


def test_every_command_refuses_hostile_input_in_one_line(
    instance: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _files(tmp_path)
    commands = [
        ["create-cafe", str(files["deep"])],
        ["create-cafe", str(files["huge_cafe"])],
        ["create-cafe", str(files["invisible_cafe"])],
        ["plan", str(files["deep_list"])],
        ["plan", str(files["huge_instance"])],
        ["plan", str(files["huge_instance"]), "--time-limit", "1e400"],
        ["plan", str(files["huge_instance"]), "--time-limit", "nan"],
        ["synthesize", str(files["deep_list"])],
        ["export", "9" * 20],
        ["export", HUGE],
        ["loadtest", "--url", "http://127.0.0.1:9", "--participants", HUGE],
        ["loadtest", "--url", "http://127.0.0.1:9", "--participants", "5", "--duration", "1e400"],
    ]
    for args in commands:
        code = main(args)
        _out, err = capsys.readouterr()
        assert code == 2, (args[:2], err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, (args[:2], err)
