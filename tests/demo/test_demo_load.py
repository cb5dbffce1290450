"""The demo municipality, end to end: real files in, the engine's numbers out."""

import csv

import pytest

from openveiligheid.demo.loader import DATA, demo_steps, load_demo, reset_demo_user
from openveiligheid.imports.models import ImportRun
from openveiligheid.indicators.services import evaluate_plan, wijk_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return load_demo(lambda message: None)


def test_every_demo_import_succeeds_and_a_second_load_skips_them(plan):
    assert ImportRun.objects.filter(status=ImportRun.SUCCEEDED).count() == len(demo_steps())
    load_demo(lambda message: None)
    assert ImportRun.objects.filter(status=ImportRun.SKIPPED).count() == len(demo_steps())
    assert not ImportRun.objects.filter(status=ImportRun.FAILED).exists()


def test_plan_values_equal_the_source_files(plan):
    _values_equal_the_source_files(plan)
    _incident_counts_are_the_located_incidents_of_the_year(plan)
    _wijk_table_sums_to_the_gemeente(plan)


def _values_equal_the_source_files(plan):
    results = {card.indicator.key: card.result for card in evaluate_plan(plan)}
    with open(DATA / "misdrijven_buurt_2023_groningen.csv", encoding="utf-8") as f:
        buurt_total = sum(float(row["value"]) for row in csv.DictReader(f))
    assert results["misdrijven-totaal"].value == buurt_total == 14990
    assert results["fietsdiefstal"].value == 1825  # CBS 83651NED, GM0014, 2021
    assert results["fietsdiefstal"].verdict == "niet gehaald"
    assert results["winkeldiefstal-per-1000"].value == 2.9
    # the national comparison: NL crime 2023 / NL population 2023 * 1000
    with open(DATA / "landelijk_2012_2023.csv", encoding="utf-8") as f:
        nl = {(r["measure"], r["period"]): float(r["value"]) for r in csv.DictReader(f)}
    expected = nl[("misdrijven:0.0.0", "2023")] / nl[("inwoners", "2023")] * 1000
    assert results["misdrijven-per-1000"].comparison_value == pytest.approx(expected)
    assert results["misdrijven-per-1000"].verdict == "geen gegevens"


def _incident_counts_are_the_located_incidents_of_the_year(plan):
    from openveiligheid.figures.models import Incident

    results = {card.indicator.key: card.result for card in evaluate_plan(plan, year=2016)}
    located = Incident.objects.filter(reported_at__year=2016).exclude(area=None)
    assert results["fietsdiefstal-aangiften"].value == located.count()
    assert results["fietsdiefstal-opgehelderd"].value == located.filter(cleared=True).count()
    assert "cijfer uit gebiedsindeling 2017 (niet 2024)" in results["fietsdiefstal-aangiften"].notes


def _wijk_table_sums_to_the_gemeente(plan):
    indicator = plan.indicators.get(key="misdrijven-totaal")
    division, values = wijk_values(plan, indicator, 2023)
    assert division == 2024
    assert sum(v.value.value for v in values if v.value) == 14990


def test_demo_user_gets_a_fresh_password_and_a_role():
    from django.contrib.auth import authenticate

    from openveiligheid.accounts.roles import VIEW_DASHBOARD

    _, first = reset_demo_user()
    name, second = reset_demo_user()
    assert first != second
    user = authenticate(username=name, password=second)
    assert user is not None and user.has_perm(VIEW_DASHBOARD)
    assert authenticate(username=name, password=first) is None
