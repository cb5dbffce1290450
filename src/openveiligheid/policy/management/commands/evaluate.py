"""``openveiligheid evaluate``: the indicator table from files, without a database."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openveiligheid.core.areacodes import AreaCodeError, level_of, normalize_code
from openveiligheid.core.errors import InputError
from openveiligheid.figures.aggregation import Observation
from openveiligheid.imports import columnar
from openveiligheid.imports.services import read_input_file
from openveiligheid.indicators.engine import FigureSet, IndicatorDefinition, evaluate
from openveiligheid.indicators.output import FORMATS, render
from openveiligheid.policy.planfile import read_plan, unknown_measures


class Command(BaseCommand):
    help = "Bereken de indicatoren van een plan uit cijferbestanden, zonder database."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, help="het plan (YAML)")
        parser.add_argument(
            "--figures", action="append", required=True, help="cijferbestand (herhaalbaar)"
        )
        parser.add_argument("--year", type=int, required=True, help="het jaar om te beoordelen")
        parser.add_argument("--area", help="CBS-gebiedscode; standaard de gemeente van het plan")
        parser.add_argument("--format", choices=FORMATS, default="table")

    def handle(self, *args, **options) -> None:
        try:
            spec = read_plan(options["plan"], data=read_input_file(options["plan"]))
            table = columnar.read_tables((p, read_input_file(p)) for p in options["figures"])
        except InputError as exc:
            raise CommandError("Fouten in de invoer:\n" + exc.summary()) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"Bestand niet gevonden: {exc.filename}") from exc
        area = normalize_code(options["area"] or spec.gemeente)
        try:
            level_of(area)
        except AreaCodeError as exc:
            raise CommandError(f"--area: {exc}") from exc
        figures = figure_set(table, spec.indicators.values(), area)
        for warning in unknown_measures(spec, set(table["measure"].unique()), options["plan"]):
            self.stderr.write(f"Let op: {warning} (komt in geen cijferbestand voor)")
        results = [evaluate(d, figures, area, options["year"]) for d in spec.indicators.values()]
        self.stdout.write(render(results, options["format"]), ending="")


def figure_set(
    table: pl.DataFrame, definitions: Iterable[IndicatorDefinition], area: str
) -> FigureSet:
    """The figures the indicators need for ``area`` and their comparison areas, with only the
    derived sums those need (the same sums ``FigureSet.from_rows`` would derive)."""
    definitions = list(definitions)
    measures = {m for d in definitions for m in d.input_measures}
    areas = {area} | {d.comparison_area for d in definitions if d.comparison_area}
    rows = columnar.with_derived(table, measures=measures, areas=areas)
    return FigureSet(columnar.observations(rows, Observation))
