"""CBS open-data (typed data set) files, on slices of real tables."""

import datetime as dt

import pytest

from openveiligheid.core.errors import InputError
from openveiligheid.core.periods import Period
from openveiligheid.imports.parsers.figures import read_figures
from tests.conftest import write

TODAY = dt.date(2026, 11, 23)


def test_47018NED_registered_crime_per_buurt(data_dir):
    figures = read_figures(data_dir / "politie_47018NED_groningen_2023.csv", today=TODAY)
    assert figures.format == "cbs"
    assert figures.dataset == "politie-47018NED"
    assert figures.area_field == "WijkenEnBuurten"
    first = figures.rows[0]
    assert (first.measure, first.area, first.period, first.value) == (
        "misdrijven:0.0.0",
        "BU00140000",
        Period(2023),
        1428.0,
    )
    assert len(figures.rows) == 19


def test_83651NED_thefts_with_missing_values_and_totals(data_dir):
    figures = read_figures(data_dir / "cbs_83651NED_groningen.csv", today=TODAY)
    assert figures.dataset == "cbs-83651NED"
    by_key = {(r.measure, str(r.period)): r.value for r in figures.rows}
    # T001540 (all uses of violence) is the total and is left out of the measure name
    assert by_key[("diefstallen:CRI1122", "2021")] == 1825.0
    assert by_key[("diefstallen_per_1000:CRI1122", "2018")] == 9.7
    assert by_key[("diefstallen:CRI1122:A048105", "2021")] == 5.0  # with violence
    assert not any("T001540" in measure for measure, _ in by_key)
    assert figures.missing_values > 0  # "       ." is missing, not an error


def test_monthly_47022NED_is_recognised(tmp_path):
    path = write(
        tmp_path,
        "maand.csv",
        '"ID";"SoortMisdrijf";"WijkenEnBuurten";"Perioden";"GeregistreerdeMisdrijven_1"\n'
        '0;"1.1.1   ";"GM0014    ";"2023MM06";41\n'
        '1;"1.1.1   ";"NL00      ";"2023MM06";1872\n',
    )
    figures = read_figures(path, today=TODAY)
    assert figures.dataset == "politie-47022NED"
    assert [(r.measure, r.area, r.period) for r in figures.rows] == [
        ("misdrijven:1.1.1", "GM0014", Period(2023, 6)),
        ("misdrijven:1.1.1", "NL01", Period(2023, 6)),
    ]


def test_85984NED_population(tmp_path):
    path = write(
        tmp_path,
        "kern.csv",
        '"ID";"WijkenEnBuurten";"Gemeentenaam_1";"SoortRegio_2";"Codering_3";"AantalInwoners_5"\n'
        '0;"GM0014    ";"Groningen";"Gemeente";"GM0014";243790\n',
    )
    with pytest.raises(InputError, match="geen kolom Perioden"):
        read_figures(path, today=TODAY)
    figures = read_figures(path, today=TODAY, period=Period(2024))
    assert figures.dataset == "cbs-85984NED"
    assert [(r.measure, r.value) for r in figures.rows] == [("inwoners", 243790.0)]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            '0;"0.0.0   ";"GM0014    ";"2023JJ00";veel',
            "veld 'GeregistreerdeMisdrijven_1': 'veel' is geen getal",
        ),
        (
            '0;"0.0.0   ";"XX0014    ";"2023JJ00";5',
            "veld 'WijkenEnBuurten': 'XX0014' is geen CBS-gebiedscode",
        ),
        (
            '0;"0.0.0   ";"GM0014    ";"2030JJ00";5',
            "veld 'Perioden': periode 2030 ligt in de toekomst",
        ),
    ],
)
def test_bad_cbs_rows_name_line_and_column(tmp_path, row, expected):
    path = write(
        tmp_path,
        "p.csv",
        '"ID";"SoortMisdrijf";"WijkenEnBuurten";"Perioden";"GeregistreerdeMisdrijven_1"\n'
        + row
        + "\n",
    )
    with pytest.raises(InputError) as exc:
        read_figures(path, today=TODAY)
    assert str(exc.value.problems[0]).startswith("p.csv, regel 2, " + expected)


def test_unknown_topics_only_is_refused(tmp_path):
    path = write(
        tmp_path, "t.csv", '"ID";"RegioS";"Perioden";"Onbekend_1"\n0;"GM0014";"2023JJ00";1\n'
    )
    with pytest.raises(InputError, match="geen bekende cijferkolom"):
        read_figures(path, today=TODAY)


def test_rows_of_other_region_classifications_are_skipped_and_counted(tmp_path):
    path = write(
        tmp_path,
        "83648.csv",
        '"ID";"SoortMisdrijf";"RegioS";"Perioden";"TotaalGeregistreerdeMisdrijven_1"\n'
        '0;"0.0.0   ";"NL01  ";"2023JJ00";802043\n'
        '1;"0.0.0   ";"PV20  ";"2023JJ00";30000\n'
        '2;"0.0.0   ";"CR01  ";"2023JJ00";10000\n'
        '3;"0.0.0   ";"GM0014";"2023JJ00";14990\n',
    )
    figures = read_figures(path, today=TODAY)
    assert figures.dataset == "cbs-83648NED"
    assert [r.area for r in figures.rows] == ["NL01", "GM0014"]
    assert figures.other_regions == 2
