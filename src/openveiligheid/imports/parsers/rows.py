"""The plain rows that parsers produce."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from openveiligheid.core.errors import ProblemCollector
from openveiligheid.core.periods import Period
from openveiligheid.core.statuses import DEFINITIEF


@dataclass(frozen=True)
class FigureRow:
    measure: str
    area: str
    period: Period
    value: float
    line: int
    status: str = DEFINITIEF
    source: str = ""


@dataclass
class FigureFile:
    """The figures of one file, validated, ready to store or to evaluate."""

    name: str
    format: str
    dataset: str
    rows: list[FigureRow]
    area_field: str = "area"
    missing_values: int = 0
    other_regions: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def periods(self) -> set[Period]:
        return {row.period for row in self.rows}


#: One validated figure as the streaming readers give it, a plain tuple (no object per row):
#: ``(line, field, measure, area, period, year, month, value, status, source)``; ``period``
#: is its text (``"2024"``, ``"2024-03"``), ``month`` ``None`` for a year; ``field`` is the
#: column a CBS figure came from (``None`` for a cijfers-CSV, whose rows are one figure each).
StreamRow = tuple[int, str | None, str, str, str, int, int | None, float, str, str]

#: Leading comment line (``# nullen-weggelaten``) that says the file leaves zeros out.
ZEROS_OMITTED = "nullen-weggelaten"


@dataclass
class FigureStream:
    """A figures file being read: :attr:`rows` yields validated rows one at a time; problems
    are collected in :attr:`problems` (raise them after the last row). ``dataset`` and the
    counts are final only once every row has been read."""

    name: str
    format: str
    dataset: str
    rows: Iterator[StreamRow]
    problems: ProblemCollector
    duplicate: Callable[[StreamRow, int], tuple[str, str | None]]
    area_field: str = "area"
    missing_values: int = 0
    other_regions: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    zeros_omitted: bool = False
    count: int = 0

    def summary_file(self) -> FigureFile:
        """The file's description for the run's message (without rows)."""
        return FigureFile(
            self.name,
            self.format,
            self.dataset,
            [],
            area_field=self.area_field,
            missing_values=self.missing_values,
            other_regions=self.other_regions,
            ignored_columns=self.ignored_columns,
        )


def collect(stream: FigureStream) -> FigureFile:
    """Read a whole stream into a :class:`FigureFile` (for the commands that read files without
    a database), reporting duplicate rows as :func:`FigureStream.duplicate` words them."""
    rows: list[FigureRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for row in stream.rows:
        line, _, measure, area, period, year, month, value, status, source = row
        key = (measure, area, period)
        if key in seen:
            message, column = stream.duplicate(row, seen[key])
            stream.problems.add(message, line=line, field=column)
            continue
        seen[key] = line
        rows.append(FigureRow(measure, area, Period(year, month), value, line, status, source))
    stream.count = len(rows)
    return FigureFile(
        stream.name,
        stream.format,
        stream.dataset,
        rows,
        area_field=stream.area_field,
        missing_values=stream.missing_values,
        other_regions=stream.other_regions,
        ignored_columns=stream.ignored_columns,
    )
