"""Background tasks (jobs/tasks.py; ADR 0020): run at once with ``direct``, queued with
``database``; claimed once; cancelled before the start never run, cancelled during the run
rolled back; a task whose worker died is put back once and then failed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django_tasks_db.models import DBTaskResult

from django.db import transaction
from django.utils import timezone

from openveiligheid.insight.models import AnalysisRun
from openveiligheid.jobs import tasks
from openveiligheid.jobs.models import BackgroundTask, JobRun
from openveiligheid.jobs.tasks import (
    cancel,
    execute,
    identity,
    pending_divisions,
    recover,
    register,
    run_queued,
    submit,
)

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def queued(settings, tmp_path):
    """``OV_TAKEN=database``: tasks wait in the database until a worker runs them."""
    settings.TASK_QUEUE = "database"
    settings.DATA_DIR = tmp_path  # cancel flags go to OV_DATA_DIR/taken
    settings.TASKS = DATABASE_QUEUE
    return settings


@pytest.fixture
def calls():
    """A kind of task for these tests: it records each call as a row (``JobRun`` "proef", in
    its own transaction, rolled back with it) and returns a summary."""
    made: list[int] = []

    def note(record: BackgroundTask) -> str:
        with transaction.atomic():
            now = timezone.now()
            for _ in range(1 + record.arguments.get("extra", 0)):
                JobRun.objects.create(name="proef", started_at=now, finished_at=now,
                                      status=JobRun.OK, message=f"taak {record.pk}")  # fmt: skip
            made.append(record.pk)
        return f"taak {record.pk} gedaan"

    register("proef", note)
    yield made
    tasks.KINDS.pop("proef", None)


def test_direct_runs_the_task_at_once(calls) -> None:
    record = submit("proef", "Een proef", {})
    assert record.status == BackgroundTask.SUCCEEDED
    assert record.message == f"taak {record.pk} gedaan"
    assert calls == [record.pk]
    assert record.attempts == 1 and record.steps_done == record.steps_total == 1
    assert not DBTaskResult.objects.exists()  # nothing waits in the database


def test_database_queues_until_a_worker_runs_it_once(queued, calls) -> None:
    first, second = submit("proef", "Eén", {}), submit("proef", "Twee", {})
    assert first.status == second.status == BackgroundTask.QUEUED and calls == []
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    assert run_queued() == 2
    assert calls == [first.pk, second.pk]
    assert set(BackgroundTask.objects.values_list("status", flat=True)) == {"gelukt"}
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert run_queued() == 0
    # delivered twice (a queue may do so): claimed once, the second delivery does nothing
    assert execute(first.pk).startswith("Niet uitgevoerd")
    assert calls == [first.pk, second.pk]


def test_cancelled_before_it_starts_it_never_runs(queued, calls, adviseur) -> None:
    record = submit("proef", "Een proef", {}, owner=adviseur)
    assert "voordat ze begon" in cancel(record, adviseur)
    record.refresh_from_db()
    assert record.status == BackgroundTask.CANCELLED
    assert "Afgebroken door" in record.message and "niets" in record.message
    run_queued()
    assert calls == []
    record.refresh_from_db()
    assert record.status == BackgroundTask.CANCELLED and record.attempts == 0


def test_cancelled_while_it_runs_its_transaction_is_rolled_back(
    queued, calls, adviseur, monkeypatch
) -> None:
    monkeypatch.setattr(tasks, "CANCEL_CHECK_SECONDS", 0)
    record = submit("proef", "Een proef", {"extra": 3}, owner=adviseur)
    # the owner's cancel arrives once the task runs: the running branch of cancel()
    original = tasks.KINDS["proef"]

    def cancelled_midway(running: BackgroundTask) -> str:
        running.refresh_from_db()
        assert running.status == BackgroundTask.RUNNING
        assert "stopt bij haar volgende stap" in cancel(running, adviseur)
        return original(running)

    register("proef", cancelled_midway)
    before = JobRun.objects.filter(name="proef").count()
    run_queued()
    record.refresh_from_db()
    assert record.status == BackgroundTask.CANCELLED
    assert record.message.startswith("Afgebroken door") and "niets" in record.message
    assert JobRun.objects.filter(name="proef").count() == before  # nothing stored
    assert not tasks._flag(record.pk).exists()  # the flag is cleaned up


def test_a_failing_task_is_recorded_and_the_next_one_still_runs(queued, calls) -> None:
    def broken(record: BackgroundTask) -> str:
        raise ValueError("kapot")

    register("kapot", broken)
    try:
        bad, good = submit("kapot", "Kapot", {}), submit("proef", "Heel", {})
        assert run_queued() == 2
    finally:
        tasks.KINDS.pop("kapot", None)
    bad.refresh_from_db(), good.refresh_from_db()
    assert bad.status == BackgroundTask.FAILED
    assert bad.message == "Mislukt: onverwachte fout (ValueError). Meld dit aan beheer."
    assert good.status == BackgroundTask.SUCCEEDED


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout)


def test_a_task_of_a_dead_worker_is_retried_once_then_failed(queued, calls) -> None:
    host, pid, token = identity()
    record = submit("proef", "Een proef", {})
    gone = _dead_pid()
    BackgroundTask.objects.filter(pk=record.pk).update(
        status=BackgroundTask.RUNNING, host=host, pid=gone, worker="dood", attempts=1
    )
    busy = submit("proef", "Loopt nog", {})
    BackgroundTask.objects.filter(pk=busy.pk).update(
        status=BackgroundTask.RUNNING, host=host, pid=os.getppid(), worker="levend", attempts=1
    )
    restarted = submit("proef", "Zelfde proces-id, nieuwe werker", {})
    BackgroundTask.objects.filter(pk=restarted.pk).update(
        status=BackgroundTask.RUNNING, host=host, pid=pid, worker="vorige", attempts=2
    )
    assert sorted(r.pk for r in recover()) == [record.pk, restarted.pk]
    record.refresh_from_db(), busy.refresh_from_db(), restarted.refresh_from_db()
    assert record.status == BackgroundTask.QUEUED and "stopte" in record.step
    assert busy.status == BackgroundTask.RUNNING  # its process lives: left alone
    assert restarted.status == BackgroundTask.FAILED
    assert restarted.message.startswith(f"Mislukt: de werker (proces {pid} op {host}) stopte")
    assert "niets half opgeslagen" in restarted.message
    run_queued()
    record.refresh_from_db()
    assert record.status == BackgroundTask.SUCCEEDED and record.attempts == 2
    assert calls.count(record.pk) == 1 and restarted.pk not in calls


def test_analyses_after_an_import_are_tasks_per_gemeente(queued, settings) -> None:
    from openveiligheid.imports.models import ImportRun
    from openveiligheid.insight.services import Unit, on_import

    settings.ANALYSE_AFTER_IMPORT = True
    run = ImportRun.objects.create(
        kind="boundaries", dataset="grenzen", file_name="g.geojson", sha256="x", division=2019,
        status=ImportRun.SUCCEEDED,
    )  # fmt: skip
    from openveiligheid.jobs.tasks import enqueue_analyses

    enqueue_analyses([Unit(2019, "GM9001"), Unit(2019, "GM9002", ("a",))], run)
    analyses = BackgroundTask.objects.filter(kind="analyse").order_by("pk")
    assert [a.arguments["gemeente"] for a in analyses] == ["GM9001", "GM9002"]
    assert pending_divisions() == {2019}
    on_import(None, run)  # boundaries of a division without areas: nothing to schedule
    assert run_queued() == 2
    assert pending_divisions() == set()
    made = AnalysisRun.objects.filter(division=2019).values_list("gemeente_code", flat=True)
    assert sorted(made) == ["GM9001", "GM9002"]  # one hotspot run each, nothing to compute
