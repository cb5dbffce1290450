"""``openveiligheid backup [BESTAND]``: a consistent copy of the whole database."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from openveiligheid.core.backup import BackupError, backup, row_counts


class Command(BaseCommand):
    help = "Maak een back-up van de hele database (SQLite of PostgreSQL), ook als de server draait."

    def add_arguments(self, parser):
        parser.add_argument(
            "bestand",
            nargs="?",
            help="doelbestand (standaard OV_DATA_DIR/backups/openveiligheid-DATUM-TIJD.backup)",
        )

    def handle(self, *args, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        default = Path(settings.DATA_DIR) / "backups" / f"openveiligheid-{stamp}.backup"
        target = Path(options["bestand"]) if options["bestand"] else default
        try:
            written = backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(row_counts().values())
        size = written.stat().st_size
        self.stdout.write(f"Back-up geschreven: {written} ({size:,} bytes, {rows:,} rijen).")
