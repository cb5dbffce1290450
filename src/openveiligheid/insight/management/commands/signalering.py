"""``openveiligheid signalering``: early warning on monthly counts from files, no database."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openveiligheid.core.areacodes import BUURT, GEMEENTE, WIJK, level_of
from openveiligheid.core.periods import Period, period_label
from openveiligheid.insight.cli import (
    FORMATS,
    Column,
    Figures,
    capped,
    count,
    number,
    parse_period_option,
    period_range,
    plural,
    read_figure_files,
    render,
    require_measure,
    shortlist,
    text,
    yes_no,
)
from openveiligheid.insight.stats import earlywarning
from openveiligheid.insight.wording import describe

MONTHLY = 12
LEVEL_CHOICES = (GEMEENTE, WIJK, BUURT)
FIELDS = (
    "area",
    "measure",
    "period",
    "observed",
    "expected",
    "threshold",
    "alarm",
    "method",
    "p_value",
    "p_adjusted",
    "since",
    "unusual",
    "description",
)
COLUMNS = (
    Column("area", "Gebied"),
    Column("observed", "Geteld", count, numeric=True),
    Column("expected", "Verwacht", number(1), numeric=True),
    Column("threshold", "Drempel", capped(count, 1e6), numeric=True),
    Column("alarm", "Signaal", yes_no),
    Column("since", "Sinds (mnd)", count, numeric=True),
    Column("method", "Methode", text),
    Column("unusual", "Oordeel", text),
)


class Command(BaseCommand):
    help = (
        "Signalering: beoordeel per gebied of het maandcijfer van een maat ongewoon hoog is "
        "(Farrington of EARS), uit cijferbestanden, zonder database."
    )
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--figures", action="append", required=True, help="cijferbestand (herhaalbaar)"
        )
        parser.add_argument("--measure", required=True, help="de maat, bijv. incidenten:A72")
        parser.add_argument(
            "--level",
            choices=LEVEL_CHOICES,
            help="niveau van de gebieden; standaard gemeente als de bestanden die hebben, "
            "anders het niveau dat het vaakst voorkomt",
        )
        parser.add_argument("--period", required=True, help="de maand om te beoordelen (2017-08)")
        parser.add_argument("--format", choices=FORMATS, default="table")
        parser.add_argument(
            "--label", help="de maat in de zin van de uitleg, bijv. fietsdiefstallen"
        )
        parser.add_argument(
            "--min-count",
            type=int,
            default=5,
            help="minder registraties geven nooit een signaal (standaard 5)",
        )
        parser.add_argument(
            "--alpha",
            type=float,
            default=0.05,
            help="niveau van de FDR-correctie over alle reeksen (standaard 0,05)",
        )

    def handle(self, *args, **options) -> None:
        period = month_option(options["period"])
        if not 0 < options["alpha"] < 1:
            raise CommandError("--alpha: kies een getal tussen 0 en 1, bijv. 0.05")
        measure = options["measure"]
        figures = read_figure_files(options["figures"], measures=[measure])
        require_measure(figures, measure)
        level = options["level"] or default_level(figures, measure)
        series = self.series(figures, measure, level, period)
        signals = earlywarning.detect(
            series, MONTHLY, min_count=options["min_count"], alpha=options["alpha"]
        )
        label = options["label"] or measure
        records = [as_record(signal, measure, period, label) for signal in signals]
        alarms = [r for r in records if r["alarm"]]
        title = (
            f"Signalering van {measure} in {period_label(period)} (niveau {level}, "
            f"{plural(len(records), 'reeks', 'reeksen')}, "
            f"{plural(len(alarms), 'signaal', 'signalen')})"
        )
        notes = [r["description"] for r in alarms]
        output = render(
            records, options["format"], fields=FIELDS, columns=COLUMNS, title=title, notes=notes
        )
        self.stdout.write(output, ending="")

    def series(
        self, figures: Figures, measure: str, level: str, period: Period
    ) -> dict[str, list[float | None]]:
        """Area -> monthly values from the area's first month up to ``period``; None = missing."""
        monthly = monthly_values(figures, measure, level, period)
        if not monthly:
            raise CommandError(
                f"geen maandcijfers van maat {measure} op niveau {level} tot en met {period} "
                f"(de bestanden hebben {measure} voor "
                f"{period_range(figures.periods(measure))})"
            )
        series = {area: months_up_to(values, period) for area, values in sorted(monthly.items())}
        skipped = [area for area, values in series.items() if values[-1] is None]
        if len(skipped) == len(series):
            raise CommandError(
                f"geen enkel gebied op niveau {level} heeft een cijfer voor {measure} in "
                f"{period} (de bestanden hebben {measure} voor "
                f"{period_range(figures.periods(measure))})"
            )
        if skipped:
            self.stderr.write(
                f"Let op: {plural(len(skipped), 'reeks', 'reeksen')} zonder cijfer in {period} "
                "overgeslagen: "
                f"{shortlist(skipped)}"
            )
        return {area: values for area, values in series.items() if values[-1] is not None}


def month_option(raw: str) -> Period:
    """``--period`` as a month; a year is refused, because signalering judges months."""
    period = parse_period_option(raw)
    if period.month is None:
        raise CommandError(
            f"--period: signalering werkt met maanden; geef een maand op, zoals "
            f"{period.year}-08, niet het jaar {period.year}"
        )
    return period


def default_level(figures: Figures, measure: str) -> str:
    """gemeente if the files themselves hold the measure for a gemeente, else the most common
    level among the file's areas (the finer one on a tie)."""
    levels = Counter(
        level_of(area)
        for m, area, p in figures.observed
        if m == measure and p.month is not None and level_of(area) in LEVEL_CHOICES
    )
    if not levels:
        raise CommandError(f"maat {measure} heeft in de bestanden geen maandcijfers per gebied")
    if GEMEENTE in levels:
        return GEMEENTE
    return max(levels, key=lambda level: (levels[level], LEVEL_CHOICES.index(level)))


def monthly_values(
    figures: Figures, measure: str, level: str, period: Period
) -> dict[str, dict[Period, float]]:
    """Area -> month -> value of ``measure`` for the areas of ``level``, up to ``period``."""
    found: dict[str, dict[Period, float]] = {}
    for (m, area, month), observation in figures.known.items():
        if m == measure and month.month is not None and month <= period and level_of(area) == level:
            found.setdefault(area, {})[month] = observation.value
    return found


def months_up_to(values: dict[Period, float], last: Period) -> list[float | None]:
    """Consecutive months from the first month in ``values`` through ``last``."""
    first = min(values)
    year, month = first.year, first.month or 1
    series: list[float | None] = []
    while (year, month) <= (last.year, last.month or 12):
        series.append(values.get(Period(year, month)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return series


def as_record(
    signal: earlywarning.Signal, measure: str, period: Period, label: str
) -> dict[str, Any]:
    """One output object per series, with the Dutch sentence of ``wording.describe``."""
    return {
        "area": signal.key,
        "measure": measure,
        "period": str(period),
        "observed": signal.observed,
        "expected": signal.expected,
        "threshold": signal.threshold,
        "alarm": bool(signal.alarm),
        "method": signal.method,
        "p_value": signal.p_value,
        "p_adjusted": signal.p_adjusted,
        "since": signal.since,
        "unusual": signal.unusual,
        "description": describe(signal, label, str(signal.key), period_label(period)),
    }
