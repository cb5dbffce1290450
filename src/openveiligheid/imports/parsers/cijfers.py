"""The generic figures CSV (``cijfers``): ``measure,area,period,value[,source,status]``.

Comma-separated with a decimal point, or the Dutch Excel form: semicolon-separated with a
decimal comma. See ``docs/data-formats/cijfers.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from openveiligheid.core.areacodes import AreaCodeError, level_of, normalize_code
from openveiligheid.core.csvfiles import CsvText, header_of, iter_rows, parse_number
from openveiligheid.core.errors import ProblemCollector
from openveiligheid.core.measures import is_additive
from openveiligheid.core.periods import Period, PeriodError, parse_period
from openveiligheid.core.statuses import DEFINITIEF, STATUSES
from openveiligheid.imports.parsers.rows import (
    ZEROS_OMITTED,
    FigureFile,
    FigureStream,
    StreamRow,
    collect,
)

FORMAT = "cijfers"
REQUIRED = ("measure", "area", "period", "value")
OPTIONAL = ("source", "status")
MAX_MEASURE_CHARS = 100  # Measure.name
MEASURE_NAME = re.compile(r"^[a-z][a-z0-9_]*(:[A-Za-z0-9._-]+)*$")


def matches(header: list[str]) -> bool:
    names = {column.lower() for column in header}
    return set(REQUIRED) <= names


def check_measure_name(name: str) -> str | None:
    """Return a Dutch complaint about a measure name, or ``None`` when it is fine."""
    if not name:
        return "de maat ontbreekt"
    if len(name) > MAX_MEASURE_CHARS:
        return f"de maatnaam is {len(name)} tekens lang; hoogstens {MAX_MEASURE_CHARS} mag"
    if not MEASURE_NAME.match(name):
        return (
            f"'{name}' is geen geldige maatnaam (kleine letters, cijfers en _, "
            "eventueel gevolgd door :code, bijvoorbeeld halt:verwijzingen)"
        )
    return None


def negative(measure: str, raw: str) -> str:
    return f"{measure} is een aantal (optelbaar) en kan niet negatief zijn: {raw.strip()[:40]}"


def parse(
    csv_text: CsvText,
    *,
    dataset: str | None = None,
    today: dt.date | None = None,
    period: Period | None = None,
) -> FigureFile:
    """Parse a cijfers CSV; ``period`` is accepted for a uniform call but the file has its own."""
    figures = stream(csv_text, dataset=dataset, today=today, period=period)
    figure_file = collect(figures)
    figures.problems.raise_if_any()
    return figure_file


def stream(
    csv_text: CsvText,
    *,
    dataset: str | None = None,
    today: dt.date | None = None,
    period: Period | None = None,
) -> FigureStream:
    """The file's rows as they are read and checked (see :class:`FigureStream`)."""
    header = header_of(csv_text)
    problems = ProblemCollector(csv_text.name)
    unknown = [c for c in header if c.lower() not in REQUIRED + OPTIONAL]
    if unknown:
        problems.add(f"onbekende kolom(men): {', '.join(unknown)}", line=1)
        problems.raise_if_any()
    figures = FigureStream(
        csv_text.name,
        FORMAT,
        dataset or FORMAT,
        iter(()),
        problems,
        _duplicate,
        zeros_omitted=ZEROS_OMITTED in csv_text.comments,
    )
    figures.rows = _rows(csv_text, header, figures, today)
    return figures


def _duplicate(row: StreamRow, first_line: int) -> tuple[str, str | None]:
    _, _, measure, area, period, *_ = row
    return (
        f"dubbele regel: {measure} voor {area} in {period} staat ook op regel {first_line}",
        None,
    )


#: Distinct numbers remembered while reading (values repeat; the cache stays bounded).
NUMBER_CACHE = 100_000


def _rows(csv_text: CsvText, header: list[str], figures: FigureStream, today) -> Iterator:
    """Validated rows; every problem of a row is reported, in the order of its fields."""
    problems = figures.problems
    index = {column.lower(): n for n, column in enumerate(header)}
    i_measure, i_area, i_period, i_value = (index[c] for c in REQUIRED)
    i_status, i_source = index.get("status"), index.get("source")
    decimal_comma = csv_text.decimal_comma
    measures: dict[str, tuple[str | None, bool]] = {}
    areas: dict[str, tuple[str, str | None]] = {}
    periods: dict[str, tuple[str, int, int | None, str | None]] = {}
    numbers: dict[str, float | str] = {}
    count = 0
    for line, cells in iter_rows(csv_text):
        ok = True
        measure = cells[i_measure].strip()
        known = measures.get(measure)
        if known is None:
            known = measures[measure] = (check_measure_name(measure), is_additive(measure))
        complaint, additive = known
        if complaint:
            problems.add(complaint, line=line, field="measure")
            ok = False
        raw_area = cells[i_area]
        area_check = areas.get(raw_area)
        if area_check is None:
            area_check = areas[raw_area] = _area(raw_area)
        area, area_problem = area_check
        if area_problem:
            problems.add(area_problem, line=line, field="area")
            ok = False
        raw_period = cells[i_period]
        period_check = periods.get(raw_period)
        if period_check is None:
            period_check = periods[raw_period] = _period(raw_period.strip(), today)
        period_text, year, month, period_problem = period_check
        if period_problem:
            problems.add(period_problem, line=line, field="period")
            ok = False
        raw_value = cells[i_value]
        value = numbers.get(raw_value)
        if value is None:
            value = _number(raw_value.strip(), decimal_comma)
            if len(numbers) < NUMBER_CACHE:
                numbers[raw_value] = value
        if isinstance(value, str):
            problems.add(value, line=line, field="value")
            ok = False
        elif value < 0 and not complaint and additive:
            problems.add(negative(measure, raw_value), line=line, field="value")
            ok = False
        status = (cells[i_status].strip() if i_status is not None else "") or DEFINITIEF
        if status not in STATUSES:
            problems.add(
                f"status '{status}' moet voorlopig of definitief zijn", line=line, field="status"
            )
            ok = False
        if ok:
            count += 1
            source = cells[i_source].strip() if i_source is not None else ""
            yield (line, None, measure, area, period_text, year, month, value, status, source)
    figures.count = count
    if not count and not problems.problems:
        problems.add("het bestand bevat geen cijfers", line=2)


def _area(raw: str) -> tuple[str, str | None]:
    area = normalize_code(raw.strip())
    try:
        level_of(area)
    except AreaCodeError as exc:
        return area, str(exc)
    return area, None


def _period(raw: str, today) -> tuple[str, int, int | None, str | None]:
    try:
        period = parse_period(raw)
    except PeriodError as exc:
        return "", 0, None, str(exc)
    if period.is_future(today):
        return "", 0, None, f"periode {period} ligt in de toekomst"
    return str(period), period.year, period.month, None


def _number(raw: str, decimal_comma: bool) -> float | str:
    """The number, or the Dutch complaint about it."""
    if not raw:
        return "de waarde ontbreekt"
    try:
        return parse_number(raw, decimal_comma=decimal_comma)
    except ValueError as exc:
        return str(exc)
