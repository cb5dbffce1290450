"""``openveiligheid analyseren``: recompute the stored analyses (hotspots, signals, grid)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openveiligheid.areas.services import divisions
from openveiligheid.insight.services import refresh, stale_divisions


class Command(BaseCommand):
    help = (
        "Bereken hotspots, signalen en het raster opnieuw uit de opgeslagen cijfers "
        "(gebeurt ook na elke import, tenzij OV_ANALYSE_NA_IMPORT=false)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--indeling", type=int, help="alleen deze gebiedsindeling (jaar); standaard alle"
        )
        parser.add_argument(
            "--achterstallig",
            action="store_true",
            help="alleen indelingen met een import die nog niet is geanalyseerd (na een crash)",
        )

    def handle(self, *args, **options) -> None:
        known = divisions()
        chosen = [options["indeling"]] if options["indeling"] else known
        if options["achterstallig"]:
            chosen = [division for division in chosen if division in stale_divisions()]
            if not chosen:
                self.stdout.write("Niets achterstallig: elke import is geanalyseerd.")
        if options["indeling"] and options["indeling"] not in known:
            shown = ", ".join(map(str, known)) or "geen"
            raise CommandError(f"Indeling {options['indeling']} bestaat niet (wel: {shown}).")
        for division in chosen:
            runs = refresh(division)
            if not runs:
                self.stdout.write(f"Indeling {division}: niets te analyseren.")
            for run in runs:
                self.stdout.write(
                    f"Indeling {division}, {run.get_kind_display()}: {run.message} "
                    f"({run.seconds:.1f} s)"
                )
