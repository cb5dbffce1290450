"""After a large import the embedded SQLite database's write-ahead log is truncated
(``core.db.shrink_wal``, run by ``imports.services.execute``), in real processes on a file
database: without it the log keeps the size of the import's transaction while another
connection (the server) has the database open. A reader that still holds an older snapshot
only means the log is left: the import succeeds and does not wait."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from django.db import connection

from tests.imports.files import monthly_buurt_file

DATA = Path(__file__).parents[1] / "data"
MIB = 1024 * 1024

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="about the embedded SQLite default"
)

#: Imports a file in a process of its own with the threshold given (in bytes); prints the
#: run's status, the log's size right after, and whether a second truncation succeeds and how
#: long it took.
IMPORT = """
import json, os, time
from django.db import connection
from openveiligheid.core import db
from openveiligheid.figures.services import import_figures
db.WAL_SHRINK_BYTES = {threshold}
run = import_figures({path!r}, division=2024)
wal = connection.settings_dict["NAME"] + "-wal"
start = time.monotonic()
again = db.shrink_wal()
print(json.dumps({{"status": run.status, "wal": os.path.getsize(wal), "again": again,
                  "seconds": time.monotonic() - start}}))
"""


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[dict, Path]]:
    """A migrated file database with Groningen's areas, its path, and the environment of the
    processes that use it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OV_", "DJANGO_"))}
    env.update(OV_DATA_DIR=str(tmp_path), OV_DEMO="true", OV_ANALYSE_NA_IMPORT="false")
    _cli(env, "migrate", "-v0")
    _cli(env, "import_areas", str(DATA / "gebieden_47018NED_groningen.csv"), "--indeling", "2024")
    yield env, tmp_path / "openveiligheid.sqlite3"


def _cli(env: dict, *args: str) -> str:
    command = [sys.executable, "-m", "openveiligheid.cli", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _import(env: dict, path: Path, threshold: int) -> dict:
    out = _cli(env, "shell", "-c", IMPORT.format(path=str(path), threshold=threshold))
    return json.loads(out.strip().splitlines()[-1])


def _server(database: Path) -> sqlite3.Connection:
    """Another connection with the database open (as the server has): the log then outlives
    the importing process."""
    server = sqlite3.connect(database, isolation_level=None)
    server.execute("SELECT count(*) FROM imports_importrun").fetchone()
    return server


def test_the_log_is_truncated_after_a_large_import(database, tmp_path: Path) -> None:
    env, path = database
    server = _server(path)
    try:
        # the default threshold: this import is "small", its log stays (the control)
        kept = _import(env, monthly_buurt_file(tmp_path / "a.csv", "proef_a", 1901), 64 * MIB)
        assert kept["status"] == "succeeded" and kept["wal"] > MIB
        # above the threshold: truncated by the import itself, and still empty afterwards
        done = _import(env, monthly_buurt_file(tmp_path / "b.csv", "proef_b", 1901), MIB)
        assert done["status"] == "succeeded" and done["wal"] == 0
        assert Path(f"{path}-wal").stat().st_size == 0
        count = server.execute(
            "SELECT count(*) FROM figures_figure f JOIN figures_measure m ON m.id = f.measure_id "
            "WHERE m.name = 'proef_b' AND f.derived = 0"
        ).fetchone()[0]
        assert count == 19 * 12 * 123  # every row is in the database itself
    finally:
        server.close()


def test_a_reader_holding_an_old_snapshot_leaves_the_log_and_the_import_succeeds(
    database, tmp_path: Path
) -> None:
    env, path = database
    reader = _server(path)
    try:
        reader.execute("BEGIN")
        before = reader.execute("SELECT count(*) FROM figures_figure").fetchone()[0]
        done = _import(env, monthly_buurt_file(tmp_path / "a.csv", "proef_a", 1901), MIB)
        assert done["status"] == "succeeded"
        assert done["wal"] > MIB and not done["again"]  # left, not truncated
        assert done["seconds"] < 1  # did not wait for the reader (busy timeout 120 s)
        assert reader.execute("SELECT count(*) FROM figures_figure").fetchone()[0] == before
        reader.execute("COMMIT")
    finally:
        reader.close()
