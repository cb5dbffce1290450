"""A figures file's rows into the import's staging table, by rows or by columns.

:func:`stage_rows` stages what a parser's stream (:class:`FigureStream`) yields, one row at a
time, and notes what :func:`openveiligheid.figures.services.import_figures` must report: area
codes not in the division, and duplicate keys (worded with their lines).

:func:`stage_columns` does the same for a cijfers-CSV without reading it row by row: polars
reads it in pieces of :data:`PIECE` characters into columns, the checks of
:mod:`openveiligheid.imports.columnar` (the row parser's own rules, once per distinct text;
at least as strict) judge each piece, codes become keys with a lookup per column, and each
piece is staged with one statement. It words no problem: when a piece fails a check, an area
code is not in the division or a key occurs twice, it empties the staging table and returns
``None``, and the caller reads the file by :func:`stage_rows`, which finds and words every
problem (file, line, field). A file the row parser accepts but the columnar checks doubt
(quoted line ends, exotic blanks) is then simply read by rows. See
docs/adr/0019-bulk-figures-import.md, decision 11.
"""

from __future__ import annotations

import datetime as dt
from array import array
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from openveiligheid.areas.models import Area
from openveiligheid.core.csvfiles import CsvText, header_and_pieces, header_of
from openveiligheid.core.errors import InputError, InputProblem
from openveiligheid.figures import bulk, catalogue
from openveiligheid.imports import columnar
from openveiligheid.imports.parsers.rows import FigureStream

BATCH = 2000
MAX_UNKNOWN_REPORTED = 50
MAX_DUPLICATES_REPORTED = 1000
#: Keys are packed in one 64-bit number for the duplicate check: measure, area, period.
_AREA_OFFSET = 1 << 23
#: Characters of a file read by polars at a time (about 200,000 rows of a cijfers-CSV): the
#: columns of one piece are in memory, not those of the file.
PIECE = 1 << 23
SOURCE_CHARS = 200


@dataclass
class Staged:
    """What staging learned about a file's rows (all small: per distinct measure, area and
    period, plus one 8-byte key per row for the duplicate check)."""

    count: int
    measure_ids: dict[str, int]
    area_ids: dict[str, int]
    periods: dict[str, int]
    pairs: set[tuple[int, str]]
    years: set[int]
    areas_seen: set[int]
    unknown: list[tuple[int, str]]
    keys: array
    where: str = ""
    _sorted: np.ndarray | None = field(default=None, repr=False)

    def has_duplicates(self) -> bool:
        if self.count < 2:
            return False
        if self._sorted is None:  # one sorted copy tells, 8 bytes a row
            self._sorted = np.sort(np.frombuffer(self.keys, dtype=np.int64))
        return bool((self._sorted[1:] == self._sorted[:-1]).any())

    def duplicates(self, stage: bulk.Stage, figures: FigureStream) -> list[InputProblem]:
        """Rows with the key of an earlier row, worded as the format does (up to
        :data:`MAX_DUPLICATES_REPORTED`)."""
        if not self.has_duplicates():
            return []
        keys = np.frombuffer(self.keys, dtype=np.int64)
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
            line, column, measure_id, area_id, period = rows[seq]
            row = (line, column, measures[measure_id], areas[area_id], period)
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


def _staged(division: int, area_ids: dict[str, int]) -> Staged:
    return Staged(0, {}, area_ids, {}, set(), set(), set(), [], array("q"),
                  where=f"niet in indeling {division}")  # fmt: skip


def _area_ids(division: int) -> dict[str, int]:
    return dict(Area.objects.filter(division=division).values_list("code", "pk"))


def stage_rows(rows, division: int, stage: bulk.Stage) -> Staged:
    """Put the rows into the staging table in batches, with their measure and area keys."""
    staged = _staged(division, _area_ids(division))
    measure_ids, area_ids, periods = staged.measure_ids, staged.area_ids, staged.periods
    strangers: set[str] = set()
    keys = staged.keys
    batch: list[tuple] = []
    seq = 0
    for line, column, measure, area, period, year, month, value, status, source in rows:
        measure_id = measure_ids.get(measure)
        if measure_id is None:
            measure_id = measure_ids[measure] = catalogue.measure_ids({measure})[measure]
        area_id = area_ids.get(area)
        if area_id is None:  # reported later, if the file has no other problems
            area_id = area_ids[area] = -1 - len(strangers)
            strangers.add(area)
        if area_id < 0 and len(staged.unknown) < MAX_UNKNOWN_REPORTED:
            staged.unknown.append((line, area))
        number = periods.get(period)
        if number is None:
            number = periods[period] = len(periods)
            staged.years.add(year)
        staged.pairs.add((measure_id, period))
        staged.areas_seen.add(area_id)
        keys.append(measure_id << 40 | (area_id + _AREA_OFFSET) << 16 | number)
        seq += 1
        batch.append((seq, line, column, measure_id, area_id, period, year, month, value,
                      status, source[:SOURCE_CHARS]))  # fmt: skip
        if len(batch) >= BATCH:
            stage.add(batch)
            batch = []
    stage.add(batch)
    staged.count = seq
    return staged


def stage_columns(
    csv_text: CsvText, division: int, stage: bulk.Stage, today: dt.date | None
) -> Staged | None:
    """Stage a cijfers-CSV column-wise (see the module's description); ``None``, with the
    staging table empty again, when the file must be read by :func:`stage_rows`."""
    names = [column.lower() for column in header_of(csv_text)]
    if len(set(names)) != len(names):
        return None
    header_line, pieces = header_and_pieces(csv_text, PIECE)
    staged = _staged(division, _area_ids(division))
    for piece in pieces:
        table = _checked_piece(header_line + "\n" + piece, csv_text, names, today)
        if table is None or not _stage_table(table, staged, stage):
            stage.clear()
            return None
    if not staged.count or staged.has_duplicates():
        stage.clear()
        return None
    return staged


def _checked_piece(
    text: str, csv_text: CsvText, names: list[str], today: dt.date | None
) -> pl.DataFrame | None:
    """One piece's rows as checked columns (``measure``, ``area``, ``year``, ``month``,
    ``value``, and ``status`` and ``source`` if the file has them), or ``None`` when a row
    needs the row parser."""
    raw = columnar.read_strings(text, csv_text.delimiter, names)
    if raw is None:
        return None
    table = columnar.checked_table(
        raw.select(pl.all().str.strip_chars()), csv_text.decimal_comma, today
    )
    if table is None:
        return None
    if "status" not in raw.columns:  # the staging table's default: one column less to bind
        table = table.drop("status")
    if "source" not in raw.columns:
        return table
    sources = {text: text.strip()[:SOURCE_CHARS] for text in raw["source"].unique().to_list()}
    return table.with_columns(raw["source"].replace_strict(sources, return_dtype=pl.String))


def _stage_table(table: pl.DataFrame, staged: Staged, stage: bulk.Stage) -> bool:
    """Stage one checked piece with its keys; ``False`` if an area code is not in the
    division (the row path reports it with its line)."""
    areas = table["area"].unique().to_list()
    if any(code not in staged.area_ids for code in areas):
        return False
    measures = set(table["measure"].unique().to_list()) - set(staged.measure_ids)
    if measures:
        staged.measure_ids.update(catalogue.measure_ids(measures))
    month = pl.col("month").cast(pl.String).str.zfill(2)
    period = pl.col("year").cast(pl.String) + pl.when(month.is_null()).then(pl.lit("")).otherwise(
        "-" + month
    )
    keyed = table.select(
        pl.col("measure")
        .replace_strict(staged.measure_ids, return_dtype=pl.Int64)
        .alias("measure_id"),
        pl.col("area")
        .replace_strict({code: staged.area_ids[code] for code in areas}, return_dtype=pl.Int64)
        .alias("area_id"),
        period.alias("period"),
        pl.exclude("measure", "area"),  # year, month, value, and status and source if given
    )
    _note(keyed, staged)
    stage.add_columns(keyed)
    return True


def _note(keyed: pl.DataFrame, staged: Staged) -> None:
    """Add a staged piece's periods, pairs, areas and keys to what ``staged`` knows."""
    for text, year in keyed.select("period", "year").unique(maintain_order=True).iter_rows():
        if text not in staged.periods:
            staged.periods[text] = len(staged.periods)
            staged.years.add(year)
    staged.pairs.update(keyed.select("measure_id", "period").unique().iter_rows())
    staged.areas_seen.update(keyed["area_id"].unique().to_list())
    keys = keyed.select(
        pl.col("measure_id") * 2**40
        + (pl.col("area_id") + _AREA_OFFSET) * 2**16
        + pl.col("period").replace_strict(staged.periods, return_dtype=pl.Int64)
    ).to_series()
    staged.keys.frombytes(keys.to_numpy().astype(np.int64).tobytes())
    staged.count += keyed.height
