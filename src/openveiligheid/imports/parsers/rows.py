"""The plain rows that parsers produce."""

from __future__ import annotations

from dataclasses import dataclass, field

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
