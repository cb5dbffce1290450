"""The jaarverslag of the stored demo plan (its fictitious example year 2023), the same object
as the command gives, and freezing: a figure corrected after vaststellen does not change the
adopted report, and the differences name it."""

from __future__ import annotations

import io

import docx
import pytest

from openveiligheid.core.errors import InputError
from openveiligheid.figures.models import Figure
from openveiligheid.reports import render_docx, render_md
from openveiligheid.reports.adoption import adopt, differences
from openveiligheid.reports.database import plan_report
from openveiligheid.reports.models import AdoptedReport

pytestmark = pytest.mark.django_db


def goal(report: dict, code: str) -> dict:
    return next(g for g in report["doelen"] if g["doel"] == code)


def test_the_demo_year_is_full(plan):
    report = plan_report(plan, 2023)
    assert report["jaar"] == 2023 and len(report["doelen"]) == 9
    woonoverlast = goal(report, "1.4")
    assert woonoverlast["id"] == "woonoverlast-snel-aangepakt"
    assert woonoverlast["portefeuillehouder"] == "burgemeester"
    assert woonoverlast["doel_gehaald"]["oordeel"] == "deels"
    assert woonoverlast["doel_gehaald"]["voorstel"] == "ja"  # overridden, visibly
    assert woonoverlast["financien"]["resultaat"]["lasten"] == -22_640
    assert woonoverlast["activiteiten"][0]["planning"] == "oranje"
    cameras = goal(report, "2.1")
    assert cameras["kredieten"][0]["restant"] == 650_000 - 48_000 - 18_500
    assert cameras["financien"]["resultaat"]["onttrekking"] == -131_500
    totals = cameras["kengetallen"][0]
    assert [c["jaar"] for c in totals["waarden"]] == [2019, 2020, 2021, 2022, 2023]
    assert totals["waarden"][-1]["waarde"] == 14_990
    assert totals["doel"] == "< 15500"


def test_the_page_blocks_say_overridden_and_not_available(plan):
    text = render_md.render(plan_report(plan, 2023))
    assert "Deels (afwijkend van het voorstel op grond van de indicatoren: ja)." in text
    assert "Voorstel op grond van de indicatoren: ja (nog niet bevestigd)." in text
    assert "| nb |" in text
    assert "FICTIEF." in text


def test_one_goal_by_code_or_id(plan):
    assert [g["doel"] for g in plan_report(plan, 2023, only="2.1")["doelen"]] == ["2.1"]
    only = plan_report(plan, 2023, only="minder-misdrijven")["doelen"]
    assert [g["doel"] for g in only] == ["2.1"]


def test_a_figure_corrected_after_vaststellen_leaves_the_adopted_report_alone(plan, adviseur):
    adopted = adopt(plan, 2023, adviseur)
    frozen = goal(adopted.content, "2.1")["kengetallen"][0]["waarden"][-1]["waarde"]
    assert frozen == 14_990
    Figure.objects.filter(
        measure__name="misdrijven:0.0.0", area__code="GM0014", period="2023"
    ).update(value=15_990)
    adopted = AdoptedReport.objects.get(pk=adopted.pk)
    assert goal(adopted.content, "2.1")["kengetallen"][0]["waarden"][-1]["waarde"] == 14_990
    now = plan_report(plan, 2023)
    assert goal(now, "2.1")["indicatoren"][0]["verdict"] == "niet gehaald"
    found = differences(adopted.content, now)
    places = {d.where: (d.adopted, d.now) for d in found}
    changed = [
        w for w in places if "Geregistreerde misdrijven" in w and w.endswith("2023 › waarde")
    ]
    assert changed and places[changed[0]] == ("14.990", "15.990")
    assert adopted.frozen_by_name == adviseur.username
    with pytest.raises(InputError, match="al vastgesteld"):
        adopt(plan, 2023, adviseur)


def test_nothing_differs_right_after_vaststellen(plan, adviseur):
    adopted = adopt(plan, 2022, adviseur)
    assert differences(adopted.content, plan_report(plan, 2022)) == []


def test_the_docx_has_word_headings_and_tables(plan):
    data = render_docx.render(plan_report(plan, 2023))
    document = docx.Document(io.BytesIO(data))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Heading 1", "Heading 2", "Heading 3"} <= styles
    assert len(document.tables) >= 9 * 3
