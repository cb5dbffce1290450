"""Vaststellen through the pages: a beleidsadviseur freezes a year of the demo plan; a figure
corrected afterwards leaves the adopted page and downloads alone, the page names what
differs, ``?actueel=1`` shows today's version; twice, a running or future year, a bad date,
no CSRF token or another role are refused and store nothing."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openveiligheid.figures.models import Figure
from openveiligheid.reports.models import AdoptedReport
from tests.reports.conftest import row_of, table_rows

pytestmark = pytest.mark.django_db

PAGE = reverse("reports:jaarverslag")
ROW = "Geregistreerde misdrijven (totaal)"


def adopt_url(year: int) -> str:
    return reverse("reports:vaststellen", kwargs={"year": year})


def correct_the_2023_figure() -> None:
    changed = Figure.objects.filter(
        measure__name="misdrijven:0.0.0", area__code="GM0014", period="2023"
    ).update(value=15_990)
    assert changed == 1


def test_the_confirmation_page_says_what_freezing_means(adviseur_client: Client, plan) -> None:
    response = adviseur_client.get(adopt_url(2023))
    assert response.status_code == 200
    page = response.content.decode()
    assert "bevriest het jaar" in page
    assert "verandert daarna niet meer" in page
    assert 'name="adopted_on"' in page and 'name="csrfmiddlewaretoken"' in page
    assert not AdoptedReport.objects.exists()  # a GET stores nothing


def test_adopt_then_correct_a_figure(adviseur_client: Client, plan, adviseur) -> None:
    response = adviseur_client.post(adopt_url(2023), {"adopted_on": "2024-06-27"})
    assert response.status_code == 302
    assert response.url == PAGE + "?jaar=2023"
    adopted = AdoptedReport.objects.get(plan=plan, year=2023)
    assert adopted.adopted_on == dt.date(2024, 6, 27)
    assert adopted.frozen_by == adviseur
    page = adviseur_client.get(response.url).content.decode()
    assert "is vastgesteld en bevroren" in page  # the message
    assert "Vastgesteld</strong> op " in page
    assert f"door {adopted.frozen_by_name}" in page
    assert "raadsbesluit van 27 juni 2024" in page
    assert 'id="geen-verschillen"' in page
    assert adopt_url(2023) not in page  # no second vaststellen offered

    correct_the_2023_figure()
    page = adviseur_client.get(PAGE + "?jaar=2023").content.decode()
    assert row_of(page, ROW)[5] == "14.990"  # the frozen figure
    assert "Verschillen met de huidige cijfers" in page
    section = page[page.index('id="verschillen"') : page.index('class="report-body"')]
    changed = [
        row
        for row in table_rows(section)
        if row[0].startswith("Doel 2.1")
        and "kengetallen" in row[0]
        and row[0].endswith("2023 › waarde")
    ]
    assert len(changed) == 1
    assert "Geregistreerde misdrijven (totaal)" in changed[0][0]
    assert changed[0][1:] == ["14.990", "15.990"]
    assert "Doel 1.1" not in section  # only what changed

    current = adviseur_client.get(PAGE + "?jaar=2023&actueel=1").content.decode()
    assert row_of(current, ROW)[5] == "15.990"
    assert 'id="niet-vastgesteld"' in current and "Niet vastgesteld:" in current
    assert 'id="verschillen"' not in current

    frozen_docx = adviseur_client.get(
        reverse("reports:download", kwargs={"fmt": "docx"}) + "?jaar=2023"
    )
    cells = _docx_cells(frozen_docx.content)
    assert "14.990" in cells and "15.990" not in cells
    current_docx = adviseur_client.get(
        reverse("reports:download", kwargs={"fmt": "docx"}) + "?jaar=2023&actueel=1"
    )
    assert current_docx["Content-Disposition"].endswith('jaarverslag-groningen-2023-actueel.docx"')
    assert "15.990" in _docx_cells(current_docx.content)
    frozen_md = adviseur_client.get(
        reverse("reports:download", kwargs={"fmt": "md"}) + "?jaar=2023&doel=2.1"
    )
    assert "14.990" in frozen_md.content.decode()


def _docx_cells(data: bytes) -> set[str]:
    document = docx.Document(io.BytesIO(data))
    return {cell.text for table in document.tables for row in table.rows for cell in row.cells}


def test_the_newest_adopted_year_is_the_default(adviseur_client: Client, plan) -> None:
    adviseur_client.post(adopt_url(2021), {})
    page = adviseur_client.get(PAGE).content.decode()
    assert "Jaarverslag 2021" in page and 'id="vastgesteld"' in page
    assert AdoptedReport.objects.get(year=2021).adopted_on is None  # the date is optional


def test_adopting_twice_is_refused(adviseur_client: Client, plan) -> None:
    assert adviseur_client.post(adopt_url(2022), {}).status_code == 302
    frozen = AdoptedReport.objects.get(year=2022)
    response = adviseur_client.post(adopt_url(2022), {"adopted_on": "2023-07-01"}, follow=True)
    assert "al vastgesteld" in response.content.decode()
    assert AdoptedReport.objects.filter(year=2022).count() == 1
    assert AdoptedReport.objects.get(year=2022).frozen_at == frozen.frozen_at
    page = adviseur_client.get(adopt_url(2022)).content.decode()
    assert 'id="geweigerd"' in page and "al vastgesteld" in page
    assert '<form method="post"' not in page.split('id="inhoud"')[1]


@pytest.mark.parametrize("offset", [0, 1])
def test_a_year_that_has_not_ended_is_refused(adviseur_client: Client, plan, offset) -> None:
    year = timezone.localdate().year + offset
    page = adviseur_client.get(adopt_url(year)).content.decode()
    assert "is nog niet voorbij" in page
    response = adviseur_client.post(adopt_url(year), {}, follow=True)
    assert "is nog niet voorbij" in response.content.decode()
    assert not AdoptedReport.objects.exists()


def test_a_year_outside_the_plan_is_not_found(adviseur_client: Client, plan) -> None:
    assert adviseur_client.get(adopt_url(2001)).status_code == 404
    assert adviseur_client.post(adopt_url(2001), {}).status_code == 404
    assert not AdoptedReport.objects.exists()


@pytest.mark.parametrize(
    "day, message",
    [
        ("2022-12-31", "na afloop van dat jaar"),
        ("gisteren", "Vul een datum in"),
        ((timezone.localdate() + dt.timedelta(days=2)).isoformat(), "in de toekomst"),
    ],
)
def test_a_bad_council_date_is_refused(adviseur_client: Client, plan, day, message) -> None:
    response = adviseur_client.post(adopt_url(2022), {"adopted_on": day})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AdoptedReport.objects.exists()


def test_csrf_is_enforced(plan, adviseur) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(adviseur)
    response = client.post(adopt_url(2022), {})
    assert response.status_code == 403
    assert not AdoptedReport.objects.exists()
    token = client.get(adopt_url(2022)).context["csrf_token"]
    assert client.post(adopt_url(2022), {"csrfmiddlewaretoken": str(token)}).status_code == 302
    assert AdoptedReport.objects.filter(year=2022).exists()


def test_only_get_and_post(adviseur_client: Client, plan) -> None:
    assert adviseur_client.put(adopt_url(2022)).status_code == 405
    assert not AdoptedReport.objects.exists()
