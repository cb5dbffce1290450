"""Importing and storing figures, deriving their sums, and reading them back for the engine."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet

from openveiligheid.areas.models import Area
from openveiligheid.areas.services import resolve_division
from openveiligheid.core.areacodes import gemeente_of
from openveiligheid.core.csvfiles import read_csv_text
from openveiligheid.core.db import refresh_statistics
from openveiligheid.core.errors import InputError, InputProblem
from openveiligheid.core.measures import is_additive
from openveiligheid.core.periods import Period, PeriodError, parse_period
from openveiligheid.figures import bulk, staging
from openveiligheid.figures.aggregation import Observation
from openveiligheid.figures.figureset import FigureSet, Tables
from openveiligheid.figures.models import Figure, FigurePeriod, Measure
from openveiligheid.figures.periods import refresh_periods
from openveiligheid.imports.models import ImportRun
from openveiligheid.imports.parsers import cijfers
from openveiligheid.imports.parsers.figures import format_of
from openveiligheid.imports.parsers.rows import FigureFile
from openveiligheid.imports.services import (
    execute,
    open_run,
    skip_if_imported,
)

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
    zeros_omitted: bool = False,
) -> ImportRun:
    """Import a figures file of any supported format (detected from its header).

    ``period`` ("2024") is needed only for CBS tables without a Perioden column. A file that
    would remove more earlier figures (of its dataset, measures, periods and gemeenten) than
    it brings is refused unless ``replace_all`` (``--vervang-alles``); see
    :func:`check_removal`. ``zeros_omitted`` (``--nullen-weggelaten``, or a first line
    ``# nullen-weggelaten``): the file leaves zeros out, so the derived sums count a missing
    part as 0 (see :class:`openveiligheid.figures.bulk.Deriver`).

    The rows are read, checked and staged in batches (:mod:`openveiligheid.figures.bulk`); no
    row is kept in memory and no model instance is made per row."""
    path = Path(path)
    # A file is read again by the parser rather than handed over as bytes: the bytes, the
    # text and a copy of the text are then never in memory at once (twice the file, not three
    # times). Its size and time stamp tell whether it changed in between.
    before = _stamp(path) if data is None else None
    run, data = open_run("figures", path, data, user)
    unread = [None if before else data]  # handed over once, then dropped
    del data

    def work(run: ImportRun) -> str:
        fixed = _fixed_period(period, path.name)
        csv_text = read_csv_text(path, unread.pop(), comments=True)
        if before and _stamp(path) != before:
            raise InputError([InputProblem(path.name, CHANGED_WHILE_READ)])
        figures = format_of(csv_text).stream(csv_text, dataset=dataset, today=today, period=fixed)
        run.format = figures.format
        run.zeros_omitted = zeros_omitted or figures.zeros_omitted
        run.division = resolve_division(division, path.name)
        stage = bulk.Stage()
        staged = None
        if figures.format == cijfers.FORMAT:  # by columns, unless a row needs a word
            staged = staging.stage_columns(csv_text, run.division, stage, today)
        del csv_text  # the rows' generator holds it while it reads
        if staged is None:
            staged = staging.stage_rows(figures.rows, run.division, stage)
        figures.rows = iter(())  # and the text with it
        problems = figures.problems.problems + staged.duplicates(stage, figures)
        if problems:
            raise InputError(sorted(problems, key=lambda p: p.line or 0))
        run.dataset = figures.dataset
        skip_if_imported(run)
        staged.check_areas(figures.name, figures.area_field)
        removed, notes = _store(staged, figures.name, run, replace_all)
        stage.drop()
        return summary(run, figures.summary_file()) + removed + notes

    return execute(run, work)


CHANGED_WHILE_READ = "het bestand veranderde terwijl het werd ingelezen; lees het opnieuw in"


def _stamp(path: Path) -> tuple[int, int] | None:
    """A file's size and modification time (``None`` if it cannot be read: ``open_run`` says
    why)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


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


def store_figures(
    figure_file: FigureFile,
    run: ImportRun,
    *,
    replace_all: bool = False,
    zeros_omitted: bool = False,
) -> str:
    """Write the figures of one file into ``run.division``; replace what they correct.

    Returns what was removed (figures the file no longer gives), as a sentence for the run's
    message; raises :class:`InputError` before removing anything when that is more than the
    file brings and ``replace_all`` is false."""
    stage = bulk.Stage()
    rows = (
        (r.line, None, r.measure, r.area, str(r.period), r.period.year, r.period.month,
         r.value, r.status, r.source)
        for r in figure_file.rows
    )  # fmt: skip
    staged = staging.stage_rows(rows, run.division, stage)
    staged.check_areas(figure_file.name, figure_file.area_field)
    run.zeros_omitted = zeros_omitted
    removed, _ = _store(staged, figure_file.name, run, replace_all)
    stage.drop()
    return removed


def _store(
    staged: staging.Staged, file_name: str, run: ImportRun, replace_all: bool
) -> tuple[str, str]:
    """Replace what the staged rows correct, write them, derive the sums: ``(removed, notes)``
    as sentences for the run's message. The sums count a missing part as 0 in the periods of
    this file if ``run.zeros_omitted``, and in those of earlier runs that were
    (:func:`zeros_omitted_periods`)."""
    division = run.division
    measure_ids = set(staged.measure_ids.values())
    periods = set(staged.periods)
    removed, updated, deleted = "", 0, 0
    bulk.Deriver(measure_ids, staged.years, division).clear()  # before the table grows
    if bulk.anything_stored(measure_ids, periods, division):
        codes = {pk: code for code, pk in staged.area_ids.items()}
        gemeenten = {gemeente_of(codes[pk]) or "" for pk in staged.areas_seen}
        bulk.find_scope(run.dataset, staged.pairs, gemeenten, division)
        counts = Counter({(name, period): n for name, period, n in bulk.removed_counts()})
        removed = check_removal(
            file_name,
            counts,
            staged.count,
            "cijfers",
            replace_all,
            hint="lees het in onder een eigen dataset (--dataset …)",
        )
        updated = bulk.replace_existing()
        deleted = sum(counts.values())
    bulk.insert_staged(run.pk)
    run.read = staged.count
    run.updated = updated
    run.created = staged.count - updated
    run.deleted = deleted
    refresh_statistics(Figure, Area)
    earlier = zeros_omitted_periods(measure_ids, staged.years, division, run)
    covered = (periods if run.zeros_omitted else set()) | earlier
    run.derived, missing = refresh_derived(
        measure_ids,
        staged.years,
        division,
        run,
        zeros_omitted=bool(covered),
        covered=covered,
        clear=False,
    )
    refresh_periods(measure_ids, staged.years)
    if run.zeros_omitted:
        return removed, ZEROS_NOTE
    return removed, _earlier_zeros_note(earlier) + _derived_notes(missing)


ZEROS_NOTE = " Ontbrekende waarden zijn bij de optellingen als 0 geteld (nullen weggelaten)."


def zeros_omitted_periods(
    measure_ids: set[int], years: set[int], division: int, run: ImportRun
) -> set[str]:
    """The periods of these measures and years that earlier runs brought with zeros omitted
    (``ImportRun.zeros_omitted``): their files said a missing row is 0, so a later import of
    the same measures keeps counting it so there when it derives the sums again."""
    earlier = ImportRun.objects.filter(
        zeros_omitted=True, status=ImportRun.SUCCEEDED, division=division
    ).exclude(pk=run.pk)
    runs = list(earlier.values_list("pk", flat=True))
    if not runs or not measure_ids:
        return set()
    figures = Figure.objects.filter(
        import_run_id__in=runs, derived=False, measure_id__in=measure_ids, year__in=years
    )
    return set(figures.values_list("period", flat=True).distinct())


def _earlier_zeros_note(periods: set[str]) -> str:
    if not periods:
        return ""
    return (
        f" In {len(periods)} perioden van een eerdere import met nullen weggelaten zijn "
        "ontbrekende waarden bij de optellingen als 0 geteld."
    )


def _derived_notes(missing: dict[str, int]) -> str:
    parts = [
        f"{missing[key]} {what} niet berekend: {why}"
        for key, what, why in (
            ("jaar", "jaartotalen", "niet alle 12 maanden aanwezig"),
            ("wijk", "wijktotalen", "niet alle buurten aanwezig"),
            ("gemeente", "gemeentetotalen", "niet alle wijken aanwezig"),
        )
        if missing.get(key)
    ]
    if not parts:
        return ""
    return (
        " "
        + "; ".join(parts)
        + ". Bevat het bestand geen nullen? Lees het dan in met --nullen-weggelaten."
    )


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


def refresh_derived(
    measure_ids: set[int],
    years: set[int],
    division: int,
    run: ImportRun,
    *,
    zeros_omitted: bool = False,
    covered: set[str] = frozenset(),
    clear: bool = True,
) -> tuple[int, dict[str, int]]:
    """Recompute the derived figures (sums over areas and months) for these measures and years,
    set-wise in the database by the rules of :func:`openveiligheid.figures.aggregation.derive`
    (see :class:`openveiligheid.figures.bulk.Deriver`). Returns how many were made, and how
    many could not be made for want of a part (``{"jaar": n, "wijk": n, "gemeente": n}``).
    ``clear``: remove the earlier derived figures first (an import has done so before it
    wrote)."""
    if clear:
        bulk.Deriver(set(measure_ids), years, division).clear()
    additive = _additive(measure_ids)
    if not additive:
        return 0, {}
    deriver = bulk.Deriver(additive, years, division, zeros_omitted=zeros_omitted, covered=covered)
    made = deriver.run(run.pk, DERIVED_SOURCE)
    return made, deriver.missing()


def _additive(measure_ids: set[int]) -> set[int]:
    names = Measure.objects.filter(pk__in=measure_ids).values_list("pk", "name")
    return {pk for pk, name in names if is_additive(name)}


@functools.lru_cache(maxsize=4096)
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
    # the areas' ids first: the figures are then read through the area index, also where the
    # planner has no statistics (docs/adr/0022, decision 2)
    ids = Area.objects.filter(code__in=set(areas)).values_list("pk", flat=True)
    queryset = Figure.objects.filter(measure__name__in=set(measures), area_id__in=list(ids))
    wanted_months = {str(m) for m in months}
    if years_only:
        queryset = queryset.filter(month__isnull=True)
    elif wanted_months:
        queryset = queryset.filter(Q(month__isnull=True) | Q(period__in=wanted_months))
    return FigureSet.from_tables(_observations(queryset, division))


#: Up to this many areas still without a population, an earlier year is read for them by id;
#: with more, for every area of the level (a list of ids costs Django a check per id).
FEW_AREAS = 1000


def level_figures(
    counted: Iterable[str],
    divisors: Iterable[str],
    gemeente_and_level: tuple[str, str],
    division: int,
    codes: Mapping[int, str],
    period: Period,
) -> FigureSet:
    """What a table of every wijk or buurt of a gemeente in ``division`` needs for one year or
    month: ``counted`` in that period, and per area each of ``divisors`` (the population) of
    the newest year up to the period's, which is all that the engine's per-1,000 rule can use.
    Not the other years and months of a national file (ten years monthly: 130 times the rows).

    ``codes`` (id -> code, as the caller read the areas) names them without a join; the
    database selects the areas itself (14,000 ids in a list would each pass Django's checks)."""
    gemeente, level = gemeente_and_level
    areas = Area.objects.filter(gemeente_code=gemeente, level=level, division=division)
    ids = areas.values("pk")
    counts = Figure.objects.filter(  # one seek per area in the unique key
        measure__name__in=set(counted), period=str(period), area_id__in=ids
    )
    tables = _area_tables(counts, codes, division)
    for measure in set(divisors):
        kept = FigurePeriod.objects.filter(
            measure__name=measure, division=division, gemeente_code=gemeente, level=level
        )
        years = kept.filter(month__isnull=True, year__lte=period.year).order_by("-year")
        tables |= _newest_years(measure, list(years.values_list("year", flat=True)), ids, codes,
                                division)  # fmt: skip
    return FigureSet.from_tables(tables)


def _newest_years(
    measure: str, years: list[int], ids: QuerySet, codes: Mapping[int, str], division: int
) -> Tables:
    """``measure`` per area of the newest of ``years`` (newest first) in which it has one:
    mostly one query, another for the few areas that lack the newest year."""
    missing = set(codes.values())
    tables: Tables = {}
    for year in years:
        few = len(missing) <= FEW_AREAS
        among = [pk for pk, code in codes.items() if code in missing] if few else ids
        rows = Figure.objects.filter(  # the year's figure: one seek in the unique key
            measure__name=measure, period=str(year), area_id__in=among
        )
        for key, table in _area_tables(rows, codes, division).items():
            found = {code: obs for code, obs in table.items() if code in missing}
            tables[key] = found
            missing -= found.keys()
        if not missing:
            break
    return tables


def _area_tables(queryset: QuerySet, codes: Mapping[int, str], division: int) -> Tables:
    tables: Tables = {}
    for (measure, text), found in _rows(queryset, ("measure__name", "period"), "area_id").items():
        tables[(measure, _period(text))] = {
            codes[area_id]: Observation(value, status, bool(derived), division)
            for area_id, value, status, derived in found
        }
    return tables


def _rows(queryset, key: tuple[str, ...], *fields: str) -> dict[tuple, list[tuple]]:
    """The queryset's figures as plain tuples (Django's converters per value cost a national
    map a fifth of its time), grouped: ``key values -> [(fields…, value, status, derived)]``."""
    try:
        sql, params = queryset.values_list(
            *key, *fields, "value", "status", "derived"
        ).query.sql_with_params()
    except EmptyResultSet:  # no measures or no areas asked
        return {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    width = len(key)
    grouped: dict[tuple, list[tuple]] = {}
    for row in found:
        group = grouped.get(row[:width])
        if group is None:
            group = grouped[row[:width]] = []
        group.append(row[width:])
    return grouped


def _observations(queryset, division: int | None) -> Tables:
    """The queryset's figures, per measure and period; see :func:`figure_set` for divisions."""
    key = ("area__division", "measure__name", "period")
    grouped = sorted(  # ``division`` last, so that its figures win over those of other divisions
        _rows(queryset, key, "area__code", "area__level").items(),
        key=lambda group: (group[0][0] == division, group[0][0]),
    )
    tables: Tables = {}
    for (area_division, measure, text), found in grouped:
        table = {
            code: Observation(value, status, bool(derived), area_division)
            for code, level, value, status, derived in found
            if area_division == division or level not in ("wijk", "buurt")
        }
        if table:
            tables.setdefault((measure, _period(text)), {}).update(table)
    return tables


def measure_labels(names: Iterable[str]) -> dict[str, str]:
    """Name -> label of the measures known in the database (empty where there is none)."""
    return dict(Measure.objects.filter(name__in=set(names)).values_list("name", "label"))
