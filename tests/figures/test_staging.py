"""Staging a cijfers-CSV by columns (figures/staging.py): the same staged rows and the same
knowledge as staging it by rows; any doubt leaves the staging table empty for the row path,
which words the problems."""

import datetime as dt

import numpy as np
import pytest

from django.db import connection, transaction

from openveiligheid.areas.services import import_area_list
from openveiligheid.core.csvfiles import read_csv_text
from openveiligheid.core.errors import InputError
from openveiligheid.figures import bulk, staging
from openveiligheid.figures.models import Figure
from openveiligheid.figures.services import import_figures
from openveiligheid.imports.parsers import cijfers
from tests.conftest import write

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 1, 1)
BUURTEN = [f"BU001400{n:02d}" for n in (0, 1, 2, 3, 4, 5, 7, 8)]


@pytest.fixture
def areas(data_dir):
    import_area_list(data_dir / "gebieden_47018NED_groningen.csv", division=2024)


@pytest.fixture
def small_pieces(monkeypatch):
    """Pieces of about 300 characters: a file of a few dozen lines is read in several."""
    monkeypatch.setattr(staging, "PIECE", 300)


def staged_by(how: str, text: str) -> tuple[staging.Staged | None, list[tuple]]:
    """Stage ``text`` by ``columns`` or ``rows``: what staging learned and the staged rows."""
    csv_text = read_csv_text("a.csv", text.encode("utf-8"), comments=True)
    with transaction.atomic():
        stage = bulk.Stage()
        if how == "columns":
            staged = staging.stage_columns(csv_text, 2024, stage, TODAY)
        else:
            staged = staging.stage_rows(cijfers.stream(csv_text, today=TODAY).rows, 2024, stage)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT measure_id, area_id, period, year, month, value, status, source "
                f"FROM {bulk.STAGE} ORDER BY measure_id, area_id, period"
            )
            rows = cursor.fetchall()
        stage.drop()
    return staged, rows


def lines(rows: list[str], header: str = "measure,area,period,value,status,source") -> str:
    return header + "\n" + "\n".join(rows) + "\n"


def clean_rows(separator: str = ",", decimal: str = ".", status_source: bool = True) -> list[str]:
    rows = []
    for n, code in enumerate(BUURTEN):
        for month in range(1, 13):
            status = "voorlopig" if (n + month) % 5 == 0 else ""
            value = f"{n + month}{decimal}5" if month == 3 else str(n * month)
            source = '"  politie; open data, ""kwartaal""  "' if n % 2 else ""
            cells = ["misdrijven:1.1.1", code, f"2023-{month:02d}", value, status, source]
            rows.append(separator.join(cells[: 6 if status_source else 4]))
        cells = ["halt_verwijzingen", code, "2022", str(n), "definitief", ""]
        rows.append(separator.join(cells[: 6 if status_source else 4]))
    return rows


@pytest.mark.parametrize(
    "text",
    [
        lines(clean_rows()),
        "# nullen-weggelaten\n" + lines(clean_rows()),
        lines(clean_rows(";", ","), "measure;area;period;value;status;source"),
        lines(clean_rows(status_source=False), "measure,area,period,value"),
        lines(["", *clean_rows()[:20], "  ", *clean_rows()[20:]]),
    ],
    ids=["comma", "comment", "semicolon", "no-status-source", "blank-lines"],
)
def test_a_clean_file_is_staged_by_columns_as_by_rows(areas, small_pieces, text):
    by_columns, columns_rows = staged_by("columns", text)
    by_rows, rows_rows = staged_by("rows", text)
    assert by_columns is not None
    assert columns_rows == rows_rows and len(rows_rows) == 8 * 13
    assert by_columns.count == by_rows.count == 8 * 13
    for name in ("measure_ids", "periods", "pairs", "years", "areas_seen", "unknown"):
        assert getattr(by_columns, name) == getattr(by_rows, name), name
    assert np.array_equal(
        np.frombuffer(by_columns.keys, dtype=np.int64), np.frombuffer(by_rows.keys, dtype=np.int64)
    )
    statuses = {row[6] for row in columns_rows}
    sources = {row[7] for row in columns_rows}
    assert statuses == ({"voorlopig", "definitief"} if "status" in text else {"definitief"})
    assert sources == ({"", 'politie; open data, "kwartaal"'} if "source" in text else {""})


def doubted(rows: list[str]) -> str:
    return lines(clean_rows() + rows)


@pytest.mark.parametrize(
    "text",
    [
        doubted(["misdrijven:1.1.1,BU00140000,2024-01,twee,,"]),  # no number
        doubted(["misdrijven:1.1.1,BU00140000,2024-01,-1,,"]),  # a negative count
        doubted(["misdrijven:1.1.1,BU00140000,2030-01,1,,"]),  # in the future
        doubted(["misdrijven:1.1.1,BU99990000,2024-01,1,,"]),  # not in the division
        doubted(["misdrijven:1.1.1,BU00140000,2023-01,1,,"]),  # a duplicate, pieces apart
        doubted(['misdrijven:1.1.1,BU00140000,2024-01,1,,"twee\nregels"']),  # a line end
        doubted(["misdrijven:1.1.1,BU00140000,2024-01,1,,,"]),  # one column too many
    ],
    ids=["number", "negative", "future", "unknown-area", "duplicate", "quoted-line-end", "width"],
)
def test_a_file_the_columns_doubt_leaves_the_stage_empty(areas, small_pieces, text):
    staged, rows = staged_by("columns", text)
    assert staged is None and rows == []


def test_the_row_path_words_what_the_columns_doubted(areas, small_pieces, tmp_path):
    """A duplicate in another piece than its first line, and an unknown area code: the import
    reports them as the row parser does, with their lines."""
    rows = clean_rows()
    duplicate = write(tmp_path, "dubbel.csv", lines([*rows, rows[0]]))
    with pytest.raises(InputError) as raised:
        import_figures(duplicate, division=2024, today=TODAY)
    (problem,) = raised.value.problems
    assert (problem.line, problem.message) == (
        len(rows) + 2,
        "dubbele regel: misdrijven:1.1.1 voor BU00140000 in 2023-01 staat ook op regel 2",
    )
    unknown = write(tmp_path, "onbekend.csv", lines([*rows, "halt,BU99990000,2022,1,,"]))
    with pytest.raises(InputError) as raised:
        import_figures(unknown, division=2024, today=TODAY)
    (problem,) = raised.value.problems
    assert (problem.line, problem.field) == (len(rows) + 2, "area")
    assert problem.message == "onbekende gebiedscode 'BU99990000' (niet in indeling 2024)"
    assert not Figure.objects.exists()


def test_an_import_by_columns_stores_what_one_by_rows_stores(areas, tmp_path, monkeypatch):
    path = write(tmp_path, "a.csv", lines(clean_rows()))
    run = import_figures(path, division=2024, today=TODAY)
    by_columns = set(Figure.objects.values_list("measure__name", "area__code", "period", "value",
                                                "status", "derived", "source"))  # fmt: skip
    Figure.objects.all().delete()
    monkeypatch.setattr(staging, "stage_columns", lambda *args: None)  # the row path only
    again = import_figures(path, division=2024, today=TODAY, dataset="opnieuw")
    by_rows = set(Figure.objects.values_list("measure__name", "area__code", "period", "value",
                                             "status", "derived", "source"))  # fmt: skip
    assert by_columns == by_rows and len(by_rows) == run.read + run.derived
    assert (run.read, run.created, run.derived) == (again.read, again.created, again.derived)
