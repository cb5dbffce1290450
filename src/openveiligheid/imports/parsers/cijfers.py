"""The generic figures CSV (``cijfers``): ``measure,area,period,value[,source,status]``.

Comma-separated with a decimal point, or the Dutch Excel form: semicolon-separated with a
decimal comma. See ``docs/data-formats/cijfers.md``.
"""

from __future__ import annotations

import datetime as dt
import re

from openveiligheid.core.areacodes import AreaCodeError, level_of, normalize_code
from openveiligheid.core.csvfiles import CsvText, header_of, iter_records, parse_number
from openveiligheid.core.errors import ProblemCollector
from openveiligheid.core.measures import is_additive
from openveiligheid.core.periods import Period, PeriodError, parse_period
from openveiligheid.core.statuses import DEFINITIEF, STATUSES
from openveiligheid.imports.parsers.rows import FigureFile, FigureRow

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
    header = header_of(csv_text)
    problems = ProblemCollector(csv_text.name)
    unknown = [c for c in header if c.lower() not in REQUIRED + OPTIONAL]
    if unknown:
        problems.add(f"onbekende kolom(men): {', '.join(unknown)}", line=1)
        problems.raise_if_any()
    rows: list[FigureRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, raw in iter_records(csv_text):
        record = {key.lower(): value.strip() for key, value in raw.items()}
        row = _parse_row(record, line, csv_text.decimal_comma, problems, today)
        if row is None:
            continue
        key = (row.measure, row.area, str(row.period))
        if key in seen:
            problems.add(
                f"dubbele regel: {row.measure} voor {row.area} in {row.period} staat ook op "
                f"regel {seen[key]}",
                line=line,
            )
            continue
        seen[key] = line
        rows.append(row)
    if not rows and not problems.problems:
        problems.add("het bestand bevat geen cijfers", line=2)
    problems.raise_if_any()
    return FigureFile(csv_text.name, FORMAT, dataset or FORMAT, rows)


def _parse_row(record, line, decimal_comma, problems, today) -> FigureRow | None:
    ok = True
    measure = record["measure"]
    complaint = check_measure_name(measure)
    if complaint:
        problems.add(complaint, line=line, field="measure")
        ok = False
    area = normalize_code(record["area"])
    try:
        level_of(area)
    except AreaCodeError as exc:
        problems.add(str(exc), line=line, field="area")
        ok = False
    try:
        period = parse_period(record["period"])
        if period.is_future(today):
            problems.add(f"periode {period} ligt in de toekomst", line=line, field="period")
            ok = False
    except PeriodError as exc:
        problems.add(str(exc), line=line, field="period")
        ok = False
    try:
        if not record["value"]:
            raise ValueError("de waarde ontbreekt")
        value = parse_number(record["value"], decimal_comma=decimal_comma)
        if value < 0 and not complaint and is_additive(measure):
            raise ValueError(negative(measure, record["value"]))
    except ValueError as exc:
        problems.add(str(exc), line=line, field="value")
        ok = False
    status = record.get("status") or DEFINITIEF
    if status not in STATUSES:
        problems.add(
            f"status '{status}' moet voorlopig of definitief zijn", line=line, field="status"
        )
        ok = False
    if not ok:
        return None
    return FigureRow(measure, area, period, value, line, status, record.get("source", ""))
