"""The plan file export: the demo plan, written out, loads to the same plan."""

from __future__ import annotations

import pytest

from openveiligheid.policy.planfile import read_plan
from openveiligheid.policy.planimport import load_plan
from openveiligheid.policy.planload import plan_document, plan_yaml
from tests.conftest import write

pytestmark = pytest.mark.django_db


def test_the_demo_plan_exports_to_a_file_that_loads_to_the_same_plan(plan, tmp_path):
    text = plan_yaml(plan)
    assert text.startswith("# Plan ")
    spec = read_plan("export.yaml", text=text)
    assert spec.name == plan.name and len(spec.goals()) == 9
    assert {g.code for g in spec.goals()} >= {"1.1", "4.2"}
    renamed = text.replace(f"naam: '{plan.name}'", "naam: Kopie", 1).replace(
        f"naam: {plan.name}", "naam: Kopie", 1
    )
    assert renamed != text
    copy = load_plan(write(tmp_path, "kopie.yaml", renamed))
    original, again = plan_document(plan), plan_document(copy)
    assert again.pop("naam") == "Kopie"
    original.pop("naam")
    assert again == original


def test_the_activities_export_reads_back_unchanged(plan, tmp_path):
    from openveiligheid.imports.models import ImportRun
    from openveiligheid.policy.models import ActivityStatus
    from openveiligheid.policy.yearimports import import_activities
    from openveiligheid.policy.yearwork import activities_csv

    data = activities_csv(plan, 2023)
    text = data.decode("utf-8-sig")
    assert text.startswith("doel;code;activiteit;inhoud;planning;financien;risico;toelichting\r\n")
    assert "\r\n2.1;2.1-2;Cameratoezicht binnenstad vervangen en evalueren;oranje;rood;" in text
    assert text.count("\r\n") == 1 + 15  # the header and the demo's 15 activities
    statuses = ActivityStatus.objects.count()
    run, _ = import_activities(plan, 2023, "export.csv", data=data, moment="jaarrekening")
    assert run.status == ImportRun.SUCCEEDED
    assert ActivityStatus.objects.count() == statuses  # the same statuses: no new history rows
