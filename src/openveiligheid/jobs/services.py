"""The worker (``openveiligheid worker``): runs the scheduled jobs of the platform when they are
due, runs the background tasks of the task queue (``jobs/tasks.py``, with ``OV_TAKEN=database``)
and says it is alive. For the scheduled jobs the database is the queue: a job is due when its
last successful run is older than its interval, so several workers, restarts and crashes need
no broker.

Jobs:

- ``analyses``: recompute analyses an interrupted import left missing (every cycle), except
  in divisions whose analysis tasks are still waiting or running;
- ``registers-publiceren``: the case registers' counts as figures for the plan (hourly);
- ``bewaartermijn``: anonymise cases whose retention period has passed (daily; AVG);
- ``auditketen``: check the audit log's hash chain (daily; a break is a failed run and an
  error in the log).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from openveiligheid.jobs.models import JobRun, WorkerBeat

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    run: Callable[[], str]  #: returns a Dutch summary; raises on failure


def _analyses() -> str:
    from openveiligheid.insight.services import refresh, stale_divisions
    from openveiligheid.jobs.tasks import pending_divisions

    pending = pending_divisions()
    stale = [division for division in stale_divisions() if division not in pending]
    for division in stale:
        refresh(division)
    return f"{len(stale)} indeling(en) bijgewerkt." if stale else "Niets achterstallig."


def _publish() -> str:
    from openveiligheid.cases.counts import publish_counts

    return publish_counts()


def _retention() -> str:
    from openveiligheid.cases.retention import apply_retention

    return apply_retention().summary()


def _audit_chain() -> str:
    from openveiligheid.audit.services import verify_chain

    checked, breaks = verify_chain()
    if breaks:
        raise RuntimeError(
            f"Hashketen van het auditlog gebroken: {len(breaks)} breuk(en), eerste bij regel "
            f"{breaks[0].pk}. Meld dit aan de functionaris gegevensbescherming."
        )
    return f"Auditlog onveranderd: {checked} regels."


JOBS: list[Job] = [
    Job("analyses", dt.timedelta(0), _analyses),
    Job("registers-publiceren", dt.timedelta(hours=1), _publish),
    Job("bewaartermijn", dt.timedelta(days=1), _retention),
    Job("auditketen", dt.timedelta(days=1), _audit_chain),
]


def due(job: Job, now: dt.datetime) -> bool:
    last = JobRun.objects.filter(name=job.name, status=JobRun.OK).order_by("-started_at").first()
    return last is None or last.started_at + job.every <= now


def run_job(job: Job) -> JobRun:
    """Run ``job`` once and record the outcome; a failure is recorded and logged, not raised."""
    started = timezone.now()
    try:
        message, status = job.run(), JobRun.OK
    except Exception as exc:  # one failing job must not stop the others
        log.exception("Taak %s mislukt", job.name)
        message, status = f"{type(exc).__name__}: {exc}", JobRun.FAILED
    return JobRun.objects.create(
        name=job.name,
        started_at=started,
        finished_at=timezone.now(),
        status=status,
        message=message[:2000],
    )


def beat() -> None:
    WorkerBeat.objects.update_or_create(
        host=socket.gethostname(), pid=os.getpid(), defaults={"seen_at": timezone.now()}
    )


def run_due_jobs(now: dt.datetime | None = None, jobs: list[Job] | None = None) -> list[JobRun]:
    """One cycle of the worker: a heartbeat, then every due job in turn."""
    beat()
    now = now or timezone.now()
    done = []
    for job in jobs if jobs is not None else JOBS:
        if due(job, now):  # each job keeps its own transactions; a failed one breaks no other
            done.append(run_job(job))
    beat()
    return done


def worker_health() -> tuple[str, str, bool] | None:
    """For ``/gezondheid/``: ``("werker", state, fatal)`` when a worker is expected
    (``OV_WERKER``); "ok" when one beat within three intervals, else "achter". A missing worker
    is reported, but does not make the web server unfit (``fatal`` is False)."""
    if not settings.WORKER_EXPECTED:
        return None
    limit = timezone.now() - dt.timedelta(seconds=3 * settings.WORKER_INTERVAL)
    alive = WorkerBeat.objects.filter(seen_at__gte=limit).exists()
    return ("werker", "ok" if alive else "achter", False)
