"""``openveiligheid hotspots``: Getis-Ord Gi* hotspots and Local Moran clusters and outliers per
area from files, without a database."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openveiligheid.areas.services import repair_note
from openveiligheid.areas.shapes import to_rd
from openveiligheid.core.periods import Period, period_label
from openveiligheid.imports.parsers.areas import AreaRow, read_boundaries
from openveiligheid.imports.services import read_input_file
from openveiligheid.indicators.engine import population_of
from openveiligheid.insight.cli import (
    FORMATS,
    Column,
    Figures,
    count,
    dutch_errors,
    number,
    parse_period_option,
    percent,
    period_range,
    plural,
    read_figure_files,
    render,
    require_measure,
    shortlist,
    text,
)
from openveiligheid.insight.stats import spatial

FIELDS = (
    "area",
    "name",
    "measure",
    "period",
    "count",
    "population",
    "rate",
    "smoothed_rate",
    "rate_lower",
    "rate_upper",
    "gi_z",
    "p_value",
    "p_norm",
    "p_fdr",
    "class",
    "confidence",
    "lisa_i",
    "lisa_z",
    "lisa_p_fdr",
    "lisa_class",
)
BASE_COLUMNS = (Column("area", "Gebied"), Column("name", "Naam"))
COUNT_COLUMNS = (Column("count", "Aantal", count, numeric=True),)
RATE_COLUMNS = (
    Column("population", "Inwoners", number(0), numeric=True),
    Column("rate", "Per 1.000", number(1), numeric=True),
    Column("smoothed_rate", "Per 1.000 (EB)", number(1), numeric=True),
)
GI_COLUMNS = (
    Column("gi_z", "Gi* z", number(2), numeric=True),
    Column("p_fdr", "p (FDR)", number(3), numeric=True),
    Column("class", "Klasse", text),
    Column("confidence", "Zekerheid", percent, numeric=True),
    Column("lisa_class", "Local Moran", text),
)


class Command(BaseCommand):
    help = (
        "Zoek hotspots (Getis-Ord Gi*) van een maat in één periode over de gebieden van een "
        "grenzenbestand, zonder database."
    )
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--figures", action="append", required=True, help="cijferbestand (herhaalbaar)"
        )
        parser.add_argument(
            "--boundaries", required=True, help="GeoJSON met de wijk- of buurtgrenzen (EPSG:4326)"
        )
        parser.add_argument("--measure", required=True, help="de maat, bijv. incidenten:A72")
        parser.add_argument("--period", required=True, help="jaar (2016) of maand (2017-08)")
        parser.add_argument(
            "--per-1000",
            metavar="MAAT",
            help="per 1.000 van deze maat (meestal 'inwoners'); Gi* dan op de EB-cijfers",
        )
        parser.add_argument("--format", choices=FORMATS, default="table")
        parser.add_argument(
            "--permutations",
            type=int,
            default=spatial.PERMUTATIONS,
            help=f"aantal permutaties voor de controlekolom p_value (standaard "
            f"{spatial.PERMUTATIONS}; 0: niet berekenen)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=spatial.SEED,
            help=f"startgetal van het toeval (standaard {spatial.SEED})",
        )

    def handle(self, *args, **options) -> None:
        period = parse_period_option(options["period"])
        if options["permutations"] < 0:
            raise CommandError("--permutations: geef 0 of meer permutaties op")
        measure, per_1000 = options["measure"], options["per_1000"]
        figures = read_figure_files(options["figures"], measures=[measure, per_1000 or measure])
        areas = read_areas(options["boundaries"])
        if any(area.repaired for area in areas):
            self.stderr.write("Let op:" + repair_note(areas))
        require_measure(figures, measure)
        if per_1000:
            require_measure(figures, per_1000, "--per-1000")
        counts = self.counts(figures, areas, measure, period, Path(options["boundaries"]).name)
        populations = self.populations(figures, areas, per_1000, period) if per_1000 else None
        shapes = {area.code: to_rd(area.geometry) for area in areas}
        results = spatial.hotspots(
            counts,
            shapes,
            populations,
            permutations=options["permutations"],
            seed=options["seed"],
        )
        names = {area.code: area.name for area in areas}
        records = [as_record(r, names, measure, period) for r in results]
        columns = BASE_COLUMNS + COUNT_COLUMNS + (RATE_COLUMNS if per_1000 else ()) + GI_COLUMNS
        title = (
            f"Hotspots van {measure}{f' per 1.000 {per_1000}' if per_1000 else ''} in "
            f"{period_label(period)} ({plural(len(records), 'gebied', 'gebieden')}, Gi* en "
            f"Local Moran, p-waarden uit de normale verdeling met FDR-correctie; "
            f"{options['permutations']} permutaties ter controle)"
        )
        output = render(records, options["format"], fields=FIELDS, columns=columns, title=title)
        self.stdout.write(output, ending="")

    def counts(
        self, figures: Figures, areas: list[AreaRow], measure: str, period: Period, source: str
    ) -> dict[str, float | None]:
        """The figure of ``measure`` in ``period`` per area; a Dutch error when none matches."""
        counts = {area.code: figures.value(measure, area.code, period) for area in areas}
        present = [code for code, value in counts.items() if value is not None]
        if not present:
            raise CommandError(no_counts_message(figures, measure, period, source, len(areas)))
        negative = [code for code in present if counts[code] < 0]
        if negative:
            raise CommandError(
                f"maat {measure} heeft negatieve aantallen in {period}: {', '.join(negative[:5])}"
            )
        missing = [code for code, value in counts.items() if value is None]
        if missing:
            self.stderr.write(
                f"Let op: {len(missing)} van {len(areas)} gebieden hebben geen cijfer voor "
                f"{measure} in {period} en tellen niet mee: {shortlist(missing)}"
            )
        return counts

    def populations(
        self, figures: Figures, areas: list[AreaRow], measure: str, period: Period
    ) -> dict[str, float | None]:
        """The denominator of ``period``'s year or the latest earlier year, per area."""
        figure_set = figures.figure_set()
        found = {a.code: population_of(figure_set, a.code, period.year, measure) for a in areas}
        if all(value is None for value in found.values()):
            raise CommandError(
                f"--per-1000: geen cijfer voor {measure} in {period.year} of eerder voor de "
                f"gebieden van het grenzenbestand (wel voor: "
                f"{period_range(figures.periods(measure))})"
            )
        missing = [code for code, value in found.items() if not value or value <= 0]
        if missing:
            self.stderr.write(
                f"Let op: {plural(len(missing), 'gebied', 'gebieden')} zonder {measure} (of 0) in "
                f"{period.year} of eerder tellen niet mee: {shortlist(missing)}"
            )
        return found


def read_areas(path: str) -> list[AreaRow]:
    """The polygons of a GeoJSON file, all of one level and without duplicate codes.

    The code comes from ``BU_CODE``, ``WK_CODE``, ``GM_CODE``, ``statcode`` or ``code``, the
    first present (:func:`openveiligheid.imports.parsers.areas.read_boundaries`).
    """
    with dutch_errors():
        rows, _, _ = read_boundaries(path, read_input_file(path))
    name = Path(path).name
    levels = Counter(row.level for row in rows)
    if len(levels) > 1:
        found = ", ".join(f"{n} op niveau {level}" for level, n in levels.most_common())
        raise CommandError(f"{name}: gebieden van meer dan één niveau ({found}); kies er één")
    seen: dict[str, int] = {}
    for row in rows:
        if row.code in seen:
            raise CommandError(
                f"{name}, feature {row.line}: gebied {row.code} komt dubbel voor "
                f"(ook in feature {seen[row.code]})"
            )
        seen[row.code] = row.line
    return rows


def no_counts_message(
    figures: Figures, measure: str, period: Period, source: str, n_areas: int
) -> str:
    periods = figures.periods(measure)
    if period not in periods:
        return (
            f"geen cijfers voor maat {measure} in {period} "
            f"(de bestanden hebben {measure} voor {period_range(periods)})"
        )
    areas = figures.known.areas(measure, period)
    return (
        f"geen van de {n_areas} gebieden in {source} heeft een cijfer voor {measure} in "
        f"{period}; de cijfers gaan over {shortlist(areas)} (andere indeling of ander niveau?)"
    )


def as_record(
    result: spatial.AreaHotspot, names: dict[str, str], measure: str, period: Period
) -> dict[str, Any]:
    """One output object: code, name, measure and period, then ``AreaHotspot.as_dict()``."""
    values = result.as_dict()
    return {
        "area": values.pop("area"),
        "name": names.get(result.area, result.area),
        "measure": measure,
        "period": str(period),
        **values,
    }
