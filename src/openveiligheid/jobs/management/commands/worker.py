"""``openveiligheid worker [--eenmalig] [--interval SECONDEN]``: the scheduled jobs
(``jobs/services.py``) and, with ``OV_TAKEN=database``, the background tasks of the task queue
(``jobs/tasks.py``: uploads, the analyses after an import).

Run it as a second process next to ``serve`` (systemd unit or the ``worker`` service of
``compose.yaml``); run more of them for more tasks at once: they share the queue and never run
the same task twice. It looks for new tasks every ``OV_TAKEN_INTERVAL`` seconds, runs the
scheduled jobs every ``--interval`` seconds, and beats (``WorkerBeat``) also while a long task
runs, so that other workers can tell a dead one from a busy one. At each look it puts the tasks
of a worker that died back on the queue (once). It stops cleanly on SIGTERM or SIGINT, after
the task it is running.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection

from openveiligheid.jobs.services import beat, run_due_jobs
from openveiligheid.jobs.tasks import beat_seconds, queued_in_database, recover, run_queued


class Command(BaseCommand):
    help = (
        "Start de werker: voert de geplande taken uit (bewaartermijn, tellingen, controles) en, "
        "met OV_TAKEN=database, de achtergrondtaken (inlezen, analyses)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--eenmalig",
            action="store_true",
            help="voer de taken die aan de beurt zijn en de wachtrij één keer uit en stop",
        )
        parser.add_argument(
            "--interval",
            type=int,
            default=settings.WORKER_INTERVAL,
            help=f"seconden tussen twee rondes (standaard {settings.WORKER_INTERVAL})",
        )

    def handle(self, *args, **options):
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        if not options["eenmalig"]:
            threading.Thread(target=_beating, args=(stop,), daemon=True).start()
        next_round = 0.0
        while True:
            if time.monotonic() >= next_round:
                for run in run_due_jobs():
                    self.stdout.write(f"{run.name}: {run.status}: {run.message}")
                next_round = time.monotonic() + options["interval"]
            if queued_in_database():
                for record in recover():
                    self.stdout.write(f"taak {record.pk} ({record.label}): werker gestopt")
                ran = run_queued(stop)
                if ran:
                    self.stdout.write(f"{ran} achtergrondta(a)k(en) uitgevoerd")
            if options["eenmalig"]:
                break
            wait = settings.TASK_POLL_SECONDS if queued_in_database() else options["interval"]
            if stop.wait(min(wait, max(0.0, next_round - time.monotonic()))):
                break
        stop.set()


def _beating(stop: threading.Event) -> None:
    """The heartbeat, in its own thread and database connection: also while a task runs."""
    try:
        while not stop.wait(beat_seconds()):
            # SQLite: while a long import holds the write lock this fails; beat next time
            with contextlib.suppress(DatabaseError):
                beat()
    finally:
        connection.close()
