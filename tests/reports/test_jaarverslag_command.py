"""``openveiligheid jaarverslag`` on the reference files: JSON, Markdown, HTML and DOCX, the
indicator rows of ``evaluate``, and bad input (exit code 1, Dutch messages)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import DATA, write

REPORTS = DATA / "reports"
DEMO = Path(__file__).parents[2] / "src" / "openveiligheid" / "demo" / "data"
ZWOLLE = (
    "--plan",
    str(REPORTS / "zwolle_plan.yaml"),
    "--figures",
    str(REPORTS / "gelderland_kengetallen.csv"),
    "--financien",
    str(REPORTS / "zwolle_financien_2022.csv"),
    "--kredieten",
    str(REPORTS / "zwolle_kredieten_2022.csv"),
    "--year",
    "2022",
)


def run(command: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def gelderland(tmp_path) -> tuple[str, ...]:
    money = write(
        tmp_path, "geld.csv", "doel;onderdeel;stap;bedrag\n1-veiligheid;lasten;begroting;100\n"
    )
    return (
        "--plan",
        str(REPORTS / "gelderland_plan.yaml"),
        "--figures",
        str(REPORTS / "gelderland_kengetallen.csv"),
        "--financien",
        str(money),
        "--activiteiten",
        str(REPORTS / "activiteiten_gelderland_2022.csv"),
        "--year",
        "2022",
    )


def test_json_of_zwolle_has_the_shape_and_the_numbers_of_the_document():
    report = json.loads(run("jaarverslag", *ZWOLLE, "--format", "json")[0])
    assert (report["gemeente"], report["jaar"]) == ("GM0193", 2022)
    (goal,) = report["doelen"]
    assert (goal["doel"], goal["naam"]) == ("7-2-1", "Sociale veiligheid")
    assert goal["indicatoren"] == [] and goal["activiteiten"] == []
    money = goal["financien"]
    assert money["begroting_tm_december"]["lasten"] == 2_032_380
    assert money["resultaat"]["onttrekking"] == -138_825
    assert money["saldo"] == 45_840
    for key in ("begroting", "mutaties_projecten", "begrotingswijzigingen"):
        assert set(money[key]) == {"lasten", "baten", "toevoeging", "onttrekking"}
    for key in ("begroting_tm_december", "jaarrekening", "resultaat"):
        assert all(type(v) is int for v in money[key].values())
    assert type(money["saldo"]) is int
    assert goal["kredieten"] == [
        {
            "project": "Infra camera's binnenstad",
            "omvang": 316_906,
            "gerealiseerd_tm_vorig_jaar": 51_698,
            "besteding": 63_807,
            "restant": 201_401,
        }
    ]


def test_indicators_are_exactly_the_rows_of_evaluate(tmp_path):
    plan = str(DEMO / "voorbeeldplan.yaml")
    figures = ["--figures", str(DEMO / "diefstallen_83651NED_selectie.csv")]
    figures += ["--figures", str(DEMO / "landelijk_2012_2023.csv")]
    evaluated = json.loads(
        run("evaluate", "--plan", plan, *figures, "--year", "2021", "--format", "json")[0]
    )
    money = write(
        tmp_path,
        "geld.csv",
        "doel;onderdeel;stap;bedrag\nminder-fietsdiefstal;lasten;begroting;5\n",
    )
    args = ("--plan", plan, *figures, "--financien", str(money), "--year", "2021")
    report = json.loads(run("jaarverslag", *args, "--format", "json")[0])
    by_id = {row["indicator"]: row for row in evaluated}
    rows = [row for goal in report["doelen"] for row in goal["indicatoren"]]
    assert rows and all(row == by_id[row["indicator"]] for row in rows)
    fiets = next(
        g for g in report["doelen"] if g["id"] == "minder-fietsdiefstal" and g["doel"] == "1.1"
    )
    assert [r["indicator"] for r in fiets["indicatoren"]] == [
        "fietsdiefstal",
        "fietsdiefstal-per-1000",
        "fietsdiefstal-aangiften",
    ]
    assert fiets["financien"]["begroting"]["lasten"] == 5
    assert all(g["financien"] is None for g in report["doelen"] if g is not fiets)


def test_gelderland_indicators_and_activities(gelderland):
    out, err = run("jaarverslag", *gelderland, "--format", "json")
    (goal,) = json.loads(out)["doelen"]
    verdicts = {
        r["indicator"]: (r["value"], r["previous"], r["verdict"]) for r in goal["indicatoren"]
    }
    assert verdicts == {  # the 2022 column and its target in "Beleidsindicatoren en kengetallen"
        "hic": (36.0, 72.0, "gehaald"),
        "geweld": (227.0, 266.0, "gehaald"),
        "drank-drugs": (61.0, 60.0, "niet gehaald"),
    }
    assert [a["code"] for a in goal["activiteiten"]][:2] == ["1E-1", "1E-2"]
    assert set(goal["activiteiten"][3]) == {
        "code",
        "activiteit",
        "inhoud",
        "planning",
        "financien",
        "risico",
        "toelichting",
    }
    assert goal["activiteiten"][3]["planning"] == "rood"
    assert err == ""


def test_markdown_has_the_financial_and_credit_tables():
    text = run("jaarverslag", *ZWOLLE, "--format", "md")[0]
    assert "### Doel 7-2-1: Sociale veiligheid" in text
    assert (
        "| **Begroting t/m december** | **2.032.380** | **26.012** | **0** | **148.372** |  |"
        in text
    )
    assert "| − Jaarrekening | 1.962.937 | 141.234 | 0 | 9.547 |  |" in text
    assert "| **Resultaat** | **69.443** | **115.222** | **0** | **-138.825** |  |" in text
    assert "| **Saldo** |  |  |  |  | **45.840** |" in text
    assert "| Infra camera's binnenstad | 316.906 | 51.698 | 63.807 | 201.401 |" in text


def test_markdown_activities_and_indicators(gelderland):
    text = run("jaarverslag", *gelderland, "--format", "md")[0]
    assert "| 1E-3 | Haalbaarheid pilot wijkrechter | groen | oranje | groen | oranje |" in text
    # the five-year table of the Gelderland annual report (2018-2022), with the 2022 target
    assert "| High Impact Crimes | 83 | 75 | 72 | 72 | 36 | < 80 | gehaald |" in text
    assert "| Drank- en drugsoverlast | 36 | 54 | 45 | 60 | 61 | < 50 | niet gehaald |" in text
    assert "Voorstel op grond van de indicatoren: deels (nog niet bevestigd)." in text


def test_html_escapes_a_hostile_goal_name_and_prints_on_a4(tmp_path):
    plan = write(
        tmp_path,
        "plan.yaml",
        (REPORTS / "zwolle_plan.yaml")
        .read_text(encoding="utf-8")
        .replace("naam: Sociale veiligheid", "naam: \"<script>alert('x')</script> & <b>\""),
    )
    activities = write(
        tmp_path,
        "act.csv",
        "doel;code;activiteit;inhoud;planning;financien;risico;toelichting\n"
        '7-2-1;1;"<img src=x onerror=alert(1)>";rood;;;;"a <i>b</i>"\n',
    )
    args = list(ZWOLLE)
    args[1] = str(plan)
    out, err = run("jaarverslag", *args, "--activiteiten", str(activities), "--format", "html")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;" in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out and "a &lt;i&gt;b&lt;/i&gt;" in out
    assert "<script" not in out and "<img" not in out and "<i>" not in out
    assert out.startswith("<!DOCTYPE html>") and '<html lang="nl">' in out
    assert "@media print" in out and "size: A4" in out
    assert "http://" not in out and "https://" not in out and "<link" not in out
    assert '<td class="getal">2.032.380</td>' in out
    assert '<span class="status status-rood">rood</span>' in out
    assert err == ""  # rood with a toelichting: no warning


def test_docx_has_word_headings_and_a_real_financial_table(tmp_path, gelderland):
    output = tmp_path / "jaarverslag.docx"
    assert run("jaarverslag", *ZWOLLE, "--format", "docx", "--output", str(output)) == ("", "")
    document = docx.Document(str(output))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert ("Heading 3", "Doel 7-2-1: Sociale veiligheid") in headings
    assert ("Heading 2", "Fysiek domein") in headings
    finance, credits = document.tables
    cells = [[c.text for c in row.cells] for row in finance.rows]
    assert cells[0] == [
        "",
        "Lasten",
        "Baten",
        "Toevoeging aan reserves",
        "Onttrekking aan reserves",
        "Saldo",
    ]
    assert cells[4] == ["Begroting t/m december", "2.032.380", "26.012", "0", "148.372", ""]
    assert cells[6] == ["Resultaat", "69.443", "115.222", "0", "-138.825", ""]
    assert cells[7][-1] == "45.840"
    assert [c.text for c in credits.rows[1].cells][-1] == "201.401"
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)

    two = tmp_path / "gelderland.docx"
    run("jaarverslag", *gelderland, "--format", "docx", "--output", str(two))
    activities = docx.Document(str(two)).tables[0]
    assert activities.rows[4].cells[3].text == "rood"  # 1E-4, planning
    assert len(activities.rows) == 7


def test_one_goal_with_doel(gelderland, tmp_path):
    out = run("jaarverslag", *gelderland, "--doel", "1-veiligheid", "--format", "json")[0]
    assert [g["doel"] for g in json.loads(out)["doelen"]] == ["1-veiligheid"]
    with pytest.raises(
        CommandError, match="--doel: het plan heeft geen doel '7-2-1' \\(doelen: 1-veiligheid\\)"
    ):
        run("jaarverslag", *gelderland, "--doel", "7-2-1", "--format", "json")


def test_warnings_for_unexplained_statuses_go_to_standard_error(tmp_path):
    activities = write(
        tmp_path,
        "act.csv",
        "doel;code;activiteit;inhoud;planning;financien;risico;toelichting\n7-2-1;1;A;;oranje;;;\n",
    )
    out, err = run("jaarverslag", *ZWOLLE, "--activiteiten", str(activities), "--format", "md")
    assert (
        err
        == "Let op: act.csv, regel 2, veld 'planning': status oranje zonder toelichting; leg uit waarom\n"
    )
    assert "| 1 | A |  | oranje |  |  |  |" in out


def test_bad_input_is_refused_in_dutch(tmp_path):
    bad_money = write(
        tmp_path, "geld.csv", "doel;onderdeel;stap;bedrag\n7-2-1;lasten;begroting;1.616.141,50\n"
    )
    args = list(ZWOLLE)
    args[5] = str(bad_money)
    with pytest.raises(
        CommandError, match="geld.csv, regel 2, veld 'bedrag': '1.616.141,50' heeft decimalen"
    ):
        run("jaarverslag", *args, "--format", "json")
    args[5] = str(tmp_path / "weg.csv")
    with pytest.raises(CommandError, match="Bestand niet gevonden"):
        run("jaarverslag", *args, "--format", "json")
    with pytest.raises(
        CommandError, match="--format docx schrijft een Word-bestand: geef --output BESTAND"
    ):
        run("jaarverslag", *ZWOLLE, "--format", "docx")


def test_the_installed_command_needs_no_database_and_exits_1_on_bad_input(tmp_path):
    env = {
        **os.environ,
        "OV_DATA_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(Path(__file__).parents[2] / "src"),
    }
    env.pop("OV_DEMO", None)
    command = [
        sys.executable,
        "-m",
        "openveiligheid.cli",
        "jaarverslag",
        *ZWOLLE,
        "--format",
        "json",
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["doelen"][0]["financien"]["saldo"] == 45_840
    assert not (tmp_path / "var").exists()
    unknown_goal = write(
        tmp_path, "geld.csv", "doel;onderdeel;stap;bedrag\n7-2-2;lasten;begroting;1\n"
    )
    command[command.index(str(REPORTS / "zwolle_financien_2022.csv"))] = str(unknown_goal)
    failed = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert failed.returncode == 1
    assert "geld.csv, regel 2, veld 'doel': onbekend doel '7-2-2'" in failed.stderr
