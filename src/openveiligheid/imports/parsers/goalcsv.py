"""What the three CSV files that hang off a plan's goals share: money per goal
(``financien``), credits (``kredieten``) and activities (``activiteiten``).

Every file has a fixed set of columns (in any order, names in any case), a ``doel`` column that
must name a goal of the plan, and, for money, whole-euro amounts in Dutch notation. Problems are
collected with file, line and field, and reported together; nothing is returned half-read.
See ``docs/data-formats/financien.md`` and ``docs/data-formats/activiteiten.md``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from openveiligheid.core.csvfiles import header_of, iter_records, read_csv_text
from openveiligheid.core.errors import ProblemCollector
from openveiligheid.core.textfiles import shorten

#: Amounts are smaller than this many euros (a thousand billion); larger ones are refused.
MAX_AMOUNT = 10**12
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")
_PLAIN = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^\d{1,3}(\.\d{3})*,\d+$|^\d+,\d+$|^\d+\.\d+$")
#: A minus sign as typed or as a word processor writes it (hyphen, minus, en dash).
_MINUS = ("-", "\u2212", "\u2013")
#: How many goals an "unknown goal" message lists.
GOALS_LISTED = 8


def parse_amount(text: str) -> int:
    """A whole-euro amount as written in a Dutch file: ``1.962.937``, ``-138.825``,
    ``€ 1.962.937``, ``1962937``. Raise ``ValueError`` with a Dutch message otherwise.

    A dot is a thousands separator only between groups of three digits (``1.962`` is one
    thousand nine hundred and sixty-two); an amount with cents (``1.962,50``, ``1962.5``) is
    refused, because amounts are whole euros and never fractions."""
    raw = text.strip().replace("\u00a0", "").replace(" ", "")
    raw = raw.removeprefix("€")
    negative = raw.startswith(_MINUS)
    if negative:
        raw = raw[1:].removeprefix("€")
    if not raw:
        raise ValueError("het bedrag ontbreekt")
    if _GROUPED.match(raw):
        digits = raw.replace(".", "")
    elif _PLAIN.match(raw):
        digits = raw
    elif _DECIMAL.match(raw):
        raise ValueError(
            f"'{shorten(text.strip())}' heeft decimalen; bedragen zijn hele euro's "
            "(bijvoorbeeld 1.962.937)"
        )
    else:
        raise ValueError(
            f"'{shorten(text.strip())}' is geen bedrag (hele euro's, bijvoorbeeld 1.962.937 of "
            "-138.825)"
        )
    value = int(digits)
    if value >= MAX_AMOUNT:
        raise ValueError(f"'{shorten(text.strip())}' is te groot voor een bedrag")
    return -value if negative else value


def read_goal_table(
    path: Path | str, data: bytes | None, columns: tuple[str, ...]
) -> tuple[ProblemCollector, list[tuple[int, dict[str, str]]]]:
    """The records of a goal CSV with exactly ``columns`` (lower-case keys, values stripped).

    Missing and unknown columns are reported at line 1 and stop reading; layout problems
    (quotes, column counts) are raised by :func:`openveiligheid.core.csvfiles.iter_records`."""
    csv_text = read_csv_text(path, data)
    problems = ProblemCollector(csv_text.name)
    header = [column.lower() for column in header_of(csv_text)]
    missing = [column for column in columns if column not in header]
    unknown = [column for column in header if column not in columns]
    for column in missing:
        problems.add(f"de kolom '{column}' ontbreekt (verwacht: {';'.join(columns)})", 1, column)
    for column in unknown:
        problems.add(
            f"onbekende kolom '{shorten(column)}' (verwacht: {';'.join(columns)})", 1, column
        )
    problems.raise_if_any()
    records = [
        (line, {key.strip().lower(): value.strip() for key, value in record.items()})
        for line, record in iter_records(csv_text)
    ]
    if not records:
        problems.add("het bestand bevat geen regels (alleen een kop)", line=2)
    problems.raise_if_any()
    return problems, records


def goal_of(
    record: dict[str, str], goals: Mapping[str, str], line: int, problems: ProblemCollector
) -> str | None:
    """The goal a record names (its key in ``goals``, the plan's spellings of each goal), or
    ``None`` after adding a problem."""
    value = record["doel"]
    if not value:
        problems.add("het doel ontbreekt", line, "doel")
        return None
    if value not in goals:
        known = sorted(set(goals))
        listed = ", ".join(known[:GOALS_LISTED]) + (" …" if len(known) > GOALS_LISTED else "")
        problems.add(
            f"onbekend doel '{shorten(value)}': het plan heeft geen doel met dit id of deze code "
            f"(doelen in het plan: {listed or 'geen'})",
            line,
            "doel",
        )
        return None
    return goals[value]


def amount_of(
    record: dict[str, str], column: str, line: int, problems: ProblemCollector
) -> int | None:
    """The whole-euro amount in ``column``, or ``None`` after adding a problem."""
    try:
        return parse_amount(record[column])
    except ValueError as exc:
        problems.add(str(exc), line, column)
        return None
