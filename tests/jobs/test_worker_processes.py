"""Real worker processes on one queue (``OV_TAKEN=database``, the embedded SQLite file):

- two workers started together on N tasks run every task exactly once;
- a worker killed in the middle of an upload leaves nothing stored; the next worker puts the
  task back and runs it once more, and the figures are stored once, not twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from django.db import connection

from tests.imports.test_crash_recovery import AREAS, _monthly_file

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="worker processes on the embedded SQLite file"
)

CLI = [sys.executable, "-m", "openveiligheid.cli"]
TASKS = 24


@pytest.fixture
def env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OV_", "DJANGO_"))}
    env.update(OV_DATA_DIR=str(tmp_path / "var"), OV_DEMO="true", OV_TAKEN="database")
    _run(env, "migrate", "-v0")
    return env


def _run(env: dict, *args: str) -> str:
    done = subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _python(env: dict, code: str) -> str:
    return _run(env, "shell", "--no-imports", "-c", code).strip()


def test_two_workers_on_one_queue_run_every_task_exactly_once(env) -> None:
    # N analysis tasks for gemeenten without data: each records one hotspot run, so a task run
    # twice would show as two runs of its gemeente
    _python(
        env,
        "from openveiligheid.insight.services import Unit\n"
        "from openveiligheid.jobs.tasks import enqueue_analyses\n"
        f"enqueue_analyses([Unit(2019, f'GM9{{i:03d}}') for i in range({TASKS})], None)",
    )
    workers = [
        subprocess.Popen(
            [*CLI, "worker", "--eenmalig"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(2)
    ]
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err[-3000:]
    report = _python(
        env,
        "from openveiligheid.jobs.models import BackgroundTask as T\n"
        "from openveiligheid.insight.models import AnalysisRun as A\n"
        "from django_tasks_db.models import DBTaskResult as Q\n"
        "print(sorted(set(T.objects.values_list('status', 'attempts'))))\n"
        "print(','.join(A.objects.values_list('gemeente_code', flat=True)))\n"
        "print(sorted(set(Q.objects.values_list('status', flat=True))), Q.objects.count())\n"
        "print(','.join(str(p) for p in T.objects.values_list('pid', flat=True)))",
    ).splitlines()
    assert report[0] == "[('gelukt', 1)]"  # every task ran, each with one attempt
    runs = Counter(report[1].split(","))
    assert set(runs) == {f"GM9{i:03d}" for i in range(TASKS)}
    assert set(runs.values()) == {1}  # exactly once each
    assert report[2] == f"['SUCCESSFUL'] {TASKS}"
    per_worker = Counter(report[3].split(","))
    print(f"tasks per worker process: {dict(per_worker)}")  # for the record; not asserted


def test_a_worker_killed_midway_stores_nothing_and_the_task_runs_again_once(env, tmp_path) -> None:
    _run(env, "import_areas", str(AREAS), "--indeling", "2024")
    big = _monthly_file(tmp_path / "groot.csv", measures=150)  # several seconds of work
    submit = (
        "from openveiligheid.jobs.tasks import submit\n"
        "print(submit('inlezen', 'Cijfers: groot.csv', {'soort': 'cijfers', 'bestand': "
        "'groot.csv', 'opties': {'indeling': 2024}, 'plan': None, 'gemeente': ''}, "
        f"payload=open({str(big)!r}, 'rb').read()).pk)"
    )
    pk = int(_python(env, submit).splitlines()[-1])
    state = (
        "from openveiligheid.jobs.models import BackgroundTask as T\n"
        "from openveiligheid.imports.models import ImportRun as R\n"
        "from openveiligheid.figures.models import Figure as F\n"
        f"t = T.objects.get(pk={pk})\n"
        "print(t.status, t.attempts, R.objects.filter(status='running').count(), "
        "F.objects.count())"
    )
    worker = subprocess.Popen([*CLI, "worker"], env=env)
    deadline = time.monotonic() + 120
    while _python(env, state).split()[2] != "1":  # the import is recorded: now in its work
        assert worker.poll() is None and time.monotonic() < deadline, "task ended too soon"
    time.sleep(0.5)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    assert _python(env, state).split() == ["bezig", "1", "1", "0"]  # left running, nothing stored

    out = _run(env, "worker", "--eenmalig")  # the next worker: puts it back, runs it
    assert f"taak {pk}" in out and "werker gestopt" in out
    status, attempts, running, figures = _python(env, state).split()
    assert (status, attempts, running) == ("gelukt", "2", "0")
    runs = _python(
        env,
        "from openveiligheid.imports.models import ImportRun as R\n"
        "for r in R.objects.filter(kind='figures').order_by('pk'): "
        "print(r.status, r.created + r.derived, r.message[:40])",
    ).splitlines()
    assert [line.split()[0] for line in runs] == ["failed", "succeeded"]
    assert "Afgebroken: het importproces" in runs[0]
    assert int(figures) == int(runs[1].split()[1]) > 0  # stored once, by the second attempt
