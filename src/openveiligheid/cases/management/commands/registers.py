"""``openveiligheid registers import|rapport|publiceren|bewaartermijn|inzage|sleutel``: the case
registers from the command line (for administrators and automation; issue #10).

Each subcommand is a thin wrapper around a plain function of the ``cases`` app:

- ``import``: ``cases.importing.import_register`` (CSV or XLSX, all or nothing, audited)
- ``rapport``: ``cases.counts.register_report`` (aggregates only: no person data)
- ``publiceren``: ``cases.counts.publish_counts`` (the ``register:*`` measures of the plan)
- ``bewaartermijn``: ``cases.retention.apply_retention`` (the scheduled retention job)
- ``inzage``: ``cases.subject_access.export_person`` (AVG art. 15, audited)
- ``sleutel``: a new key for ``OV_BSN_SLEUTEL``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json

from django.core.management.base import CommandError, CommandParser

from openveiligheid.cases.registers import REGISTERS
from openveiligheid.imports.management.commands._base import ImportCommand


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        # argparse turns this into its usage message and exit code 2 (a CommandError raised
        # while parsing would escape as a traceback)
        raise argparse.ArgumentTypeError(f"'{text}' is geen datum; schrijf JJJJ-MM-DD.") from exc


class Command(ImportCommand):
    help = "Werk met de registers (woonoverlast, ondermijning, pga, maatregelen)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="OPDRACHT")
        registers = sorted(REGISTERS)

        importing = commands.add_parser("import", help="lees een register in (CSV of XLSX)")
        importing.add_argument("file", metavar="BESTAND")
        importing.add_argument("--register", required=True, choices=registers)
        importing.add_argument("--gemeente", metavar="GM....", help="standaard: uit de buurtcodes")
        importing.add_argument(
            "--kolom",
            action="append",
            default=[],
            metavar="VELD=KOLOM",
            help="kolom van het bestand voor een veld, bijv. zaaknummer=Casusnr (herhaalbaar)",
        )

        report = commands.add_parser("rapport", help="jaarcijfers van een register")
        report.add_argument("--register", required=True, choices=registers)
        report.add_argument("--jaar", type=int, required=True)
        report.add_argument("--gemeente", metavar="GM....")
        report.add_argument("--format", choices=["tabel", "json"], default="tabel")

        commands.add_parser("publiceren", help="zet de tellingen als cijfers klaar voor het plan")

        retention = commands.add_parser(
            "bewaartermijn", help="anonimiseer casussen waarvan de bewaartermijn is verstreken"
        )
        retention.add_argument("--datum", type=_date, help="doe alsof het vandaag deze datum is")
        retention.add_argument(
            "--proef", action="store_true", help="toon wat zou verdwijnen, zonder iets te wijzigen"
        )

        access = commands.add_parser(
            "inzage", help="alles wat over één persoon is vastgelegd (AVG art. 15)"
        )
        access.add_argument("--persoon", type=int, required=True, metavar="ID")
        access.add_argument("--uitvoer", metavar="BESTAND", help="standaard: op het scherm")

        commands.add_parser("sleutel", help="maak een nieuwe sleutel voor OV_BSN_SLEUTEL")

    def handle(self, *args, **options) -> None:
        handler = getattr(self, f"_{options['subcommand']}")
        handler(options)

    def _import(self, options) -> None:
        from openveiligheid.cases.importing import import_register, parse_column_options

        columns = parse_column_options(options["kolom"])
        self.report(
            lambda: import_register(
                options["file"],
                options["register"],
                gemeente=options["gemeente"],
                columns=columns,
            )
        )

    def _rapport(self, options) -> None:
        from openveiligheid.cases.counts import register_report, render_report

        gemeente = options["gemeente"].strip().upper() if options["gemeente"] else None
        report = register_report(options["register"], options["jaar"], gemeente)
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_report(report))

    def _publiceren(self, options) -> None:
        from openveiligheid.cases.counts import publish_counts

        self.stdout.write(publish_counts())

    def _bewaartermijn(self, options) -> None:
        from openveiligheid.cases.retention import apply_retention

        result = apply_retention(today=options["datum"], dry_run=options["proef"])
        self.stdout.write(result.summary())

    def _inzage(self, options) -> None:
        from openveiligheid.cases.subject_access import export_person, render_export

        try:
            export = export_person(options["persoon"])
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        text = render_export(export)
        if options["uitvoer"]:
            with open(options["uitvoer"], "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(
                f"Inzage van persoon {options['persoon']} geschreven naar {options['uitvoer']}."
            )
        else:
            self.stdout.write(text)

    def _sleutel(self, options) -> None:
        from openveiligheid.cases.crypto import new_key

        self.stdout.write(new_key())
