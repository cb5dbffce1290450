"""The peiljaar of the Overzicht on the real demo data, and year menus that list only years
with figures (Overzicht, Indicator, Kaart, Vergelijken)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from django.test import Client

from openveiligheid.core.periods import plan_years
from openveiligheid.figures.models import Figure
from openveiligheid.indicators.engine import series
from openveiligheid.indicators.formatting import format_number
from openveiligheid.indicators.models import Indicator
from openveiligheid.indicators.services import plan_figures
from openveiligheid.policy.models import Plan

from .html import page_text, text_by

pytestmark = pytest.mark.django_db


def get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def options(content: str, select_id: str) -> list[tuple[str, bool]]:
    """(value, selected) of every option of ``<select id=select_id>``."""
    block = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', content, re.S)
    assert block, select_id
    return [
        (value, " selected" in rest)
        for value, rest in re.findall(r'<option value="([^"]*)"([^>]*)>', block.group(1))
    ]


def gemeente_years(plan: Plan) -> dict[str, list[int]]:
    """Per indicator key, the years in which the gemeente has a value (from the engine)."""
    indicators = list(plan.indicators.all())
    figures = plan_figures(plan, indicators)
    return {
        i.key: [y for y, _ in series(i.to_definition(), figures, plan.gemeente_code)]
        for i in indicators
    }


def test_default_peiljaar_is_the_newest_year_in_which_most_indicators_have_a_figure(
    adviseur_client: Client, plan: Plan
) -> None:
    years = [ys for ys in gemeente_years(plan).values() if ys]
    counts = Counter(y for ys in years for y in ys)
    expected = max(y for y, n in counts.items() if n > len(years) / 2)
    assert counts[expected] > len(years) / 2
    assert all(counts[y] <= len(years) / 2 for y in counts if y > expected)
    content = get(adviseur_client, "/")
    assert (str(expected), True) in options(content, "jaar")
    assert f"Peiljaar {expected}: het nieuwste jaar waarin de meeste indicatoren" in page_text(
        content
    )


def test_every_card_shows_the_peiljaar_or_its_older_figure_marked_with_its_year(
    adviseur_client: Client, plan: Plan
) -> None:
    by_key = gemeente_years(plan)
    for peiljaar in (2021, 2023):
        cards = text_by(get(adviseur_client, f"/?jaar={peiljaar}"), "data-indicator")
        older = 0
        for key, years in by_key.items():
            shown = max((y for y in years if y <= peiljaar), default=None)
            text = cards[key]
            if shown is None:
                assert "geen cijfer" in text, (peiljaar, key)
            elif shown == peiljaar:
                assert f"in {peiljaar}" in text and "cijfer 20" not in text, (peiljaar, key)
            else:
                older += 1
                assert f"cijfer {shown}" in text, (peiljaar, key)
                assert f"nog geen cijfer voor {peiljaar}" in text
        assert older, peiljaar  # the demo has series that end before both peiljaren
    # The card's number is the older year's own figure.
    indicator = Indicator.objects.get(plan=plan, key="fietsdiefstal-aangiften")
    figures = plan_figures(plan, [indicator])
    last_year, last = series(indicator.to_definition(), figures, plan.gemeente_code)[-1]
    assert last_year < 2021
    text = text_by(get(adviseur_client, "/?jaar=2021"), "data-indicator")[indicator.key]
    assert f"{format_number(last.value, 0)} registraties cijfer {last_year}" in text


def test_a_target_outside_the_plan_period_gives_no_verdict(
    adviseur_client: Client, plan: Plan
) -> None:
    period = plan_years(plan.period)
    indicator = Indicator.objects.get(plan=plan, key="fietsdiefstal-aangiften")
    outside = [t.year for t in indicator.targets.all() if t.year not in period]
    assert outside, "the demo plan has a target before its period"
    year = outside[-1]
    card = text_by(get(adviseur_client, f"/?jaar={year}"), "data-indicator")[indicator.key]
    assert "– geen doel" in card
    assert f"het doel voor {year} telt niet mee" in card
    row = text_by(get(adviseur_client, f"/indicator/{indicator.key}/"), "data-year")[str(year)]
    assert "geen doel" in row and "buiten de planperiode" in row
    # The same target inside the plan period is judged: the period is the reason.
    Plan.objects.filter(pk=plan.pk).update(period=f"{year}-{period[-1]}")
    card = text_by(get(adviseur_client, f"/?jaar={year}"), "data-indicator")[indicator.key]
    assert "gehaald" in card and "geen doel" not in card


def test_a_year_without_figures_shows_the_default_with_a_message(
    adviseur_client: Client, plan: Plan
) -> None:
    empty = min(y for ys in gemeente_years(plan).values() for y in ys) - 1
    content = get(adviseur_client, f"/?jaar={empty}")
    assert f"Voor {empty} zijn er geen cijfers; peiljaar" in page_text(content)
    assert str(empty) not in [value for value, _ in options(content, "jaar")]


def test_overview_year_menu_lists_exactly_the_years_with_figures(
    adviseur_client: Client, plan: Plan
) -> None:
    expected = sorted({y for ys in gemeente_years(plan).values() for y in ys}, reverse=True)
    listed = options(get(adviseur_client, "/"), "jaar")
    assert [int(value) for value, _ in listed] == expected
    assert sum(selected for _, selected in listed) == 1
    assert 2017 not in expected  # no indicator of the demo has a full year 2017


def test_indicator_year_menu_lists_only_years_with_figures(
    adviseur_client: Client, plan: Plan
) -> None:
    by_key = gemeente_years(plan)
    for indicator in plan.indicators.all():
        definition = indicator.to_definition()
        first = (definition.reported,) if definition.reported else definition.measures
        area_years = set(
            Figure.objects.filter(
                measure__name=first[0],
                area__gemeente_code=plan.gemeente_code,
                area__level="wijk",
                month__isnull=True,
            ).values_list("year", flat=True)
        )
        content = get(adviseur_client, f"/indicator/{indicator.key}/")
        listed = [int(v) for v, _ in options(content, "jaar") if v]
        assert listed == sorted(set(by_key[indicator.key]) | area_years, reverse=True), (
            indicator.key
        )


def test_kaart_and_vergelijken_offer_only_periods_with_figures(
    adviseur_client: Client, plan: Plan
) -> None:
    content = get(adviseur_client, "/kaart/")
    listed = [v for v, _ in options(content, "periode")]
    assert listed
    subject = next(v for v, selected in options(content, "onderwerp") if selected)
    kind, _, name = subject.partition(":")
    measures = (
        [name]
        if kind == "maat"
        else list(Indicator.objects.get(plan=plan, key=name).to_definition().input_measures[:1])
    )
    found = Figure.objects.filter(
        measure__name__in=measures, area__gemeente_code=plan.gemeente_code, area__level="wijk"
    )
    have = {f"{y}" if m is None else f"{y}-{m:02d}" for y, m in found.values_list("year", "month")}
    assert set(listed) <= have
    content = get(adviseur_client, "/vergelijken/")
    years = re.findall(r'name="jaar" value="(\d{4})"', content)
    assert years
    columns = re.findall(r'data-area="([^"]+)"', content)
    codes = set(columns)
    with_figures = set(
        Figure.objects.filter(area__code__in=codes, month__isnull=True).values_list(
            "year", flat=True
        )
    )
    assert {int(y) for y in years} <= with_figures
