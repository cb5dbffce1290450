"""Derived figures: months to a year, and buurten to wijk to gemeente.

Used at import time (stored, so that pages only read) and by the stateless ``evaluate``.
A derived figure is made only where no published figure exists, only for additive measures
(counts, not rates: :func:`openveiligheid.core.measures.is_additive`), and only when every
part is present: all twelve months, or every child area that the area register knows. The
Netherlands is never summed from gemeenten.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from openveiligheid.core.areacodes import BUURT, WIJK, level_of
from openveiligheid.core.measures import is_additive
from openveiligheid.core.periods import Period, months_of
from openveiligheid.core.statuses import DEFINITIEF, VOORLOPIG

Key = tuple[str, str, Period]  # measure, area code, period


@dataclass(frozen=True)
class Observation:
    value: float
    status: str = DEFINITIEF
    derived: bool = False
    division: int | None = None


def derive(
    observed: Mapping[Key, Observation],
    children_of: Callable[[str], Iterable[str]],
) -> dict[Key, Observation]:
    """Return the derived observations (not the observed ones) for ``observed``."""
    known: dict[Key, Observation] = dict(observed)
    derived: dict[Key, Observation] = {}

    def put(key: Key, obs: Observation) -> None:
        if key not in known:
            known[key] = derived[key] = obs

    _years_from_months(known, put)
    for child_level in (BUURT, WIJK):
        parents: dict[tuple[str, str, Period], None] = {}
        for measure, area, period in list(known):
            if is_additive(measure) and _level(area) == child_level:
                parents[(measure, _parent(area), period)] = None
        for measure, parent, period in parents:
            parts = [known.get((measure, child, period)) for child in children_of(parent)]
            if parts and all(parts):
                put((measure, parent, period), _sum(parts))
        _years_from_months(known, put)
    return derived


def _years_from_months(known: dict[Key, Observation], put) -> None:
    years: dict[tuple[str, str, int], None] = {}
    for measure, area, period in known:
        if period.month is not None and is_additive(measure):
            years[(measure, area, period.year)] = None
    for measure, area, year in years:
        parts = [known.get((measure, area, month)) for month in months_of(year)]
        if all(parts):
            put((measure, area, Period(year)), _sum(parts))


def _sum(parts: list[Observation | None]) -> Observation:
    present = [p for p in parts if p is not None]
    status = VOORLOPIG if any(p.status == VOORLOPIG for p in present) else DEFINITIEF
    divisions = {p.division for p in present}
    division = divisions.pop() if len(divisions) == 1 else None
    return Observation(sum(p.value for p in present), status, True, division)


def _level(code: str) -> str:
    return level_of(code)


def _parent(code: str) -> str:
    return ("WK" + code[2:8]) if _level(code) == BUURT else ("GM" + code[2:6])


def children_from_codes(codes: Iterable[str]) -> Callable[[str], list[str]]:
    """An area tree read from the codes themselves (for files without an area register)."""
    tree: dict[str, set[str]] = defaultdict(set)
    for code in set(codes):
        level = _level(code)
        if level == BUURT:
            tree[_parent(code)].add(code)
            code = _parent(code)  # the wijk a buurt names is a child of its gemeente
        if level in (BUURT, WIJK):
            tree[_parent(code)].add(code)
    return lambda parent: sorted(tree.get(parent, ()))
