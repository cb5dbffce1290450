"""``openveiligheid jaarverslag``: the jaarverslag section of a plan from files, without a
database (like ``evaluate``)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openveiligheid.core.errors import InputError
from openveiligheid.imports import columnar
from openveiligheid.imports.parsers.activiteiten import read_activiteiten
from openveiligheid.imports.parsers.financien import read_financien
from openveiligheid.imports.parsers.kredieten import read_kredieten
from openveiligheid.imports.services import read_input_file
from openveiligheid.policy.management.commands.evaluate import figure_set
from openveiligheid.policy.planfile import read_plan, unknown_measures
from openveiligheid.reports import render_docx, render_html, render_json, render_md
from openveiligheid.reports.jaarverslag import from_files, goal_names

FORMATS = ("json", "html", "docx", "md")


class Command(BaseCommand):
    help = (
        "Maak het jaarverslag (per thema en doel: activiteiten, indicatoren, financieel "
        "overzicht en kredieten) uit bestanden, zonder database."
    )
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, help="het plan (YAML)")
        parser.add_argument(
            "--figures", action="append", required=True, help="cijferbestand (herhaalbaar)"
        )
        parser.add_argument(
            "--financien", required=True, help="bedragen per doel (doel;onderdeel;stap;bedrag)"
        )
        parser.add_argument("--kredieten", help="kredieten per doel (CSV)")
        parser.add_argument("--activiteiten", help="activiteiten met hun status (CSV)")
        parser.add_argument("--year", type=int, required=True, help="het verslagjaar")
        parser.add_argument("--doel", help="alleen dit doel (het id in het plan)")
        parser.add_argument("--format", choices=FORMATS, required=True)
        parser.add_argument("--output", help="schrijf naar dit bestand (nodig voor docx)")

    def handle(self, *args, **options) -> None:
        if options["format"] == "docx" and not options["output"]:
            raise CommandError("--format docx schrijft een Word-bestand: geef --output BESTAND")
        try:
            report = self._report(options)
        except InputError as exc:
            raise CommandError("Fouten in de invoer:\n" + exc.summary()) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"Bestand niet gevonden: {exc.filename}") from exc
        self._write(report, options["format"], options["output"])

    def _report(self, options) -> dict:
        spec = read_plan(options["plan"], data=read_input_file(options["plan"]))
        goals = goal_names(spec)
        if options["doel"] and options["doel"] not in goals:
            raise CommandError(
                f"--doel: het plan heeft geen doel '{options['doel']}' "
                f"(doelen: {', '.join(goals) or 'geen'})"
            )
        table = columnar.read_tables((p, read_input_file(p)) for p in options["figures"])
        finance = read_financien(
            options["financien"], read_input_file(options["financien"]), goals=goals
        )
        credits = []
        if options["kredieten"]:
            path = options["kredieten"]
            credits = read_kredieten(path, read_input_file(path), goals=goals)
        activities = []
        if options["activiteiten"]:
            path = options["activiteiten"]
            parsed = read_activiteiten(path, read_input_file(path), goals=goals)
            activities = parsed.rows
            for warning in parsed.warnings:
                self.stderr.write(f"Let op: {warning}")
        for warning in unknown_measures(spec, set(table["measure"].unique()), options["plan"]):
            self.stderr.write(f"Let op: {warning} (komt in geen cijferbestand voor)")
        return from_files(
            spec,
            figure_set(table, spec.indicators.values(), spec.gemeente),
            options["year"],
            finance=finance,
            credits=credits,
            activities=activities,
            only=goals.get(options["doel"]) if options["doel"] else None,
        )

    def _write(self, report: dict, fmt: str, output: str | None) -> None:
        if fmt == "docx":
            content: str | bytes = render_docx.render(report)
        elif fmt == "json":
            content = render_json.render(report)
        else:
            content = (render_html if fmt == "html" else render_md).render(report)
        if output is None:
            self.stdout.write(content, ending="")  # type: ignore[arg-type]
            return
        try:
            if isinstance(content, bytes):
                Path(output).write_bytes(content)
            else:
                Path(output).write_text(content, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"--output: kan {output} niet schrijven ({exc.strerror})") from exc
