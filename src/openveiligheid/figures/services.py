"""Importing and storing figures, deriving their sums, and reading them back for the engine."""

from __future__ import annotations

import datetime as dt
import functools
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from django.db.models import Q

from openveiligheid.areas.models import Area
from openveiligheid.areas.services import resolve_division
from openveiligheid.core.areacodes import gemeente_of
from openveiligheid.core.db import refresh_statistics
from openveiligheid.core.errors import InputError, InputProblem
from openveiligheid.core.measures import is_additive
from openveiligheid.core.periods import Period, PeriodError, parse_period
from openveiligheid.figures import bulk, catalogue
from openveiligheid.figures.aggregation import Key, Observation
from openveiligheid.figures.figureset import FigureSet
from openveiligheid.figures.models import Figure, Measure
from openveiligheid.figures.periods import refresh_periods
from openveiligheid.imports.models import ImportRun
from openveiligheid.imports.parsers.figures import stream_figures
from openveiligheid.imports.parsers.rows import FigureFile, FigureStream
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
        figures = stream_figures(path, unread.pop(), dataset=dataset, today=today, period=fixed)
        if before and _stamp(path) != before:
            raise InputError([InputProblem(path.name, CHANGED_WHILE_READ)])
        run.format = figures.format
        run.zeros_omitted = zeros_omitted or figures.zeros_omitted
        run.division = resolve_division(division, path.name)
        stage = bulk.Stage()
        staged = _stage(figures.rows, run.division, stage)
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
    staged = _stage(rows, run.division, stage)
    staged.check_areas(figure_file.name, figure_file.area_field)
    run.zeros_omitted = zeros_omitted
    removed, _ = _store(staged, figure_file.name, run, replace_all)
    stage.drop()
    return removed


#: Keys are packed in one 64-bit number for the duplicate check: measure, area, period.
_AREA_OFFSET = 1 << 23
MAX_DUPLICATES_REPORTED = 1000


@dataclass
class _Staged:
    """What :func:`_stage` learned while staging a file's rows (all small: per distinct
    measure, area and period, plus one 8-byte key per row for the duplicate check)."""

    count: int
    measure_ids: dict[str, int]
    area_ids: dict[str, int]
    periods: dict[str, int]
    pairs: set[tuple[int, str]]
    years: set[int]
    areas_seen: set[int]
    unknown: list[tuple[int, str]]
    keys: array

    def duplicates(self, stage: bulk.Stage, figures: FigureStream) -> list[InputProblem]:
        """Rows with the key of an earlier row, worded as the format does (up to
        :data:`MAX_DUPLICATES_REPORTED`)."""
        if self.count < 2:
            return []
        keys = np.frombuffer(self.keys, dtype=np.int64)
        ordered = np.sort(keys)  # most files have none: one sorted copy tells, 8 bytes a row
        if not (ordered[1:] == ordered[:-1]).any():
            return []
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        starts = np.ones(len(ordered), dtype=bool)
        starts[1:] = ordered[1:] != ordered[:-1]
        first_of_run = np.maximum.accumulate(np.where(starts, np.arange(len(ordered)), 0))
        seqs = order + 1  # positions in the file; seq counts from 1
        repeats = sorted(
            zip(seqs[~starts].tolist(), seqs[first_of_run[~starts]].tolist(), strict=True)
        )
        shown = repeats[:MAX_DUPLICATES_REPORTED]
        rows = stage.rows({seq for pair in shown for seq in pair})
        measures = {pk: name for name, pk in self.measure_ids.items()}
        areas = {pk: code for code, pk in self.area_ids.items()}
        problems = []
        for seq, first in shown:
            line, field, measure_id, area_id, period = rows[seq]
            row = (line, field, measures[measure_id], areas[area_id], period)
            message, column = figures.duplicate(row, rows[first][0])
            problems.append(InputProblem(figures.name, message, line, column))
        if len(repeats) > len(shown):
            problems.append(
                InputProblem(
                    figures.name,
                    f"en nog {len(repeats) - len(shown)} dubbele regels",
                    problems[-1].line,
                )
            )
        return problems

    def check_areas(self, file_name: str, area_field: str) -> None:
        if self.unknown:
            raise InputError(
                [
                    InputProblem(file_name, f"onbekende gebiedscode '{code}' ({self.where})", line,
                                 area_field)
                    for line, code in self.unknown
                ]
            )  # fmt: skip

    where: str = ""


def _stage(rows, division: int, stage: bulk.Stage) -> _Staged:
    """Put the rows into the staging table in batches, with their measure and area keys."""
    area_ids = dict(Area.objects.filter(division=division).values_list("code", "pk"))
    measure_ids: dict[str, int] = {}
    periods: dict[str, int] = {}
    pairs: set[tuple[int, str]] = set()
    years: set[int] = set()
    seen: set[int] = set()
    unknown: list[tuple[int, str]] = []
    strangers: set[str] = set()
    keys = array("q")
    batch: list[tuple] = []
    seq = 0
    for line, field, measure, area, period, year, month, value, status, source in rows:
        measure_id = measure_ids.get(measure)
        if measure_id is None:
            measure_id = measure_ids[measure] = catalogue.measure_ids({measure})[measure]
        area_id = area_ids.get(area)
        if area_id is None:  # reported later, if the file has no other problems
            area_id = area_ids[area] = -1 - len(strangers)
            strangers.add(area)
        if area_id < 0 and len(unknown) < MAX_UNKNOWN_REPORTED:
            unknown.append((line, area))
        number = periods.get(period)
        if number is None:
            number = periods[period] = len(periods)
            years.add(year)
        pairs.add((measure_id, period))
        seen.add(area_id)
        keys.append(measure_id << 40 | (area_id + _AREA_OFFSET) << 16 | number)
        seq += 1
        batch.append((seq, line, field, measure_id, area_id, period, year, month, value,
                      status, source[:200]))  # fmt: skip
        if len(batch) >= BATCH:
            stage.add(batch)
            batch = []
    stage.add(batch)
    staged = _Staged(seq, measure_ids, area_ids, periods, pairs, years, seen, unknown, keys)
    staged.where = f"niet in indeling {division}"
    return staged


def _store(staged: _Staged, file_name: str, run: ImportRun, replace_all: bool) -> tuple[str, str]:
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
    level_of_gemeente: tuple[str, str] | None = None,
) -> FigureSet:
    """Figures of these measures for these area codes, as the engine wants them.

    Wijk and buurt figures come only from ``division``. For gemeenten and the Netherlands, whose
    codes keep their meaning, figures of other divisions fill the years that ``division`` lacks;
    each observation carries its division so that the engine never divides a figure of one
    division by a population of another, and the pages can say which division a value is from.
    ``level_of_gemeente`` ``(gemeente, level)``: instead of ``areas``, every wijk or buurt of
    that gemeente in ``division``.
    """
    queryset = Figure.objects.filter(measure__name__in=set(measures))
    if level_of_gemeente:  # every wijk or buurt of a gemeente: a join, not 14,000 codes
        gemeente, level = level_of_gemeente
        queryset = queryset.filter(
            area__gemeente_code=gemeente, area__level=level, area__division=division
        )
    else:  # the areas' ids first: the figures are then read through the area index, also
        # where the planner has no statistics (docs/adr/0022, decision 2)
        ids = Area.objects.filter(code__in=set(areas)).values_list("pk", flat=True)
        queryset = queryset.filter(area_id__in=list(ids))
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
