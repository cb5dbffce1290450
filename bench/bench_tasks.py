"""Background tasks (ADR 0020): enqueue latency and throughput of the database queue.

    .venv/bin/python bench/bench_tasks.py [--taken 200]
    OV_DATABASE_URL=postgres://… .venv/bin/python bench/bench_tasks.py   # an empty database

Makes a fresh SQLite database in a temporary OV_DATA_DIR (or uses OV_DATABASE_URL), then:

1. submits N analysis tasks (gemeenten without data: each task claims its row, records one
   hotspot run and finishes, a few milliseconds of real work) with ``OV_TAKEN=database`` and
   times each ``submit`` (the enqueue latency a web request pays);
2. runs them with one ``openveiligheid worker --eenmalig``, then N more with two at once, and
   reports tasks per second from the rows' own start and end times (process start-up and
   the scheduled jobs' round are not counted);
3. runs N in ``direct`` mode (in the submitting process) for the cost without a queue.

Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

CLI = [sys.executable, "-m", "openveiligheid.cli"]


def run(env: dict, *args: str) -> str:
    done = subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return done.stdout


def python(env: dict, code: str) -> str:
    return run(env, "shell", "--no-imports", "-c", code).strip()


SUBMIT = """
import time, statistics
from openveiligheid.insight.services import Unit
from openveiligheid.jobs.tasks import enqueue_analyses
times = []
for i in range({n}):
    start = time.perf_counter()
    enqueue_analyses([Unit(2019, 'GM{prefix}%03d' % i)], None)
    times.append(time.perf_counter() - start)
times.sort()
print(statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000)
"""

SPAN = """
from django.db.models import Max, Min
from openveiligheid.jobs.models import BackgroundTask as T
rows = T.objects.filter(arguments__gemeente__startswith='GM{prefix}')
span = rows.aggregate(a=Min('started_at'), b=Max('finished_at'))
print(rows.filter(status='gelukt').count(), (span['b'] - span['a']).total_seconds(),
      len(set(rows.values_list('pid', flat=True))))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--taken", type=int, default=200)
    n = min(parser.parse_args().taken, 1000)  # gemeente codes: GM, the run, 3 digits
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OV_", "DJANGO_"))}
        if os.environ.get("OV_DATABASE_URL"):
            env["OV_DATABASE_URL"] = os.environ["OV_DATABASE_URL"]
        env.update(OV_DATA_DIR=folder, OV_DEMO="true", OV_TAKEN="database")
        run(env, "migrate", "-v0")
        engine = "PostgreSQL" if env.get("OV_DATABASE_URL") else "SQLite (WAL)"
        print(f"database: {engine}; {n} tasks per measurement")
        for prefix, workers in (("1", 1), ("2", 2)):
            median, p95 = map(float, python(env, SUBMIT.format(n=n, prefix=prefix)).split())
            print(f"enqueue (database): median {median:.2f} ms, p95 {p95:.2f} ms per task")
            started = time.perf_counter()
            procs = [
                subprocess.Popen(
                    [*CLI, "worker", "--eenmalig"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )  # fmt: skip
                for _ in range(workers)
            ]
            for proc in procs:
                proc.wait()
            wall = time.perf_counter() - started
            done, seconds, pids = python(env, SPAN.format(prefix=prefix)).split()
            rate = int(done) / float(seconds)
            print(
                f"{workers} worker(s): {done}/{n} done by {pids} process(es) in "
                f"{float(seconds):.2f} s = {rate:.0f} tasks/s (wall with start-up {wall:.1f} s)"
            )
        direct = {**env, "OV_TAKEN": "direct"}
        median, p95 = map(float, python(direct, SUBMIT.format(n=n, prefix="3")).split())
        print(f"direct (no queue, runs in the caller): median {median:.2f} ms, p95 {p95:.2f} ms")


if __name__ == "__main__":
    main()
