"""Figures files read column-wise (polars), for the stateless commands on national files.

:func:`read_table` reads a generic cijfers-CSV (comma with a decimal point, or semicolon with a
decimal comma) or a CBS open-data table into a polars DataFrame and checks every row by the
rules of :mod:`~openveiligheid.imports.parsers.cijfers` and
:mod:`~openveiligheid.imports.parsers.cbs`: the layout (columns per row, quotes, field lengths)
vectorised; measure names, area codes, periods (not in the future) and numbers by the row
parsers' own functions, once per distinct text of a column (a national file has thousands of
area codes, a dozen periods and few distinct counts in a million rows); then negative counts
and duplicates vectorised. Only when any row fails a check (or the file is of another kind) is
the file read again by the row parser
(:func:`~openveiligheid.imports.parsers.figures.read_figures`), so that the error report
(file, line, field, every problem) is exactly the row parser's. The checks here are at least
as strict as the row parser's: a file they doubt but the row parser accepts is taken as the
row parser read it (tests compare both on every hostile test file).

:func:`derive_table` makes the derived sums (months to a year, buurten to wijk to gemeente) by
the rules of :func:`openveiligheid.figures.aggregation.derive`, with polars group-bys; sums with
a part that is not a whole number are added in Python in the order ``derive`` uses, so the
values are identical to the last bit (a test compares the two). :func:`with_derived` gives a
command the rows of the measures and areas it needs with only their derived sums.

Columns of a table: ``measure``, ``area`` (normalised code), ``year``, ``month`` (null for a
year), ``value`` (float), ``status``; a derived table has ``derived`` too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

import polars as pl

from openveiligheid.core.areacodes import BUURT, GEMEENTE, LAND, WIJK, level_of, normalize_code
from openveiligheid.core.csvfiles import (
    CBS_MISSING,
    MAX_FIELD_CHARS,
    header_of,
    parse_number,
    read_csv_text,
)
from openveiligheid.core.measures import is_additive
from openveiligheid.core.periods import Period, PeriodError, parse_cbs_period, parse_period
from openveiligheid.core.statuses import DEFINITIEF, STATUSES, VOORLOPIG
from openveiligheid.imports.parsers import cbs, cijfers
from openveiligheid.imports.parsers.figures import read_figures
from openveiligheid.imports.parsers.rows import FigureRow

T = TypeVar("T")
Key = tuple[str, str, Period]  #: measure, area code, period (as in figures.aggregation)
KEY = ("measure", "area", "year", "month")
COLUMNS = (*KEY, "value", "status")
SCHEMA = {
    "measure": pl.String,
    "area": pl.String,
    "year": pl.Int32,
    "month": pl.Int32,
    "value": pl.Float64,
    "status": pl.String,
}


def read_table(
    path: Path | str, data: bytes | None = None, *, today: dt.date | None = None
) -> pl.DataFrame:
    """The figures of one file as a table; raise :class:`InputError` as the row parser does."""
    csv_text = read_csv_text(path, data)
    header = header_of(csv_text)
    frame = None
    if len(set(header)) == len(header) and len({c.lower() for c in header}) == len(header):
        if cijfers.matches(header):
            frame = _read_cijfers(csv_text.text, csv_text.delimiter, header, today)
        elif cbs.matches(header):
            frame = _read_cbs(csv_text.text, csv_text.delimiter, header, today)
    if frame is None:
        return from_rows(read_figures(path, data, today=today).rows)
    return frame


def read_tables(files: Iterable[tuple[Path | str, bytes | None]]) -> pl.DataFrame:
    """The figures of several files; for a key in more than one, the later file wins."""
    frames = [read_table(path, data) for path, data in files]
    if not frames:
        return empty()
    frame = pl.concat(frames)
    if len(frames) > 1:
        frame = frame.unique(subset=list(KEY), keep="last", maintain_order=True)
    return frame


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def from_rows(rows: Sequence[FigureRow]) -> pl.DataFrame:
    """A table of parsed rows (the row parser's result)."""
    return pl.DataFrame(
        {
            "measure": [r.measure for r in rows],
            "area": [r.area for r in rows],
            "year": [r.period.year for r in rows],
            "month": [r.period.month for r in rows],
            "value": [float(r.value) for r in rows],
            "status": [r.status for r in rows],
        },
        schema=SCHEMA,
    )


def _read_cijfers(
    text: str, delimiter: str, header: list[str], today: dt.date | None
) -> pl.DataFrame | None:
    """The validated table, or ``None`` when any row needs the row parser's judgement."""
    names = [column.lower() for column in header]
    if not set(names) <= set(cijfers.REQUIRED + cijfers.OPTIONAL):
        return None
    raw = read_strings(text, delimiter, names)
    if raw is None:
        return None
    table = checked_table(raw.select(pl.all().str.strip_chars()), delimiter == ";", today)
    if table is None or _has_duplicates(table):
        return None
    return table


def read_strings(text: str, delimiter: str, names: list[str]) -> pl.DataFrame | None:
    """Every cell as text, the row parser's blank rows left out; ``None`` for a file whose
    layout (columns per row, quotes, field lengths) the row parser must judge."""
    try:
        raw = pl.read_csv(
            text.encode("utf-8"),
            separator=delimiter,
            has_header=True,
            new_columns=names,
            infer_schema=False,
            quote_char='"',
            empty_string_is_null=False,
        )
    except (pl.exceptions.PolarsError, ValueError):
        return None
    if raw.height == 0 or raw.width != len(names):
        return None
    if not _same_width(text, delimiter, len(names), raw.height):
        return None
    if raw.select(pl.any_horizontal(pl.all().is_null()).any()).item():
        return None
    if raw.select(pl.max_horizontal(pl.all().str.len_chars().max())).item() > MAX_FIELD_CHARS:
        return None
    raw = raw.filter(pl.any_horizontal(pl.all().str.strip_chars() != ""))
    return raw if raw.height else None


def _read_cbs(
    text: str, delimiter: str, header: list[str], today: dt.date | None
) -> pl.DataFrame | None:
    """A CBS typed data set (one row per area, period and category; one column per topic)
    as figures, by the rules of :mod:`openveiligheid.imports.parsers.cbs`; ``None`` when
    the row parser must judge it."""
    if cbs.PERIOD_DIMENSION not in header:
        return None
    area_dim = next(d for d in cbs.AREA_DIMENSIONS if d in header)
    topics = {
        c: cbs.TOPIC_MEASURES[m.group("key")]
        for c in header
        if (m := cbs.TOPIC.match(c)) and m.group("key") in cbs.TOPIC_MEASURES
    }
    if not topics:
        return None
    extra_dims = sorted(
        (
            c
            for c in header
            if not cbs.TOPIC.match(c) and c not in {"ID", area_dim, cbs.PERIOD_DIMENSION}
        ),
        key=lambda c: not c.startswith("Soort"),  # as the row parser orders them
    )
    raw = read_strings(text, delimiter, header)
    if raw is None:
        return None
    other = {
        a: bool(cbs.OTHER_REGION.match(a.strip().upper())) for a in raw[area_dim].unique().to_list()
    }
    raw = raw.filter(~pl.col(area_dim).replace_strict(other, return_dtype=pl.Boolean))
    if raw.height == 0:
        return None
    try:
        areas = {a: _area(a) for a in raw[area_dim].unique().to_list()}
        periods = {
            p: _future(parse_cbs_period(p), today)
            for p in raw[cbs.PERIOD_DIMENSION].unique().to_list()
        }
    except ValueError:
        return None
    suffixes = [pl.lit("")]
    for dim in extra_dims:
        codes = {raw_code: _suffix(raw_code) for raw_code in raw[dim].unique().to_list()}
        suffixes.append(pl.col(dim).replace_strict(codes, return_dtype=pl.String))
    period = pl.col(cbs.PERIOD_DIMENSION)
    years = {text: p.year for text, p in periods.items()}
    months = {text: p.month for text, p in periods.items()}
    long = raw.select(
        pl.col(area_dim).replace_strict(areas, return_dtype=pl.String).alias("area"),
        period.replace_strict(years, return_dtype=pl.Int32).alias("year"),
        period.replace_strict(months, return_dtype=pl.Int32).alias("month"),
        pl.concat_str(suffixes).alias("suffix"),
        *topics,
    ).unpivot(on=list(topics), index=["area", "year", "month", "suffix"], variable_name="column")
    try:
        numbers = {text: _cbs_number(text) for text in long["value"].unique().to_list()}
    except ValueError:
        return None
    table = long.select(
        (pl.col("column").replace_strict(topics, return_dtype=pl.String) + pl.col("suffix")).alias(
            "measure"
        ),
        "area",
        "year",
        "month",
        pl.col("value").replace_strict(numbers, return_dtype=pl.Float64),
        pl.lit(DEFINITIEF).alias("status"),
    ).drop_nulls("value")
    additive = [m for m in table["measure"].unique().to_list() if is_additive(m)]
    negative = table.select((pl.col("measure").is_in(additive) & (pl.col("value") < 0)).any())
    if table.height == 0 or negative.item() or _has_duplicates(table):
        return None
    return table


def _cbs_number(text: str) -> float | None:
    """A CBS value; ``None`` for a missing one (``.``, ``x``, ``-``, empty)."""
    raw = text.strip()
    return None if raw in CBS_MISSING else parse_number(raw, decimal_comma=False)


def _suffix(raw_code: str) -> str:
    """The part of a measure name that a category column adds (``:1.1.1``; none for a
    total such as ``T001540``)."""
    code = raw_code.strip()
    return f":{code}" if code and not cbs.TOTAL_CODE.match(code) else ""


def _future(period: Period, today: dt.date | None) -> Period:
    if period.is_future(today):
        raise PeriodError(f"periode {period} ligt in de toekomst")
    return period


def _has_duplicates(table: pl.DataFrame) -> bool:
    """Whether a measure, area and period occur twice (one 64-bit number per key: the codes
    of the measure and area as categories, year and month; years lie in 1900-2999). Equal
    keys always give equal numbers; should two keys ever share one, the file only goes to the
    row parser, which finds no duplicate and reads it."""

    def code(column: str) -> pl.Expr:
        return pl.col(column).cast(pl.Categorical).to_physical().cast(pl.UInt64)

    key = (
        code("measure") * 2**40
        + code("area") * 2**16
        + pl.col("year").cast(pl.UInt64) * 16
        + pl.col("month").fill_null(0).cast(pl.UInt64)
    )
    return table.select(key.n_unique()).item() != table.height


def _same_width(text: str, delimiter: str, width: int, rows: int) -> bool:
    """Every non-blank line has ``width`` fields (the row parser refuses other rows; polars
    refuses longer ones, but fills shorter ones with empty fields); a line with an unclosed
    quote (a field over more lines) is left to the row parser."""
    body = text.partition("\n")[2]
    if '"' not in text and body.count(delimiter) == (width - 1) * rows:
        return True  # no quotes: every row polars read has all its separators
    lines = pl.Series(text.split("\n")[1:], dtype=pl.String)
    lines = lines.filter(lines.str.strip_chars() != "")
    if '"' in text:
        if (lines.str.count_matches('"', literal=True) % 2 != 0).any():
            return False
        lines = lines.str.replace_all(r'"[^"]*"', "")
    fields = lines.str.count_matches(delimiter, literal=True) + 1
    return bool((fields == width).all())


def checked_table(strings: pl.DataFrame, decimal_comma: bool, today: dt.date | None):
    """The table, or ``None`` when a row is wrong. Each distinct text of a column is judged
    once, by the row parser's own functions (a national file has some thousands of area
    codes, a dozen periods and few distinct counts in a million rows)."""
    measures = strings["measure"].unique().to_list()
    if any(cijfers.check_measure_name(m) for m in measures):
        return None
    statuses = strings["status"].unique().to_list() if "status" in strings.columns else [""]
    if not set(statuses) <= {"", *STATUSES}:
        return None
    try:
        areas = {raw: _area(raw) for raw in strings["area"].unique().to_list()}
        periods = {raw: _period(raw, today) for raw in strings["period"].unique().to_list()}
        numbers = {
            raw: parse_number(raw, decimal_comma=decimal_comma) if raw else None
            for raw in strings["value"].unique().to_list()
        }
    except ValueError:  # AreaCodeError, PeriodError and parse_number's complaints
        return None
    if None in numbers.values():
        return None
    status = pl.col("status") if "status" in strings.columns else pl.lit("")
    table = strings.select(
        "measure",
        pl.col("area").replace_strict(areas, return_dtype=pl.String),
        pl.col("period")
        .replace_strict({raw: p.year for raw, p in periods.items()}, return_dtype=pl.Int32)
        .alias("year"),
        pl.col("period")
        .replace_strict({raw: p.month for raw, p in periods.items()}, return_dtype=pl.Int32)
        .alias("month"),
        pl.col("value").replace_strict(numbers, return_dtype=pl.Float64),
        pl.when(status == "").then(pl.lit(DEFINITIEF)).otherwise(status).alias("status"),
    )
    additive = [m for m in measures if is_additive(m)]
    if table.select((pl.col("measure").is_in(additive) & (pl.col("value") < 0)).any()).item():
        return None
    return table


def _area(raw: str) -> str:
    code = normalize_code(raw)
    level_of(code)
    return code


def _period(raw: str, today: dt.date | None) -> Period:
    return _future(parse_period(raw), today)


# --------------------------------------------------------------------------------------------
# Derived sums
# --------------------------------------------------------------------------------------------


def level_expr(column: str = "area") -> pl.Expr:
    """The level of a (validated) area code, from its prefix."""
    prefix = pl.col(column).str.slice(0, 2)
    return (
        pl.when(prefix == "BU")
        .then(pl.lit(BUURT))
        .when(prefix == "WK")
        .then(pl.lit(WIJK))
        .when(prefix == "GM")
        .then(pl.lit(GEMEENTE))
        .otherwise(pl.lit(LAND))
    )


def parent_expr(column: str = "area") -> pl.Expr:
    """The parent of a buurt (its wijk) or of a wijk (its gemeente)."""
    code = pl.col(column)
    return (
        pl.when(code.str.starts_with("BU"))
        .then("WK" + code.str.slice(2, 6))
        .otherwise("GM" + code.str.slice(2, 4))
    )


def derive_table(observed: pl.DataFrame, area_codes: pl.Series | None = None) -> pl.DataFrame:
    """The derived sums of ``observed`` (not the observed rows), as ``derive()`` makes them.

    ``area_codes`` are the codes the area tree is read from (``children_from_codes``): every
    code of every file, also when ``observed`` holds only some measures. Default: those of
    ``observed``.
    """
    codes = observed["area"] if area_codes is None else area_codes
    children = _child_counts(codes)
    measures = observed["measure"].unique().to_list()
    additive = [m for m in measures if is_additive(m)]
    known = observed.select(COLUMNS).with_columns(pl.lit(False).alias("derived"))
    work = known.filter(pl.col("measure").is_in(additive))
    work = _put(work, _years_from_months(work))
    for child_level in (BUURT, WIJK):
        work = _put(work, _parents(work, child_level, children))
        work = _put(work, _years_from_months(work))
    return work.filter(pl.col("derived"))


def _child_counts(codes: pl.Series) -> pl.DataFrame:
    """Parent code -> number of children, as ``children_from_codes`` builds the tree."""
    unique = pl.DataFrame({"area": codes.unique()})
    buurten = unique.filter(pl.col("area").str.starts_with("BU"))
    wijken = pl.concat(
        [
            unique.filter(pl.col("area").str.starts_with("WK")),
            buurten.select(("WK" + pl.col("area").str.slice(2, 6)).alias("area")),
        ]
    ).unique()
    tree = pl.concat([buurten, wijken]).with_columns(parent_expr().alias("parent"))
    return tree.group_by("parent").agg(pl.len().cast(pl.Int64).alias("children"))


def _put(known: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """``known`` with the rows of ``new`` whose key is not known yet."""
    fresh = new.join(known.select(KEY), on=list(KEY), how="anti", nulls_equal=True)
    return pl.concat([known, fresh.select(known.columns)])


def _years_from_months(known: pl.DataFrame) -> pl.DataFrame:
    months = known.filter(pl.col("month").is_not_null())
    complete = _sums(months, ["measure", "area", "year"], "month").filter(pl.col("parts") == 12)
    return _finished(complete.with_columns(pl.lit(None, pl.Int32).alias("month")))


def _parents(known: pl.DataFrame, child_level: str, children: pl.DataFrame) -> pl.DataFrame:
    parts = known.filter(level_expr() == child_level).with_columns(parent_expr().alias("parent"))
    grouped = _sums(parts, ["measure", "parent", "year", "month"], "area")
    grouped = grouped.join(children, on="parent", how="left")
    complete = grouped.filter(pl.col("parts") == pl.col("children"))
    return _finished(complete.rename({"parent": "area"}))


def _sums(parts: pl.DataFrame, by: list[str], order: str) -> pl.DataFrame:
    """Per group: number of parts, sum, status. A sum with a part that is not a whole number
    is added again in Python, in ``derive()``'s order (its children sorted, months in order):
    whole numbers add up exactly in any order, fractions do not."""
    grouped = parts.group_by(by).agg(
        pl.len().alias("parts"),
        pl.col("value").sum(),
        (pl.col("value") != pl.col("value").floor()).any().alias("fraction"),
        (pl.col("status") == VOORLOPIG).any().alias("voorlopig"),
    )
    if not grouped["fraction"].any():
        return grouped
    fractional = parts.join(grouped.filter("fraction").select(by), on=by, nulls_equal=True)
    lists = fractional.sort(order).group_by(by).agg(pl.col("value").alias("values"))
    exact = lists.with_columns(
        pl.Series("exact", [sum(values) for values in lists["values"]], pl.Float64)
    ).drop("values")
    grouped = grouped.join(exact, on=by, how="left", nulls_equal=True)
    return grouped.with_columns(pl.coalesce("exact", "value").alias("value")).drop("exact")


def _finished(grouped: pl.DataFrame) -> pl.DataFrame:
    return grouped.select(
        "measure",
        "area",
        "year",
        pl.col("month").cast(pl.Int32),
        "value",
        pl.when(pl.col("voorlopig"))
        .then(pl.lit(VOORLOPIG))
        .otherwise(pl.lit(DEFINITIEF))
        .alias("status"),
        pl.lit(True).alias("derived"),
    )


# --------------------------------------------------------------------------------------------
# What a command needs
# --------------------------------------------------------------------------------------------


def with_derived(
    table: pl.DataFrame,
    *,
    measures: Iterable[str] | None = None,
    areas: Iterable[str] | None = None,
    codes: pl.Series | None = None,
) -> pl.DataFrame:
    """The observed rows of ``measures`` (all when ``None``) and their derived sums.

    ``areas``: only what these areas' figures need: their own rows and, for a gemeente or
    wijk, the rows of its wijken and buurten (which other figures may be summed from). The
    area tree is read from the codes of every measure, as ``FigureSet.from_rows`` does (or
    from ``codes``, when ``table`` holds some measures only).
    """
    if areas is not None:
        table = table.filter(_in_areas(set(areas)))
    if codes is None:
        codes = table["area"]
    if measures is not None:
        table = table.filter(pl.col("measure").is_in(sorted(set(measures))))
    observed = table.select(COLUMNS).with_columns(pl.lit(False).alias("derived"))
    return pl.concat([observed, derive_table(table, codes)])


def _in_areas(areas: set[str]) -> pl.Expr:
    """The areas themselves, and the wijken and buurten of their gemeenten."""
    numbers = sorted({code[2:6] for code in areas if code[:2] in ("GM", "WK", "BU")})
    code = pl.col("area")
    below = code.str.slice(0, 2).is_in(["WK", "BU"]) & code.str.slice(2, 4).is_in(numbers)
    return code.is_in(sorted(areas)) | below


def keys(table: pl.DataFrame) -> list[Key]:
    """``(measure, area, Period)`` of every row of ``table``."""
    periods = _periods(table)
    years, months = table["year"].to_list(), table["month"].to_list()
    return list(
        zip(
            table["measure"].to_list(),
            table["area"].to_list(),
            [periods[k] for k in zip(years, months, strict=True)],
            strict=True,
        )
    )


def observations(table: pl.DataFrame, make: Callable[[float, str, bool], T]) -> dict[Key, T]:
    """Every row of ``table`` as ``key -> make(value, status, derived)``; rows with the same
    value, status and derived share one (immutable) object, so a million counts of a few
    hundred distinct values make a few hundred objects."""
    derived = table["derived"].to_list() if "derived" in table.columns else [False] * table.height
    made: dict[tuple[float, str, bool], T] = {}
    found: dict[Key, T] = {}
    for key, value, status, is_derived in zip(
        keys(table),
        table["value"].to_list(),
        table["status"].to_list(),
        derived,
        strict=True,
    ):
        shared = made.get((value, status, is_derived))
        if shared is None:
            shared = made[(value, status, is_derived)] = make(value, status, is_derived)
        found[key] = shared
    return found


def _periods(table: pl.DataFrame) -> dict[tuple[int, int | None], Period]:
    return {
        (year, month): Period(year, month)
        for year, month in table.select("year", "month").unique().iter_rows()
    }
