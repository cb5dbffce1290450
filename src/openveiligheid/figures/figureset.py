"""The figures the indicator engine reads: observations keyed by measure, area and period.

Built from the database (:func:`openveiligheid.figures.services.figure_set`) or from parsed
files (:meth:`FigureSet.from_rows`, for ``openveiligheid evaluate`` and the analyses' commands,
which derive the same sums in memory). Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from openveiligheid.core.periods import Period
from openveiligheid.figures.aggregation import Key, Observation, children_from_codes, derive

#: (measure, period) -> area -> observation: how a FigureSet keeps its figures.
Tables = dict[tuple[str, Period], dict[str, Observation]]


class FigureSet:
    """Observations keyed by measure, area and period, with derived aggregates.

    Kept per (measure, period) as a table of areas: a map of 14,000 buurten asks one period of
    one measure for all of them (:meth:`in_period`)."""

    def __init__(self, observations: Mapping[Key, Observation] | None = None):
        tables: Tables = {}
        for (measure, area, period), observation in (observations or {}).items():
            tables.setdefault((measure, period), {})[area] = observation
        self._tables = tables
        self._years: dict[tuple[str, str], set[int]] | None = None  # built on first use

    @classmethod
    def from_tables(cls, tables: Tables) -> FigureSet:
        made = cls()
        made._tables = tables
        return made

    @classmethod
    def from_rows(cls, rows: Iterable, *, aggregate: bool = True) -> FigureSet:
        """Build from parsed figure rows; later files win over earlier ones for the same key."""
        data = {(r.measure, r.area, r.period): Observation(r.value, r.status) for r in rows}
        if aggregate:
            data.update(derive(data, children_from_codes(area for _, area, _ in data)))
        return cls(data)

    def get(self, measure: str, area: str, period: Period) -> Observation | None:
        table = self._tables.get((measure, period))
        return table.get(area) if table else None

    def in_period(self, measure: str, period: Period) -> Mapping[str, Observation]:
        """Area -> observation of ``measure`` in ``period``."""
        return self._tables.get((measure, period), {})

    def years(self, measures: Iterable[str], area: str) -> list[int]:
        """Years with a yearly figure of any of ``measures`` for ``area`` (indexed: pages ask
        this for every one of thousands of areas)."""
        if self._years is None:
            index: dict[tuple[str, str], set[int]] = {}
            for (m, p), table in self._tables.items():
                if p.month is None:
                    for a in table:
                        index.setdefault((m, a), set()).add(p.year)
            self._years = index
        found: set[int] = set()
        for measure in measures:
            found |= self._years.get((measure, area), set())
        return sorted(found)

    def measure_years(self, measure: str) -> list[int]:
        """Years with a yearly figure of ``measure`` for any area, oldest first."""
        return sorted(p.year for m, p in self._tables if m == measure and p.month is None)

    def items(self) -> Iterator[tuple[Key, Observation]]:
        """Every (measure, area, period) with its observation, derived sums included."""
        for (measure, period), table in self._tables.items():
            for area, observation in table.items():
                yield (measure, area, period), observation

    def periods(self, measure: str) -> list[Period]:
        """Every period with a figure of ``measure``: years and months in time order."""
        found = {p for m, p in self._tables if m == measure}
        return sorted(found, key=lambda p: (p.year, p.month or 0))

    def areas(self, measure: str, period: Period) -> list[str]:
        return sorted(self._tables.get((measure, period), {}))

    def __len__(self) -> int:
        return sum(len(table) for table in self._tables.values())
