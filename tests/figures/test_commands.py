"""``import_figures`` (and ``import_incidents``) on the command line: how far the reading is on
stderr (plain lines when stderr is not a terminal, a bar when it is; nothing with ``--stil`` or
``--verbosity 0``), and a file of many bad lines reported with the first problems and how many
more there are."""

from __future__ import annotations

import io
import os
import pty
import re

import pytest

from django.core.management import CommandError, call_command

from openveiligheid.areas.models import Area
from openveiligheid.areas.services import import_area_list, import_boundaries
from openveiligheid.core import progress
from openveiligheid.figures import staging
from openveiligheid.imports.models import ImportRun
from tests.conftest import write

pytestmark = pytest.mark.django_db

MEASURES = 120


@pytest.fixture
def big_file(data_dir, tmp_path, monkeypatch):
    """About 40,000 rows (1.2 MB: two pieces of the reader, also of the columnar one, whose
    pieces are 8 MiB otherwise), every buurt of the file's list."""
    monkeypatch.setattr(staging, "PIECE", 1 << 20)
    import_area_list(data_dir / "gebieden_47018NED_groningen.csv", division=2024)
    buurten = list(Area.objects.filter(division=2024, level="buurt").values_list("code", flat=True))
    lines = [
        f"proef:m{m},{code},2023-{month:02d},{(m + month) % 7}"
        for m in range(MEASURES)
        for code in buurten
        for month in range(1, 13)
    ]
    path = write(tmp_path, "groot.csv", "measure,area,period,value\n" + "\n".join(lines) + "\n")
    assert path.stat().st_size > 1 << 20
    return path, len(lines)


def run_command(*args: str, stderr=None) -> tuple[str, str]:
    out, err = io.StringIO(), stderr or io.StringIO()
    call_command("import_figures", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue() if stderr is None else ""


def dutch(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def test_not_on_a_terminal_the_reading_ends_with_the_count_of_lines(big_file):
    path, rows = big_file
    out, err = run_command(str(path))
    run = ImportRun.objects.get(kind="figures")
    assert run.status == ImportRun.SUCCEEDED and run.read == rows
    lines = err.splitlines()
    assert len(lines) == 1  # read within the first 10 s: only the last line
    assert lines[-1].startswith(f"groot.csv: {dutch(rows + 1)} regels gelezen in ")
    assert lines[-1].endswith("regels/s); bezig met opslaan …")
    assert "\r" not in err  # no bar in a log
    assert out == f"groot.csv: {run.message}\n"


def test_not_on_a_terminal_a_plain_line_comes_every_interval(big_file, monkeypatch):
    monkeypatch.setattr(progress, "LINE_INTERVAL", 0.0)  # a line at every piece of 1 MiB
    path, rows = big_file
    _, err = run_command(str(path))
    first, last = err.splitlines()
    assert re.fullmatch(r"groot\.csv: … [\d.]+ regels gelezen \(\d+ %\), [\d.]+ regels/s", first)
    assert last.startswith(f"groot.csv: {dutch(rows + 1)} regels gelezen in ")


@pytest.mark.parametrize("quiet", [["--stil"], ["--verbosity", "0"]])
def test_quiet_shows_no_progress(big_file, quiet):
    path, _ = big_file
    out, err = run_command(str(path), *quiet)
    assert err == "" and ImportRun.objects.get(kind="figures").status == ImportRun.SUCCEEDED


def test_on_a_terminal_a_bar_is_drawn(big_file):
    path, rows = big_file
    leader, follower = pty.openpty()
    terminal = os.fdopen(follower, "w", encoding="utf-8")
    try:
        run_command(str(path), stderr=terminal)
        terminal.flush()
        shown = _read_all(leader)
    finally:
        terminal.close()
        os.close(leader)
    bar, last, end = shown.split("\r\n")  # the terminal ends lines with CR LF
    assert bar.startswith("\rgroot.csv [#") and " % " in bar  # drawn at the first piece
    assert bar.endswith(" regels/s\x1b[K")
    assert last.startswith(f"groot.csv: {dutch(rows + 1)} regels gelezen in ") and end == ""


def _read_all(fd: int) -> str:
    os.set_blocking(fd, False)
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8")


def test_a_file_of_50000_bad_lines_reports_the_first_and_counts_the_rest(data_dir, tmp_path):
    import_area_list(data_dir / "gebieden_47018NED_groningen.csv", division=2024)
    text = "measure,area,period,value\n" + "halt,GM0014,2022,veel\n" * 50_000
    with pytest.raises(CommandError) as refused:
        run_command(str(write(tmp_path, "slecht.csv", text)), "--stil")
    message = str(refused.value).splitlines()
    assert message[0] == "Niets ingelezen. Fouten:"
    assert message[1] == "slecht.csv, regel 2, veld 'value': 'veel' is geen getal"
    assert message[-1] == "… en nog 49.980 andere fouten."
    run = ImportRun.objects.get(
        kind="figures"
    )  # the import log keeps 1,000 and the count of the rest
    assert run.status == ImportRun.FAILED and len(run.errors) == 1001
    assert run.errors[-1] == {
        "file": "slecht.csv",
        "line": None,
        "field": None,
        "message": "en nog 49.000 problemen",
        "more": 49_000,
    }


def test_import_incidents_shows_the_reading_too(data_dir, tmp_path):
    import_boundaries(data_dir / "buurten_2017_groningen_centrum.geojson", division=2017)
    header = (
        "Incident Identificatie,Incidentsoort code,Incidentsoort,Kennisnamedatum/tijd,"
        "Opgehelderd,lon_wgs84,lat_wgs84\n"
    )
    rows = [
        "1,A72,Diefstal Fiets,2016-01-01T10:00:00,J,6.5665,53.2195",
        "2,A72,Diefstal Fiets,2016-03-31T23:00:00,N,6.5665,53.2195",
    ]
    path = write(tmp_path, "inc.csv", header + "\n".join(rows) + "\n")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_incidents", str(path), "--indeling", "2017", stdout=out, stderr=err)
    assert ImportRun.objects.get(kind="incidents").status == ImportRun.SUCCEEDED
    assert err.getvalue().startswith("inc.csv: 3 regels gelezen in ")
