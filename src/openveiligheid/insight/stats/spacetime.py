"""Space-time hotspot classes per area over a series of periods.

The classes follow Chainey (2020) as implemented in ``hotspot_classify()`` of the R package
sfhotspot (parameters ``hotspot_prop`` 0.1, ``persistent_prop`` 0.8, ``recent_prop`` 0.2,
``critical_p`` 0.05). Per period an area is a significant hotspot if p < critical_p and z > 0,
a significant coldspot if p < critical_p and z < 0. Then, separately for hot and for cold:

* persistent: significant in at least ``persistent_share`` of all periods;
* emerging: significant in less than ``hotspot_share`` of the older periods and in at least
  ``recent_share`` of the recent periods;
* former: significant in at least ``hotspot_share`` of the older periods and in less than
  ``hotspot_share`` of the recent periods;
* intermittent: significant in at least ``hotspot_share`` of all periods;
* otherwise no pattern.

The first rule that holds wins, in that order. An area with a hot and a cold class is
``mixed_hotspot_coldspot``, as sfhotspot's "mixed hot/coldspot". The recent periods are the
last ``floor(recent_share * periods)`` (at least 1). See ``docs/methods.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openveiligheid.insight.stats.spatial import SEED, hotspots, queen_weights

if TYPE_CHECKING:
    import shapely

HOTSPOT_SHARE = 0.1
PERSISTENT_SHARE = 0.8
RECENT_SHARE = 0.2
CRITICAL_P = 0.05

NO_PATTERN = "no_pattern"
MIXED = "mixed_hotspot_coldspot"
NOT_COMPUTED = "not_computed"

LABELS: dict[str, str] = {
    "persistent_hotspot": "blijvende hotspot",
    "emerging_hotspot": "opkomende hotspot",
    "former_hotspot": "voormalige hotspot",
    "intermittent_hotspot": "wisselende hotspot",
    "persistent_coldspot": "blijvende coldspot",
    "emerging_coldspot": "opkomende coldspot",
    "former_coldspot": "voormalige coldspot",
    "intermittent_coldspot": "wisselende coldspot",
    MIXED: "afwisselend hotspot en coldspot",
    NO_PATTERN: "geen patroon",
    NOT_COMPUTED: "niet berekend",
}

_CLASSIFY_KEYS = ("hotspot_share", "persistent_share", "recent_share", "critical_p")
_HOTSPOT_KEYS = ("per", "permutations", "seed", "alpha_levels")


@dataclass(frozen=True)
class SpaceTimeClass:
    """Class of one area over the periods; ``label`` is the Dutch text for ``code``."""

    area: str
    code: str
    label: str
    hot_periods: int  # periods in which the area was a significant hotspot
    cold_periods: int  # periods in which the area was a significant coldspot
    periods: int  # number of periods in the series

    def as_dict(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "code": self.code,
            "label": self.label,
            "hot_periods": self.hot_periods,
            "cold_periods": self.cold_periods,
            "periods": self.periods,
        }


def recent_period_count(periods: int, recent_share: float = RECENT_SHARE) -> int:
    """Number of recent periods: ``floor(recent_share * periods)``, at least 1.

    Raises ValueError if that leaves no older period (fewer than 2 periods).
    """
    recent = max(1, math.floor(recent_share * periods + 1e-9))
    if periods - recent < 1:
        raise ValueError("need at least one recent and one older period (2 periods or more)")
    return recent


def classify_space_time(
    series: Mapping[str, Sequence[tuple[float | None, float | None]]],
    *,
    hotspot_share: float = HOTSPOT_SHARE,
    persistent_share: float = PERSISTENT_SHARE,
    recent_share: float = RECENT_SHARE,
    critical_p: float = CRITICAL_P,
) -> list[SpaceTimeClass]:
    """Classify each area from its chronological ``(gi_z, p_value)`` per period.

    Every area needs the same number of periods. ``(None, None)`` (or NaN) marks a period
    without a result; it counts as not significant, as sfhotspot's ``na.rm``. An area with
    no result in any period gets ``not_computed``.
    """
    lengths = {len(values) for values in series.values()}
    if len(lengths) > 1:
        raise ValueError("all areas need the same number of periods")
    periods = lengths.pop() if lengths else 0
    recent = recent_period_count(periods, recent_share) if series else 0
    shares = (hotspot_share, persistent_share, recent_share)
    result = []
    for area, values in series.items():
        hot = [_significant(z, p, critical_p, +1) for z, p in values]
        cold = [_significant(z, p, critical_p, -1) for z, p in values]
        code = _combine(_category(hot, recent, *shares), _category(cold, recent, *shares))
        if not any(_known(z, p) for z, p in values):
            code = NOT_COMPUTED
        result.append(SpaceTimeClass(area, code, LABELS[code], sum(hot), sum(cold), periods))
    return result


def _known(z: float | None, p: float | None) -> bool:
    return z is not None and p is not None and math.isfinite(z) and math.isfinite(p)


def _significant(z: float | None, p: float | None, critical_p: float, sign: int) -> bool:
    """p < critical_p with z on the given side of zero."""
    return _known(z, p) and p < critical_p and z * sign > 0


def _category(
    significant: list[bool],
    recent: int,
    hotspot_share: float,
    persistent_share: float,
    recent_share: float,
) -> str | None:
    """'persistent' | 'emerging' | 'former' | 'intermittent' | None for one direction."""
    periods = len(significant)
    older = periods - recent
    share_all = sum(significant) / periods
    share_recent = sum(significant[older:]) / recent
    share_older = sum(significant[:older]) / older
    if share_all >= persistent_share:
        return "persistent"
    if share_older < hotspot_share and share_recent >= recent_share:
        return "emerging"
    if share_older >= hotspot_share and share_recent < hotspot_share:
        return "former"
    if share_all >= hotspot_share:
        return "intermittent"
    return None


def _combine(hot: str | None, cold: str | None) -> str:
    if hot and cold:
        return MIXED
    if hot:
        return f"{hot}_hotspot"
    if cold:
        return f"{cold}_coldspot"
    return NO_PATTERN


def space_time_hotspots(
    counts_by_period: Mapping[str, Mapping[str, float | None]],
    shapes: Mapping[str, shapely.Geometry],
    populations_by_period: Mapping[str, Mapping[str, float | None]] | None = None,
    **kw: Any,
) -> list[SpaceTimeClass]:
    """Run ``hotspots()`` per period (keys in chronological order) and classify.

    Keyword arguments go to ``hotspots()`` (per, permutations, seed, alpha_levels) or to
    ``classify_space_time()`` (hotspot_share, persistent_share, recent_share, critical_p).
    Per period the classification uses Gi* z and the BH-corrected ``p_fdr``. Period k uses
    seed ``seed + k`` so the periods do not share one permutation draw. Queen weights are
    built once. Areas follow the order of ``shapes``.
    """
    unknown = set(kw) - set(_CLASSIFY_KEYS) - set(_HOTSPOT_KEYS)
    if unknown:
        raise TypeError(f"unexpected keyword arguments: {', '.join(sorted(unknown))}")
    gi_kw = {k: v for k, v in kw.items() if k in _HOTSPOT_KEYS}
    seed = gi_kw.pop("seed", SEED)
    weights = queen_weights(shapes)
    series: dict[str, list[tuple[float | None, float | None]]] = {a: [] for a in shapes}
    for k, (period, counts) in enumerate(counts_by_period.items()):
        populations = populations_by_period[period] if populations_by_period else None
        per_area = hotspots(counts, shapes, populations, weights=weights, seed=seed + k, **gi_kw)
        for row in per_area:
            series[row.area].append((row.gi_z, row.p_fdr))
    return classify_space_time(series, **{k: v for k, v in kw.items() if k in _CLASSIFY_KEYS})
