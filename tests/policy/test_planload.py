"""Reloading a plan updates by key and never deletes what hangs off a goal; the export reads
back to the same plan."""

from __future__ import annotations

import pytest

from openveiligheid.policy.models import Activity, Change, Goal, Plan
from openveiligheid.policy.planimport import load_plan
from openveiligheid.policy.planload import current_themes
from openveiligheid.policy.yearwork import save_activity, save_amounts
from tests.conftest import write
from tests.policy.test_yearwork import ZWOLLE_PLAN

pytestmark = pytest.mark.django_db

TWO_GOALS = ZWOLLE_PLAN + (
    "      - id: extra\n"
    "        code: 7.2.2\n"
    "        naam: Extra doel\n"
    "        omschrijving: Wat we willen bereiken.\n"
    "        portefeuillehouder: burgemeester\n"
)


def test_reloading_marks_a_goal_removed_and_keeps_its_activities_and_money(tmp_path):
    plan = load_plan(write(tmp_path, "plan.yaml", TWO_GOALS))
    extra = Goal.objects.get(key="extra")
    assert (extra.code, extra.portfolio_holder) == ("7.2.2", "burgemeester")
    save_activity(extra, 2022, "A", "Iets doen")
    save_amounts(extra, 2022, {("begroting", "lasten"): 5})
    load_plan(write(tmp_path, "plan.yaml", ZWOLLE_PLAN))
    extra.refresh_from_db()
    assert extra.removed_at is not None
    assert Activity.objects.filter(goal=extra).count() == 1
    assert extra.amounts.count() == 1
    shown = [g.key for t in current_themes(plan) for g in t.current_goals]
    assert shown == ["7-2-1"]
    change = Change.objects.filter(kind="plan").first()
    assert change.fields == {"verwijderd": ["extra", ""]}
    load_plan(write(tmp_path, "plan.yaml", TWO_GOALS))  # back again, with what hung off it
    extra.refresh_from_db()
    assert extra.removed_at is None and extra.activities.count() == 1
    assert Plan.objects.count() == 1


def test_the_same_file_twice_records_no_change(tmp_path):
    path = write(tmp_path, "plan.yaml", TWO_GOALS)
    load_plan(path)
    load_plan(path)
    assert Change.objects.count() == 1
