"""The indicator page: definition in words, the yearly series and the table per wijk."""

from __future__ import annotations

import pytest

from django.test import Client

from openveiligheid.dashboard.services import target_in_words
from openveiligheid.indicators.formatting import format_change, format_number
from openveiligheid.indicators.models import Indicator
from openveiligheid.indicators.services import indicator_series, wijk_values
from openveiligheid.policy.models import Plan

from .html import page_text, text_by

pytestmark = pytest.mark.django_db


def get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_series_table_agrees_with_the_engine(adviseur_client: Client, plan: Plan) -> None:
    for indicator in plan.indicators.all():
        content = get(adviseur_client, f"/indicator/{indicator.key}/")
        rows = text_by(content, "data-year")
        results = indicator_series(plan, indicator)
        assert list(rows) == [r.period for r in results], indicator.key
        for result in results:
            row = rows[result.period]
            assert row.startswith(result.period)
            assert format_number(result.value, result.decimals) in row
            assert result.verdict in row
            if result.change_pct is not None:
                assert f"{format_change(result.change_pct)} ({result.trend})" in row
            if result.target:
                assert target_in_words(result.target) in row
            if result.comparison_area:
                assert format_number(result.comparison_value, result.decimals) in row
            for note in result.notes:
                assert note in row


def test_bicycle_registrations_series_and_wijken(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, "/indicator/fietsdiefstal-aangiften/")
    rows = text_by(content, "data-year")
    assert list(rows) == ["2013", "2014", "2015", "2016"]
    # the target of 2015 lies outside the plan period 2019-2023: no verdict
    assert rows["2015"].startswith("2015 3.572 +5,9% (slechter) – – geen doel")
    assert "cijfer uit gebiedsindeling 2017" in rows["2013"]
    text = page_text(content)
    assert "Per wijk in 2016" in text
    assert "gebiedsindeling 2017" in text
    wijken = text_by(content, "data-area")
    indicator = Indicator.objects.get(plan=plan, key="fietsdiefstal-aangiften")
    division, values = wijk_values(plan, indicator, 2016)
    assert division == 2017
    assert len(wijken) == len(values) == 15
    for item in values:
        assert wijken[item.area.code].startswith(
            f"{item.area.name} {item.area.code} {format_number(item.value.value, 0)}"
        )
    assert wijken["WK001400"].startswith("Centrum WK001400 1.776")


def test_definition_in_words(adviseur_client: Client, plan: Plan) -> None:
    text = page_text(get(adviseur_client, "/indicator/misdrijven-per-1000/"))
    # words first; the technical names only inside "Technische namen van de maten"
    assert "Het aantal Geregistreerde misdrijven: Totaal misdrijven, per 1.000 inwoners." in text
    before_details = text.split("Technische namen van de maten")[0]
    assert "misdrijven:0.0.0" not in before_details
    assert "misdrijven:0.0.0" in text  # behind the toelichting, for plan files
    assert "per 1.000 inwoners" in text
    assert "Lager is beter" in text
    assert "Nederland (NL01)" in text
    assert "CBS/Politie 47018NED" in text  # source
    assert "Eerlijk gezegd" in text  # toelichting
    reported = page_text(get(adviseur_client, "/indicator/fietsdiefstal-per-1000/"))
    assert "zoals de bron het rapporteert" in reported
    assert "(Geregistreerde diefstallen: Fietsdiefstal per 1.000 inwoners (zoals CBS" in reported
    assert "diefstallen_per_1000:CRI1122" in reported.split("Technische namen van de maten")[1]
    assert "niet opnieuw berekend" in reported
    higher = page_text(get(adviseur_client, "/indicator/fietsdiefstal-opgehelderd/"))
    assert "Hoger is beter" in higher


def test_wijk_table_for_a_chosen_year(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, "/indicator/fietsdiefstal-aangiften/?jaar=2014")
    assert "Per wijk in 2014" in page_text(content)
    indicator = Indicator.objects.get(plan=plan, key="fietsdiefstal-aangiften")
    _, values = wijk_values(plan, indicator, 2014)
    wijken = text_by(content, "data-area")
    for item in values:
        assert f"{item.area.code} {format_number(item.value.value, 0)}" in wijken[item.area.code]
    assert 'class="is-selected"' in content


def test_wijk_table_in_the_plans_division(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, "/indicator/misdrijven-totaal/")
    text = page_text(content)
    assert "Per wijk in 2023" in text
    assert "gebiedsindeling 2024" in text
    wijken = text_by(content, "data-area")
    assert wijken["WK001400"].startswith("Centrum WK001400 5.538")
    assert len(wijken) == 20


def test_no_wijk_figures_is_said_in_words(adviseur_client: Client, plan: Plan) -> None:
    text = page_text(get(adviseur_client, "/indicator/halt-verwijzingen/"))
    assert "Er zijn nog geen cijfers voor deze indicator" in text
    text = page_text(get(adviseur_client, "/indicator/fietsdiefstal/?jaar=2021"))
    assert "Voor 2021 zijn er geen cijfers per wijk" in text


def test_unknown_indicator_is_404(adviseur_client: Client, plan: Plan) -> None:
    response = adviseur_client.get("/indicator/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_bad_year_on_the_indicator_page(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, "/indicator/fietsdiefstal-aangiften/?jaar=twintig")
    assert "geen geldig jaar" in content
    assert "Per wijk in 2016" in page_text(content)


def test_a_year_without_any_data(adviseur_client: Client, plan: Plan) -> None:
    content = get(adviseur_client, "/indicator/fietsdiefstal/?jaar=1950")
    assert "Voor 1950 zijn er geen cijfers per wijk" in page_text(content)
    content = get(adviseur_client, "/?jaar=1950")
    assert "Voor 1950 zijn er geen cijfers; peiljaar" in page_text(content)
    assert text_by(content, "data-indicator") == text_by(
        get(adviseur_client, "/"), "data-indicator"
    )
