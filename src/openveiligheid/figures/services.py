"""Storing figures and reading them back for the indicator engine."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from openveiligheid.areas.models import Area
from openveiligheid.areas.services import children_index
from openveiligheid.core.areacodes import gemeente_of
from openveiligheid.core.db import refresh_statistics
from openveiligheid.core.errors import InputError, InputProblem
from openveiligheid.core.periods import Period
from openveiligheid.figures.catalogue import label_for
from openveiligheid.figures.models import Figure, Measure
from openveiligheid.imports.models import ImportRun
from openveiligheid.imports.parsers.rows import FigureFile
from openveiligheid.indicators.aggregation import Key, Observation, derive, is_additive
from openveiligheid.indicators.engine import FigureSet

BATCH = 2000
MAX_UNKNOWN_REPORTED = 50
DERIVED_SOURCE = "afgeleid: optelling van onderliggende gebieden of maanden"


def store_figures(figure_file: FigureFile, run: ImportRun) -> None:
    """Write the figures of one file into ``run.division``; replace what they correct."""
    division = run.division
    area_ids = _area_ids(figure_file, division)
    measure_ids = _measure_ids({row.measure for row in figure_file.rows})
    pairs = {(measure_ids[row.measure], str(row.period)) for row in figure_file.rows}
    new_keys = {(measure_ids[r.measure], area_ids[r.area], str(r.period)) for r in figure_file.rows}
    gemeenten = {gemeente_of(row.area) or "" for row in figure_file.rows}
    scope = _figures_in_scope(figure_file.dataset, pairs, gemeenten, division)
    in_scope = {(m, a, p): pk for pk, m, a, p in scope}
    clashing = _figures_with_keys(new_keys, pairs, division, exclude=set(in_scope.values()))
    _delete_ids(list(in_scope.values()) + [pk for pk, *_ in clashing])
    replaced = set(in_scope) | {tuple(rest) for _, *rest in clashing}
    run.read = len(figure_file.rows)
    run.updated = len(new_keys & replaced)
    run.created = len(new_keys) - run.updated
    run.deleted = len(set(in_scope) - new_keys)
    Figure.objects.bulk_create(
        (
            Figure(
                measure_id=measure_ids[row.measure],
                area_id=area_ids[row.area],
                period=str(row.period),
                year=row.period.year,
                month=row.period.month,
                value=row.value,
                status=row.status,
                source=row.source[:200],
                import_run=run,
            )
            for row in figure_file.rows
        ),
        batch_size=BATCH,
    )
    refresh_statistics(Figure, Area)
    years = {row.period.year for row in figure_file.rows}
    run.derived = refresh_derived(set(measure_ids.values()), years, division, run)


def _area_ids(figure_file: FigureFile, division: int) -> dict[str, int]:
    codes = {row.area for row in figure_file.rows}
    ids = dict(Area.objects.filter(division=division, code__in=codes).values_list("code", "pk"))
    unknown = [row for row in figure_file.rows if row.area not in ids]
    if unknown:
        problems = [
            InputProblem(
                figure_file.name,
                f"onbekende gebiedscode '{row.area}' (niet in indeling {division})",
                row.line,
                figure_file.area_field,
            )
            for row in unknown[:MAX_UNKNOWN_REPORTED]
        ]
        raise InputError(problems)
    return ids


def _measure_ids(names: set[str]) -> dict[str, int]:
    existing = dict(Measure.objects.filter(name__in=names).values_list("name", "pk"))
    missing = [
        Measure(name=name, additive=is_additive(name), label=label_for(name))
        for name in sorted(names - set(existing))
    ]
    for measure in Measure.objects.bulk_create(missing):
        existing[measure.name] = measure.pk
    if len(existing) < len(names):  # backends that do not return primary keys
        existing = dict(Measure.objects.filter(name__in=names).values_list("name", "pk"))
    return existing


def _figures_in_scope(
    dataset: str, pairs: set[tuple[int, str]], gemeenten: set[str], division: int
):
    """Published figures that a new file replaces: the same dataset, and the measures, periods
    and gemeenten (or the Netherlands, ``""``) that the file holds."""
    measures = {m for m, _ in pairs}
    periods = {p for _, p in pairs}
    rows = Figure.objects.filter(
        import_run__dataset=dataset,
        area__gemeente_code__in=gemeenten,
        derived=False,
        measure_id__in=measures,
        period__in=periods,
        area__division=division,
    ).values_list("pk", "measure_id", "area_id", "period")
    return [row for row in rows if (row[1], row[3]) in pairs]


def _figures_with_keys(keys, pairs, division, exclude: set[int]):
    """Other figures (other datasets, or derived ones) with exactly the keys being written."""
    measures = {m for m, _ in pairs}
    periods = {p for _, p in pairs}
    rows = Figure.objects.filter(
        measure_id__in=measures, period__in=periods, area__division=division
    ).values_list("pk", "measure_id", "area_id", "period")
    return [row for row in rows if row[0] not in exclude and (row[1], row[2], row[3]) in keys]


def _delete_ids(ids: list[int]) -> None:
    for start in range(0, len(ids), BATCH):
        Figure.objects.filter(pk__in=ids[start : start + BATCH]).delete()


def refresh_derived(measure_ids: set[int], years: set[int], division: int, run: ImportRun) -> int:
    """Recompute the derived figures (sums over areas and months) for these measures and years."""
    base = Figure.objects.filter(
        measure_id__in=measure_ids, year__in=years, area__division=division
    )
    base.filter(derived=True).delete()
    observed: dict[Key, Observation] = {}
    names = dict(Measure.objects.filter(pk__in=measure_ids).values_list("pk", "name"))
    for measure_id, code, period, value, status in base.values_list(
        "measure_id", "area__code", "period", "value", "status"
    ):
        observed[(names[measure_id], code, _period(period))] = Observation(value, status)
    index = children_index(division)
    derived = derive(observed, lambda parent: index.get(parent, []))
    if not derived:
        return 0
    area_ids = dict(
        Area.objects.filter(division=division, code__in={a for _, a, _ in derived}).values_list(
            "code", "pk"
        )
    )
    measure_by_name = {name: pk for pk, name in names.items()}
    Figure.objects.bulk_create(
        (
            Figure(
                measure_id=measure_by_name[measure],
                area_id=area_ids[area],
                period=str(period),
                year=period.year,
                month=period.month,
                value=obs.value,
                status=obs.status,
                derived=True,
                source=DERIVED_SOURCE,
                import_run=run,
            )
            for (measure, area, period), obs in derived.items()
            if area in area_ids
        ),
        batch_size=BATCH,
    )
    return len(derived)


def _period(text: str) -> Period:
    year, _, month = text.partition("-")
    return Period(int(year), int(month) if month else None)


def figure_set(
    measures: Iterable[str],
    areas: Iterable[str],
    *,
    division: int | None,
    years_only: bool = True,
    months: Iterable[Period] = (),
) -> FigureSet:
    """Figures of these measures for these area codes, as the engine wants them.

    Wijk and buurt figures come only from ``division``. For gemeenten and the Netherlands, whose
    codes keep their meaning, figures of other divisions fill the years that ``division`` lacks;
    each observation carries its division so that the engine never divides a figure of one
    division by a population of another, and the pages can say which division a value is from.
    """
    queryset = Figure.objects.filter(measure__name__in=set(measures), area__code__in=set(areas))
    wanted_months = {str(m) for m in months}
    if years_only:
        queryset = queryset.filter(month__isnull=True)
    elif wanted_months:
        queryset = queryset.filter(Q(month__isnull=True) | Q(period__in=wanted_months))
    rows = queryset.values_list(
        "measure__name",
        "area__code",
        "area__level",
        "area__division",
        "period",
        "value",
        "status",
        "derived",
    )
    data: dict[Key, Observation] = {}
    for measure, code, level, area_division, period, value, status, derived in sorted(
        rows, key=lambda r: (r[3] == division, r[3])
    ):
        if level in ("wijk", "buurt") and area_division != division:
            continue
        data[(measure, code, _period(period))] = Observation(value, status, derived, area_division)
    return FigureSet(data)


def measure_labels(names: Iterable[str]) -> dict[str, str]:
    """Name -> label of the measures known in the database (empty where there is none)."""
    return dict(Measure.objects.filter(name__in=set(names)).values_list("name", "label"))
