"""``openveiligheid hotspots`` and ``openveiligheid signalering`` on real files, without a database.

The counts are real: ``insight_fietsdiefstal_*.csv`` are police bike-theft registrations of
Groningen counted per wijk and month and per buurt in 2016 (see ``tests/data/SOURCE.md``).
Expected statistics come from the statistics modules called directly, never from fixed numbers.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from django.core.management import call_command
from django.core.management.base import CommandError

from openveiligheid.areas.shapes import to_rd
from openveiligheid.insight.stats import earlywarning, spatial

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data"
DEMO = ROOT / "src" / "openveiligheid" / "demo" / "data"
BUURT_2016 = DATA / "insight_fietsdiefstal_buurt_2016.csv"
WIJK_MAAND = DATA / "insight_fietsdiefstal_wijk_maand.csv"
BUURTEN = DEMO / "buurten_2017_groningen.geojson"
WIJKEN = DEMO / "wijken_2017_groningen.geojson"
INWONERS = DEMO / "inwoners_2017_groningen.csv"
MEASURE = "incidenten:A72"
HOTSPOT_KEYS = {
    "area", "count", "rate", "smoothed_rate", "gi_z", "p_value", "p_norm", "p_fdr", "class",
    "lisa_class",
}  # fmt: skip
SIGNAL_KEYS = {"area", "measure", "period", "observed", "expected", "threshold", "alarm"}
METHODS = {
    earlywarning.METHOD_FARRINGTON,
    earlywarning.METHOD_NONE,
    *earlywarning.EARS_METHODS.values(),
}


def run(command: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def hotspots_json(*args) -> list[dict]:
    return json.loads(run("hotspots", *args, "--format", "json")[0])


def signals_json(*args) -> list[dict]:
    return json.loads(run("signalering", *args, "--format", "json")[0])


def csv_values(path: Path, period: str) -> dict[str, float]:
    """area -> value of the rows of ``period``, read with the csv module (not our reader)."""
    with path.open(encoding="utf-8") as handle:
        return {
            r["area"]: float(r["value"]) for r in csv.DictReader(handle) if r["period"] == period
        }


def shapes_of(path: Path, key: str) -> dict:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    return {f["properties"][key]: to_rd(f["geometry"]) for f in features}


def same(got: object, want: object) -> bool:
    """Equal, with a tolerance for floats (JSON round trip)."""
    if isinstance(want, float):
        return got == pytest.approx(want, rel=1e-12)
    return got == want


def copy_with(tmp_path: Path, source: Path, changes: dict[tuple[str, str], str | None]) -> Path:
    """A copy of a cijfers CSV with the values of (area, period) replaced; None drops the row."""
    lines = source.read_text(encoding="utf-8").splitlines()
    kept = [lines[0]]
    for line in lines[1:]:
        measure, area, period, value = line.split(",")
        if (area, period) in changes:
            if changes[(area, period)] is None:
                continue
            value = changes[(area, period)]
        kept.append(",".join((measure, area, period, value)))
    target = tmp_path / source.name
    target.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return target


# --- hotspots --------------------------------------------------------------------------------


def test_hotspots_json_equals_the_spatial_module_on_the_same_data():
    results = hotspots_json(
        "--figures", BUURT_2016, "--boundaries", BUURTEN, "--measure", MEASURE, "--period", "2016"
    )
    shapes = shapes_of(BUURTEN, "BU_CODE")
    direct = spatial.hotspots(csv_values(BUURT_2016, "2016"), shapes)
    assert [r["area"] for r in results] == list(shapes)
    assert all(set(r) >= HOTSPOT_KEYS for r in results)
    for got, want in zip(results, direct, strict=True):
        expected = want.as_dict()
        for key in ("count", "gi_z", "p_value", "p_norm", "p_fdr", "class", "confidence"):
            assert same(got[key], expected[key]), (got["area"], key)
        assert same(got["lisa_class"], expected["lisa_class"]), got["area"]
    assert {r["class"] for r in results} >= {spatial.HOTSPOT}
    assert {r["lisa_class"] for r in results} <= {*spatial.LISA_CLASSES.values(), "geen patroon"}
    # the busy city centre is a cluster of high values (hoog-hoog), not "geen patroon"
    assert results[1]["name"] == "Binnenstad-Zuid" and results[1]["lisa_class"] == "hoog-hoog"
    # the robustness column keeps esda's pseudo p-value: (k + 1) / 1000
    assert all(r["p_value"] is None or round(r["p_value"] * 1000, 6) % 1 == 0 for r in results)
    assert results[0]["name"] == "Binnenstad-Noord" and results[0]["rate"] is None


def test_per_1000_rates_use_the_population_of_the_year():
    args = ["--figures", WIJK_MAAND, "--figures", INWONERS, "--boundaries", WIJKEN]
    results = hotspots_json(
        *args, "--measure", MEASURE, "--period", "2017-08", "--per-1000", "inwoners"
    )
    counts, people = csv_values(WIJK_MAAND, "2017-08"), csv_values(INWONERS, "2017")
    direct = {r.area: r for r in spatial.hotspots(counts, shapes_of(WIJKEN, "WK_CODE"), people)}
    assert len(results) == 15
    for result in results:
        area = result["area"]
        assert result["population"] == people[area]
        assert result["rate"] == pytest.approx(counts[area] / people[area] * 1000)
        assert result["smoothed_rate"] == pytest.approx(direct[area].smoothed_rate)
        assert result["gi_z"] == pytest.approx(direct[area].gi_z)
        assert result["class"] == direct[area].hotspot_class


def test_per_1000_takes_the_latest_earlier_year_or_says_there_is_none(tmp_path):
    later = tmp_path / "buurt_2018.csv"
    later.write_text(BUURT_2016.read_text(encoding="utf-8").replace(",2016,", ",2018,"))
    common = ["--boundaries", BUURTEN, "--measure", MEASURE, "--per-1000", "inwoners"]
    results = hotspots_json("--figures", later, "--figures", INWONERS, *common, "--period", "2018")
    people, counts = csv_values(INWONERS, "2017"), csv_values(BUURT_2016, "2016")
    with_people = [r for r in results if r["population"]]
    assert len(with_people) > 100
    for result in with_people:
        assert result["population"] == people[result["area"]]
        assert result["rate"] == pytest.approx(
            counts[result["area"]] / people[result["area"]] * 1000
        )
    with pytest.raises(
        CommandError, match="--per-1000: geen cijfer voor inwoners in 2016 of eerder"
    ):
        run("hotspots", "--figures", BUURT_2016, "--figures", INWONERS, *common, "--period", "2016")


def test_hotspots_csv_and_table():
    args = ["--figures", BUURT_2016, "--boundaries", BUURTEN, "--measure", MEASURE]
    args += ["--period", "2016", "--permutations", "99"]
    rows = list(csv.DictReader(io.StringIO(run("hotspots", *args, "--format", "csv")[0])))
    assert len(rows) == 108 and set(rows[0]) >= HOTSPOT_KEYS
    assert rows[1]["area"] == "BU00140001" and rows[1]["count"] == "676.0"
    assert rows[0]["rate"] == "" and float(rows[0]["gi_z"]) > 0
    table, _ = run("hotspots", *args)
    lines = table.splitlines()
    assert lines[0].startswith("Hotspots van incidenten:A72 in 2016 (108 gebieden")
    assert lines[1].split() == [
        "Gebied",
        "Naam",
        "Aantal",
        "Gi*",
        "z",
        "p",
        "(FDR)",
        "Klasse",
        "Zekerheid",
        "Local",
        "Moran",
    ]
    assert "Binnenstad-Zuid" in table and "geen patroon" in table and "hoog-hoog" in table
    assert rows[0]["p_norm"] and rows[0]["lisa_class"] == "hoog-hoog"
    end = lines[1].index("Aantal") + len("Aantal")
    assert lines[4][:end].endswith(" 676")  # counts right-aligned under their heading
    assert re.search(r" -?\d,\d\d ", lines[4])  # Gi* z with a Dutch decimal comma


def test_hotspots_on_wijken_sum_the_buurten():
    results = hotspots_json(
        "--figures", BUURT_2016, "--boundaries", WIJKEN, "--measure", MEASURE, "--period", "2016"
    )
    buurten = csv_values(BUURT_2016, "2016")
    centrum = sum(v for area, v in buurten.items() if area.startswith("BU001400"))
    assert results[0]["area"] == "WK001400" and results[0]["count"] == centrum


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--figures": "nope.csv"}, "Bestand niet gevonden: .*nope.csv"),
        ({"--boundaries": "nope.geojson"}, "Bestand niet gevonden: .*nope.geojson"),
        (
            {"--measure": "misdrijven:1.1.1"},
            "maat misdrijven:1.1.1 komt in geen cijferbestand voor",
        ),
        ({"--period": "2016-13"}, "--period: maand in periode '2016-13' bestaat niet"),
        ({"--period": "vorig jaar"}, "'vorig jaar' is geen periode"),
        ({"--period": "2015"}, r"geen cijfers voor maat incidenten:A72 in 2015 \(de bestanden"),
    ],
)
def test_hotspots_errors_are_dutch(change, message, tmp_path):
    options = {"--figures": BUURT_2016, "--boundaries": BUURTEN, "--measure": MEASURE}
    options["--period"] = "2016"
    options.update({k: tmp_path / v if v.startswith("nope.") else v for k, v in change.items()})
    args = [part for pair in options.items() for part in pair]
    with pytest.raises(CommandError, match=message):
        run("hotspots", *args)


def test_hotspots_errors_name_the_file_and_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("measure,area,period,value\nincidenten:A72,BU00140000,2016,veel\n")
    with pytest.raises(CommandError, match="bad.csv, regel 2, veld 'value': 'veel' is geen getal"):
        run(
            "hotspots",
            "--figures",
            bad,
            "--boundaries",
            BUURTEN,
            "--measure",
            MEASURE,
            "--period",
            "2016",
        )
    centrum = DATA / "buurten_2017_groningen_centrum.geojson"
    with pytest.raises(
        CommandError, match="geen van de 3 gebieden in buurten_2017_groningen_centrum"
    ):
        run(
            "hotspots",
            "--figures",
            WIJK_MAAND,
            "--boundaries",
            centrum,
            "--measure",
            MEASURE,
            "--period",
            "2016-05",
        )


# --- signalering -----------------------------------------------------------------------------


def test_signalering_json_has_one_object_per_wijk():
    results = signals_json("--figures", WIJK_MAAND, "--measure", MEASURE, "--period", "2017-08")
    counts = csv_values(WIJK_MAAND, "2017-08")
    assert [r["area"] for r in results] == sorted(counts)
    for result in results:
        assert SIGNAL_KEYS | {"method", "p_value", "p_adjusted", "since", "unusual"} <= set(result)
        assert isinstance(result["alarm"], bool)
        assert result["method"] in METHODS
        assert result["observed"] == counts[result["area"]]
        assert result["period"] == "2017-08" and result["measure"] == MEASURE
        assert "augustus 2017" in result["description"]


def test_signalering_matches_detect_on_the_same_series():
    results = signals_json("--figures", WIJK_MAAND, "--measure", MEASURE, "--period", "2016-06")
    with WIJK_MAAND.open(encoding="utf-8") as handle:
        series: dict[str, list[float]] = {}
        for row in csv.DictReader(handle):
            if row["period"] <= "2016-06":
                series.setdefault(row["area"], []).append(float(row["value"]))
    direct = {s.key: s for s in earlywarning.detect(series, 12)}
    for result in results:
        want = direct[result["area"]]
        assert (result["method"], result["alarm"]) == (want.method, want.alarm)
        assert result["expected"] == pytest.approx(want.expected)
        assert result["p_adjusted"] == pytest.approx(want.p_adjusted)


def test_an_injected_outbreak_is_found(tmp_path):
    outbreak = copy_with(tmp_path, WIJK_MAAND, {("WK001402", "2017-08"): "90"})
    results = signals_json("--figures", outbreak, "--measure", MEASURE, "--period", "2017-08")
    alarms = {r["area"]: r for r in results if r["alarm"]}
    assert set(alarms) == {"WK001402"}
    assert alarms["WK001402"]["observed"] == 90 and alarms["WK001402"]["since"] == 1
    assert "WK001402" in alarms["WK001402"]["description"]
    table, _ = run(
        "signalering", "--figures", outbreak, "--measure", MEASURE, "--period", "2017-08"
    )
    assert (
        "15 reeksen, 1 signaal)" in table.splitlines()[0]
        and "* In WK001402 zijn in augustus 2017" in table
    )


def test_missing_months_are_gaps_and_series_without_the_period_are_skipped(tmp_path):
    gaps = copy_with(
        tmp_path,
        WIJK_MAAND,
        {("WK001400", "2016-05"): None, ("WK001401", "2017-08"): None},
    )
    out, err = run(
        "signalering",
        "--figures",
        gaps,
        "--measure",
        MEASURE,
        "--period",
        "2017-08",
        "--format",
        "json",
    )
    areas = [r["area"] for r in json.loads(out)]
    assert "WK001401" not in areas and "WK001400" in areas and len(areas) == 14
    assert "1 reeks zonder cijfer in 2017-08 overgeslagen: WK001401" in err


def test_signalering_levels_csv_and_table():
    args = ["--figures", WIJK_MAAND, "--measure", MEASURE, "--period", "2017-08"]
    gemeente = signals_json(*args, "--level", "gemeente")
    assert [r["area"] for r in gemeente] == ["GM0014"]
    assert gemeente[0]["observed"] == sum(csv_values(WIJK_MAAND, "2017-08").values())
    rows = list(csv.DictReader(io.StringIO(run("signalering", *args, "--format", "csv")[0])))
    assert len(rows) == 15 and {r["alarm"] for r in rows} <= {"true", "false"}
    assert float(rows[0]["expected"]) > 0
    table, _ = run("signalering", *args, "--label", "fietsdiefstallen")
    assert table.startswith(
        "Signalering van incidenten:A72 in augustus 2017 (niveau wijk, 15 reeksen"
    )
    assert "Verwacht" in table and "farrington" in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2017"], "signalering werkt met maanden; geef een maand op"),
        (["--period", "2017-08", "--measure", "x:y"], "maat x:y komt in geen cijferbestand voor"),
        (["--period", "2017-09"], "geen enkel gebied op niveau wijk heeft een cijfer"),
        (
            ["--period", "2017-08", "--level", "buurt"],
            "geen maandcijfers van maat incidenten:A72 op niveau buurt",
        ),
        (["--period", "2017-08", "--figures", "nope.csv"], "Bestand niet gevonden"),
    ],
)
def test_signalering_errors_are_dutch(args, message):
    base = ["--figures", WIJK_MAAND, "--measure", MEASURE]
    with pytest.raises(CommandError, match=message):
        run("signalering", *base, *args)


# --- the console script ----------------------------------------------------------------------


def test_the_console_script_needs_no_database_or_configuration(tmp_path):
    script = Path(sys.executable).with_name("openveiligheid")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "openveiligheid.cli"]
    env = {**os.environ, "OV_DATA_DIR": str(tmp_path / "var"), "PYTHONPATH": str(ROOT / "src")}
    for name in ("OV_DEMO", "OV_SECRET_KEY", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)

    def cli(*args) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*command, *map(str, args)], capture_output=True, text=True, env=env, check=False
        )

    done = cli(
        "hotspots", "--figures", BUURT_2016, "--boundaries", BUURTEN, "--measure", MEASURE,
        "--period", "2016", "--permutations", "99", "--format", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 108
    failed = cli("signalering", "--figures", WIJK_MAAND, "--measure", MEASURE, "--period", "2017")
    assert failed.returncode == 1
    assert "signalering werkt met maanden" in failed.stderr
    assert not (tmp_path / "var").exists()


# --- the column-wise reading (imports.columnar) -----------------------------------------------


@pytest.mark.parametrize(
    "paths",
    [
        (WIJK_MAAND,),
        (BUURT_2016,),
        (WIJK_MAAND, INWONERS),
        (DEMO / "regio" / "misdrijven_nijmegen_2023_2025.csv",),
    ],
    ids=["wijk-maand", "buurt-2016", "with-inwoners", "nijmegen"],
)
def test_read_figure_files_gives_the_figures_the_row_parser_and_derive_give(paths):
    from openveiligheid.imports.parsers.figures import read_figures
    from openveiligheid.indicators.engine import FigureSet
    from openveiligheid.insight.cli import read_figure_files

    rows = [row for path in paths for row in read_figures(path).rows]
    expected = FigureSet.from_rows(rows)
    figures = read_figure_files([str(p) for p in paths])
    assert dict(figures.known.items()) == dict(expected.items())
    assert figures.observed == frozenset((r.measure, r.area, r.period) for r in rows)
    for measure in {r.measure for r in rows}:
        assert figures.periods(measure) == expected.periods(measure)
        for period in expected.periods(measure):
            assert figures.known.areas(measure, period) == expected.areas(measure, period)
        for area in {a for (m, a, _), _ in expected.items() if m == measure}:
            assert figures.known.years([measure], area) == expected.years([measure], area)
    for (measure, area, period), observation in expected.items():
        assert figures.known.get(measure, area, period) == observation


def test_read_figure_files_keeps_only_the_measures_asked_for_but_names_every_measure():
    from openveiligheid.insight.cli import read_figure_files

    figures = read_figure_files([str(WIJK_MAAND), str(INWONERS)], measures=["inwoners"])
    assert figures.measures == {MEASURE, "inwoners"}  # for require_measure's message
    assert {m for m, _, _ in figures.observed} == {"inwoners"}
    assert {m for (m, _, _), _ in figures.known.items()} == {"inwoners"}
