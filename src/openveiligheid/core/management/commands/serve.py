"""``openveiligheid serve``: the production server (gunicorn), ready to put behind a TLS proxy.

Applies the migrations, collects the static files (hashed names, compressed, served by the app
with a one-year cache lifetime), then replaces itself with gunicorn. See docs/deployment.md.
"""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from openveiligheid.core.signals import server_starting

LOOPBACK_NAMES = {"localhost"}
DEMO_KEY = "demo-only-insecure-key-change-me"


def default_workers() -> int:
    """Gunicorn's rule of thumb, (2 × cores) + 1, at most 9."""
    return min(2 * (os.cpu_count() or 1) + 1, 9)


def is_loopback(bind: str) -> bool:
    """Whether gunicorn's ``--bind`` (host, host:port, [v6]:port or unix:path) stays local."""
    if bind.startswith("unix:"):
        return True
    if bind.startswith("["):
        host = bind[1 : bind.index("]")]
    elif bind.count(":") == 1:
        host = bind.split(":")[0]
    else:
        host = bind
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Command(BaseCommand):
    help = "Start de productieserver (gunicorn), na de migraties en het verzamelen van statics."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            default="127.0.0.1:8000",
            help="adres:poort of unix:/pad (standaard 127.0.0.1:8000)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="aantal werkprocessen (standaard 2 × kernen + 1, hoogstens 9)",
        )
        parser.add_argument(
            "--timeout", type=int, default=120, help="seconden voor een verzoek wordt afgebroken"
        )

    def handle(self, *args, **options):
        bind = options["bind"]
        if options["workers"] < 1:
            raise CommandError("--workers moet minstens 1 zijn.")
        if not is_loopback(bind) and (settings.DEBUG or settings.SECRET_KEY == DEMO_KEY):
            raise CommandError(
                f"Weigert te serveren op {bind}: OV_DEBUG staat aan of OV_SECRET_KEY ontbreekt "
                "(demosleutel). Dat mag alleen op 127.0.0.1. Zet OV_DEBUG=false en een eigen "
                "OV_SECRET_KEY."
            )
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Migraties bijgewerkt.")
        server_starting.send(sender=self.__class__)  # repairs what a crash left behind
        env = {**os.environ, "OV_STATIC_COLLECTED": "true"}
        collect = [sys.executable, "-m", "openveiligheid.cli", "collectstatic", "--noinput", "-v0"]
        done = subprocess.run(collect, env=env, check=False)
        if done.returncode != 0:
            raise CommandError("Statische bestanden verzamelen mislukt (zie de melding hierboven).")
        self.stdout.write(f"Statische bestanden verzameld in {settings.STATIC_ROOT}.")
        command = [
            sys.executable, "-m", "gunicorn", "openveiligheid.wsgi:application",
            "--bind", bind,
            "--workers", str(options["workers"]),
            "--timeout", str(options["timeout"]),
            "--access-logfile", "-",
        ]  # fmt: skip
        self.stdout.write(
            f"Open Veiligheid luistert op {bind} ({options['workers']} werkprocessen)."
        )
        self.stdout.flush()
        os.execve(sys.executable, command, env)
