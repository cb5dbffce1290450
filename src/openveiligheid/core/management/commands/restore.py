"""``openveiligheid restore BESTAND [--overschrijven]``: put a backup back."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from openveiligheid.core.backup import BackupError, restore, row_counts


class Command(BaseCommand):
    help = (
        "Zet een back-up terug in een lege database, of vervang alles met --overschrijven. "
        "Stop de server eerst."
    )

    def add_arguments(self, parser):
        parser.add_argument("bestand", help="het back-upbestand")
        parser.add_argument(
            "--overschrijven",
            action="store_true",
            help="vervang een database die niet leeg is (alles wat erin staat gaat verloren)",
        )

    def handle(self, *args, **options):
        try:
            restore(Path(options["bestand"]), replace=options["overschrijven"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(row_counts().values())
        self.stdout.write(f"Teruggezet: {options['bestand']} ({rows:,} rijen).")
