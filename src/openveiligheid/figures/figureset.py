"""The figures the indicator engine reads: observations keyed by measure, area and period.

Built from the database (:func:`openveiligheid.figures.services.figure_set`) or from parsed
files (:meth:`FigureSet.from_rows`, for ``openveiligheid evaluate`` and the analyses' commands,
which derive the same sums in memory). Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from openveiligheid.core.periods import Period
from openveiligheid.figures.aggregation import Key, Observation, children_from_codes, derive


class FigureSet:
    """Observations keyed by measure, area and period, with derived aggregates."""

    def __init__(self, observations: Mapping[Key, Observation] | None = None):
        self._data: dict[Key, Observation] = dict(observations or {})
        self._years: dict[tuple[str, str], set[int]] | None = None  # built on first use

    @classmethod
    def from_rows(cls, rows: Iterable, *, aggregate: bool = True) -> FigureSet:
        """Build from parsed figure rows; later files win over earlier ones for the same key."""
        data = {(r.measure, r.area, r.period): Observation(r.value, r.status) for r in rows}
        if aggregate:
            data.update(derive(data, children_from_codes(area for _, area, _ in data)))
        return cls(data)

    def get(self, measure: str, area: str, period: Period) -> Observation | None:
        return self._data.get((measure, area, period))

    def years(self, measures: Iterable[str], area: str) -> list[int]:
        """Years with a yearly figure of any of ``measures`` for ``area`` (indexed: pages ask
        this for every one of thousands of areas)."""
        if self._years is None:
            index: dict[tuple[str, str], set[int]] = {}
            for m, a, p in self._data:
                if p.month is None:
                    index.setdefault((m, a), set()).add(p.year)
            self._years = index
        found: set[int] = set()
        for measure in measures:
            found |= self._years.get((measure, area), set())
        return sorted(found)

    def items(self) -> Iterable[tuple[Key, Observation]]:
        """Every (measure, area, period) with its observation, derived sums included."""
        return self._data.items()

    def periods(self, measure: str) -> list[Period]:
        """Every period with a figure of ``measure``: years and months in time order."""
        found = {p for m, _, p in self._data if m == measure}
        return sorted(found, key=lambda p: (p.year, p.month or 0))

    def areas(self, measure: str, period: Period) -> list[str]:
        return sorted(a for m, a, p in self._data if m == measure and p == period)

    def __len__(self) -> int:
        return len(self._data)
