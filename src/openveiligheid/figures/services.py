"""Importing and storing figures, deriving their sums, and reading them back for the engine."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from django.db.models import Q

from openveiligheid.areas.models import Area
from openveiligheid.areas.services import children_index, resolve_division
from openveiligheid.core.areacodes import gemeente_of
from openveiligheid.core.db import refresh_statistics
from openveiligheid.core.errors import InputError, InputProblem
from openveiligheid.core.periods import Period, PeriodError, parse_period
from openveiligheid.figures import catalogue
from openveiligheid.figures.aggregation import Key, Observation, derive
from openveiligheid.figures.figureset import FigureSet
from openveiligheid.figures.models import Figure, Measure
from openveiligheid.imports.models import ImportRun
from openveiligheid.imports.parsers.figures import read_figures
from openveiligheid.imports.parsers.rows import FigureFile
from openveiligheid.imports.services import (
    execute,
    open_run,
    skip_if_imported,
)

BATCH = 2000
MAX_UNKNOWN_REPORTED = 50
DERIVED_SOURCE = "afgeleid: optelling van onderliggende gebieden of maanden"


def import_figures(
    path: Path | str,
    *,
    data: bytes | None = None,
    dataset: str | None = None,
    division: int | None = None,
    user=None,
    today: dt.date | None = None,
    period: str | None = None,
    replace_all: bool = False,
) -> ImportRun:
    """Import a figures file of any supported format (detected from its header).

    ``period`` ("2024") is needed only for CBS tables without a Perioden column. A file that
    would remove more earlier figures (of its dataset, measures, periods and gemeenten) than
    it brings is refused unless ``replace_all`` (``--vervang-alles``); see
    :func:`check_removal`."""
    path = Path(path)
    run, data = open_run("figures", path, data, user)

    def work(run: ImportRun) -> str:
        fixed = _fixed_period(period, path.name)
        figure_file = read_figures(path, data, dataset=dataset, today=today, period=fixed)
        run.dataset, run.format = figure_file.dataset, figure_file.format
        run.division = resolve_division(division, path.name)
        skip_if_imported(run)
        removed = store_figures(figure_file, run, replace_all=replace_all)
        return summary(run, figure_file) + removed

    return execute(run, work)


def _fixed_period(period: str | None, file_name: str) -> Period | None:
    if period is None:
        return None
    try:
        return parse_period(period)
    except PeriodError as exc:
        raise InputError([InputProblem(file_name, f"--periode: {exc}")]) from exc


def summary(run: ImportRun, figure_file: FigureFile | None = None) -> str:
    parts = [
        f"{run.read} gelezen",
        f"{run.created} nieuw",
        f"{run.updated} bijgewerkt",
        f"{run.deleted} vervallen",
        f"{run.derived} afgeleid (optellingen)",
    ]
    text = f"Ingelezen als {run.dataset} in indeling {run.division}: " + ", ".join(parts) + "."
    if figure_file and figure_file.missing_values:
        text += f" {figure_file.missing_values} lege waarden ('.') overgeslagen."
    if figure_file and figure_file.other_regions:
        text += (
            f" {figure_file.other_regions} regels van andere regio-indelingen "
            "(provincie, COROP, …) overgeslagen."
        )
    if figure_file and figure_file.ignored_columns:
        text += f" Niet ingelezen kolommen: {', '.join(figure_file.ignored_columns)}."
    return text


def store_figures(figure_file: FigureFile, run: ImportRun, *, replace_all: bool = False) -> str:
    """Write the figures of one file into ``run.division``; replace what they correct.

    Returns what was removed (figures the file no longer gives), as a sentence for the run's
    message; raises :class:`InputError` before removing anything when that is more than the
    file brings and ``replace_all`` is false."""
    division = run.division
    area_ids = _area_ids(figure_file, division)
    measure_ids = catalogue.measure_ids({row.measure for row in figure_file.rows})
    pairs = {(measure_ids[row.measure], str(row.period)) for row in figure_file.rows}
    new_keys = {(measure_ids[r.measure], area_ids[r.area], str(r.period)) for r in figure_file.rows}
    gemeenten = {gemeente_of(row.area) or "" for row in figure_file.rows}
    scope = _figures_in_scope(figure_file.dataset, pairs, gemeenten, division)
    in_scope = {(m, a, p): pk for pk, m, a, p in scope}
    clashing = _figures_with_keys(new_keys, pairs, division, exclude=set(in_scope.values()))
    names = {pk: name for name, pk in measure_ids.items()}
    removed = check_removal(
        figure_file.name,
        Counter((names[m], p) for m, _, p in set(in_scope) - new_keys),
        len(new_keys),
        "cijfers",
        replace_all,
        hint="lees het in onder een eigen dataset (--dataset …)",
    )
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
    return removed


REMOVALS_SHOWN = 12


def describe_removal(counts: Counter) -> str:
    """``halt 2021: 3; halt 2022: 150``: how many per measure (or code) and period."""
    parts = [f"{name} {period}: {n}" for (name, period), n in sorted(counts.items())]
    rest = len(parts) - REMOVALS_SHOWN
    return "; ".join(parts[:REMOVALS_SHOWN]) + (f"; en nog {rest} andere" if rest > 0 else "")


def check_removal(
    file_name: str, removed: Counter, brought: int, what: str, replace_all: bool, hint: str
) -> str:
    """What a replacing import removes that the file does not give again, as a sentence for
    the run's message (``""`` if nothing). Called before anything is removed: more than the
    file brings is refused unless ``replace_all`` (``--vervang-alles``)."""
    total = sum(removed.values())
    if not total:
        return ""
    detail = describe_removal(removed)
    if total > brought and not replace_all:
        raise InputError(
            [
                InputProblem(
                    file_name,
                    f"dit bestand zou {total} eerder ingelezen {what} verwijderen die het niet "
                    f"opnieuw geeft ({detail}), meer dan de {brought} die het brengt. Er is "
                    "niets veranderd. Is dat de bedoeling, geef dan --vervang-alles; wilt u "
                    f"alleen toevoegen of verbeteren, {hint}",
                )
            ]
        )
    return f" Verwijderd, want niet meer in het bestand: {total} {what} ({detail})."


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
