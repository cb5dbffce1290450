"""The worker: due jobs run once per interval, failures are recorded without stopping the rest,
and /gezondheid/ reports the worker when one is expected."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from openveiligheid.audit.models import AuditEvent
from openveiligheid.jobs.models import JobRun, WorkerBeat
from openveiligheid.jobs.services import JOBS, Job, run_due_jobs

pytestmark = pytest.mark.django_db


def test_one_round_runs_every_real_job_once_and_records_it() -> None:
    out = io.StringIO()
    call_command("worker", "--eenmalig", stdout=out)
    runs = {run.name: run for run in JobRun.objects.all()}
    assert set(runs) == {job.name for job in JOBS}
    assert all(run.status == JobRun.OK for run in runs.values()), out.getvalue()
    assert "bewaartermijn" in out.getvalue()
    # the retention job logs every run, also when nothing expired (the FG sees it ran)
    assert AuditEvent.objects.filter(action=AuditEvent.RETENTION).count() == 1
    call_command("worker", "--eenmalig", stdout=io.StringIO())
    again = JobRun.objects.values_list("name", flat=True)
    assert sorted(again).count("bewaartermijn") == 1  # daily: not due again
    assert sorted(again).count("analyses") == 2  # every round


def test_a_failing_job_is_recorded_and_the_next_still_runs() -> None:
    def broken() -> str:
        raise ValueError("kapot")

    jobs = [
        Job("kapot", dt.timedelta(hours=1), broken),
        Job("heel", dt.timedelta(hours=1), lambda: "ja"),
    ]
    runs = run_due_jobs(jobs=jobs)
    assert [(r.name, r.status) for r in runs] == [("kapot", "mislukt"), ("heel", "gelukt")]
    assert "kapot" in runs[0].message
    # a failed job stays due; a successful one waits for its interval
    later = timezone.now() + dt.timedelta(minutes=5)
    assert [r.name for r in run_due_jobs(now=later, jobs=jobs)] == ["kapot"]
    assert [r.name for r in run_due_jobs(now=later + dt.timedelta(hours=1), jobs=jobs)] == [
        "kapot",
        "heel",
    ]


@pytest.mark.django_db(transaction=True)  # as the worker runs: autocommit, no test transaction
def test_a_job_failing_in_the_database_is_recorded_too() -> None:
    from django.db import connection

    def bad_query() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM er_is_geen_tabel")
        return "nooit"

    (run,) = run_due_jobs(jobs=[Job("sql", dt.timedelta(hours=1), bad_query)])
    assert run.status == JobRun.FAILED and "er_is_geen_tabel" in run.message


def test_a_broken_audit_chain_fails_the_daily_check() -> None:
    from django.db import connection

    from openveiligheid.audit.services import record

    record(AuditEvent.LOGIN, "gebruiker a")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object = 'iets anders'")
    chain = next(job for job in JOBS if job.name == "auditketen")
    (run,) = run_due_jobs(jobs=[chain])
    assert run.status == JobRun.FAILED
    assert "gebroken" in run.message


def test_health_reports_the_worker_only_when_one_is_expected(settings) -> None:
    client = Client()
    assert "werker" not in client.get("/gezondheid/").json()
    settings.WORKER_EXPECTED = True
    answer = client.get("/gezondheid/")
    assert answer.status_code == 200  # a missing worker does not take the web server out
    assert answer.json()["werker"] == "achter"
    run_due_jobs(jobs=[])
    assert client.get("/gezondheid/").json()["werker"] == "ok"
    WorkerBeat.objects.update(
        seen_at=timezone.now() - dt.timedelta(seconds=3 * settings.WORKER_INTERVAL + 1)
    )
    assert client.get("/gezondheid/").json()["werker"] == "achter"
