"""The start page on the real demo data agrees with the indicator engine, card by card."""

from __future__ import annotations

import re

import pytest

from django.test import Client

from openveiligheid.dashboard.services import target_in_words
from openveiligheid.indicators.formatting import format_change, format_number
from openveiligheid.indicators.models import Indicator
from openveiligheid.indicators.services import evaluate_reporting_year
from openveiligheid.policy.models import Goal, Plan

from .html import elements, page_text, text_by

pytestmark = pytest.mark.django_db

SYMBOLS = {"gehaald": "✔", "niet gehaald": "✘", "geen doel": "–", "geen gegevens": "?"}


def cards_on(client: Client, url: str = "/") -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    return text_by(response.content.decode(), "data-indicator")


def assert_card_matches(text: str, result) -> None:
    """Everything the engine says about one indicator is on its card, formatted in Dutch."""
    assert result.name in text
    # A figure older than the peiljaar is marked with its year.
    assert (f"cijfer {result.period}" if result.is_older else f"in {result.period}") in text
    assert f"{SYMBOLS[result.verdict]} {result.verdict}" in text
    if result.value is None:
        assert "geen cijfer" in text
    else:
        assert format_number(result.value, result.decimals) in text
    if result.target:
        assert f"Doel {result.period} {target_in_words(result.target)}" in text
    if result.change_pct is not None:
        assert f"{format_change(result.change_pct)} ({result.trend})" in text
    if result.comparison_area:
        assert format_number(result.comparison_value, result.decimals) in text
    for note in result.notes:
        assert note in text


def test_every_indicator_has_a_card_that_agrees_with_the_engine(
    adviseur_client: Client, plan: Plan
) -> None:
    cards = cards_on(adviseur_client)
    evaluated = evaluate_reporting_year(plan).cards
    assert set(cards) == {c.indicator.key for c in evaluated}
    assert len(cards) == 14
    for card in evaluated:
        assert_card_matches(cards[card.indicator.key], card.result)


def test_known_demo_figures_are_shown(adviseur_client: Client, plan: Plan) -> None:
    cards = cards_on(adviseur_client)
    assert "1.825 diefstallen in 2021" in cards["fietsdiefstal"]
    assert "✘ niet gehaald" in cards["fietsdiefstal"]
    assert "+24,6% (slechter)" in cards["fietsdiefstal"]
    # Peiljaar 2021: the police registrations end in 2016, shown marked with their year.
    assert "3.512 registraties cijfer 2016" in cards["fietsdiefstal-aangiften"]
    assert "-1,7% (beter)" in cards["fietsdiefstal-aangiften"]
    assert "cijfer uit gebiedsindeling 2017" in cards["fietsdiefstal-aangiften"]
    assert "de cijfers beginnen in 2023" in cards["misdrijven-totaal"]
    cards = cards_on(adviseur_client, "/?jaar=2023")
    assert "14.990 misdrijven in 2023" in cards["misdrijven-totaal"]
    assert "lager dan 15.500" in cards["misdrijven-totaal"]
    assert "✔ gehaald" in cards["misdrijven-totaal"]
    # The gemeente has no population for 2023, the Netherlands does: "?" plus the comparison.
    assert "? geen gegevens" in cards["misdrijven-per-1000"]
    assert "Nederland 44,9" in cards["misdrijven-per-1000"]
    assert "geen cijfer per 1.000 inwoners" in cards["misdrijven-per-1000"]
    assert "? geen gegevens" in cards["halt-verwijzingen"]


def test_cards_link_to_the_indicator_page(adviseur_client: Client, plan: Plan) -> None:
    content = adviseur_client.get("/").content.decode()
    for indicator in plan.indicators.all():
        assert f'href="/indicator/{indicator.key}/"' in content


def test_themes_and_goals_in_plan_order_with_criteria(adviseur_client: Client, plan) -> None:
    content = adviseur_client.get("/").content.decode()
    sections = [label for label, _ in elements(content, "aria-labelledby") if label]
    themes = [label for label in sections if label.startswith("thema-")]
    assert [t.removesuffix("-titel") for t in themes] == [
        f"thema-{theme.key}" for theme in plan.themes.all()
    ]
    positions = [content.index(f'id="doel-{g.key}"') for g in Goal.objects.filter(theme__plan=plan)]
    assert positions == sorted(positions)
    text = page_text(content)
    for goal in Goal.objects.filter(theme__plan=plan):
        assert goal.name in text
        assert " ".join(goal.criteria.split()) in text
    assert plan.name in text


def test_verdict_summary_counts_each_indicator_once(adviseur_client: Client, plan) -> None:
    text = page_text(adviseur_client.get("/").content.decode())
    # Peiljaar 2021; the two police series are of 2016, outside the plan period: no verdict.
    assert "✔ 6 gehaald" in text  # incl. an indicator of the fictitious registers
    assert "✘ 3 niet gehaald" in text
    assert "– 2 geen doel" in text
    assert "? 3 geen gegevens" in text


def test_year_filter_evaluates_every_indicator_for_that_year(
    adviseur_client: Client, plan: Plan
) -> None:
    cards = cards_on(adviseur_client, "/?jaar=2021")
    evaluated = evaluate_reporting_year(plan, 2021).cards
    assert set(cards) == {c.indicator.key for c in evaluated}
    for card in evaluated:
        assert card.result.reference_year == 2021
        assert int(card.result.period) <= 2021
        assert_card_matches(cards[card.indicator.key], card.result)
    # Police registrations stop in 2017: their newest full year, marked.
    assert "cijfer 2016" in cards["fietsdiefstal-aangiften"]
    assert (
        'href="/indicator/fietsdiefstal/?jaar=2021"'
        in adviseur_client.get("/?jaar=2021").content.decode()
    )


def test_year_filter_for_an_older_year(adviseur_client: Client, plan: Plan) -> None:
    cards = cards_on(adviseur_client, "/?jaar=2015")
    assert "3.572 registraties in 2015" in cards["fietsdiefstal-aangiften"]
    # The targets of 2015 lie outside the plan period 2019-2023: no verdict.
    assert "– geen doel" in cards["fietsdiefstal-aangiften"]
    assert "buiten de planperiode" in cards["fietsdiefstal-aangiften"]
    assert "164 registraties in 2015" in cards["fietsdiefstal-opgehelderd"]
    assert "– geen doel" in cards["fietsdiefstal-opgehelderd"]


@pytest.mark.parametrize(
    "raw", ["abc", "20x1", "99999", "1899", "2101", "-5", "2021.5", "<script>x</script>", " "]
)
def test_a_bad_year_is_ignored_with_a_message(adviseur_client: Client, plan: Plan, raw) -> None:
    response = adviseur_client.get("/", {"jaar": raw})
    assert response.status_code == 200
    content = response.content.decode()
    if raw.strip():
        assert "geen geldig jaar" in content
        assert "<script>x</script>" not in content
    else:
        assert "geen geldig jaar" not in content
    # The latest figures are shown instead.
    assert text_by(content, "data-indicator") == cards_on(adviseur_client, "/")


def test_html_in_plan_texts_is_escaped(adviseur_client: Client, plan: Plan) -> None:
    Indicator.objects.filter(plan=plan, key="straatroof").update(
        name="<script>alert('straatroof')</script>", note="<b>vet</b>"
    )
    Goal.objects.filter(key="veilig-over-straat").update(criteria="<img src=x onerror=alert(1)>")
    content = adviseur_client.get("/").content.decode()
    assert "<script>alert(" not in content
    assert "&lt;script&gt;alert(&#x27;straatroof&#x27;)&lt;/script&gt;" in content
    assert "<img src=x" not in content
    assert "&lt;img src=x onerror=alert(1)&gt;" in content
    detail = adviseur_client.get("/indicator/straatroof/").content.decode()
    assert "<script>alert(" not in detail
    assert "&lt;script&gt;" in detail
    assert "<b>vet</b>" not in detail


def test_an_indicator_under_two_goals_appears_under_each(
    adviseur_client: Client, plan: Plan
) -> None:
    winkeldiefstal = Indicator.objects.get(plan=plan, key="winkeldiefstal")
    Goal.objects.get(theme__plan=plan, key="minder-misdrijven").indicators.add(winkeldiefstal)
    content = adviseur_client.get("/").content.decode()
    found = [key for key, _ in elements(content, "data-indicator")]
    assert found.count("winkeldiefstal") == 2
    assert len(found) == 15


def test_an_indicator_under_no_goal_is_still_shown(adviseur_client: Client, plan: Plan) -> None:
    Indicator.objects.get(plan=plan, key="straatroof").goals.clear()
    content = adviseur_client.get("/").content.decode()
    assert "Overige indicatoren" in content
    assert [key for key, _ in elements(content, "data-indicator")].count("straatroof") == 1


def test_no_colour_alone_every_verdict_has_word_and_symbol(adviseur_client: Client, plan) -> None:
    content = adviseur_client.get("/").content.decode()
    for css, text in elements(content, "class"):
        if css and css.startswith("verdict verdict--"):
            assert any(text.startswith(symbol) for symbol in SYMBOLS.values()), text
            assert any(word in text for word in SYMBOLS), text


def test_page_loads_no_external_resources(adviseur_client: Client, plan: Plan) -> None:
    content = adviseur_client.get("/").content.decode()
    scripts = re.findall(r"<script[^>]*>", content)
    assert scripts == ['<script src="/static/dashboard/openveiligheid.js" defer>'], scripts
    external = re.findall(r'(?:src|href)="(?:https?:)?//[^"]*"', content)
    assert external == []  # the SVG's xmlns is a name, not a resource
    assert "/static/dashboard/openveiligheid.css" in content
    assert "/static/vendor/utrecht/component-library.css" in content
    assert "/static/vendor/utrecht/design-tokens.css" in content
