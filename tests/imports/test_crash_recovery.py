"""What a crash leaves behind is repaired: an import left "running" by a process that is gone
is marked failed (nothing of it was stored), and analyses missing after an import are made
when the same file is imported again, or when the server starts."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from django.db import connection

from openveiligheid.areas.services import import_area_list
from openveiligheid.core.signals import server_starting
from openveiligheid.figures.services import import_figures
from openveiligheid.imports.models import ImportRun
from openveiligheid.imports.services import close_abandoned_runs
from openveiligheid.insight.models import AnalysisRun
from openveiligheid.insight.services import stale_divisions

DATA = Path(__file__).parents[1] / "data"
AREAS = DATA / "gebieden_47018NED_groningen.csv"


def _buurten() -> list[str]:
    return [
        line.split(",")[0].strip('" ')
        for line in AREAS.read_text().splitlines()
        if line.startswith('"BU00')
    ]


def _monthly_file(path: Path, measures: int = 1) -> Path:
    lines = ["measure,area,period,value"]
    for number in range(measures):
        for year in range(2010, 2024):
            for month in range(1, 13):
                lines += [
                    f"proef_{number},{code},{year}-{month:02d},{(month * 7 + year) % 11}"
                    for code in _buurten()
                ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _dead_pid() -> int:
    finished = subprocess.Popen(["true"])
    finished.wait()
    return finished.pid


@pytest.mark.django_db
def test_runs_of_dead_processes_on_this_machine_are_closed_as_failed() -> None:
    host = socket.gethostname()
    dead = ImportRun.objects.create(
        kind="figures",
        file_name="a.csv",
        sha256="a",
        status=ImportRun.RUNNING,
        host=host,
        pid=_dead_pid(),
    )
    alive = ImportRun.objects.create(
        kind="figures",
        file_name="b.csv",
        sha256="b",
        status=ImportRun.RUNNING,
        host=host,
        pid=os.getpid(),
    )
    other = ImportRun.objects.create(
        kind="figures",
        file_name="c.csv",
        sha256="c",
        status=ImportRun.RUNNING,
        host="elders",
        pid=1,
    )
    assert [run.pk for run in close_abandoned_runs()] == [dead.pk]
    dead.refresh_from_db()
    assert dead.status == ImportRun.FAILED
    assert dead.message.startswith(f"Afgebroken: het importproces (proces {dead.pid} op {host})")
    assert dead.finished_at is not None
    for run in (alive, other):
        run.refresh_from_db()
        assert run.status == ImportRun.RUNNING


@pytest.mark.django_db
def test_analyses_missing_after_an_import_are_made_on_the_next_try(tmp_path, settings) -> None:
    import_area_list(AREAS, division=2024)
    path = _monthly_file(tmp_path / "maanden.csv")
    settings.ANALYSE_AFTER_IMPORT = False  # as if the process died right after the commit
    assert import_figures(path, division=2024).status == ImportRun.SUCCEEDED
    assert stale_divisions() == [2024]
    settings.ANALYSE_AFTER_IMPORT = True
    again = import_figures(path, division=2024)
    assert again.status == ImportRun.SKIPPED  # nothing changes in the figures...
    assert AnalysisRun.objects.filter(division=2024, kind=AnalysisRun.SIGNALS).exists()  # ...but
    assert stale_divisions() == []


@pytest.mark.django_db
def test_the_server_start_makes_missing_analyses(tmp_path, settings) -> None:
    import_area_list(AREAS, division=2024)
    settings.ANALYSE_AFTER_IMPORT = False
    import_figures(_monthly_file(tmp_path / "maanden.csv"), division=2024)
    assert stale_divisions() == [2024]
    server_starting.send(sender=None)
    assert stale_divisions() == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a real process on the embedded SQLite")
def test_an_import_killed_midway_stores_nothing_and_is_closed_at_the_next_import(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OV_", "DJANGO_"))}
    env.update(OV_DATA_DIR=str(tmp_path / "var"), OV_DEMO="true", OV_ANALYSE_NA_IMPORT="false")
    cli = [sys.executable, "-m", "openveiligheid.cli"]

    def run(*args: str) -> str:
        done = subprocess.run([*cli, *args], env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    run("migrate", "-v0")
    run("import_areas", str(AREAS), "--indeling", "2024")
    big = _monthly_file(tmp_path / "groot.csv", measures=150)  # several seconds of work
    count = (
        "from openveiligheid.imports.models import ImportRun as R; from openveiligheid.figures."
        "models import Figure as F; print(R.objects.filter(status='running').count(), "
        "F.objects.count())"
    )
    importer = subprocess.Popen([*cli, "import_figures", str(big), "--indeling", "2024"], env=env)
    deadline = time.monotonic() + 60
    while run("shell", "-c", count).split()[-2] != "1":  # the run is recorded: now in its work
        assert importer.poll() is None and time.monotonic() < deadline, "import ended too soon"
    time.sleep(0.5)
    importer.send_signal(signal.SIGKILL)
    importer.wait()
    assert run("shell", "-c", count).split()[-2:] == ["1", "0"]  # left running, nothing stored
    small = _monthly_file(tmp_path / "klein.csv")
    assert "Ingelezen" in run("import_figures", str(small), "--indeling", "2024")
    closed = (
        "from openveiligheid.imports.models import ImportRun as R; "
        "print(R.objects.get(file_name='groot.csv').message)"
    )
    assert "Afgebroken: het importproces" in run("shell", "-c", closed)
