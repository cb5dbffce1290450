"""A large figures import in real processes on a file-based SQLite database: killed at any
moment it leaves the figures as they were, and its memory does not grow with the file.

Not timing tests: the benchmark with figures is ``bench/bench_scale.py``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from django.db import connection

DATA = Path(__file__).parents[1] / "data"
AREAS = DATA / "gebieden_47018NED_groningen.csv"

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="real processes on the embedded SQLite database"
)

SNAPSHOT = """
import hashlib
from openveiligheid.figures.models import Figure
rows = Figure.objects.order_by("measure__name", "area__code", "period").values_list(
    "measure__name", "area__code", "period", "value", "status", "derived")
print("snapshot", len(rows), hashlib.sha256(repr(list(rows)).encode()).hexdigest())
"""

#: Imports one file in this process after setting up a fresh database; prints nothing else.
ONE_IMPORT = """
import sys
from django.core.management import call_command
from openveiligheid.areas.services import import_area_list
from openveiligheid.figures.services import import_figures
call_command("migrate", verbosity=0)
import_area_list(sys.argv[1], division=2024)
run = import_figures(sys.argv[2], division=2024)
print("read", run.read)
"""


def _buurten() -> list[str]:
    return [
        line.split(",")[0].strip('" ')
        for line in AREAS.read_text().splitlines()
        if line.startswith('"BU')
    ]


def _file(path: Path, rows: int, first_year: int = 2010) -> Path:
    """``rows`` monthly figures of measures proef_0, proef_1, … for every buurt."""
    buurten = _buurten()
    lines = ["measure,area,period,value"]
    number = 0
    while len(lines) <= rows:
        for year in range(first_year, 2024):
            for month in range(1, 13):
                lines += [
                    f"proef_{number},{code},{year}-{month:02d},{(month * 7 + year) % 11}"
                    for code in buurten
                ]
        number += 1
    path.write_text("\n".join(lines[: rows + 1]) + "\n", encoding="utf-8")
    return path


def _env(tmp_path: Path, name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OV_", "DJANGO_"))}
    env.update(OV_DATA_DIR=str(tmp_path / name), OV_DEMO="true", OV_ANALYSE_NA_IMPORT="false")
    (tmp_path / name).mkdir(exist_ok=True)
    return env


CLI = [sys.executable, "-m", "openveiligheid.cli"]


def test_an_import_killed_at_any_moment_leaves_the_figures_as_they_were(tmp_path) -> None:
    env = _env(tmp_path, "var")

    def run(*args: str) -> str:
        done = subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    run("migrate", "-v0")
    run("import_areas", str(AREAS), "--indeling", "2024")
    assert "Ingelezen" in run("import_figures", str(_file(tmp_path / "eerst.csv", 6_000)))
    before = run("shell", "-c", SNAPSHOT).split()[-3:]
    assert before[0] == "snapshot" and int(before[1]) > 6_000  # with derived sums
    # The same measures again and many more: a part of it stored would change the snapshot.
    big = _file(tmp_path / "groot.csv", 400_000, first_year=1990)
    for delay in (0.5, 1.0, 2.0, 4.0):
        importer = subprocess.Popen(
            [*CLI, "import_figures", str(big)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        assert importer.poll() is None, f"the import ended within {delay} s: use a larger file"
        importer.send_signal(signal.SIGKILL)
        importer.wait()
        assert run("shell", "-c", SNAPSHOT).split()[-3:] == before, f"killed after {delay} s"


def test_memory_does_not_grow_with_the_file(tmp_path) -> None:
    small = _peak(tmp_path, 10_000)
    large = _peak(tmp_path, 100_000)
    # Ten times the rows; the old import kept ~1.5 KB per row (+130 MiB here).
    assert large - small < 40, f"peak {small:.0f} MiB at 10k rows, {large:.0f} MiB at 100k"


def _peak(tmp_path: Path, rows: int) -> float:
    path = _file(tmp_path / f"f{rows}.csv", rows)
    env = _env(tmp_path, f"var{rows}")
    env["DJANGO_SETTINGS_MODULE"] = "openveiligheid.settings"
    code = "import django; django.setup()\n" + ONE_IMPORT
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(AREAS), str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.returncode == 0 and f"read {rows}" in out, out[-2000:]
    return usage.ru_maxrss / 1024
