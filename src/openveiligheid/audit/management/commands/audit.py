"""``openveiligheid audit [--sinds DATUM] [--gebruiker NAAM] --format json|csv``."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from openveiligheid.audit.services import as_row, events, render


class Command(BaseCommand):
    help = "Toon het auditlog: wie deed wat, wanneer, met welk object en welk doel."

    def add_arguments(self, parser):
        parser.add_argument("--sinds", metavar="DATUM", help="vanaf deze datum (JJJJ-MM-DD)")
        parser.add_argument("--gebruiker", metavar="NAAM", help="alleen deze gebruiker")
        parser.add_argument(
            "--format", choices=["tabel", "json", "csv"], default="tabel", help="uitvoer"
        )

    def handle(self, *args, **options):
        since = None
        if options["sinds"]:
            try:
                since = date.fromisoformat(options["sinds"])
            except ValueError as exc:
                raise CommandError(
                    f"--sinds '{options['sinds']}' is geen datum; schrijf JJJJ-MM-DD, "
                    "bijvoorbeeld 2026-12-01."
                ) from exc
        rows = [as_row(event) for event in events(since, options["gebruiker"])]
        self.stdout.write(render(rows, options["format"]), ending="")
