"""The generic figures CSV: both dialects, and every kind of bad input named by line and field."""

import datetime as dt

import pytest

from openveiligheid.core.errors import InputError
from openveiligheid.core.periods import Period
from openveiligheid.imports.parsers.figures import read_figures
from tests.conftest import write

TODAY = dt.date(2026, 11, 23)


def problems_of(path) -> list[str]:
    with pytest.raises(InputError) as exc:
        read_figures(path, today=TODAY)
    return [str(p) for p in exc.value.problems]


def test_comma_separated_with_decimal_point(tmp_path):
    path = write(
        tmp_path,
        "halt.csv",
        "measure,area,period,value,source,status\n"
        "halt:verwijzingen,GM0014,2022,123,Halt Noord,definitief\n"
        "inwoners,BU00140000,2022-03,4440.5,,voorlopig\n",
    )
    figures = read_figures(path, today=TODAY)
    assert figures.format == "cijfers"
    assert figures.dataset == "cijfers"
    first, second = figures.rows
    assert (first.measure, first.area, first.period, first.value) == (
        "halt:verwijzingen",
        "GM0014",
        Period(2022),
        123.0,
    )
    assert first.source == "Halt Noord"
    assert (second.period, second.value, second.status) == (Period(2022, 3), 4440.5, "voorlopig")


def test_dutch_excel_dialect_semicolon_and_decimal_comma(tmp_path):
    path = write(
        tmp_path,
        "excel.csv",
        "measure;area;period;value\nmisdrijven_per_1000:0.0.0;GM0014;2023;61,5\ninwoners;NL00;2023;17.811.291\n",
        encoding="cp1252",
    )
    rows = read_figures(path, today=TODAY).rows
    assert rows[0].value == 61.5
    assert rows[1].area == "NL01"  # NL00 and NL01 are the same area
    assert rows[1].value == 17811291.0


def test_wrong_delimiter_names_the_line(tmp_path):
    path = write(tmp_path, "mix.csv", "measure;area;period;value\nx,GM0014,2022,1\n")
    assert problems_of(path) == [
        "mix.csv, regel 2: 1 kolommen gevonden, de kop heeft er 4 (scheidingsteken ';')"
    ]


def test_unknown_layout_is_refused_with_the_columns_found(tmp_path):
    path = write(tmp_path, "x.csv", "wat\tarea\tperiode\n1\t2\t3\n")
    (problem,) = problems_of(path)
    assert problem.startswith("x.csv, regel 1: onbekend formaat")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("halt,GM0014,2022,twaalf", "halt.csv, regel 2, veld 'value': 'twaalf' is geen getal"),
        ("halt,GM0014,2022,", "halt.csv, regel 2, veld 'value': de waarde ontbreekt"),
        ("halt,GM14,2022,1", "halt.csv, regel 2, veld 'area': 'GM14' is geen CBS-gebiedscode"),
        (
            "halt,GM0014,2031,1",
            "halt.csv, regel 2, veld 'period': periode 2031 ligt in de toekomst",
        ),
        (
            "halt,GM0014,2026-12,1",
            "halt.csv, regel 2, veld 'period': periode 2026-12 ligt in de toekomst",
        ),
        ("halt,GM0014,22,1", "halt.csv, regel 2, veld 'period': '22' is geen periode"),
        (
            "Halt Verwijzingen,GM0014,2022,1",
            "halt.csv, regel 2, veld 'measure': 'Halt Verwijzingen' is geen geldige maatnaam",
        ),
    ],
    ids=[
        "text-in-number",
        "empty-value",
        "bad-area",
        "future-year",
        "future-month",
        "bad-period",
        "bad-measure",
    ],
)
def test_bad_rows_name_file_line_and_field(tmp_path, line, expected):
    path = write(tmp_path, "halt.csv", "measure,area,period,value\n" + line + "\n")
    (problem,) = problems_of(path)
    assert problem.startswith(expected)


def test_duplicate_rows_name_both_lines(tmp_path):
    path = write(
        tmp_path, "d.csv", "measure,area,period,value\nhalt,GM0014,2022,1\nhalt,GM0014,2022,2\n"
    )
    (problem,) = problems_of(path)
    assert problem == "d.csv, regel 3: dubbele regel: halt voor GM0014 in 2022 staat ook op regel 2"


def test_all_problems_are_reported_at_once(tmp_path):
    path = write(
        tmp_path, "e.csv", "measure,area,period,value\nhalt,GM0014,2022,x\nhalt,GM15,2099,1\n"
    )
    assert len(problems_of(path)) == 3


def test_unknown_column_is_refused(tmp_path):
    path = write(tmp_path, "k.csv", "measure,area,period,value,opmerking\nhalt,GM0014,2022,1,x\n")
    (problem,) = problems_of(path)
    assert "onbekende kolom(men): opmerking" in problem


def test_status_must_be_known(tmp_path):
    path = write(
        tmp_path, "s.csv", "measure,area,period,value,status\nhalt,GM0014,2022,1,concept\n"
    )
    (problem,) = problems_of(path)
    assert "veld 'status'" in problem
