"""``openveiligheid evaluate`` on real files: formats, errors, and no database."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import write

PLAN = """\
gemeente: GM0014
naam: Test
themas:
  - id: t
    naam: Thema
    doelen:
      - id: d
        naam: Doel
        indicatoren: [fiets, winkel-per-1000, misdrijven-per-1000]
indicatoren:
  - id: fiets
    naam: Fietsdiefstallen
    som: [diefstallen:CRI1122]
    decimalen: 0
    doelen: {2020: "< 1500", 2021: "< 1800"}
  - id: winkel-per-1000
    naam: Winkeldiefstal per 1.000 inwoners
    waarde: diefstallen_per_1000:CRI1137
    doelen: {2021: "< 3"}
  - id: misdrijven-per-1000
    naam: Misdrijven per 1.000 inwoners
    som: [misdrijven:0.0.0]
    per_1000: inwoners
    vergelijk: NL01
"""


@pytest.fixture
def plan(tmp_path):
    return write(tmp_path, "plan.yaml", PLAN)


def run(*args) -> str:
    out = io.StringIO()
    call_command("evaluate", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_json_output_has_the_documented_keys_and_values(plan, data_dir):
    figures = str(data_dir / "cbs_83651NED_groningen.csv")
    output = run("--plan", str(plan), "--figures", figures, "--year", "2021", "--format", "json")
    results = {r["indicator"]: r for r in json.loads(output)}
    fiets = results["fiets"]
    assert (fiets["area"], fiets["period"], fiets["value"], fiets["previous"]) == (
        "GM0014",
        "2021",
        1825.0,
        1465.0,
    )
    assert fiets["change_pct"] == pytest.approx((1825 - 1465) / 1465 * 100)
    assert (fiets["target"], fiets["verdict"]) == ("< 1800", "niet gehaald")
    assert results["winkel-per-1000"]["verdict"] == "gehaald"  # 2.9 < 3
    assert results["misdrijven-per-1000"]["verdict"] == "geen gegevens"


def test_per_1000_and_comparison_from_several_files(plan, data_dir, tmp_path):
    population = write(
        tmp_path,
        "inwoners.csv",
        "measure;area;period;value\ninwoners;GM0014;2022;234.000\ninwoners;NL01;2023;17.811.291\n",
    )
    output = run(
        "--plan",
        str(plan),
        "--figures",
        str(data_dir / "politie_47018NED_groningen_2023.csv"),
        "--figures",
        str(population),
        "--year",
        "2023",
        "--format",
        "json",
    )
    result = next(r for r in json.loads(output) if r["indicator"] == "misdrijven-per-1000")
    buurt_total = sum(
        float(line.split(";")[-1])
        for line in (data_dir / "politie_47018NED_groningen_2023.csv").read_text().splitlines()[1:]
    )
    assert result["value"] == pytest.approx(buurt_total / 234_000 * 1000)  # summed from buurten
    assert "inwoners van 2022 gebruikt (geen cijfer voor 2023)" in result["notes"]
    assert result["comparison_value"] is None  # no NL crime figure in these files
    assert result["verdict"] == "geen doel"


def test_csv_table_and_markdown(plan, data_dir):
    args = [
        "--plan",
        str(plan),
        "--figures",
        str(data_dir / "cbs_83651NED_groningen.csv"),
        "--year",
        "2020",
    ]
    rows = list(csv.DictReader(io.StringIO(run(*args, "--format", "csv"))))
    assert (
        rows[0]["indicator"] == "fiets"
        and rows[0]["value"] == "1465.0"
        and rows[0]["verdict"] == "gehaald"
    )
    table = run(*args)
    assert "Fietsdiefstallen" in table and "1.465" in table and "-17,5%" in table
    markdown = run(*args, "--format", "markdown")
    assert markdown.splitlines()[0].startswith("| Indicator | Waarde |")


def test_bad_input_is_a_dutch_error(plan, tmp_path):
    bad = write(tmp_path, "bad.csv", "measure,area,period,value\nhalt,GM0014,2021,veel\n")
    with pytest.raises(CommandError, match="bad.csv, regel 2, veld 'value': 'veel' is geen getal"):
        run("--plan", str(plan), "--figures", str(bad), "--year", "2021")
    with pytest.raises(CommandError, match="Bestand niet gevonden"):
        run("--plan", str(plan), "--figures", str(tmp_path / "nope.csv"), "--year", "2021")


def test_the_installed_command_needs_no_database(plan, data_dir, tmp_path):
    env = {
        **os.environ,
        "OV_DATA_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(Path(__file__).parents[2] / "src"),
    }
    env.pop("OV_DEMO", None)

    def cli(figures: Path, *extra: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "openveiligheid.cli", "evaluate", "--plan", str(plan)]
        command += ["--figures", str(figures), "--year", "2021", *extra]
        return subprocess.run(command, capture_output=True, text=True, env=env, check=False)

    done = cli(data_dir / "cbs_83651NED_groningen.csv", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 3
    assert not (tmp_path / "var").exists()  # no database file was created
    failed = cli(plan)  # a plan is no figures file
    assert failed.returncode == 1
    assert "onbekend formaat" in failed.stderr


def test_the_figures_of_a_plan_are_those_the_row_parser_and_derive_give():
    """``evaluate`` derives only the sums its indicators need, for its areas: those are the
    ones ``FigureSet.from_rows`` derives from every row of the files."""
    from openveiligheid.imports import columnar
    from openveiligheid.imports.parsers.figures import read_figures
    from openveiligheid.indicators.engine import FigureSet
    from openveiligheid.policy.management.commands.evaluate import figure_set
    from openveiligheid.policy.planfile import read_plan

    demo = Path(__file__).parents[2] / "src" / "openveiligheid" / "demo" / "data"
    paths = [
        demo / "regio" / "misdrijven_breda_2012_2023.csv",
        demo / "regio" / "inwoners_breda_2012_2022.csv",
        demo / "regio" / "overlast_breda_2022.csv",
        demo / "landelijk_2012_2023.csv",
    ]
    spec = read_plan(demo / "regio" / "voorbeeldplan_breda.yaml")
    expected = FigureSet.from_rows([row for path in paths for row in read_figures(path).rows])
    got = figure_set(
        columnar.read_tables((p, None) for p in paths), spec.indicators.values(), "GM0758"
    )
    measures = {m for d in spec.indicators.values() for m in d.input_measures}
    areas = {"GM0758", "NL01"}
    wanted = {k: o for k, o in expected.items() if k[0] in measures and k[1] in areas}
    assert {k: o for k, o in got.items() if k[1] in areas} == wanted
    assert any(o.derived for o in wanted.values())  # the comparison covers derived sums
