"""The demo municipality, end to end: real files in, the engine's numbers out."""

import csv

import pytest

from django.core.management import call_command

from openveiligheid.demo.example_year import EXAMPLE_IMPORTS
from openveiligheid.demo.loader import (
    DATA,
    PLAN_FILES,
    demo_steps,
    load_demo,
    reset_demo_user,
)
from openveiligheid.imports.models import ImportRun
from openveiligheid.indicators.services import evaluate_plan, wijk_values
from openveiligheid.policy.models import Goal, Plan
from tests.conftest import restore_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def restored(demo_copy, django_db_blocker):
    """The session's demo (tests/conftest.py) put back for this module; flushed afterwards."""
    with django_db_blocker.unblock():
        plan = restore_demo(demo_copy)
    yield plan
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def plan(restored, db):
    return Plan.objects.get(pk=restored.pk)


def test_every_demo_import_succeeds_and_a_second_load_skips_them():
    load_demo(lambda message: None)  # a real load into an empty database
    # publishing the fictitious registers' counts is an import run of its own (cases.counts)
    published = ImportRun.objects.filter(kind="registerstanden")
    imports = ImportRun.objects.exclude(kind="registerstanden")
    # the data, the plans, then the example year's goal files (money, credits, activities)
    steps = len(demo_steps()) + len(PLAN_FILES) + len(EXAMPLE_IMPORTS)
    assert imports.filter(status=ImportRun.SUCCEEDED).count() == steps
    publications = published.count()
    assert publications and published.filter(status=ImportRun.SUCCEEDED).count() == publications
    load_demo(lambda message: None)
    assert imports.filter(status=ImportRun.SKIPPED).count() == steps
    assert published.count() == publications  # nothing new imported: nothing published again
    assert not ImportRun.objects.filter(status=ImportRun.FAILED).exists()


def test_the_demo_plans_are_loaded_through_the_import_log(plan):
    runs = ImportRun.objects.filter(kind="plan").order_by("pk")
    assert [run.file_name for run in runs] == [path.name for path in PLAN_FILES]
    assert {run.status for run in runs} == {ImportRun.SUCCEEDED}
    assert {run.format for run in runs} == {"plan-yaml"}
    groningen = runs[0]
    assert groningen.dataset.startswith("plan-GM0014-")
    goals = Goal.objects.filter(theme__plan=plan).count()
    assert goals and groningen.read == groningen.created == goals
    assert groningen.message.startswith(f"Plan '{plan.name}' ingelezen:")


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


def test_demo_user_gets_a_fresh_password_a_role_and_the_demo_gemeente():
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    from openveiligheid.policy.services import ensure_gemeente

    Plan.objects.create(gemeente_code="GM0014", name="Veiligheidsplan")
    ensure_gemeente("GM0014")

    from openveiligheid.accounts.access import VIEW_DASHBOARD, may

    _, first = reset_demo_user()
    name, second = reset_demo_user()
    assert first != second
    user = authenticate(RequestFactory().post("/inloggen/"), username=name, password=second)
    assert user is not None and may(user, VIEW_DASHBOARD, "GM0014")
    assert authenticate(RequestFactory().post("/inloggen/"), username=name, password=first) is None
    assert not may(user, VIEW_DASHBOARD, "GM0193")  # Zwolle: in no demo plan


def test_the_demo_controller_enters_money_but_does_not_edit_the_plan():
    from django.contrib.auth import get_user_model

    from openveiligheid.accounts.access import may
    from openveiligheid.accounts.roles import EDIT_FINANCE, EDIT_PLAN
    from openveiligheid.demo.loader import reset_controller_user
    from openveiligheid.policy.services import ensure_gemeente

    Plan.objects.create(gemeente_code="GM0014", name="Veiligheidsplan")
    ensure_gemeente("GM0014")
    name, password = reset_controller_user()
    user = get_user_model().objects.get(username=name)
    assert user.check_password(password)
    assert may(user, EDIT_FINANCE, "GM0014")
    assert not may(user, EDIT_PLAN, "GM0014")
