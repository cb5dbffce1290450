"""Computing the analyses from stored figures and storing their results.

Called after every successful import (see :func:`on_import`) and by ``openveiligheid
analyseren``. After an import only what it touched is recomputed: one unit of work per gemeente
(:class:`Unit`, :func:`touched`, :func:`refresh_gemeente`), for the measures it brought where
that is known; the rows of other gemeenten stay as they are. ``refresh(division)`` recomputes a
whole division. Per gemeente:

* hotspots: per measure, level (wijk, buurt) and year, EB-smoothed rates, Gi* and Local
  Moran's I clusters and outliers (esda);
* space-time classes per measure and level over those years (Chainey 2020);
* signals: per monthly series (measure x gemeente/wijk/buurt), the last months judged with the
  improved Farrington method or EARS, with Benjamini-Hochberg over the series of one measure,
  month and gemeente (so that a gemeente's signals do not depend on its neighbours' data);
* the incident grid: counts, Gi* and kernel density in 250 m cells for the newest full year.

The statistics live in :mod:`openveiligheid.insight.stats`; this module only reads figures,
calls them and stores what they return. Pages read the stored rows.
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from openveiligheid.areas.models import Area
from openveiligheid.areas.shapes import bounds, rd_shapes, svg_path
from openveiligheid.core.areacodes import BUURT, GEMEENTE, WIJK
from openveiligheid.core.periods import Period
from openveiligheid.figures.aggregation import Observation
from openveiligheid.figures.incidents import incident_measure
from openveiligheid.figures.models import Figure, FigurePeriod, Incident, Measure
from openveiligheid.imports.models import ImportRun
from openveiligheid.imports.services import previous_run
from openveiligheid.indicators.engine import POPULATION, FigureSet, population_of
from openveiligheid.insight import twoweekly
from openveiligheid.insight.models import (
    AnalysisRun,
    GridCell,
    HotspotResult,
    Signal,
    SpaceTimeResult,
)

log = logging.getLogger(__name__)

HOTSPOT_LEVELS = (WIJK, BUURT)
SIGNAL_LEVELS = (GEMEENTE, WIJK, BUURT)
SIGNAL_MONTHS = 6  #: the newest months that get judged (the monitor's periods)
GRID_CELL = 250.0  #: metres
MIN_YEARS_SPACE_TIME = 2


# --- when to run ---------------------------------------------------------------------------

_deferred: list[bool] = []


@contextmanager
def deferred() -> Iterator[None]:
    """Skip the analysis after each import inside the block (e.g. the demo runs it once)."""
    _deferred.append(True)
    try:
        yield
    finally:
        _deferred.pop()


@dataclass(frozen=True)
class Unit:
    """One unit of work after an import: the analyses of one gemeente in one division, for
    the measures the import brought (``None``: every measure)."""

    division: int
    gemeente: str
    measures: tuple[str, ...] | None = None

    def as_dict(self) -> dict:
        measures = list(self.measures) if self.measures is not None else None
        return {"division": self.division, "gemeente": self.gemeente, "measures": measures}

    @classmethod
    def from_dict(cls, data: dict) -> Unit:
        measures = data.get("measures")
        return cls(
            int(data["division"]),
            str(data["gemeente"]),
            tuple(measures) if measures is not None else None,
        )

    def __str__(self) -> str:
        what = "alle maten" if self.measures is None else ", ".join(self.measures)
        return f"gemeente {self.gemeente} (indeling {self.division}; {what})"


def run_units(units: list[Unit], run: ImportRun | None = None) -> None:
    """Run each unit here and now, one after the other; a failing one is logged and the next
    one still runs (the import is stored; a failing analysis must not look like its crash)."""
    for unit in units:
        try:
            refresh_gemeente(unit.division, unit.gemeente, unit.measures)
        except Exception:
            log.exception("Analyse na import %s (%s) mislukt", getattr(run, "pk", None), unit)


#: How the units after an import are run. In this process by default; the jobs app puts each
#: on the task queue instead (``jobs.tasks``), which in the embedded default also runs them
#: here and now.
_scheduler: list[Callable[[list[Unit], ImportRun | None], None]] = [run_units]


def set_scheduler(scheduler: Callable[[list[Unit], ImportRun | None], None]) -> None:
    _scheduler[0] = scheduler


def on_import(sender, run, **kwargs) -> None:
    """After a successful import: recompute what it touched, one unit per gemeente."""
    if _deferred or not settings.ANALYSE_AFTER_IMPORT or run.division is None:
        return
    if run.kind not in ANALYSED_KINDS:
        return
    units = touched(run)
    if units:
        _scheduler[0](units, run)


def touched(run: ImportRun) -> list[Unit]:
    """The gemeenten (and measures) whose analyses an import changed, one :class:`Unit` each.

    - figures: the gemeenten and measures of the figures it wrote (not the derived sums, which
      an import recomputes for the whole division with the same values); a replacing import
      only removes figures of the gemeenten its file holds (``figures.services``). A gemeente
      whose inwoners changed gets every measure: its rates change;
    - incidents: the gemeenten of its incidents and of the earlier results for its incident
      types (a newer extract replaces the earlier one entirely, also where it has none);
    - boundaries: every gemeente of the division with boundaries, every measure.
    """
    division = run.division
    if run.kind == "boundaries":
        return division_units(division)
    per_gemeente: dict[str, set[str]] = defaultdict(set)
    for gemeente, measure in (
        Figure.objects.filter(import_run=run, derived=False)
        .values_list("area__gemeente_code", "measure__name")
        .distinct()
    ):
        per_gemeente[gemeente].add(measure)
    if run.kind == "incidents":
        codes = set(Incident.objects.filter(import_run=run).values_list("code", flat=True))
        measures = {incident_measure(code) for code in codes}
        mine = Incident.objects.filter(import_run=run).exclude(area=None)
        gemeenten = set(mine.values_list("area__gemeente_code", flat=True).distinct())
        gemeenten |= _gemeenten_with_results(division, measures)
        for gemeente in gemeenten:
            per_gemeente[gemeente] |= measures
    return [
        Unit(division, gemeente, None if POPULATION in names else tuple(sorted(names)))
        for gemeente, names in sorted(per_gemeente.items())
        if gemeente
    ]


def division_units(division: int) -> list[Unit]:
    """One unit per gemeente of ``division`` that has something to analyse, every measure."""
    return [Unit(division, gemeente) for gemeente in _division_gemeenten(division)]


def _division_gemeenten(division: int) -> list[str]:
    """Gemeenten with buurt boundaries, monthly counts or incidents in ``division``."""
    found = set(
        Area.objects.filter(division=division, level=BUURT)
        .exclude(boundary="")
        .values_list("gemeente_code", flat=True)
    )
    found |= set(
        FigurePeriod.objects.filter(division=division, month__isnull=False)
        .values_list("gemeente_code", flat=True)
        .distinct()
    )
    found |= set(
        Incident.objects.filter(area__division=division)
        .values_list("area__gemeente_code", flat=True)
        .distinct()
    )
    return sorted(code for code in found if code)


def _gemeenten_with_results(division: int, measures: set[str]) -> set[str]:
    found = set(
        GridCell.objects.filter(run__division=division, measure__name__in=measures)
        .values_list("gemeente_code", flat=True)
        .distinct()
    )
    for model in (Signal, HotspotResult):
        found |= set(
            model.objects.filter(area__division=division, measure__name__in=measures)
            .values_list("area__gemeente_code", flat=True)
            .distinct()
        )
    return found


#: Import kinds whose data the analyses read.
ANALYSED_KINDS = {"figures", "incidents", "boundaries"}


def stale_divisions() -> list[int]:
    """Divisions with a successful import newer than their newest analysis (or none at all):
    what a crash between an import and its analyses leaves behind."""
    imported = (
        ImportRun.objects.filter(status=ImportRun.SUCCEEDED, kind__in=ANALYSED_KINDS)
        .exclude(division=None)
        .values("division")
        .annotate(last=Max("finished_at"))
    )
    analysed = dict(
        AnalysisRun.objects.values("division")
        .annotate(last=Max("started_at"))
        .values_list("division", "last")
    )
    return sorted(
        row["division"]
        for row in imported
        if analysed.get(row["division"]) is None or analysed[row["division"]] < row["last"]
    )


def on_import_skipped(sender, run, **kwargs) -> None:
    """The same file again: nothing changed, but make sure its analyses exist (those of the
    earlier import of the file; of the whole division if that one cannot tell)."""
    if _deferred or not settings.ANALYSE_AFTER_IMPORT or run.division is None:
        return
    if run.kind in ANALYSED_KINDS and run.division in stale_divisions():
        earlier = previous_run(run)
        units = touched(earlier) if earlier is not None else []
        _scheduler[0](units or division_units(run.division), run)


def refresh_stale(sender=None, **kwargs) -> list[AnalysisRun]:
    """Recompute the analyses of every stale division (at server start, or by hand)."""
    runs: list[AnalysisRun] = []
    for division in stale_divisions():
        try:
            runs += refresh(division)
        except Exception:
            log.exception("Achterstallige analyse (indeling %s) mislukt", division)
    return runs


def refresh(division: int) -> list[AnalysisRun]:
    """Recompute and store every analysis for ``division``; returns the runs (one per kind)."""
    gemeenten = sorted(
        set(
            Area.objects.filter(division=division, level=BUURT)
            .exclude(boundary="")
            .values_list("gemeente_code", flat=True)
        )
    )
    runs = [
        refresh_hotspots(division, gemeenten),
        refresh_signals(division),
        refresh_grid(division, gemeenten),
    ]
    return [r for r in runs if r is not None]


def refresh_gemeente(
    division: int, gemeente: str, measures: Iterable[str] | None = None
) -> list[AnalysisRun]:
    """Recompute the analyses of one gemeente in ``division`` (only ``measures``, if given):
    one run per kind, which replaces only that gemeente's rows (of those measures). The rows
    of other gemeenten are not touched. A hotspot run is always recorded (also with nothing to
    compute), so that the division does not look unanalysed (:func:`stale_divisions`)."""
    chosen = None if measures is None else tuple(sorted(set(measures)))
    runs = [
        refresh_hotspots(division, [gemeente], chosen, only=gemeente),
        refresh_signals(division, chosen, only=gemeente),
        refresh_grid(division, [gemeente], chosen, only=gemeente),
    ]
    return [r for r in runs if r is not None]


@contextmanager
def _run(
    kind: str, division: int, parameters: dict, gemeente: str | None = None
) -> Iterator[AnalysisRun]:
    started = time.perf_counter()
    with transaction.atomic():
        run = AnalysisRun.objects.create(
            kind=kind, division=division, parameters=parameters, gemeente_code=gemeente or ""
        )
        yield run
        run.seconds = time.perf_counter() - started
        run.save()
    log.debug("%s (indeling %s): %s in %.1f s", kind, division, run.message, run.seconds)


def _earlier_runs(run: AnalysisRun) -> list[int]:
    """The earlier runs of the same kind and division, whose results a new run replaces.

    Deleting by run id is one indexed column; a filter on the areas' division would make
    Django delete through a self-join, which PostgreSQL plans badly on fresh statistics."""
    earlier = AnalysisRun.objects.filter(kind=run.kind, division=run.division).exclude(pk=run.pk)
    return list(earlier.values_list("pk", flat=True))


def _earlier_rows(model, run: AnalysisRun, gemeente: str | None, measure_ids: list[int] | None):
    """The rows a new run replaces: those of every earlier run of its kind and division, or,
    for one gemeente, :func:`_gemeente_rows` (whichever run made them)."""
    if gemeente is None:
        return model.objects.filter(run__in=_earlier_runs(run))
    return _gemeente_rows(model, run.division, gemeente, measure_ids)


def _gemeente_rows(model, division: int, gemeente: str, measure_ids: list[int] | None):
    """The result rows of one gemeente's areas (of ``measure_ids``, if given). By area ids, not
    through a join on the areas (see :func:`_earlier_runs`)."""
    if model is GridCell:
        rows = model.objects.filter(run__division=division, gemeente_code=gemeente)
    else:
        areas = Area.objects.filter(division=division, gemeente_code=gemeente)
        rows = model.objects.filter(area_id__in=list(areas.values_list("pk", flat=True)))
    return rows if measure_ids is None else rows.filter(measure_id__in=measure_ids)


def _measure_ids(measures: tuple[str, ...] | None) -> list[int] | None:
    if measures is None:
        return None
    return list(Measure.objects.filter(name__in=measures).values_list("pk", flat=True))


# --- hotspots and space-time classes ----------------------------------------------------------


def refresh_hotspots(
    division: int,
    gemeenten: list[str],
    measures: tuple[str, ...] | None = None,
    *,
    only: str | None = None,
) -> AnalysisRun | None:
    """Hotspots and space-time classes of ``gemeenten``; with ``only`` (one gemeente) just its
    rows (of ``measures``, if given) are replaced, otherwise the whole division's."""
    from openveiligheid.insight.stats import spatial

    if not gemeenten and only is None:
        return None
    parameters = {
        "permutations": spatial.PERMUTATIONS,
        "seed": spatial.SEED,
        "weights": "queen, binair, inclusief het gebied zelf (Gi*); rijgestandaardiseerd "
        "(Local Moran)",
        "significance": "tweezijdige p-waarde van z onder de normale verdeling; de "
        "permutatie-p-waarde staat ernaast ter controle",
        "correction": "Benjamini-Hochberg (FDR)",
        "lisa": "Local Moran's I: hoog-hoog, laag-laag, hoog-laag, laag-hoog",
        "levels": list(HOTSPOT_LEVELS),
        **_scope(only, measures),
    }
    with _run(AnalysisRun.HOTSPOTS, division, parameters, only) as run:
        measure_ids = _measure_ids(measures)
        _earlier_rows(HotspotResult, run, only, measure_ids).delete()
        _earlier_rows(SpaceTimeResult, run, only, measure_ids).delete()
        stored = classes = 0
        for gemeente in gemeenten:
            for level in HOTSPOT_LEVELS:
                found, spacetime = _hotspots_of(run, division, gemeente, level, measures)
                stored += found
                classes += spacetime
        run.message = f"{stored} gebiedsuitkomsten (Gi*), {classes} ruimte-tijdklassen"
    return run


def _scope(only: str | None, measures: tuple[str, ...] | None) -> dict:
    """The scope of a run, in its parameters: the whole division, or one gemeente (and the
    measures recomputed)."""
    if only is None:
        return {}
    return {"gemeente": only, "measures": list(measures) if measures is not None else "alle"}


def _hotspots_of(
    run: AnalysisRun,
    division: int,
    gemeente: str,
    level: str,
    chosen: tuple[str, ...] | None = None,
) -> tuple[int, int]:
    from openveiligheid.insight.stats.spatial import hotspots

    areas = list(
        Area.objects.filter(division=division, gemeente_code=gemeente, level=level).exclude(
            boundary=""
        )
    )
    if len(areas) < 3:
        return 0, 0
    shapes = rd_shapes(areas)
    by_code = {a.code: a for a in areas}
    figures = _level_figures(division, gemeente, level)
    populations = _population_set(figures.pop(POPULATION, {}))
    from openveiligheid.insight.stats.spatial import queen_weights

    weights = queen_weights(shapes)
    rows, series = [], defaultdict(dict)
    measures = {m.name: m for m in Measure.objects.filter(name__in=figures)}
    for name, per_period in sorted(figures.items()):
        if chosen is not None and name not in chosen:
            continue
        if not measures[name].additive:
            continue  # a rate or index: Gi* and smoothing are for counts (docs/methods.md)
        for period in _analysed_periods(per_period):
            counts = per_period[period]
            if any(value < 0 for value in counts.values()):
                log.warning("%s %s heeft negatieve waarden: geen hotspots", name, period)
                continue
            population = _populations(populations, shapes, period.year)
            counts = {code: value for code, value in counts.items() if code in shapes}
            for result in hotspots(counts, shapes, population, weights=weights):
                area = by_code[result.area]
                rows.append(_hotspot_row(run, measures[name], area, period, result))
                if period.month is None:  # space-time classes run over the years
                    series[name].setdefault(result.area, []).append((period.year, result))
    HotspotResult.objects.bulk_create(rows, batch_size=1000)
    classes = _store_space_time(run, series, measures, by_code)
    return len(rows), classes


def _level_figures(division: int, gemeente: str, level: str) -> dict:
    """measure -> period -> {area code: value}: the figures of one level in one gemeente."""
    found: dict = defaultdict(lambda: defaultdict(dict))
    rows = Figure.objects.filter(
        area__division=division, area__gemeente_code=gemeente, area__level=level
    ).values_list("measure__name", "year", "month", "area__code", "value")
    for name, year, month, code, value in rows:
        found[name][Period(year, month)][code] = value
    return found


def _analysed_periods(per_period: dict) -> list[Period]:
    """Every year, and the newest judged months (for the monthly maps per 1,000), in order."""
    periods = sorted(per_period, key=lambda p: (p.year, p.month or 0))
    months = [p for p in periods if p.month is not None][-SIGNAL_MONTHS:]
    return [p for p in periods if p.month is None or p in months]


def _population_set(per_period: dict) -> FigureSet:
    """The yearly populations, as the engine's per-1,000 rule reads them."""
    return FigureSet(
        {
            (POPULATION, code, period): Observation(value)
            for period, values in per_period.items()
            if period.month is None
            for code, value in values.items()
        }
    )


def _populations(populations: FigureSet, shapes, year: int) -> dict | None:
    """Population per area of ``year`` or the latest earlier year (the engine's rule, as for
    the pages' rates); None when no area has one: Gi* then runs on the counts."""
    found = {code: population_of(populations, code, year) for code in shapes}
    return found if any(v is not None for v in found.values()) else None


def _hotspot_row(run, measure, area, period: Period, result) -> HotspotResult:
    return HotspotResult(
        run=run,
        measure=measure,
        area=area,
        period=str(period),
        count=result.count,
        population=result.population,
        rate=result.rate,
        smoothed_rate=result.smoothed_rate,
        rate_lower=result.rate_lower,
        rate_upper=result.rate_upper,
        gi_z=result.gi_z,
        p_value=result.p_value,
        p_norm=result.p_norm,
        p_fdr=result.p_fdr,
        hotspot_class=result.hotspot_class or "",
        confidence=result.confidence,
        lisa_z=result.lisa_z,
        lisa_p_fdr=result.lisa_p_fdr,
        lisa_class=result.lisa_class or "",
    )


def _store_space_time(run, series, measures, by_code) -> int:
    from openveiligheid.insight.stats.spacetime import classify_space_time

    rows = []
    for name, per_area in series.items():
        years = sorted({year for values in per_area.values() for year, _ in values})
        if len(years) < MIN_YEARS_SPACE_TIME:
            continue
        chronological = {
            code: [(r.gi_z, r.p_fdr) for _, r in sorted(values, key=lambda v: v[0])]
            for code, values in per_area.items()
            if len(values) == len(years)
        }
        for result in classify_space_time(chronological):
            rows.append(
                SpaceTimeResult(
                    run=run,
                    measure=measures[name],
                    area=by_code[result.area],
                    code=result.code,
                    label=result.label,
                    hot_periods=result.hot_periods,
                    cold_periods=result.cold_periods,
                    periods=result.periods,
                    first_period=str(years[0]),
                    last_period=str(years[-1]),
                )
            )
    SpaceTimeResult.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# --- signals ----------------------------------------------------------------------------------


def refresh_signals(
    division: int, measures: tuple[str, ...] | None = None, *, only: str | None = None
) -> AnalysisRun | None:
    """Judge the newest months of every monthly series of the division (or of gemeente
    ``only``; of ``measures``, if given), and the newest two-week periods of every incident
    series (incidents have a date). Each gemeente is its own Benjamini-Hochberg family."""
    from openveiligheid.insight.stats import earlywarning

    gemeenten = [only] if only is not None else _division_gemeenten(division)
    per_gemeente = []
    for gemeente in gemeenten:
        monthly = _monthly_series(division, gemeente, measures)
        two_weekly = _two_weekly_series(division, gemeente, measures)
        if monthly or two_weekly:
            per_gemeente.append((monthly, two_weekly))
    if not per_gemeente and only is None:
        return None
    if (
        not per_gemeente
        and not _gemeente_rows(Signal, division, only, _measure_ids(measures)).exists()
    ):
        return None  # nothing to judge and nothing to replace
    parameters = {
        "frequency": 12,
        "months": SIGNAL_MONTHS,
        "min_count": 5,
        "alpha": 0.05,
        "correction": "Benjamini-Hochberg (FDR) over alle reeksen van een maat, maand en gemeente",
        **_scope(only, measures),
    }
    with _run(AnalysisRun.SIGNALS, division, parameters, only) as run:
        _earlier_rows(Signal, run, only, _measure_ids(measures)).delete()
        total = alarms = 0
        for monthly, two_weekly in per_gemeente:
            for frequency, found in ((12, monthly), (twoweekly.PER_YEAR, two_weekly)):
                for measure, (periods, per_area) in found.items():
                    for end in range(max(len(periods) - SIGNAL_MONTHS, 1), len(periods)):
                        series = {area: values[: end + 1] for area, values in per_area.items()}
                        judged = earlywarning.detect(series, frequency)
                        # a series without a figure in the judged period is not judged (sparse
                        # files leave rows out): no signal row, rather than a NULL observation
                        rows = [
                            _signal_row(run, measure, periods[end], s, _year_before(v, frequency))
                            for s, v in zip(judged, series.values(), strict=True)
                            if math.isfinite(s.observed)
                        ]
                        Signal.objects.bulk_create(rows, batch_size=1000)
                        total += len(rows)
                        alarms += sum(r.alarm for r in rows)
        run.message = f"{total} reeksen beoordeeld, {alarms} signalen"
    return run


def _monthly_series(division: int, gemeente: str, measures: tuple[str, ...] | None = None) -> dict:
    """measure -> (months in order, {area: counts in that order}) for the monthly data of one
    gemeente (its own areas: the gemeente, its wijken and buurten)."""
    rows = Figure.objects.filter(
        area__division=division,
        area__gemeente_code=gemeente,
        area__level__in=SIGNAL_LEVELS,
        month__isnull=False,
        measure__additive=True,  # signalling judges counts, not rates
    )
    if measures is not None:
        rows = rows.filter(measure__name__in=measures)
    by_measure: dict = defaultdict(lambda: defaultdict(dict))
    for measure, area, year, month, value in rows.values_list(
        "measure_id", "area_id", "year", "month", "value"
    ):
        by_measure[measure][area][Period(year, month)] = value
    measures_by_id = {m.pk: m for m in Measure.objects.filter(pk__in=by_measure)}
    areas = {
        a.pk: a for a in Area.objects.filter(pk__in={a for m in by_measure.values() for a in m})
    }
    found = {}
    for measure_id, per_area in by_measure.items():
        periods = sorted({p for values in per_area.values() for p in values})
        series = {
            areas[area_id]: [values.get(p) for p in periods] for area_id, values in per_area.items()
        }
        found[measures_by_id[measure_id]] = (periods, series)
    return found


def _year_before(values: list, frequency: int) -> float | None:
    """The value of the same period a year earlier (for the monitor's largest changes)."""
    index = len(values) - 1 - frequency
    return values[index] if index >= 0 else None


def _two_weekly_series(
    division: int, gemeente: str, measures: tuple[str, ...] | None = None
) -> dict:
    """measure -> (two-week periods, {area: counts}) from the incidents of one gemeente.

    Buurt counts come from the incidents; wijk and gemeente counts are their sums. Only
    periods that the incident data cover completely are used.
    """
    found = {}
    incidents = Incident.objects.filter(area__division=division, area__gemeente_code=gemeente)
    for code in sorted(set(incidents.values_list("code", flat=True))):
        if measures is not None and incident_measure(code) not in measures:
            continue
        mine = incidents.filter(code=code)
        days = [
            (area_id, timezone.localtime(moment).date())
            for area_id, moment in mine.values_list("area_id", "reported_at")
        ]
        if not days:
            continue
        blocks = twoweekly.complete_blocks(min(d for _, d in days), max(d for _, d in days))
        if len(blocks) < 2:
            continue
        per_area = _with_parents(twoweekly.counts_per_block(days, blocks), division, gemeente)
        measure = Measure.objects.filter(name=incident_measure(code)).first()
        if measure is not None:
            found[measure] = ([twoweekly.block_text(b) for b in blocks], per_area)
    return found


def _with_parents(
    per_buurt: dict[int, list[float]], division: int, gemeente: str
) -> dict[Area, list[float]]:
    """Buurt series plus their sums per wijk and the gemeente, keyed by Area. Buurten without
    incidents get zeros."""
    buurten = list(
        Area.objects.filter(division=division, level=BUURT, gemeente_code=gemeente).select_related(
            "parent"
        )
    )
    top = Area.objects.filter(division=division, level=GEMEENTE, code=gemeente).first()
    length = len(next(iter(per_buurt.values())))
    series: dict[Area, list[float]] = {}
    for buurt in buurten:
        own = per_buurt.get(buurt.pk, [0.0] * length)
        series[buurt] = own
        for parent in (buurt.parent, top):
            if parent is not None:
                total = series.get(parent, [0.0] * length)
                series[parent] = [a + b for a, b in zip(total, own, strict=True)]
    return series


def _signal_row(run, measure, period: Period | str, judged, year_before=None) -> Signal:
    from openveiligheid.insight.wording import describe

    area = judged.key
    text = measure.label or measure.name
    label = text[:1].lower() + text[1:]  # in a sentence; codes such as A72 keep their case
    return Signal(
        run=run,
        measure=measure,
        area=area,
        period=str(period),
        observed=judged.observed,
        year_before=year_before,
        expected=_finite(judged.expected),
        threshold=_finite(judged.threshold),
        p_value=judged.p_value,
        p_adjusted=judged.p_adjusted,
        alarm=judged.alarm,
        method=judged.method,
        since=judged.since,
        unusual=judged.unusual,
        description=describe(judged, label, area.name, _label(period)),
    )


def _label(period: Period | str) -> str:
    """The period in a sentence: "augustus 2017", "de periode 28 augustus t/m …"."""
    words = twoweekly.label_for(str(period))
    return f"de periode {words}" if twoweekly.is_block_text(str(period)) else words


def _finite(value: float) -> float:
    return value if value == value else 0.0  # NaN: not judged (method says why)


# --- the incident grid --------------------------------------------------------------------------


def refresh_grid(
    division: int,
    gemeenten: list[str],
    measures: tuple[str, ...] | None = None,
    *,
    only: str | None = None,
) -> AnalysisRun | None:
    """Grid counts, Gi* and density of the newest full year of each incident code (of
    ``measures``, if given); with ``only`` just that gemeente's cells are replaced."""
    incidents = Incident.objects.filter(area__division=division)
    if only is not None:
        incidents = incidents.filter(area__gemeente_code=only)
    codes = sorted(set(incidents.values_list("code", flat=True)))
    if measures is not None:
        codes = [code for code in codes if incident_measure(code) in measures]
    if not codes and (
        only is None
        or not _gemeente_rows(GridCell, division, only, _measure_ids(measures)).exists()
    ):
        return None
    parameters = {
        "cell_size_m": GRID_CELL,
        "kde": "scipy gaussian_kde, Scott",
        **_scope(only, measures),
    }
    with _run(AnalysisRun.GRID, division, parameters, only) as run:
        _earlier_rows(GridCell, run, only, _measure_ids(measures)).delete()
        stored = 0
        for gemeente in gemeenten:
            stored += _grid_of(run, division, gemeente, incidents, codes)
        run.message = f"{stored} rastervakken"
    return run


def _grid_of(run, division: int, gemeente: str, incidents, codes: list[str]) -> int:
    from openveiligheid.insight.stats.grid import grid_hotspots

    areas = Area.objects.filter(division=division, gemeente_code=gemeente, level=BUURT)
    shapes = rd_shapes(areas.exclude(boundary=""))
    if not shapes:
        return 0
    import shapely

    boundary = shapely.union_all(list(shapes.values()))
    mine = incidents.filter(area__gemeente_code=gemeente)
    stored = 0
    for code in sorted(set(mine.values_list("code", flat=True)) & set(codes)):
        year = _newest_full_year(division, gemeente, incident_measure(code))
        if year is None:
            continue
        points = _rd_points(mine.filter(code=code, reported_at__year=year))
        measure = Measure.objects.get(name=incident_measure(code))
        cells = grid_hotspots(points, boundary, cell_size=GRID_CELL)
        names = _names_at([c.geometry.centroid for c in cells], shapes, areas)
        GridCell.objects.bulk_create(
            [
                _grid_row(run, measure, gemeente, year, cell, name)
                for cell, name in zip(cells, names, strict=True)
            ],
            batch_size=1000,
        )
        stored += len(cells)
    return stored


def _names_at(points, shapes: dict, areas) -> list[str]:
    """The name of the buurt that contains each point ('' outside every buurt)."""
    import shapely

    codes = list(shapes)
    tree = shapely.STRtree([shapes[c] for c in codes])
    names = dict(areas.values_list("code", "name"))
    found = [""] * len(points)
    point_index, shape_index = tree.query(points, predicate="within")
    for p, a in zip(point_index, shape_index, strict=True):
        found[p] = names.get(codes[a], "")
    return found


def _newest_full_year(division: int, gemeente: str, measure: str) -> int | None:
    """The newest year with a yearly figure (so all twelve months) for the gemeente."""
    return (
        Figure.objects.filter(
            measure__name=measure,
            area__division=division,
            area__code=gemeente,
            month__isnull=True,
        )
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


def _rd_points(incidents):
    import numpy as np

    from openveiligheid.areas.shapes import lonlat_to_rd

    lonlat = np.array(list(incidents.values_list("lon", "lat")), dtype=float).reshape(-1, 2)
    return lonlat_to_rd(lonlat)


def _grid_row(run, measure, gemeente: str, year: int, cell, area_name: str) -> GridCell:
    xmin, ymin, xmax, ymax = bounds(cell.geometry)
    return GridCell(
        run=run,
        measure=measure,
        gemeente_code=gemeente,
        period=str(year),
        cell_id=cell.cell_id,
        area_name=area_name,
        map_path=svg_path(cell.geometry, tolerance=0),
        map_xmin=xmin,
        map_ymin=ymin,
        map_xmax=xmax,
        map_ymax=ymax,
        count=cell.count,
        density=cell.density,
        gi_z=cell.gi_z,
        p_fdr=cell.p_fdr,
        hotspot_class=cell.hotspot_class or "",
        confidence=cell.confidence,
    )
