"""The column-wise reader (``imports.columnar``) against the row parser and ``derive()``.

Every comparison is against the code it replaces in the stateless commands: ``read_figures``
for the rows and the error report, ``figures.aggregation.derive`` for the derived sums.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from openveiligheid.core.errors import InputError
from openveiligheid.figures.aggregation import Observation, children_from_codes, derive
from openveiligheid.imports import columnar
from openveiligheid.imports.parsers.figures import read_figures
from tests.conftest import write

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "src" / "openveiligheid" / "demo" / "data"
FIGURE_FILES = [
    *sorted(DEMO.glob("*_20*.csv")),
    *sorted((DEMO / "regio").glob("*.csv")),
    ROOT / "tests" / "data" / "insight_fietsdiefstal_buurt_2016.csv",
    ROOT / "tests" / "data" / "insight_fietsdiefstal_wijk_maand.csv",
    ROOT / "tests" / "data" / "politie_47018NED_groningen_2023.csv",
    ROOT / "tests" / "data" / "cbs_83651NED_groningen.csv",
]
FIGURE_FILES = [p for p in FIGURE_FILES if not p.name.startswith(("gebieden", "fietsdiefstallen"))]
HEADER = "measure,area,period,value,status\n"
# A sparse national-style file: zeros left out, so some buurten lack months; a wijk whose
# buurten have figures of another measure only; decimals and a voorlopig month.
SPARSE = HEADER + "".join(
    [
        *(f"misdrijven:1.1.1,BU00140000,2023-{m:02d},{m},definitief\n" for m in range(1, 13)),
        *(f"misdrijven:1.1.1,BU00140001,2023-{m:02d},2,definitief\n" for m in range(1, 13)),
        *(f"misdrijven:1.1.1,BU00140100,2023-{m:02d},1,definitief\n" for m in range(1, 12)),
        "misdrijven:1.1.2,BU00140101,2023-01,4,definitief\n",
        *(f"overlast:E33,BU00140000,2023-{m:02d},0.1,definitief\n" for m in range(1, 13)),
        *(f"overlast:E33,BU00140001,2023-{m:02d},0.7,voorlopig\n" for m in range(1, 13)),
        *(f"overlast:E33,WK001401,2023-{m:02d},0.3,definitief\n" for m in range(1, 13)),
        "inwoners,BU00140000,2023,1000.5,definitief\n",
        "inwoners,BU00140001,2023,2000.25,definitief\n",
        "inwoners,WK001400,2023,9,definitief\n",
        "misdrijven_per_1000:0.0.0,BU00140000,2023,3.5,definitief\n",
        "misdrijven_per_1000:0.0.0,BU00140001,2023,4.5,definitief\n",
    ]
)


def keyed_rows(rows) -> dict:
    return {(r.measure, r.area, r.period.year, r.period.month): (r.value, r.status) for r in rows}


def keyed_table(table: pl.DataFrame) -> dict:
    return {
        (m, a, y, mo): (v, s) for m, a, y, mo, v, s in table.select(columnar.COLUMNS).iter_rows()
    }


def derived_by_derive(rows) -> dict:
    observed = {(r.measure, r.area, r.period): Observation(r.value, r.status) for r in rows}
    found = derive(observed, children_from_codes(area for _, area, _ in observed))
    return {(m, a, p.year, p.month): (o.value, o.status) for (m, a, p), o in found.items()}


@pytest.mark.parametrize("path", FIGURE_FILES, ids=lambda p: p.name)
def test_same_rows_and_derived_sums_as_the_row_parser_and_derive(path):
    rows = read_figures(path).rows
    table = columnar.read_table(path)
    assert keyed_table(table) == keyed_rows(rows)
    assert keyed_table(columnar.derive_table(table)) == derived_by_derive(rows)


def test_a_sparse_file_derives_exactly_what_derive_derives(tmp_path):
    path = write(tmp_path, "sparse.csv", SPARSE)
    rows = read_figures(path).rows
    table = columnar.read_table(path)
    assert (
        columnar._read_cijfers(
            path.read_text(), ",", ["measure", "area", "period", "value", "status"], None
        )
        is not None
    )  # the fast path, not the fallback
    expected = derived_by_derive(rows)
    got = keyed_table(columnar.derive_table(table))
    assert got == expected
    # What the comparison covers: a year from twelve months, none from eleven, a wijk only
    # when all its buurten (of any measure) have the figure, fractions summed as derive does.
    assert got[("misdrijven:1.1.1", "BU00140000", 2023, None)] == (78.0, "definitief")
    assert ("misdrijven:1.1.1", "BU00140100", 2023, None) not in got
    assert ("misdrijven:1.1.1", "WK001401", 2023, 1) not in got  # BU00140101 has no 1.1.1
    assert ("misdrijven:1.1.1", "WK001400", 2023, 1) in got
    assert got[("overlast:E33", "WK001400", 2023, 1)] == (0.1 + 0.7, "voorlopig")
    assert ("misdrijven_per_1000:0.0.0", "WK001400", 2023, None) not in got  # a rate


def test_several_files_later_wins_and_the_tree_spans_all_files(tmp_path):
    first = write(tmp_path, "a.csv", SPARSE)
    second = write(
        tmp_path,
        "b.csv",
        HEADER + "misdrijven:1.1.1,BU00140000,2023-01,10,voorlopig\n"
        "inwoners,BU00140002,2023,5,definitief\n",
    )
    rows = {}
    for path in (first, second):
        rows.update({(r.measure, r.area, r.period): r for r in read_figures(path).rows})
    table = columnar.read_tables([(first, None), (second, None)])
    assert keyed_table(table) == keyed_rows(rows.values())
    assert keyed_table(columnar.derive_table(table)) == derived_by_derive(rows.values())
    assert ("inwoners", "WK001400", 2023, None) not in keyed_table(columnar.derive_table(table))


def test_only_some_measures_and_areas_give_the_same_sums_for_those(tmp_path):
    path = write(tmp_path, "sparse.csv", SPARSE)
    rows = read_figures(path).rows
    everything = derived_by_derive(rows)
    table = columnar.read_table(path)
    some = columnar.with_derived(table, measures=["misdrijven:1.1.1"], areas=["GM0014"])
    wanted = {k: v for k, v in everything.items() if k[0] == "misdrijven:1.1.1"}
    assert keyed_table(some.filter(pl.col("derived"))) == wanted
    assert set(some["measure"]) == {"misdrijven:1.1.1"}


def test_decimal_comma_thousands_and_cbs_periods_are_read_as_the_row_parser_reads_them(tmp_path):
    path = write(
        tmp_path,
        "excel.csv",
        "Measure;Area;Period;Value\n"
        "inwoners; gm0014 ;2023JJ00;234.000\n"
        "inwoners;NL00;2023;17.811.291,5\n"
        "misdrijven:0.0.0;GM0014;2023MM02;1\u00a0234\n"
        "misdrijven:0.0.0;GM0014;2023-03;-0\n\n",
    )
    assert (
        columnar._read_cijfers(path.read_text(), ";", ["measure", "area", "period", "value"], None)
        is not None
    )
    assert keyed_table(columnar.read_table(path)) == keyed_rows(read_figures(path).rows)


BAD_FILES = {
    "future": HEADER + "inwoners,GM0014,2999,1,definitief\n",
    "duplicate": HEADER + "inwoners,GM0014,2023-01,1,\ninwoners,GM0014,2023MM01,2,\n",
    "bad area": HEADER + "inwoners,GM14,2023,1,definitief\n",
    "bad measure": HEADER + "Inwoners,GM0014,2023,1,definitief\n",
    "negative count": HEADER + "inwoners,GM0014,2023,-1,definitief\n",
    "bad status": HEADER + "inwoners,GM0014,2023,1,zeker\n",
    "short row": HEADER + "inwoners,GM0014,2023,1\n",
    "long row": HEADER + "inwoners,GM0014,2023,1,definitief,x\n",
    "unclosed quote": HEADER + 'inwoners,GM0014,"2023,1,definitief\n',
    "empty value": HEADER + "inwoners,GM0014,2023,,definitief\n",
    "quarter": HEADER + "inwoners,GM0014,2023KW01,1,definitief\n",
    "long field": HEADER + "inwoners,GM0014,2023,1," + "x" * 10_001 + "\n",
    "no rows": HEADER,
    "unknown column": "measure,area,period,value,extra\ninwoners,GM0014,2023,1,x\n",
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_an_invalid_file_gives_the_row_parsers_report(tmp_path, name):
    path = write(tmp_path, "bad.csv", BAD_FILES[name])
    with pytest.raises(InputError) as expected:
        read_figures(path, today=dt.date(2026, 1, 1))
    with pytest.raises(InputError) as got:
        columnar.read_table(path, today=dt.date(2026, 1, 1))
    assert got.value.summary() == expected.value.summary()


def test_rows_the_fast_checks_doubt_but_the_row_parser_accepts_are_taken_from_the_row_parser(
    tmp_path,
):
    # A blank-looking row of separators and a quoted field with a line break: the row parser
    # skips the first and reads the second; the column checks leave both to it.
    path = write(
        tmp_path,
        "odd.csv",
        'measure,area,period,value,source\n,,,,\ninwoners,GM0014,2023,5,"regel 1\nregel 2"\n',
    )
    assert keyed_table(columnar.read_table(path)) == keyed_rows(read_figures(path).rows)


def test_observations_are_keyed_by_period_objects(tmp_path):
    path = write(tmp_path, "sparse.csv", SPARSE)
    table = columnar.with_derived(columnar.read_table(path), measures=["inwoners"])
    found = columnar.observations(table, lambda value, status, derived: (value, derived))
    rows = read_figures(path).rows
    expected = {(r.measure, r.area, r.period): (r.value, False) for r in rows}
    expected = {k: v for k, v in expected.items() if k[0] == "inwoners"}
    assert found == expected  # inwoners of WK001400 is observed, so not derived


HOSTILE = sorted((ROOT / "tests" / "data" / "hostile" / "files").glob("*"))


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.name)
def test_hostile_files_are_refused_or_read_exactly_as_the_row_parser_does(path):
    try:
        rows = read_figures(path).rows
    except InputError as exc:
        with pytest.raises(InputError) as got:
            columnar.read_table(path)
        assert got.value.summary() == exc.summary()
    else:
        assert keyed_table(columnar.read_table(path)) == keyed_rows(rows)


CBS_MONTHS = (
    '"ID";"SoortMisdrijf";"WijkenEnBuurten";"Perioden";"GeregistreerdeMisdrijven_1"\n'
    '0;"0.0.0   ";"BU00140000";"2023MM01";12\n'
    '1;"1.1.1   ";"BU00140000  ";"2023MM01";.\n'
    '2;"1.1.1   ";"WK001400  ";"2023MM02";3\n'
    '3;"T001161 ";"GM0014    ";"2023JJ00";   1500\n'
    '4;"1.1.1   ";"PV20  ";"2023MM01";7\n'
    '5;"1.1.1   ";"NL00";"2023MM01";x\n'
)


def test_a_cbs_table_is_read_column_wise_as_the_row_parser_reads_it(tmp_path):
    path = write(tmp_path, "47022NED.csv", CBS_MONTHS)
    header = ["ID", "SoortMisdrijf", "WijkenEnBuurten", "Perioden", "GeregistreerdeMisdrijven_1"]
    assert columnar._read_cbs(CBS_MONTHS, ";", header, None) is not None  # not the fallback
    table = columnar.read_table(path)
    assert keyed_table(table) == keyed_rows(read_figures(path).rows)
    # other regions (PV20) and missing values (. and x) are left out; a total code adds nothing
    assert set(table["measure"]) == {"misdrijven:0.0.0", "misdrijven:1.1.1", "misdrijven"}
    assert table.height == 3
