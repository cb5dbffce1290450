"""Shared reading and output of the stateless insight commands ``hotspots`` and ``signalering``.

Both read figures files without a database (as ``openveiligheid evaluate`` does): the rows of
every file are combined, later files winning, and sums over months and over buurten/wijken are
derived in memory, column-wise (``imports/columnar.py``), by the rules the imports use
(``figures/aggregation.py``), for the measures asked for only. Output is a table for people,
CSV for scripts (unrounded) or JSON (unrounded, NaN as ``null``).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import polars as pl

from django.core.management.base import CommandError

from openveiligheid.core.errors import InputError
from openveiligheid.core.periods import Period, PeriodError, parse_period
from openveiligheid.figures.aggregation import Key, Observation
from openveiligheid.imports import columnar
from openveiligheid.imports.services import read_input_file
from openveiligheid.indicators.engine import FigureSet
from openveiligheid.indicators.formatting import format_number

FORMATS = ("table", "csv", "json")
EMPTY = "–"


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


@contextmanager
def dutch_errors() -> Iterator[None]:
    """Turn unusable input and missing files into a :class:`CommandError` in Dutch."""
    try:
        yield
    except InputError as exc:
        raise CommandError("Fouten in de invoer:\n" + exc.summary()) from exc
    except FileNotFoundError as exc:
        raise CommandError(f"Bestand niet gevonden: {exc.filename}") from exc
    except IsADirectoryError as exc:
        raise CommandError(f"Geen bestand maar een map: {exc.filename}") from exc


class Figures:
    """The figures of all files: the keys as read (``observed``) and the engine's
    :class:`FigureSet` view of them with the derived sums (``known``).

    The files are read column-wise (:mod:`openveiligheid.imports.columnar`); the figures of a
    measure, with its derived sums, are made when that measure is first asked for, so a
    command that needs one measure of a national file derives the sums of that one only.
    """

    def __init__(self, table: pl.DataFrame, measures: Iterable[str] | None = None):
        """``measures``: keep only these (``measures`` still names every measure of the
        files, for the messages)."""
        self.measures: set[str] = set(table["measure"].unique().to_list())
        self._codes = table["area"].unique()  # the area tree, as FigureSet.from_rows reads it
        if measures is not None:
            table = table.filter(pl.col("measure").is_in(sorted(set(measures))))
        self._table = table
        self.kept: set[str] = set(table["measure"].unique().to_list())
        self._of: dict[str, MeasureFigures] = {}
        self.known = _KnownFigures(self)

    @classmethod
    def from_rows(cls, rows: Sequence) -> Figures:
        return cls(columnar.from_rows(rows))

    @functools.cached_property
    def observed(self) -> frozenset[Key]:
        return frozenset(columnar.keys(self._table))

    def of(self, measure: str) -> MeasureFigures:
        """The figures of one measure with their derived sums."""
        if measure not in self._of:
            rows = columnar.with_derived(self._table, measures=[measure], codes=self._codes)
            self._of[measure] = MeasureFigures(measure, rows)
        return self._of[measure]

    def figure_set(self) -> FigureSet:
        """The engine's view of the same figures (for ``population_of``)."""
        return self.known  # type: ignore[return-value]

    def value(self, measure: str, area: str, period: Period) -> float | None:
        found = self.known.get(measure, area, period)
        return None if found is None else found.value

    def periods(self, measure: str) -> list[Period]:
        return self.known.periods(measure)


class MeasureFigures:
    """The figures of one measure (observed and derived), as :class:`FigureSet` reads them,
    indexed by area and period; an :class:`Observation` is made when one is asked for (a
    command looks up some areas of a measure that has hundreds of thousands of figures)."""

    def __init__(self, measure: str, rows: pl.DataFrame):
        self.measure = measure
        self._rows = rows
        areas, years, months = (rows[c].to_list() for c in ("area", "year", "month"))
        self._index = {key: n for n, key in enumerate(zip(areas, years, months, strict=True))}
        self._values = rows["value"].to_list()
        self._statuses = rows["status"].to_list()
        self._derived = rows["derived"].to_list()
        self._years: dict[str, set[int]] | None = None

    def get(self, area: str, period: Period) -> Observation | None:
        n = self._index.get((area, period.year, period.month))
        if n is None:
            return None
        return Observation(self._values[n], self._statuses[n], self._derived[n])

    def years(self, area: str) -> set[int]:
        """Years with a yearly figure for ``area``."""
        if self._years is None:
            yearly = self._rows.filter(pl.col("month").is_null())
            self._years = {}
            for code, year in zip(yearly["area"].to_list(), yearly["year"].to_list(), strict=True):
                self._years.setdefault(code, set()).add(year)
        return self._years.get(area, set())

    def yearly(self) -> list[int]:
        """Years with a yearly figure for any area, oldest first."""
        found = self._rows.filter(pl.col("month").is_null())["year"].unique()
        return sorted(found.to_list())

    def periods(self) -> list[Period]:
        found = self._rows.select("year", "month").unique().iter_rows()
        return sorted((Period(y, m) for y, m in found), key=lambda p: (p.year, p.month or 0))

    def areas(self, period: Period) -> list[str]:
        month = pl.col("month")
        same = month.is_null() if period.month is None else month == period.month
        found = self._rows.filter((pl.col("year") == period.year) & same)
        return sorted(found["area"].to_list())

    def items(self) -> Iterator[tuple[Key, Observation]]:
        yield from columnar.observations(self._rows, Observation).items()


class _KnownFigures:
    """:class:`FigureSet`'s reading methods over :meth:`Figures.of`, one measure at a time."""

    def __init__(self, figures: Figures):
        self._figures = figures

    def get(self, measure: str, area: str, period: Period) -> Observation | None:
        return self._figures.of(measure).get(area, period)

    def in_period(self, measure: str, period: Period) -> Mapping[str, Observation]:
        return _InPeriod(self._figures.of(measure), period)

    def measure_years(self, measure: str) -> list[int]:
        return self._figures.of(measure).yearly()

    def years(self, measures: Iterable[str], area: str) -> list[int]:
        found: set[int] = set()
        for measure in measures:
            found |= self._figures.of(measure).years(area)
        return sorted(found)

    def periods(self, measure: str) -> list[Period]:
        return self._figures.of(measure).periods()

    def areas(self, measure: str, period: Period) -> list[str]:
        return self._figures.of(measure).areas(period)

    def items(self) -> Iterator[tuple[Key, Observation]]:
        """Every figure of every measure kept (all measures are derived for this)."""
        for measure in sorted(self._figures.kept):
            yield from self._figures.of(measure).items()

    def __len__(self) -> int:
        return sum(1 for _ in self.items())


class _InPeriod(Mapping[str, Observation]):
    """Area -> observation of one measure in one period, looked up when asked (a command
    evaluates some areas of a measure with figures for thousands)."""

    def __init__(self, figures: MeasureFigures, period: Period):
        self._figures, self._period = figures, period

    def __getitem__(self, area: str) -> Observation:
        found = self._figures.get(area, self._period)
        if found is None:
            raise KeyError(area)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._figures.areas(self._period))

    def __len__(self) -> int:
        return len(self._figures.areas(self._period))


def read_figure_files(paths: Sequence[str], measures: Iterable[str] | None = None) -> Figures:
    """Read every figures file (cijfers-CSV or CBS open data); raise a Dutch CommandError.

    ``measures``: keep only these (see :class:`Figures`)."""
    with dutch_errors():
        table = columnar.read_tables((path, read_input_file(path)) for path in paths)
    return Figures(table, measures)


def require_measure(figures: Figures, measure: str, option: str = "--measure") -> None:
    """Stop with a Dutch error when no file holds ``measure``."""
    if measure in figures.measures:
        return
    known = ", ".join(sorted(figures.measures)[:10]) or "geen"
    raise CommandError(
        f"{option}: maat {measure} komt in geen cijferbestand voor (wel in de bestanden: {known})"
    )


def parse_period_option(text: str, option: str = "--period") -> Period:
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise CommandError(f"{option}: {exc}") from exc


def plural(n: int, one: str, many: str) -> str:
    """``1 signaal``, ``3 signalen``."""
    return f"{n} {one if n == 1 else many}"


def shortlist(codes: Sequence[str], limit: int = 5) -> str:
    """The first ``limit`` codes and how many more: ``BU00140000, … en nog 3``."""
    shown = ", ".join(codes[:limit])
    return shown + (f" en nog {len(codes) - limit}" if len(codes) > limit else "")


def period_range(periods: Sequence[Period]) -> str:
    """``2013-01 tot en met 2017-08`` for the error that a period has no figures."""
    if not periods:
        return "geen"
    if len(periods) == 1:
        return str(periods[0])
    return f"{periods[0]} tot en met {periods[-1]}"


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the table format: which key, its heading, how a value is shown."""

    key: str
    heading: str
    show: Callable[[Any], str] = str
    numeric: bool = False


def number(decimals: int) -> Callable[[Any], str]:
    """A Dutch number with a fixed number of decimals; ``–`` when missing; no ``-0,00``."""

    def shown(value: Any) -> str:
        value = _finite(value)
        if value is not None and round(value, decimals) == 0:
            value = 0.0
        return format_number(value, decimals, EMPTY)

    return shown


def count(value: Any) -> str:
    """A count: whole numbers without decimals, other values with one."""
    value = _finite(value)
    if value is None:
        return EMPTY
    return format_number(value, 0 if float(value).is_integer() else 1, EMPTY)


def capped(show: Callable[[Any], str], limit: float) -> Callable[[Any], str]:
    """``show``, but values of ``limit`` or more as ``> limit`` (keeps a table readable)."""

    def shown(value: Any) -> str:
        finite = _finite(value)
        if finite is not None and finite >= limit:
            return "> " + format_number(limit, 0)
        return show(value)

    return shown


def percent(value: Any) -> str:
    """A share as a whole percentage: ``0.95`` -> ``95%``."""
    value = _finite(value)
    return EMPTY if value is None else format_number(value * 100, 0) + "%"


def text(value: Any) -> str:
    return EMPTY if value is None or value == "" else str(value)


def yes_no(value: Any) -> str:
    return "ja" if value else "nee"


def render(
    records: list[dict[str, Any]],
    fmt: str,
    *,
    fields: Sequence[str],
    columns: Sequence[Column],
    title: str,
    notes: Sequence[str] = (),
) -> str:
    """``records`` as ``table``, ``csv`` (columns ``fields``) or ``json``."""
    if fmt == "json":
        return as_json(records)
    if fmt == "csv":
        return as_csv(records, fields)
    return as_table(records, columns, title, notes)


def json_safe(value: Any) -> Any:
    """NaN and infinity become None, numpy scalars plain Python, recursively."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def as_json(records: list[dict[str, Any]]) -> str:
    return json.dumps(json_safe(records), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _csv_cell(value: Any) -> Any:
    value = json_safe(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def as_csv(records: list[dict[str, Any]], fields: Sequence[str]) -> str:
    """Comma-separated, header row, unrounded; empty cells for missing values."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({key: _csv_cell(record.get(key)) for key in fields})
    return buffer.getvalue()


def as_table(
    records: list[dict[str, Any]],
    columns: Sequence[Column],
    title: str,
    notes: Sequence[str] = (),
) -> str:
    """Aligned columns (numbers right-aligned, Dutch notation) under a title line."""
    rows = [[c.heading for c in columns]]
    rows += [[c.show(record.get(c.key)) for c in columns] for record in records]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    lines = [title]
    for n, row in enumerate(rows):
        cells = [
            cell.rjust(width) if column.numeric and n else cell.ljust(width)
            for cell, width, column in zip(row, widths, columns, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * width for width in widths))
    if notes:
        lines += [""] + [f"* {note}" for note in notes]
    return "\n".join(lines) + "\n"


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None
