"""Hotspots and rate smoothing on area polygons (wijken, buurten).

Pure functions: no Django, no database. The heavy libraries (esda, libpysal, and through
libpysal geopandas) are imported inside the functions, so importing this module is cheap.

* Rates per 1,000 inhabitants, smoothed with global Empirical Bayes (Marshall 1991) through
  ``esda.smoothing.Empirical_Bayes``, with a 95% band from the Poisson-gamma posterior.
* Getis-Ord Gi* (``esda.G_Local``, ``star=True``, binary weights) on queen contiguity. Hot and
  cold are decided, as in ArcGIS Pro's Hot Spot Analysis, from the two-sided normal p-value of
  the z-score (``p_norm``), corrected for the number of areas with Benjamini-Hochberg
  (``scipy.stats.false_discovery_control(method="bh")``). The pseudo p-value of 999 conditional
  permutations with a fixed seed (``p_value``) is kept beside it as a robustness column.
* Local Moran's I (``esda.Moran_Local``, row-standardised weights) for clusters and outliers:
  hoog-hoog, laag-laag, hoog-laag and laag-hoog from esda's quadrant ``q``, significant by the
  same rule (normal p-value of the z-score under conditional randomisation, esda's ``EIc`` and
  ``VIc``, with Benjamini-Hochberg).

The method, its choices and its limits are described in ``docs/methods.md``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import shapely
    from libpysal.weights import W

SEED = 20261123
PERMUTATIONS = 999
HOTSPOT = "hotspot"
COLDSPOT = "coldspot"
NO_PATTERN = "geen patroon"
HIGH_HIGH, LOW_LOW, HIGH_LOW, LOW_HIGH = "hoog-hoog", "laag-laag", "hoog-laag", "laag-hoog"
#: esda's ``Moran_Local.q`` (with ``geoda_quads=False``) -> the Dutch class
LISA_CLASSES = {1: HIGH_HIGH, 2: LOW_HIGH, 3: LOW_LOW, 4: HIGH_LOW}
ALPHA_LEVELS = (0.05, 0.01)
EB_LEVEL = 0.95
MIN_AREAS = 3  # fewer areas with data than this: Gi* is not computed


@dataclass(frozen=True)
class AreaHotspot:
    """Result for one area. ``None`` means: not computed (see ``docs/methods.md``)."""

    area: str
    count: float | None
    population: float | None
    rate: float | None  # raw rate per ``per`` (1,000) inhabitants
    smoothed_rate: float | None  # Empirical Bayes rate per ``per`` inhabitants
    rate_lower: float | None  # lower end of the 95% posterior band, per ``per``
    rate_upper: float | None  # upper end of the 95% posterior band, per ``per``
    gi_z: float | None
    p_value: float | None  # pseudo p-value from the permutations (esda ``p_sim``), robustness
    p_fdr: float | None  # p_norm after Benjamini-Hochberg over the tested areas: decides
    hotspot_class: str | None  # "hotspot" | "coldspot" | "geen patroon" | None
    confidence: float | None  # 0.99 | 0.95 | None
    p_norm: float | None = None  # two-sided normal p-value of gi_z
    lisa_i: float | None = None  # Local Moran's I
    lisa_z: float | None = None  # its z-score under conditional randomisation
    lisa_p_fdr: float | None = None  # normal p-value of lisa_z after Benjamini-Hochberg
    lisa_class: str | None = None  # "hoog-hoog" … "laag-hoog" | "geen patroon" | None

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for templates and JSON; the class is under the key ``class``."""
        return {
            "area": self.area,
            "count": self.count,
            "population": self.population,
            "rate": self.rate,
            "smoothed_rate": self.smoothed_rate,
            "rate_lower": self.rate_lower,
            "rate_upper": self.rate_upper,
            "gi_z": self.gi_z,
            "p_value": self.p_value,
            "p_norm": self.p_norm,
            "p_fdr": self.p_fdr,
            "class": self.hotspot_class,
            "confidence": self.confidence,
            "lisa_i": self.lisa_i,
            "lisa_z": self.lisa_z,
            "lisa_p_fdr": self.lisa_p_fdr,
            "lisa_class": self.lisa_class,
        }


@dataclass(frozen=True)
class EBRates:
    """Global Empirical Bayes rates (per person) and the Poisson-gamma prior they use."""

    raw: np.ndarray
    smoothed: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    global_rate: float  # prior mean m = sum(counts) / sum(populations)
    prior_variance: float  # method-of-moments between-area variance A, floored at 0


@dataclass(frozen=True)
class GiStar:
    """Gi* per observation, aligned with the weights' ``id_order``; NaN = not computed."""

    z: np.ndarray
    p_sim: np.ndarray  # NaN when run without permutations
    p_fdr: np.ndarray
    classes: tuple[str, ...]
    confidence: tuple[float | None, ...]
    islands: np.ndarray  # bool: no neighbour among the observations
    p_norm: np.ndarray  # two-sided normal p-value of z


@dataclass(frozen=True)
class LocalMoran:
    """Local Moran's I per observation, aligned with the weights' ``id_order``; NaN = not
    computed. ``q`` is esda's quadrant (1 hoog-hoog, 2 laag-hoog, 3 laag-laag, 4 hoog-laag)."""

    i: np.ndarray
    z: np.ndarray
    p_norm: np.ndarray
    p_fdr: np.ndarray
    p_sim: np.ndarray
    q: np.ndarray
    classes: tuple[str, ...]


def queen_weights(shapes: Mapping[str, shapely.Geometry], *, buffer: float = 0.0) -> W:
    """Queen contiguity between polygons: neighbours share at least one boundary point.

    Built with ``libpysal.weights.fuzzy_contiguity`` and the ``intersects`` predicate, which
    for a clean coverage (no overlaps) is exactly queen contiguity, also where one polygon's
    corner lies on another's edge without a shared vertex. ``buffer`` (in CRS units, default
    0) widens polygons first, to bridge sliver gaps in imperfect boundaries. The ids are the
    mapping's keys, in mapping order. Binary, untransformed weights.
    """
    import geopandas
    from libpysal.weights import fuzzy_contiguity

    ids = list(shapes)
    frame = geopandas.GeoDataFrame(geometry=list(shapes.values()), index=ids)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands warn; callers handle them explicitly
        weights = fuzzy_contiguity(
            frame,
            buffering=buffer > 0,
            buffer=buffer if buffer > 0 else None,
            predicate="intersects",
            silence_warnings=True,
        )
    # libpysal may order the ids differently (sorted); values are given in mapping order
    weights.id_order = ids
    return weights


def eb_rates(
    counts: Sequence[float] | np.ndarray,
    populations: Sequence[float] | np.ndarray,
    *,
    level: float = EB_LEVEL,
) -> EBRates:
    """Global Empirical Bayes rates per person with a posterior band (Marshall 1991).

    The smoothed rate is ``esda.smoothing.Empirical_Bayes``. Its method-of-moments prior,
    Gamma with mean m and variance A, gives each area the posterior
    Gamma(m²/A + count, m/A + population), whose mean is the EB rate; the band is that
    posterior's central ``level`` interval (``scipy.stats.gamma``). If A <= 0 (no variation
    between areas beyond chance), Marshall sets A = 0: every area gets the global rate m and
    the band collapses to m. esda does not floor A, so that case is handled here.
    """
    from esda.smoothing import Empirical_Bayes
    from scipy.stats import gamma

    e = np.asarray(counts, dtype=float)
    b = np.asarray(populations, dtype=float)
    if e.shape != b.shape or e.ndim != 1 or len(e) == 0:
        raise ValueError("counts and populations must be equal-length, non-empty 1-D arrays")
    if (b <= 0).any() or (e < 0).any():
        raise ValueError("populations must be > 0 and counts >= 0")
    raw = e / b
    m = float(e.sum() / b.sum())
    a = float((b * (raw - m) ** 2).sum() / b.sum() - m / b.mean())
    if a <= 0 or m <= 0:
        flat = np.full_like(raw, m)
        return EBRates(raw, flat, flat.copy(), flat.copy(), m, 0.0)
    smoothed = Empirical_Bayes(e, b).r.ravel()
    shape, scale = m * m / a + e, 1.0 / (m / a + b)
    tail = (1.0 - level) / 2.0
    lower = gamma.ppf(tail, shape, scale=scale)
    upper = gamma.ppf(1.0 - tail, shape, scale=scale)
    return EBRates(raw, smoothed, lower, upper, m, a)


def fdr_bh(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (``scipy.stats.false_discovery_control``)."""
    from scipy.stats import false_discovery_control

    p = np.asarray(p_values, dtype=float)
    if len(p) == 0:
        return p
    return false_discovery_control(p, method="bh")


def classify(
    z: float, p_fdr: float, alpha_levels: Sequence[float] = ALPHA_LEVELS
) -> tuple[str, float | None]:
    """Class and confidence from the sign of z and the corrected p-value (p < alpha)."""
    if not (math.isfinite(z) and math.isfinite(p_fdr)):
        return NO_PATTERN, None
    for alpha in sorted(alpha_levels):
        if p_fdr < alpha and z != 0:
            return (HOTSPOT if z > 0 else COLDSPOT), round(1.0 - alpha, 10)
    return NO_PATTERN, None


def normal_p(z: np.ndarray) -> np.ndarray:
    """Two-sided p-value of z-scores under the standard normal (``scipy.stats.norm.sf``)."""
    from scipy.stats import norm

    return 2.0 * norm.sf(np.abs(np.asarray(z, dtype=float)))


def gi_star(
    values: Sequence[float] | np.ndarray,
    weights: W,
    *,
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
    alpha_levels: Sequence[float] = ALPHA_LEVELS,
) -> GiStar:
    """Getis-Ord Gi* with ``esda.G_Local(star=True, transform="B")`` plus BH and classes.

    ``values`` follow ``weights.id_order``. The class follows from the two-sided normal
    p-value of esda's z-score after Benjamini-Hochberg over the tested areas (``p_fdr``), as
    in ArcGIS Pro; the permutation pseudo p-value (``p_sim``) is a robustness column and is
    not computed with ``permutations=0``. Islands (no neighbours) get no statistic and
    "geen patroon": their Gi* would only restate their own value. They stay in the data, so
    they count in the global mean. With fewer than ``MIN_AREAS`` tested areas, constant values
    or a zero sum, nothing is computed and every area is "geen patroon".
    """
    y = np.asarray(values, dtype=float)
    n = len(y)
    if n != weights.n:
        raise ValueError("values and weights differ in length")
    if permutations < 0:
        raise ValueError("permutations must be 0 or more")
    islands = np.array([weights.cardinalities[i] == 0 for i in weights.id_order], dtype=bool)
    z, p_sim, p_norm, p_fdr = (np.full(n, np.nan) for _ in range(4))
    tested = ~islands
    if tested.sum() >= MIN_AREAS and np.ptp(y) > 0 and y.sum() > 0:
        g = _g_local(y, weights, permutations, seed)
        all_z = np.asarray(g.Zs, dtype=float)
        tested &= np.isfinite(all_z)  # NaN: the neighbourhood is everything (variance 0)
        z[tested] = all_z[tested]
        p_norm[tested] = normal_p(z[tested])
        p_fdr[tested] = fdr_bh(p_norm[tested])
        if permutations:
            # esda stores p_sim = (k + 1) / (permutations + 1) as float32; restore it exactly
            exact = np.round(np.asarray(g.p_sim, dtype=float) * (permutations + 1))
            p_sim[tested] = (exact / (permutations + 1))[tested]
    decided = [classify(zi, pi, alpha_levels) for zi, pi in zip(z, p_fdr, strict=True)]
    return GiStar(
        z=z,
        p_sim=p_sim,
        p_fdr=p_fdr,
        classes=tuple(c for c, _ in decided),
        confidence=tuple(c for _, c in decided),
        islands=islands,
        p_norm=p_norm,
    )


def local_moran(
    values: Sequence[float] | np.ndarray,
    weights: W,
    *,
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
    alpha: float = ALPHA_LEVELS[0],
) -> LocalMoran:
    """Local Moran's I (``esda.Moran_Local``, row-standardised) with clusters and outliers.

    The z-score uses esda's analytical moments under conditional randomisation (``EIc``,
    ``VIc``; Sokal et al. 1998), which the permutations estimate; its two-sided normal
    p-value after Benjamini-Hochberg below ``alpha`` makes an area significant, and esda's
    quadrant ``q`` names it (``LISA_CLASSES``). ``p_sim`` is esda's pseudo p-value (NaN with
    ``permutations=0``). Islands and the cases where Gi* computes nothing get NaN and
    "geen patroon".
    """
    y = np.asarray(values, dtype=float)
    n = len(y)
    if n != weights.n:
        raise ValueError("values and weights differ in length")
    islands = np.array([weights.cardinalities[i] == 0 for i in weights.id_order], dtype=bool)
    stats = {key: np.full(n, np.nan) for key in ("i", "z", "p_norm", "p_fdr", "p_sim", "q")}
    tested = ~islands
    if tested.sum() >= MIN_AREAS and np.ptp(y) > 0:
        m = _moran_local(y, weights, permutations, seed)
        with np.errstate(invalid="ignore", divide="ignore"):
            z = (m.Is - m.EIc) / np.sqrt(m.VIc)
        tested &= np.isfinite(z)  # variance 0: the area's own value is the mean
        stats["i"][tested] = m.Is[tested]
        stats["z"][tested] = z[tested]
        stats["q"][tested] = m.q[tested]
        stats["p_norm"][tested] = normal_p(z[tested])
        stats["p_fdr"][tested] = fdr_bh(stats["p_norm"][tested])
        if permutations:  # float32 in esda, as for Gi*: restore (k + 1) / (permutations + 1)
            exact = np.round(np.asarray(m.p_sim, dtype=float) * (permutations + 1))
            stats["p_sim"][tested] = (exact / (permutations + 1))[tested]
    classes = tuple(
        LISA_CLASSES[int(q)] if p < alpha else NO_PATTERN
        for q, p in zip(stats["q"], np.nan_to_num(stats["p_fdr"], nan=1.0), strict=True)
    )
    return LocalMoran(classes=classes, **stats)


def _moran_local(y: np.ndarray, weights: W, permutations: int, seed: int) -> Any:
    """``esda.Moran_Local`` as this module runs it: row-standardised, serial, seeded."""
    import esda

    original = weights.transform  # esda row-standardises the weights in place
    try:
        with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
            warnings.simplefilter("ignore")  # islands and esda's future-change notices
            return esda.Moran_Local(
                y,
                weights,
                transformation="r",
                permutations=permutations,
                seed=seed,
                n_jobs=1,
                keep_simulations=False,
            )
    finally:
        weights.transform = original


def _g_local(y: np.ndarray, weights: W, permutations: int, seed: int) -> Any:
    """``esda.G_Local`` as this module runs it (serial, so results do not depend on cores).

    Note: esda seeds NumPy's global random generator with ``seed``.
    """
    import esda

    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        # esda announces a future change of its permutation alternative; we pin esda 2.9's
        # "directed" (folded one-sided) pseudo p-value and document it. An area whose
        # neighbourhood is the whole study area has variance 0: z is NaN, handled by gi_star.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message="The weights matrix is not fully connected")
        return esda.G_Local(
            y,
            weights,
            transform="B",
            star=True,
            permutations=permutations,
            seed=seed,
            n_jobs=1,
            keep_simulations=False,
        )


def hotspots(
    counts: Mapping[str, float | None],
    shapes: Mapping[str, shapely.Geometry],
    populations: Mapping[str, float | None] | None = None,
    *,
    per: float = 1000.0,
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
    alpha_levels: Sequence[float] = ALPHA_LEVELS,
    weights: W | None = None,
) -> list[AreaHotspot]:
    """Rates, EB smoothing and Gi* hotspots for the areas in ``shapes`` (in that order).

    Without ``populations``, Gi* runs on the counts. With them, it runs on the EB-smoothed
    rates, because raw rates of small areas are mostly noise. Areas without a count (absent,
    None or NaN), and with populations also areas without a population > 0, are left out of
    every computation and reported with class None. ``weights`` may be passed to reuse
    ``queen_weights(shapes)`` (for example over several periods).
    """
    missing = [area for area in counts if area not in shapes]
    if missing:
        raise ValueError(f"counts for areas without geometry: {', '.join(map(str, missing[:5]))}")
    count = {a: _number(counts.get(a)) for a in shapes}
    if any(c is not None and c < 0 for c in count.values()):
        raise ValueError("counts must be >= 0")
    pop = {a: _number(populations.get(a)) for a in shapes} if populations is not None else {}
    if populations is None:
        used = [a for a in shapes if count[a] is not None]
    else:
        used = [a for a in shapes if count[a] is not None and (pop[a] or 0) > 0]
    rates = _rates(used, count, pop, per) if populations is not None and used else {}
    values = [rates[a][1] if rates else count[a] for a in used]
    stats = _gi_for(used, values, shapes, weights, permutations, seed, alpha_levels)
    return [_area_result(a, count[a], pop.get(a), rates.get(a), stats.get(a)) for a in shapes]


def _number(value: float | None) -> float | None:
    """A finite float, or None for absent/NaN values."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _rates(
    used: list[str], count: dict, pop: dict, per: float
) -> dict[str, tuple[float, float, float, float]]:
    """area -> (raw, smoothed, lower, upper), each per ``per`` inhabitants."""
    eb = eb_rates([count[a] for a in used], [pop[a] for a in used])
    return {
        a: (eb.raw[i] * per, eb.smoothed[i] * per, eb.lower[i] * per, eb.upper[i] * per)
        for i, a in enumerate(used)
    }


def _gi_for(
    used: list[str],
    values: list[float],
    shapes: Mapping[str, shapely.Geometry],
    weights: W | None,
    permutations: int,
    seed: int,
    alpha_levels: Sequence[float],
) -> dict[str, dict[str, Any]]:
    """area -> the Gi* and Local Moran fields of ``AreaHotspot`` for the areas with data."""
    if not used:
        return {}
    w = weights if weights is not None else queen_weights(shapes)
    if len(used) != w.n or list(w.id_order) != used:
        from libpysal.weights import w_subset

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "not fully connected": islands are handled
            w = w_subset(w, used, silence_warnings=True)
    g = gi_star(values, w, permutations=permutations, seed=seed, alpha_levels=alpha_levels)
    # Local Moran decides from its analytical z; its pseudo p-value is not reported here
    m = local_moran(values, w, permutations=0, alpha=max(alpha_levels))
    return {
        a: {
            "gi_z": _number(g.z[i]),
            "p_value": _number(g.p_sim[i]),
            "p_norm": _number(g.p_norm[i]),
            "p_fdr": _number(g.p_fdr[i]),
            "hotspot_class": g.classes[i],
            "confidence": g.confidence[i],
            "lisa_i": _number(m.i[i]),
            "lisa_z": _number(m.z[i]),
            "lisa_p_fdr": _number(m.p_fdr[i]),
            "lisa_class": m.classes[i],
        }
        for i, a in enumerate(used)
    }


def _area_result(
    area: str,
    count: float | None,
    population: float | None,
    rates: tuple[float, float, float, float] | None,
    stats: dict[str, Any] | None,
) -> AreaHotspot:
    raw, smoothed, lower, upper = rates if rates else (None, None, None, None)
    empty = dict.fromkeys(("gi_z", "p_value", "p_fdr", "hotspot_class", "confidence"))
    return AreaHotspot(
        area=area,
        count=count,
        population=population,
        rate=_number(raw),
        smoothed_rate=_number(smoothed),
        rate_lower=_number(lower),
        rate_upper=_number(upper),
        **(stats or empty),
    )
