"""``load_plan`` (the command and the function) records its run in the import log like every other import: kind ``plan``, file
name, SHA-256, who, the goals read, new, changed and removed, and the message; a refused file
leaves a failed run with its problems; the same file again is skipped unless it puts back
edits made in the web."""

from __future__ import annotations

import hashlib
import io

import pytest

from django.core.management import CommandError, call_command

from openveiligheid.core.errors import InputError
from openveiligheid.imports.models import ImportRun
from openveiligheid.policy.models import Goal, Plan
from openveiligheid.policy.planimport import import_plan, load_plan
from tests.conftest import write
from tests.policy.test_planload import TWO_GOALS
from tests.policy.test_yearwork import ZWOLLE_PLAN

pytestmark = pytest.mark.django_db


def load(path) -> tuple[ImportRun, str]:
    out = io.StringIO()
    call_command("load_plan", str(path), stdout=out)
    return ImportRun.objects.latest("pk"), out.getvalue()


def test_a_plan_loaded_on_the_command_line_is_in_the_import_log(tmp_path):
    path = write(tmp_path, "zwolle.yaml", TWO_GOALS)
    run, out = load(path)
    plan = Plan.objects.get()
    assert run.kind == "plan" and run.status == ImportRun.SUCCEEDED
    assert run.file_name == "zwolle.yaml" and run.format == "plan-yaml"
    assert run.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert run.user is None and run.user_name.startswith("cli:")
    assert run.dataset.startswith(f"plan-{plan.gemeente_code}-")
    assert (run.read, run.created, run.updated, run.deleted) == (2, 2, 0, 0)
    assert run.message.startswith(f"Plan '{plan.name}' ingelezen: 1 thema's, 2 doelen")
    assert "Doelen: 2 nieuw, 0 gewijzigd, 0 vervallen" in run.message
    assert out == f"zwolle.yaml: {run.message}\n"


def test_a_reload_counts_the_goals_it_removed_and_changed(tmp_path):
    load(write(tmp_path, "zwolle.yaml", TWO_GOALS))
    assert import_plan(write(tmp_path, "zwolle.yaml", TWO_GOALS)).status == ImportRun.SKIPPED
    one_goal = ZWOLLE_PLAN.replace(
        "      - id: 7-2-1\n", '      - id: 7-2-1\n        code: "7.2.9"\n'
    )
    run = import_plan(write(tmp_path, "minder.yaml", one_goal))
    assert run.status == ImportRun.SUCCEEDED
    assert (run.read, run.created, run.updated, run.deleted) == (1, 0, 1, 1)
    assert "Doelen: 0 nieuw, 1 gewijzigd, 1 vervallen" in run.message
    assert Goal.objects.get(key="extra").removed_at is not None


def test_the_same_file_after_web_edits_puts_the_plan_back_and_is_not_skipped(tmp_path):
    path = write(tmp_path, "zwolle.yaml", TWO_GOALS)
    first, _ = load(path)
    Goal.objects.filter(key="extra").update(name="In de web gewijzigd")
    again, _ = load(path)
    assert again.status == ImportRun.SUCCEEDED and again.pk != first.pk
    assert again.updated == 1
    assert Goal.objects.get(key="extra").name == "Extra doel"
    third, out = load(path)
    assert third.status == ImportRun.SKIPPED
    assert f"import {again.pk}" in third.message and "al ingelezen" in out


def test_a_refused_plan_leaves_a_failed_run_with_its_problems(tmp_path):
    path = write(tmp_path, "kapot.yaml", TWO_GOALS.replace("naam: Extra doel", "naam: [kapot"))
    with pytest.raises(CommandError, match="Niets ingelezen. Fouten:\nkapot.yaml, regel"):
        call_command("load_plan", str(path), stdout=io.StringIO())
    run = ImportRun.objects.get()
    assert run.kind == "plan" and run.status == ImportRun.FAILED
    assert run.errors and run.errors[0]["file"] == "kapot.yaml" and run.errors[0]["line"]
    assert not Plan.objects.exists()


def test_a_plan_of_another_gemeente_is_refused_when_one_is_given(tmp_path):
    with pytest.raises(InputError) as refused:
        import_plan(write(tmp_path, "zwolle.yaml", TWO_GOALS), gemeente_code="GM0014")
    run = ImportRun.objects.get()
    assert "dit plan is van gemeente GM0193, u werkt nu voor GM0014" in str(refused.value)
    assert run.status == ImportRun.FAILED and not Plan.objects.exists()


def test_load_plan_returns_the_plan_of_its_run_also_when_skipped(tmp_path):
    path = write(tmp_path, "zwolle.yaml", TWO_GOALS)
    plan = load_plan(path)
    assert plan == Plan.objects.get() and plan.source_file == "zwolle.yaml"
    assert load_plan(path) == plan
    renamed = TWO_GOALS.replace("naam: Extra doel", "naam: Ander doel")
    assert load_plan(path, text=renamed) == plan
    assert Goal.objects.get(key="extra").name == "Ander doel"
    runs = ImportRun.objects.filter(kind="plan").order_by("pk")
    statuses = [ImportRun.SUCCEEDED, ImportRun.SKIPPED, ImportRun.SUCCEEDED]
    assert [run.status for run in runs] == statuses
    assert runs[2].sha256 == hashlib.sha256(renamed.encode("utf-8")).hexdigest()


def test_load_plan_raises_on_a_refused_file_and_logs_it(tmp_path):
    path = write(tmp_path, "kapot.yaml", TWO_GOALS.replace("naam: Extra doel", "naam: [kapot"))
    with pytest.raises(InputError):
        load_plan(path)
    assert ImportRun.objects.get().status == ImportRun.FAILED
    assert not Plan.objects.exists()
