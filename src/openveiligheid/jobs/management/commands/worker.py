"""``openveiligheid worker [--eenmalig] [--interval SECONDEN]``: the scheduled jobs
(``jobs/services.py``).

Run it as a second process next to ``serve`` (systemd unit or the ``worker`` service of
``compose.yaml``). It stops cleanly on SIGTERM or SIGINT, after the job it is running.
"""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from openveiligheid.jobs.services import run_due_jobs


class Command(BaseCommand):
    help = "Start de werker: voert de geplande taken uit (bewaartermijn, tellingen, controles)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--eenmalig",
            action="store_true",
            help="voer de taken die aan de beurt zijn één keer uit",
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
        while True:
            for run in run_due_jobs():
                self.stdout.write(f"{run.name}: {run.status}: {run.message}")
            if options["eenmalig"] or stop.wait(options["interval"]):
                break
