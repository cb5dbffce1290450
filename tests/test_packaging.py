"""``pip install .`` alone gives a working command: the wheel carries what the app serves, and a
fresh virtual environment with only that wheel (and the dependencies it declares) evaluates a
plan. Builds and installs for real (about a minute, mostly the scientific dependencies, from the
pip cache where there is one); marked ``packaging`` so it runs once, on SQLite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"

pytestmark = pytest.mark.packaging


def _run(*command: str | Path, cwd: Path | None = None, env: dict | None = None):
    done = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", out, ROOT)
    (built,) = out.glob("openveiligheid-*.whl")
    return built


def test_the_wheel_holds_templates_static_files_and_demo_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "openveiligheid/dashboard/templates/dashboard/base.html" in names
    assert "openveiligheid/dashboard/static/dashboard/openveiligheid.css" in names
    assert "openveiligheid/demo/data/voorbeeldplan.yaml" in names
    assert "openveiligheid/demo/data/SOURCE.md" in names
    assert any(n.startswith("openveiligheid/insight/templates/insight/") for n in names)
    assert any(n.endswith("/migrations/0001_initial.py") for n in names)
    vendored = ROOT / "src/openveiligheid/dashboard/static/vendor"
    if vendored.exists():  # copied from npm by scripts/setup.sh before the build
        assert "openveiligheid/dashboard/static/vendor/utrecht/component-library.css" in names


def test_a_fresh_environment_with_only_the_wheel_evaluates_a_plan(wheel, tmp_path) -> None:
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    _run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel)
    command = target / "bin" / "openveiligheid"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OV_", "DJANGO_"))}
    env.pop("PYTHONPATH", None)
    version = _run(command, "--version", cwd=tmp_path, env=env).stdout
    assert version.startswith("openveiligheid ") and "onbekend" not in version
    located = _run(
        python,
        "-c",
        "import openveiligheid, pathlib; print(pathlib.Path(openveiligheid.__file__).parent)",
        cwd=tmp_path,
        env=env,
    ).stdout.strip()
    assert Path(located).is_relative_to(target)  # the installed copy, not the work tree
    plan = Path(located) / "demo" / "data" / "voorbeeldplan.yaml"
    figures = DATA / "cbs_83651NED_groningen.csv"
    done = _run(
        command, "evaluate", "--plan", plan, "--figures", figures, "--year", "2021",
        "--format", "json", cwd=tmp_path, env=env,
    )  # fmt: skip
    rows = json.loads(done.stdout)
    assert len(rows) == 14  # the voorbeeldplan's indicators
    assert {row["verdict"] for row in rows} <= {
        "gehaald",
        "niet gehaald",
        "geen doel",
        "geen gegevens",
    }
    assert not (tmp_path / "var").exists()  # evaluate needs no database...
    assert not (Path(located).parents[1] / "var").exists()  # ...and makes no data folder
