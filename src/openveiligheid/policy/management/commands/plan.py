"""``openveiligheid plan exporteren|financien|kredieten|activiteiten``: a stored plan from the
command line (issue #11; the same services as the upload page).

- ``exporteren``: the plan as a plan file, web edits included (``planload.plan_yaml``);
- ``financien``, ``kredieten``, ``activiteiten``: a goal file into the database for one year
  (``policy.yearimports``: all or nothing, idempotent, in the import log).

The plan is the one of ``--gemeente`` (its most recently loaded plan) or ``--plan NAAM``.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from openveiligheid.imports.management.commands._base import ImportCommand
from openveiligheid.policy.models import MOMENTS, Plan
from openveiligheid.policy.planload import plan_yaml
from openveiligheid.policy.yearimports import import_activities, import_credits, import_finance
from openveiligheid.policy.yearwork import DEFAULT_MOMENT


class Command(ImportCommand):
    help = (
        "Werk met een opgeslagen plan: exporteren, of financiën, kredieten of activiteiten inlezen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="OPDRACHT")
        export = commands.add_parser("exporteren", help="schrijf het plan als planbestand (YAML)")
        self._which_plan(export)
        export.add_argument("--output", metavar="BESTAND", help="standaard: standaarduitvoer")
        for name, what in [
            ("financien", "bedragen per doel (doel;onderdeel;stap;bedrag)"),
            ("kredieten", "kredieten per doel"),
            ("activiteiten", "activiteiten met hun status"),
        ]:
            sub = commands.add_parser(name, help=f"lees {what} in voor een jaar")
            sub.add_argument("file", metavar="BESTAND")
            sub.add_argument("--jaar", type=int, required=True)
            self._which_plan(sub)
            if name == "activiteiten":
                sub.add_argument(
                    "--moment",
                    choices=[m for m, _ in MOMENTS],
                    default=DEFAULT_MOMENT,
                    help=f"rapportagemoment van de status (standaard {DEFAULT_MOMENT})",
                )

    @staticmethod
    def _which_plan(parser: CommandParser) -> None:
        parser.add_argument("--gemeente", metavar="GM....", help="het plan van deze gemeente")
        parser.add_argument("--plan", metavar="NAAM", help="het plan met deze naam")

    def handle(self, *args, **options) -> None:
        plan = self._plan(options["gemeente"], options["plan"])
        command = options["subcommand"]
        if command == "exporteren":
            self._export(plan, options["output"])
            return
        path, year = Path(options["file"]), options["jaar"]
        if command == "financien":
            self.report(lambda: import_finance(plan, year, path))
        elif command == "kredieten":
            self.report(lambda: import_credits(plan, year, path))
        else:
            warnings: list[str] = []

            def run():
                run, found = import_activities(plan, year, path, moment=options["moment"])
                warnings.extend(found)
                return run

            self.report(run)
            for warning in warnings:
                self.stderr.write(self.style.WARNING(f"Let op: {warning}"))

    def _export(self, plan: Plan, output: str | None) -> None:
        text = plan_yaml(plan)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Plan '{plan.name}' geschreven naar {output}."))
        else:
            self.stdout.write(text, ending="")

    @staticmethod
    def _plan(gemeente: str | None, name: str | None) -> Plan:
        plans = Plan.objects.all()
        if gemeente:
            plans = plans.filter(gemeente_code=gemeente.upper())
        if name:
            plans = plans.filter(name=name)
        plan = plans.order_by("-loaded_at", "-pk").first()
        if plan is None:
            known = ", ".join(f"{p.name} ({p.gemeente_code})" for p in Plan.objects.all()[:10])
            raise CommandError(
                "Geen plan gevonden"
                + (f" voor {gemeente}" if gemeente else "")
                + (f" met de naam '{name}'" if name else "")
                + f". Opgeslagen plannen: {known or 'geen'}."
            )
        if not (gemeente or name) and Plan.objects.count() > 1:
            raise CommandError("Er zijn meerdere plannen: kies er een met --gemeente of --plan.")
        return plan
