"""``openveiligheid audit [--sinds DATUM] [--gebruiker NAAM] --format json|csv``;
``openveiligheid audit --controleer`` checks the hash chain (exit 1 when it is broken)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from openveiligheid.audit.services import as_row, events, last_hash, render, verify_chain


class Command(BaseCommand):
    help = "Toon het auditlog: wie deed wat, wanneer, met welk object en welk doel."

    def add_arguments(self, parser):
        parser.add_argument("--sinds", metavar="DATUM", help="vanaf deze datum (JJJJ-MM-DD)")
        parser.add_argument("--gebruiker", metavar="NAAM", help="alleen deze gebruiker")
        parser.add_argument(
            "--format", choices=["tabel", "json", "csv"], default="tabel", help="uitvoer"
        )
        parser.add_argument(
            "--controleer",
            action="store_true",
            help="controleer of het log onveranderd is (hashketen); exit 1 bij een breuk",
        )

    def handle(self, *args, **options):
        if options["controleer"]:
            self._check()
            return
        since = None
        if options["sinds"]:
            try:
                since = date.fromisoformat(options["sinds"])
            except ValueError as exc:
                raise CommandError(
                    f"--sinds '{options['sinds']}' is geen datum; schrijf JJJJ-MM-DD, "
                    "bijvoorbeeld 2026-12-01."
                ) from exc
        rows = [as_row(e) for e in events(since, options["gebruiker"]).iterator(chunk_size=2000)]
        self.stdout.write(render(rows, options["format"]), ending="")

    def _check(self) -> None:
        checked, breaks = verify_chain()
        if not breaks:
            self.stdout.write(f"Auditlog onveranderd: {checked} regels gecontroleerd.")
            self.stdout.write(f"Laatste hash: {last_hash() or '(leeg log)'}")
            self.stdout.write(
                "Bewaar aantal en laatste hash buiten deze server: vergelijk ze bij de volgende "
                "controle (zo valt ook een weggeknipt einde van het log op)."
            )
            return
        for found in breaks[:50]:
            self.stderr.write(f"Regel {found.pk} ({found.at:%Y-%m-%d %H:%M:%S}): {found.reason}.")
        raise CommandError(
            f"Het auditlog is buiten de applicatie om gewijzigd: {len(breaks)} breuk(en) in de "
            f"hashketen van {checked} regels. Meld dit aan de functionaris gegevensbescherming."
        )
