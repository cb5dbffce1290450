"""The embedded SQLite database under concurrent use, in real processes: two imports at the
same time both succeed (the second waits its turn), and a reader meanwhile never fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from django.db import connection

from tests.imports.files import monthly_buurt_file

DATA = Path(__file__).parents[1] / "data"

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="about the embedded SQLite default"
)

READER = """
import time
from openveiligheid.figures.models import Figure
from openveiligheid.imports.models import ImportRun
end = time.monotonic() + 6
reads = 0
while time.monotonic() < end:
    Figure.objects.count()
    list(ImportRun.objects.values_list("status", flat=True))
    reads += 1
print("reads", reads)
"""


def test_two_imports_at_once_both_succeed_and_reads_go_on(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OV_", "DJANGO_"))}
    env.update(OV_DATA_DIR=str(tmp_path / "var"), OV_DEMO="true", OV_ANALYSE_NA_IMPORT="false")
    cli = [sys.executable, "-m", "openveiligheid.cli"]

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*cli, *args], env=env, capture_output=True, text=True, check=False)

    assert run("migrate", "-v0").returncode == 0
    areas = run("import_areas", str(DATA / "gebieden_47018NED_groningen.csv"), "--indeling", "2024")
    assert areas.returncode == 0, areas.stderr
    files = [monthly_buurt_file(tmp_path / f"{m}.csv", m) for m in ("proef_a", "proef_b")]
    started = [
        subprocess.Popen(
            [*cli, "import_figures", str(path), "--indeling", "2024"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    reader = subprocess.Popen(
        [*cli, "shell", "-c", READER],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    results = [process.communicate(timeout=300) for process in started]
    read_out, read_err = reader.communicate(timeout=300)
    for process, (out, err) in zip(started, results, strict=True):
        assert process.returncode == 0, err
        assert "Ingelezen als cijfers" in out
    assert reader.returncode == 0, read_err
    assert int(read_out.strip().splitlines()[-1].split()[-1]) > 10
    check = run(
        "shell",
        "-c",
        "from openveiligheid.figures.models import Figure; "
        "print(sorted(set(Figure.objects.filter(derived=False).values_list('measure__name', flat=True))))",
    )
    assert check.stdout.strip().splitlines()[-1] == "['proef_a', 'proef_b']", check.stderr
    overlap = run(
        "shell",
        "-c",
        "from openveiligheid.imports.models import ImportRun; "
        "a, b = ImportRun.objects.filter(kind='figures').order_by('started_at'); "
        "print(b.started_at < a.finished_at)",
    )
    assert overlap.stdout.strip().splitlines()[-1] == "True", "the imports did not overlap"
