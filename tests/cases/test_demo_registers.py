"""The demo's fictitious registers: imported with the demo, invented through and through,
feeding two plan indicators with exactly the registers' own yearly counts, and rebuilt
byte for byte by their generator."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from django.core.management import call_command

from openveiligheid.accounts.access import VIEW_DASHBOARD, may
from openveiligheid.cases.access import may_see_register
from openveiligheid.cases.counts import register_report
from openveiligheid.cases.models import Case, CasePerson, Person
from openveiligheid.cases.registers import HUISVERBOD
from openveiligheid.demo.loader import (
    DEMO_GEMEENTE,
    DEMO_REGISTERS,
    REGISTERS_DIR,
    reset_register_users,
)
from openveiligheid.indicators.services import evaluate_plan
from openveiligheid.policy.models import Plan
from tests.conftest import restore_demo

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "make_demo_registers.py"
PLAN_YEARS = range(2019, 2024)
#: What a case is opened on, per register file (maatregelen: the decision date).
OPENED_COLUMN = {"ondermijning": "ontvangen", "maatregelen": "besluitdatum"}


@pytest.fixture(scope="module")
def restored(demo_copy, django_db_blocker):
    """The session's demo (tests/conftest.py) put back for this module; flushed afterwards."""
    with django_db_blocker.unblock():
        plan = restore_demo(demo_copy)
    yield plan
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def plan(restored, db) -> Plan:
    return Plan.objects.get(pk=restored.pk)


def rows_of(file: str) -> list[dict[str, str]]:
    with (REGISTERS_DIR / file).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def file_of(register: str) -> str:
    return dict(DEMO_REGISTERS)[register]


def open_at_end_of(rows: list[dict[str, str]], year: int) -> int:
    """Counted from the file itself: opened on or before 31 December, not closed by then."""
    end = f"{year}-12-31"
    return sum(1 for r in rows if r["geopend"] <= end and not ("" < r["gesloten"] <= end))


def test_every_register_holds_exactly_the_cases_of_its_file(plan) -> None:
    for register, file in DEMO_REGISTERS:
        rows = rows_of(file)
        assert len(rows) > 50, file
        cases = Case.objects.filter(register=register, gemeente_code=DEMO_GEMEENTE)
        assert sorted(cases.values_list("number", flat=True)) == sorted(
            row["zaaknummer"] for row in rows
        ), register
        opened = OPENED_COLUMN.get(register, "geopend")
        still_open = sum(1 for row in rows if not row["gesloten"])
        assert cases.filter(closed__isnull=True).count() == still_open, register
        assert min(row[opened] for row in rows) == cases.earliest("opened").opened.isoformat()
        assert not cases.filter(wijk_code="").exists(), register  # every buurt was known


def test_every_person_is_invented_and_has_no_bsn(plan) -> None:
    with_names = sum(1 for _, file in DEMO_REGISTERS for row in rows_of(file) if row.get("naam"))
    assert Person.objects.count() == with_names > 0
    assert CasePerson.objects.count() == with_names
    assert not Person.objects.exclude(name__startswith="Fictief Persoon ").exists()
    assert not Person.objects.exclude(bsn_encrypted="").exists()
    assert not Person.objects.exclude(gemeente_code=DEMO_GEMEENTE).exists()


def test_the_two_indicators_are_the_registers_own_yearly_counts(plan) -> None:
    woonoverlast = rows_of(file_of("woonoverlast"))
    huisverboden = [r for r in rows_of(file_of("maatregelen")) if r["soort"] == HUISVERBOD]
    for year in PLAN_YEARS:
        results = {card.indicator.key: card.result for card in evaluate_plan(plan, year=year)}
        report = register_report("woonoverlast", year, DEMO_GEMEENTE)
        expected_open = open_at_end_of(woonoverlast, year)
        assert report["open_einde_jaar"] == expected_open, year
        assert results["woonoverlast-open-einde-jaar"].value == expected_open, year
        decided = sum(1 for r in huisverboden if r["besluitdatum"].startswith(str(year)))
        measures = register_report("maatregelen", year, DEMO_GEMEENTE)["naar_soort"]
        assert measures[HUISVERBOD] == decided, year
        assert results["huisverboden"].value == decided, year
        assert decided >= 5 and expected_open >= 5  # so none of these was suppressed


def test_the_indicators_end_with_the_registers_and_judge_their_targets(plan) -> None:
    """The counts are published as of the registers' extract date (31 December 2023): the
    cards show 2023, not empty years after the invented registers end."""
    cards = {card.indicator.key: card for card in evaluate_plan(plan)}
    for key in ("woonoverlast-open-einde-jaar", "huisverboden"):
        card = cards[key]
        assert card.result.period == "2023", key
        assert [year for year, _ in card.history] == list(range(2018, 2024)), key
        assert card.result.verdict in {"gehaald", "niet gehaald"}, key


def test_the_demo_register_accounts_see_what_their_role_allows(plan) -> None:
    from django.contrib.auth import get_user_model

    accounts = {name: (role, password) for name, role, password in reset_register_users()}
    users = {name: get_user_model().objects.get(username=name) for name in accounts}
    regisseur, fg = users["demo-regisseur"], users["demo-fg"]
    assert regisseur.check_password(accounts["demo-regisseur"][1])
    assert may_see_register(regisseur, "woonoverlast", DEMO_GEMEENTE)
    assert not may_see_register(regisseur, "maatregelen", DEMO_GEMEENTE)
    assert Case.objects.visible_to(regisseur).count() == len(rows_of(file_of("woonoverlast")))
    assert may(regisseur, VIEW_DASHBOARD, DEMO_GEMEENTE)
    assert fg.has_perm("audit.bekijken") and not Case.objects.visible_to(fg).exists()
    again = dict((name, password) for name, _, password in reset_register_users())
    assert again["demo-fg"] != accounts["demo-fg"][1]  # a fresh password on every start


def test_the_generator_rebuilds_the_shipped_files_byte_for_byte(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)], check=True, capture_output=True
    )
    built = sorted(path.name for path in tmp_path.iterdir())
    assert built == sorted(file for _, file in DEMO_REGISTERS)
    for name in built:
        assert (tmp_path / name).read_bytes() == (REGISTERS_DIR / name).read_bytes(), name
