"""The jaarverslag page and its downloads on the demo plan (its fictitious example year 2023):
the blocks of ``document.blocks`` drawn into the page, the year and goal chosen, the files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest

from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from openveiligheid.policy.models import Goal
from openveiligheid.reports.database import plan_report
from openveiligheid.reports.document import Heading, blocks
from tests.reports.conftest import row_of

pytestmark = pytest.mark.django_db

PAGE = reverse("reports:jaarverslag")


def download(client: Client, fmt: str, query: str = ""):
    return client.get(reverse("reports:download", kwargs={"fmt": fmt}) + query)


def test_the_page_shows_the_demo_year_with_every_goal(adviseur_client: Client, plan) -> None:
    response = adviseur_client.get(PAGE)  # default: the last plan year (2019-2023)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Jaarverslag 2023: {plan.name}" in page
    assert 'id="concept"' in page  # not adopted: says so
    report = plan_report(plan, 2023)
    headings = [b.text for b in blocks(report) if isinstance(b, Heading) and b.level == 3]
    assert len(headings) == 9
    for heading in headings:
        assert heading.replace("'", "&#x27;") in page
    # the tables of the blocks, in Dutch notation
    assert row_of(page, "Begroting t/m december")[1:3] != ["", ""]
    misdrijven = row_of(page, "Geregistreerde misdrijven (totaal)")
    assert misdrijven[5] == "14.990"
    assert "nb" in page
    assert '<option value="2023" selected>' in page
    assert '<option value="2019">' in page
    assert '<option value="2024"' not in page  # after the plan period


def test_a_year_and_one_goal(adviseur_client: Client, plan) -> None:
    page = adviseur_client.get(PAGE + "?jaar=2022&doel=2.1").content.decode()
    assert "Jaarverslag 2022" in page
    assert "Doel 2.1: Minder geregistreerde misdrijven" in page
    assert "Doel 1.1:" not in page
    assert '<option value="minder-misdrijven" selected>' in page
    by_key = adviseur_client.get(PAGE + "?jaar=2022&doel=minder-misdrijven").content.decode()
    assert "Doel 2.1: Minder geregistreerde misdrijven" in by_key and "Doel 1.1:" not in by_key
    assert "doel=minder-misdrijven" in page  # the downloads keep the goal


def test_an_unknown_goal_is_404_and_an_unknown_year_the_default(
    adviseur_client: Client, plan
) -> None:
    assert adviseur_client.get(PAGE + "?doel=bestaat-niet").status_code == 404
    assert adviseur_client.get(PAGE + "?doel=%3Cscript%3E").status_code == 404
    page = adviseur_client.get(PAGE + "?jaar=1899").content.decode()
    assert "Jaarverslag 2023" in page
    assert adviseur_client.get(PAGE + "?jaar=abc").status_code == 200


def test_a_removed_goal_is_not_offered(adviseur_client: Client, plan) -> None:
    from django.utils import timezone

    Goal.objects.filter(theme__plan=plan, key="minder-misdrijven").update(removed_at=timezone.now())
    assert adviseur_client.get(PAGE + "?doel=minder-misdrijven").status_code == 404
    assert "Doel 2.1" not in adviseur_client.get(PAGE).content.decode()


def test_the_docx_download_has_word_headings_and_real_tables(adviseur_client: Client, plan) -> None:
    response = download(adviseur_client, "docx", "?jaar=2023")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="jaarverslag-groningen-2023.docx"'
    )
    document = docx.Document(io.BytesIO(response.content))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Heading 1", "Heading 2", "Heading 3", "Heading 4"} <= styles
    assert len(document.tables) >= 9 * 3
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "14.990" in cells  # Dutch notation, the 2023 figure of goal 2.1
    assert "Begroting t/m december" in cells


def test_the_downloads_of_one_goal_and_the_other_formats(adviseur_client: Client, plan) -> None:
    response = download(adviseur_client, "docx", "?jaar=2022&doel=2.1")
    assert response["Content-Disposition"] == (
        'attachment; filename="jaarverslag-groningen-2022-minder-misdrijven.docx"'
    )
    headings = [
        p.text
        for p in docx.Document(io.BytesIO(response.content)).paragraphs
        if p.style.name == "Heading 3"
    ]
    assert headings == ["Doel 2.1: Minder geregistreerde misdrijven"]
    markdown = download(adviseur_client, "md", "?jaar=2023")
    assert markdown["Content-Type"].startswith("text/markdown")
    assert markdown["Content-Disposition"].endswith('jaarverslag-groningen-2023.md"')
    assert markdown.content.decode().startswith(f"# Jaarverslag 2023: {plan.name}")
    data = json.loads(download(adviseur_client, "json", "?jaar=2023&doel=1.4").content)
    assert data["jaar"] == 2023 and [g["doel"] for g in data["doelen"]] == ["1.4"]
    assert data == plan_report(plan, 2023, "1.4")
    assert download(adviseur_client, "pdf").status_code == 404


def test_a_goal_name_with_markup_is_escaped(adviseur_client: Client, plan) -> None:
    name = '<script>alert("x")</script> & <b>vet</b>'
    Goal.objects.filter(theme__plan=plan, key="minder-misdrijven").update(name=name)
    page = adviseur_client.get(PAGE + "?jaar=2023").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;vet&lt;/b&gt;" in page
    assert "<script>alert" not in page and "<b>vet" not in page
    markdown = download(adviseur_client, "md", "?jaar=2023&doel=2.1").content.decode()
    assert name in markdown  # a download is the text itself, not a page


def test_the_page_prints_on_a4_without_the_controls(adviseur_client: Client, plan) -> None:
    page = adviseur_client.get(PAGE).content.decode()
    assert "reports/jaarverslag.css" in page
    assert 'class="no-print report-choice"' in page
    assert 'class="no-print report-actions"' in page
    css = Path(finders.find("reports/jaarverslag.css")).read_text(encoding="utf-8")
    printing = css[css.index("@media print") :]
    assert "size: A4" in printing
    for hidden in [".report-choice", ".report-actions", ".report-changes", ".utrecht-button"]:
        assert hidden in printing.split("display: none")[0]
    assert "break-inside: avoid" in printing and "table-header-group" in printing
    # wide tables scroll inside a focusable region on a narrow screen (320 px)
    assert 'class="table-wrapper report-table" tabindex="0" role="region" aria-label=' in page


def test_the_adopt_button_only_for_the_adviseur_and_a_past_year(
    client: Client, plan, adviseur, lezer
) -> None:
    link = reverse("reports:vaststellen", kwargs={"year": 2022})
    client.force_login(adviseur)
    assert link in client.get(PAGE + "?jaar=2022").content.decode()
    client.force_login(lezer)
    page = client.get(PAGE + "?jaar=2022").content.decode()
    assert link not in page
    assert "Jaarverslag 2022" in page  # reading is allowed
