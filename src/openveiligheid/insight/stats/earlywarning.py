"""Early warning ("signalering") for monthly or two-weekly crime counts.

Pure statistics: no Django, no database. For every series (measure x area) the module judges the
latest period against an expected count and an upper threshold:

* the improved Farrington method (Noufaily et al. 2012; ``farringtonFlexible`` with the Noufaily
  options in R's *surveillance* package) when at least three years of history exist;
* EARS C1, C2 or C3 (Hutwagner et al. 2003; ``earsC`` in *surveillance*) for shorter histories.

:func:`expectation` judges one series. :func:`detect` judges all series of one run, applies the
minimum count and Benjamini-Hochberg control of the false discovery rate across the run, and
reports since when each signal has been running. :func:`describe` turns a :class:`Signal` into
one Dutch sentence. Methods, defaults and the deviations from the R code are documented in
``docs/methods.md`` (sections "Early warning: ...").

Thresholds are the methods' own (Noufaily's negative binomial quantile, EARS' mean + z * sd).
The p-values that feed the multiple-testing step also count the estimation error of the
expected value (``predictive=True``, the default); without that they are far too small in the
tail where a run of thousands of series is decided.

Missing values: ``None``, NaN, infinite and negative counts are treated as missing. A missing
baseline value is left out of the fit; a missing current value cannot be judged.

The quasi-Poisson GLM is fitted by a batched IRLS in numpy (one design matrix shared by all
series of the same length). It gives the same estimates as ``statsmodels`` GLM with a Poisson
family and ``scale="X2"`` (the tests check this) at a fraction of the cost per series.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields

import numpy as np
from scipy import special, stats

METHOD_FARRINGTON = "farrington"
METHOD_NONE = "te-weinig-gegevens"
EARS_METHODS = {"C1": "ears-c1", "C2": "ears-c2", "C3": "ears-c3"}

UNUSUAL_EXCEPTIONAL = "uitzonderlijk hoog"
UNUSUAL_CLEAR = "duidelijk hoger dan verwacht"
UNUSUAL_HIGHER = "hoger dan verwacht, maar geen signaal"
UNUSUAL_NORMAL = "binnen de verwachting"
UNUSUAL_UNKNOWN = "niet te beoordelen"

#: Adjusted p-value at or below which an alarm is called "uitzonderlijk hoog".
EXCEPTIONAL_P = 0.001

_RIDGE = 1e-8  # keeps IRLS finite for seasonal levels that are all zero or all missing
_TOL = 1e-8  # R's glm.control(epsilon): relative change in deviance
_EPS = np.finfo(float).eps  # smallest fitted mean, as R's log link
_CHUNK = 2048  # series per batched fit; bounds the memory of the (S, n, p) arrays
_MAX_TREND_PER_YEAR = math.log(10)  # log-scale: a tenfold change per year at most
_MAX_INFLATION = 100.0  # cap on the variance inflation for the trend's uncertainty
_PHI_NODES = 16  # EARS: quantile nodes for the uncertainty of the dispersion


# --------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FarringtonSettings:
    """Options of the improved Farrington method; defaults follow Noufaily et al. (2012).

    ``half_window`` and ``past_excluded`` are ``None`` by default and then derived from the
    frequency (see :meth:`window` and :meth:`excluded`).
    """

    years: int = 5  # b: years back in time (fewer are used when fewer exist, at least 3)
    half_window: int | None = None  # w: periods either side of the same period in past years
    no_periods: int = 10  # levels of the seasonal factor (10 = Noufaily)
    past_excluded: int | None = None  # most recent periods left out of the baseline
    reweight: bool = True  # down-weight past outbreaks (Anscombe residuals)
    weights_threshold: float = 2.58  # residuals above this are down-weighted (Noufaily)
    trend: bool = True  # fit a linear trend when possible
    # Keep the trend only when its p-value is below this (Farrington 1996, surveillance's
    # default). Noufaily's "always" (1.0) lets a single recent count in an all-zero baseline
    # drive the trend to infinity (complete separation); the test drops such a trend.
    p_trend: float = 0.05
    alpha: float = 0.05  # one-sided level of the method's threshold (surveillance default)
    predictive: bool = True  # p-values count the estimation error of the expected value
    max_iter: int = 25  # IRLS iterations (R's glm.control(maxit))

    def window(self, frequency: int) -> int:
        """Half window w: the widest window not wider than the 7 weeks of w=3 weekly.

        Monthly gives 0 (the same month only), two-weekly 1 (6 weeks), weekly 3.
        """
        if self.half_window is not None:
            return self.half_window
        return (3 * frequency) // 52

    def excluded(self, frequency: int) -> int:
        """Recent periods left out: half a year, as Noufaily's 26 weeks (6 months, 13 x 2 wk)."""
        if self.past_excluded is not None:
            return self.past_excluded
        return max(frequency // 2, self.window(frequency))


@dataclass(frozen=True)
class EarsSettings:
    """Options of EARS C1-C3; defaults follow ``earsC`` in R's surveillance package.

    ``min_sigma`` and ``poisson_floor`` put a floor under the standard deviation of the
    baseline (surveillance: ``minSigma``, default 0): a baseline of seven equal counts would
    otherwise make every higher count infinitely unusual. ``predictive`` takes the p-values
    from a negative binomial around the baseline mean that counts the error of that mean
    (see :class:`EarsStatistic`), instead of the normal tail of the z-score.
    """

    baseline: int = 7  # periods in the baseline
    alpha_c12: float = 0.001  # C1 and C2: z = 3.09
    alpha_c3: float = 0.025  # C3: z = 1.96
    min_sigma: float = 1.0
    poisson_floor: bool = True  # sigma is at least sqrt(mean), the Poisson standard deviation
    predictive: bool = True

    def alpha(self, variant: str) -> float:
        """The one-sided level of the method's threshold of one variant."""
        return self.alpha_c3 if variant == "C3" else self.alpha_c12


# --------------------------------------------------------------------------------------------
# Public results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    """The judgement of the last value of one series.

    ``threshold`` is the method's own upper threshold at its level ``details["alpha"]``: a
    count above it is unusual for this one series. ``p_value`` is the upper-tail probability
    of observing at least ``observed`` under the fitted model (with the estimation error of
    the expected value when the settings say ``predictive``; ``details["p_value_plugin"]``
    holds the one without). For ``method == "te-weinig-gegevens"`` expected and threshold are
    NaN and p_value is None.
    """

    observed: float
    expected: float
    threshold: float
    p_value: float | None
    method: str
    details: dict


@dataclass(frozen=True)
class Signal:
    """The verdict on the last value of one series within one run of :func:`detect`.

    ``threshold`` is the largest count that would not have been an alarm in this run (other
    series unchanged): it combines the method's own threshold, the multiple-testing control,
    the minimum count and the expected value, so ``alarm`` is exactly ``observed > threshold``.
    """

    key: object
    observed: float
    expected: float
    threshold: float
    p_value: float | None
    p_adjusted: float | None
    alarm: bool
    method: str
    since: int | None
    unusual: str
    frequency: int = 12
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """A JSON-friendly dict: NaN and infinity become None."""
        return {f.name: _json_safe(getattr(self, f.name)) for f in fields(self)}


def _json_safe(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------------------------
# Internal: judgements of many series as arrays
# --------------------------------------------------------------------------------------------


@dataclass
class _Judged:
    """Struct of arrays: the judgement of S series and the distributions behind their p-values.

    Farrington: ``mu`` and ``phi`` are the mean and dispersion of the negative binomial of the
    p-value. EARS: when ``counted`` (predictive) the mixture ``mix_mu``/``mix_phi`` (one column
    per node), else the normal with ``sigma``; ``lagged`` holds C3's two lagged terms.
    """

    observed: np.ndarray
    expected: np.ndarray
    threshold: np.ndarray
    p_value: np.ndarray
    alpha: np.ndarray
    method: np.ndarray
    mu: np.ndarray
    phi: np.ndarray
    sigma: np.ndarray
    counted: np.ndarray
    mix_mu: np.ndarray
    mix_phi: np.ndarray
    lagged: np.ndarray
    details: list

    @classmethod
    def blank(cls, observed: np.ndarray) -> _Judged:
        size = len(observed)
        arrays = {
            f.name: np.full(size, np.nan)
            for f in fields(cls)
            if f.name not in ("observed", "method", "details")
        }
        arrays["lagged"][:] = 0.0
        arrays["counted"] = np.ones(size, dtype=bool)
        arrays["mix_mu"] = np.full((size, _PHI_NODES), np.nan)
        arrays["mix_phi"] = np.full((size, _PHI_NODES), np.nan)
        return cls(
            observed=np.asarray(observed, dtype=float),
            method=np.full(size, METHOD_NONE, dtype=object),
            details=[{"reason": "te korte reeks"} for _ in range(size)],
            **arrays,
        )

    def assign(self, index: np.ndarray, part: _Judged) -> None:
        for f in fields(self):
            if f.name == "details":
                for i, d in zip(index, part.details, strict=True):
                    self.details[i] = d
            else:
                getattr(self, f.name)[index] = getattr(part, f.name)


def _clean(counts: Sequence[float | None]) -> np.ndarray:
    """Counts as floats, with NaN for None, NaN, infinite and negative values."""
    values = np.array(counts, dtype=float)  # None becomes NaN
    values[~np.isfinite(values) | (values < 0)] = np.nan
    return values


@dataclass(frozen=True)
class _Options:
    frequency: int
    farrington: FarringtonSettings
    ears: EarsSettings
    min_years: int
    variant: str


def _judge_many(arrays: Sequence[np.ndarray], options: _Options) -> _Judged:
    """Judge the last value of every array; series of equal length are fitted together."""
    last = np.array([a[-1] if len(a) else np.nan for a in arrays], dtype=float)
    out = _Judged.blank(last)
    groups: dict[int, list[int]] = defaultdict(list)
    for i, values in enumerate(arrays):
        groups[len(values)].append(i)
    for length, members in groups.items():
        if length == 0:
            continue
        for start in range(0, len(members), _CHUNK):
            index = np.array(members[start : start + _CHUNK])
            out.assign(index, _judge_group(np.vstack([arrays[i] for i in index]), options))
    return out


def _judge_group(matrix: np.ndarray, options: _Options) -> _Judged:
    """Judge series of one length: Farrington where possible, else EARS, else nothing."""
    out = _Judged.blank(matrix[:, -1])
    todo = np.isfinite(out.observed)
    for i in np.flatnonzero(~todo):
        out.details[i] = {"reason": "huidige waarde ontbreekt"}
    settings = options.farrington
    spare = matrix.shape[1] - 1 - settings.window(options.frequency)
    years = min(settings.years, spare // options.frequency)
    if years >= max(options.min_years, 1) and todo.any():
        todo &= ~_farrington_block(matrix, todo, options.frequency, years, settings, out)
    if todo.any():
        _ears_block(matrix, todo, options.variant, options.ears, out)
    return out


# --------------------------------------------------------------------------------------------
# Improved Farrington (Noufaily et al. 2012)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeasonDesign:
    """The baseline of the improved Farrington method for series of one length.

    ``rows`` are the indices of the baseline periods, ``levels`` their seasonal level
    (``current_level`` is the level of the same period in earlier years), ``design`` the GLM
    design matrix: one indicator column per level and a trend column in years relative to the
    current period (so the prediction for now is ``exp(beta[current_level])``).
    """

    rows: np.ndarray
    levels: np.ndarray
    design: np.ndarray
    current_level: int
    years: int
    half_window: int
    excluded: int


def season_design(
    length: int, frequency: int, years: int, settings: FarringtonSettings | None = None
) -> SeasonDesign:
    """Build the baseline rows, the seasonal factor and the design matrix (surveillance's blocks).

    For each of the ``years`` earlier years the window of ``2w+1`` periods around the same
    period gets the "current" level; the periods between two windows are split into
    ``no_periods - 1`` consecutive blocks of (nearly) equal length, the first blocks taking the
    remainder. The most recent ``excluded`` periods and the current one are left out.
    """
    settings = settings or FarringtonSettings()
    w = settings.window(frequency)
    excluded = settings.excluded(frequency)
    between = frequency - 2 * w - 1
    n_levels = max(1, min(settings.no_periods, between + 1))
    current = n_levels - 1
    now = length - 1
    level = np.full(length, -1)
    for i in range(1, years + 1):
        ref = now - i * frequency
        level[ref - w : ref + w + 1] = current
        if n_levels > 1:
            sizes = np.full(n_levels - 1, between // (n_levels - 1))
            sizes[: between % (n_levels - 1)] += 1
            starts = ref + w + 1 + np.concatenate(([0], np.cumsum(sizes)))
            for j in range(n_levels - 1):
                level[starts[j] : starts[j + 1]] = j
    level[max(now - w, 0) : now + 1] = current
    level[max(now - excluded, 0) :] = -1
    rows = np.flatnonzero(level >= 0)
    design = np.zeros((len(rows), n_levels + 1))
    design[np.arange(len(rows)), level[rows]] = 1.0
    design[:, -1] = (rows - now) / frequency
    return SeasonDesign(rows, level[rows], design, current, years, w, excluded)


def _farrington_block(
    matrix: np.ndarray,
    todo: np.ndarray,
    frequency: int,
    years: int,
    settings: FarringtonSettings,
    out: _Judged,
) -> np.ndarray:
    """Fit the series in ``todo`` that have enough baseline; fill ``out``; return the mask."""
    sd = season_design(matrix.shape[1], frequency, years, settings)
    base = matrix[:, sd.rows]
    present = np.isfinite(base)
    n_obs = present.sum(axis=1)
    in_current = (present & (sd.levels == sd.current_level)).sum(axis=1)
    feasible = todo & (n_obs >= sd.design.shape[1] + 3) & (in_current >= 2)
    if feasible.any():
        y = np.where(present, base, 0.0)[feasible]
        fit = _farrington_fit(sd, y, present[feasible].astype(float), settings)
        _fill_farrington(out, np.flatnonzero(feasible), fit, sd, settings)
    return feasible


def _farrington_fit(
    sd: SeasonDesign, y: np.ndarray, prior: np.ndarray, settings: FarringtonSettings
) -> dict:
    """Fit with trend, keep the trend where allowed, refit the others without it."""
    size = len(y)
    fit = {
        "mu0": np.zeros(size),
        "phi": np.ones(size),
        "trend": np.full(size, np.nan),
        "converged": np.ones(size, dtype=bool),
        "n_down": np.zeros(size, dtype=int),
        "n_obs": prior.sum(axis=1).astype(int),
        # an all-zero baseline: no fit; half an event over the same-period exposure
        "shape": np.full(size, 0.5),
        "exposure": prior[:, sd.levels == sd.current_level].sum(axis=1),
    }
    rest = np.flatnonzero(y.sum(axis=1) > 0)
    if rest.size == 0:
        return fit
    keep = np.zeros(rest.size, dtype=bool)
    if settings.trend and sd.years >= 3:
        with_trend = _fit_reweighted(sd.design, y[rest], prior[rest], settings, sd.current_level)
        keep = _keep_trend(with_trend, y[rest], prior[rest], settings)
        _store(fit, rest[keep], with_trend, keep)
    plain = rest[~keep]
    if plain.size:
        design = sd.design[:, :-1]
        without = _fit_reweighted(design, y[plain], prior[plain], settings, sd.current_level)
        _store(fit, plain, without, np.ones(plain.size, dtype=bool))
    return fit


def _keep_trend(res: dict, y: np.ndarray, prior: np.ndarray, settings: FarringtonSettings):
    """Surveillance's rule: converged, significant (p < p_trend) and no extrapolation."""
    largest = np.where(prior > 0, y, -np.inf).max(axis=1)
    # A fitted change of more than tenfold a year is separation (e.g. one count after years of
    # zeros), not a trend; the Wald test cannot see that, as its variance is then meaningless.
    plausible = np.isfinite(res["trend"]) & (np.abs(res["trend"]) < _MAX_TREND_PER_YEAR)
    keep = res["converged"] & (res["mu0"] <= largest) & plausible
    if settings.p_trend < 1:
        keep &= res["p_trend"] < settings.p_trend
    return keep


def _store(fit: dict, where: np.ndarray, res: dict, pick: np.ndarray) -> None:
    for name in ("mu0", "phi", "converged", "n_down", "shape", "exposure", "trend"):
        fit[name][where] = res[name][pick]


def _fit_reweighted(
    design: np.ndarray,
    y: np.ndarray,
    prior: np.ndarray,
    settings: FarringtonSettings,
    current: int,
) -> dict:
    """Quasi-Poisson fit, dispersion, Anscombe down-weighting and refit (Farrington step 1-4)."""
    beta, mu, converged = _irls(design, y, prior, settings.max_iter)
    df = _df_residual(design, prior)
    phi = np.maximum(_pearson(y, mu, prior) / df, 1.0)
    n_down = np.zeros(len(y), dtype=int)
    weights = prior
    if settings.reweight:
        inverse = _information_inverse(design, mu, prior)
        weights, n_down = _anscombe_weights(design, y, prior, mu, inverse, phi, settings)
        beta, mu, converged_again = _irls(design, y, weights, settings.max_iter)
        converged = converged & converged_again
    phi_raw = _pearson(y, mu, weights) / df
    phi = np.maximum(phi_raw, 1.0)
    inverse = _information_inverse(design, mu, weights)
    has_trend = design.shape[1] > current + 1
    res = {
        "beta": beta,
        "mu0": np.exp(beta[:, current]),
        "phi": phi,
        "converged": converged,
        "n_down": n_down,
        "trend": np.exp(beta[:, -1]) if has_trend else np.full(len(y), np.nan),
        **_current_level_gamma(design, beta, y, mu, weights, inverse, phi, current),
    }
    if settings.p_trend < 1 and has_trend:
        res["p_trend"] = _trend_p_value(beta, inverse, phi_raw, df)
    return res


def _irls(
    design: np.ndarray, y: np.ndarray, weights: np.ndarray, max_iter: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Poisson GLM with log link for many series sharing one design matrix (R's glm.fit)."""
    size, n = y.shape
    p = design.shape[1]
    outer = (design[:, :, None] * design[:, None, :]).reshape(n, p * p)
    ridge = _RIDGE * np.eye(p)
    mu = y + 0.1
    eta = np.log(mu)
    beta = np.zeros((size, p))
    dev = _deviance(y, mu, weights)
    converged = np.zeros(size, dtype=bool)
    active = np.arange(size)
    for _ in range(max_iter):
        ya, wa, mua = y[active], weights[active], mu[active]
        working = wa * mua
        z = eta[active] + (ya - mua) / mua
        info = (working @ outer).reshape(-1, p, p) + ridge
        b = np.linalg.solve(info, ((working * z) @ design)[:, :, None])[:, :, 0]
        eta_new = b @ design.T
        mu_new = np.maximum(np.exp(eta_new), _EPS)  # R's poisson()$linkinv
        dev_new = _deviance(ya, mu_new, wa)
        done = np.abs(dev_new - dev[active]) / (np.abs(dev_new) + 0.1) < _TOL
        beta[active], eta[active], mu[active], dev[active] = b, eta_new, mu_new, dev_new
        converged[active[done]] = True
        active = active[~done]
        if active.size == 0:
            break
    return beta, mu, converged


def _deviance(y: np.ndarray, mu: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return 2.0 * (weights * (special.xlogy(y, y) - special.xlogy(y, mu) - (y - mu))).sum(axis=1)


def _pearson(y: np.ndarray, mu: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return (weights * (y - mu) ** 2 / mu).sum(axis=1)


def _df_residual(design: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """Observations with weight minus the columns that have any (the rank of the fit)."""
    used = prior > 0
    rank = ((used.astype(float) @ np.abs(design)) > 0).sum(axis=1)
    return np.maximum(used.sum(axis=1) - rank, 1)


def _information_inverse(design: np.ndarray, mu: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(X'WX)^-1 per series, W = weights * mu: the covariance of beta up to the dispersion."""
    p = design.shape[1]
    outer = (design[:, :, None] * design[:, None, :]).reshape(design.shape[0], p * p)
    info = ((weights * mu) @ outer).reshape(-1, p, p) + _RIDGE * np.eye(p)
    return np.linalg.inv(info)


def _anscombe_weights(
    design: np.ndarray,
    y: np.ndarray,
    prior: np.ndarray,
    mu: np.ndarray,
    inverse: np.ndarray,
    phi: np.ndarray,
    settings: FarringtonSettings,
) -> tuple[np.ndarray, np.ndarray]:
    """Farrington's weights: s^-2 above the threshold, 1 below, scaled to sum to n."""
    hat = prior * mu * ((design @ inverse) * design).sum(axis=2)
    raw = 1.5 * (np.cbrt(y) ** 2 * mu ** (-1 / 6) - np.sqrt(mu))
    resid = raw / np.sqrt(phi[:, None] * np.clip(1.0 - hat, 1e-10, None))
    used = prior > 0
    high = used & (resid > settings.weights_threshold)
    base = np.where(high, 1.0 / np.where(high, resid, 1.0) ** 2, 1.0) * used
    gamma = used.sum(axis=1) / base.sum(axis=1)
    return gamma[:, None] * base, high.sum(axis=1)


def _trend_p_value(beta, inverse, phi_raw, df) -> np.ndarray:
    """Two-sided t-test of the trend coefficient with the estimated dispersion (summary.glm)."""
    se = np.sqrt(np.maximum(phi_raw, 1e-12) * inverse[:, -1, -1])
    return 2.0 * stats.t.sf(np.abs(beta[:, -1]) / se, df)


def _current_level_gamma(design, beta, y, mu, weights, inverse, phi, current) -> dict:
    """The estimation error of the expected count as a gamma distribution.

    With the trend fixed, the same-period level is a weighted Poisson rate: events S and
    exposure E (weights times the trend factor) from the rows of the current level, divided
    by the dispersion. Half an event is added (Jeffreys), so a level of zeros still has an
    error; the shape and exposure are divided by the variance inflation that the trend's own
    uncertainty adds (Wald variance of the prediction over that of the level alone).
    """
    rows = design[:, current] == 1
    w = weights[:, rows]
    events = (w * y[:, rows]).sum(axis=1)
    info_level = (w * mu[:, rows]).sum(axis=1)  # = exposure * mu0
    exposure = info_level / np.exp(beta[:, current])
    inflation = np.clip(inverse[:, current, current] * info_level, 1.0, _MAX_INFLATION)
    return {
        "shape": (events / phi + 0.5) / inflation,
        "exposure": exposure / phi / inflation,
    }


def _fill_farrington(
    out: _Judged, index: np.ndarray, fit: dict, sd: SeasonDesign, settings: FarringtonSettings
) -> None:
    observed = out.observed[index]
    mu0, phi = fit["mu0"], fit["phi"]
    plugin = nb_upper_tail(observed, mu0, phi)
    if settings.predictive:
        mean = fit["shape"] / fit["exposure"]
        mu, dispersion = mean, phi + mean / fit["shape"]
    else:
        mu, dispersion = mu0, phi
    out.method[index] = METHOD_FARRINGTON
    out.expected[index] = mu0
    out.mu[index], out.phi[index] = mu, dispersion
    out.alpha[index] = settings.alpha
    out.p_value[index] = nb_upper_tail(observed, mu, dispersion)
    out.threshold[index] = nb_threshold(np.full(len(index), settings.alpha), mu0, phi)
    for j, i in enumerate(index):
        out.details[i] = _farrington_details(fit, j, sd, settings, plugin[j], dispersion[j])


def _farrington_details(fit, j, sd, settings, plugin, dispersion) -> dict:
    trend = fit["trend"][j]
    return {
        "years": sd.years,
        "half_window": sd.half_window,
        "past_excluded": sd.excluded,
        "seasonal_levels": sd.current_level + 1,
        "n_baseline": int(fit["n_obs"][j]),
        "dispersion": float(fit["phi"][j]),
        "dispersion_predictive": float(dispersion),
        "trend": bool(np.isfinite(trend)),
        "trend_per_year": float(trend) if np.isfinite(trend) else None,
        "reweighted": bool(fit["n_down"][j] > 0),
        "n_downweighted": int(fit["n_down"][j]),
        "converged": bool(fit["converged"][j]),
        "alpha": settings.alpha,
        "p_value_plugin": float(plugin),
    }


def nb_upper_tail(observed: np.ndarray, mu: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """P(Y >= observed) for Y negative binomial, mean mu, variance phi * mu (phi=1: Poisson)."""
    arrays = (np.asarray(a, dtype=float) for a in (observed, mu, phi))
    observed, mu, phi = np.broadcast_arrays(*arrays)
    k = np.ceil(observed) - 1
    out = np.ones(observed.shape)
    zero = mu <= 0
    out[zero] = np.where(k[zero] < 0, 1.0, 0.0)
    pois = ~zero & (phi <= 1)
    out[pois] = stats.poisson.sf(k[pois], mu[pois])
    nb = ~zero & (phi > 1)
    out[nb] = stats.nbinom.sf(k[nb], mu[nb] / (phi[nb] - 1), 1 / phi[nb])
    return np.where(k < 0, 1.0, out)


def nb_threshold(level: np.ndarray, mu: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """The smallest count t with P(Y > t) <= level: R's qnbinom(1 - level) / qpois(1 - level)."""
    arrays = (np.asarray(a, dtype=float) for a in (level, mu, phi))
    level, mu, phi = np.broadcast_arrays(*arrays)
    out = np.zeros(level.shape)
    pois = (mu > 0) & (phi <= 1)
    nb = (mu > 0) & (phi > 1)
    out[pois] = stats.poisson.isf(level[pois], mu[pois])
    out[nb] = stats.nbinom.isf(level[nb], mu[nb] / (phi[nb] - 1), 1 / phi[nb])
    out = np.where(np.isnan(out), 0.0, out)
    # isf works in floating point; make "observed > t  <=>  P(Y >= observed) <= level" exact
    out = out + (nb_upper_tail(out + 1, mu, phi) > level)
    return out - ((out > 0) & (nb_upper_tail(out, mu, phi) <= level))


# --------------------------------------------------------------------------------------------
# EARS C1-C3
# --------------------------------------------------------------------------------------------


def _ears_needs(variant: str, baseline: int) -> int:
    """Values (history plus current) a variant needs: C1 8, C2 10, C3 12 with baseline 7."""
    return baseline + {"C1": 1, "C2": 3, "C3": 5}[variant]


def _ears_variant(variant: str, length: int, baseline: int) -> str | None:
    """The requested variant, or the next simpler one that the length allows."""
    order = ["C3", "C2", "C1"]
    for candidate in order[order.index(variant) :]:
        if length >= _ears_needs(candidate, baseline):
            return candidate
    return None


@dataclass(frozen=True)
class EarsStatistic:
    """One EARS score per series against its baseline.

    ``mean`` and ``sigma`` (the floored sd) give the textbook z. ``mu`` and ``phi`` (one
    column per node) describe the predictive p-value, an equal mixture of negative binomials:
    the dispersion runs over ``_PHI_NODES`` quantiles of its uncertainty (the sample variance
    over the mean, scaled chi-square with n - 1 degrees of freedom, at least 1), and the
    error of the mean is a gamma with half an event extra, so each node has mean
    mean + phi / (2n) and dispersion phi * (1 + 1/n).
    """

    observed: np.ndarray
    mean: np.ndarray
    sigma: np.ndarray
    mu: np.ndarray
    phi: np.ndarray
    count: np.ndarray

    @property
    def z(self) -> np.ndarray:
        return (self.observed - self.mean) / self.sigma

    def score(self, predictive: bool) -> np.ndarray:
        """z, or the normal score of the predictive p-value (its upper-tail quantile)."""
        if not predictive:
            return self.z
        return stats.norm.isf(mixture_upper_tail(self.observed, self.mu, self.phi))


def ears_statistic(matrix: np.ndarray, t: int, lag: int, settings: EarsSettings) -> EarsStatistic:
    """Column ``t`` against the ``baseline`` periods ending ``lag`` periods before it.

    C1: lag 0, C2 and C3: lag 2. Missing values are left out; fewer than three baseline
    values give NaN.
    """
    block = matrix[:, t - lag - settings.baseline : t - lag]
    present = np.isfinite(block)
    count = present.sum(axis=1)
    mean = np.where(present, block, 0.0).sum(axis=1) / np.maximum(count, 1)
    squares = np.where(present, (block - mean[:, None]) ** 2, 0.0).sum(axis=1)
    variance = squares / np.maximum(count - 1, 1)
    sigma = np.maximum(np.sqrt(variance), settings.min_sigma)
    if settings.poisson_floor:
        sigma = np.maximum(sigma, np.sqrt(mean))
    enough = count >= 3
    phi = _dispersion_nodes(variance / np.where(mean > 0, mean, 1.0), np.maximum(count, 3))
    n = np.maximum(count, 1)[:, None]
    return EarsStatistic(
        observed=matrix[:, t],
        mean=np.where(enough, mean, np.nan),
        sigma=np.where(enough, sigma, np.nan),
        mu=np.where(enough[:, None], mean[:, None] + 0.5 * phi / n, np.nan),
        phi=np.where(enough[:, None], phi * (1.0 + 1.0 / n), np.nan),
        count=count,
    )


def _dispersion_nodes(ratio: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Quantiles of the dispersion given the variance/mean ratio of n values (at least 1)."""
    quantiles = (np.arange(_PHI_NODES) + 0.5) / _PHI_NODES
    chi2 = stats.chi2.ppf(quantiles[None, :], (count - 1)[:, None])
    return np.maximum((count - 1)[:, None] * ratio[:, None] / chi2, 1.0)


def mixture_upper_tail(observed: np.ndarray, mu: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """P(Y >= observed) for an equal mixture of negative binomials (columns of mu and phi)."""
    return nb_upper_tail(np.asarray(observed, dtype=float)[:, None], mu, phi).mean(axis=1)


def mixture_threshold(level: np.ndarray, mu: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """The smallest count t with P(Y > t) <= level under the mixture (integer bisection)."""
    level = np.asarray(level, dtype=float)
    low = np.zeros(len(level))
    high = nb_threshold(level[:, None], mu, phi).max(axis=1)  # every component is below level
    high = np.where(np.isfinite(high), high, 0.0)
    while np.any(high > low):
        middle = np.floor((low + high) / 2)
        fine = mixture_upper_tail(middle + 1, mu, phi) <= level
        high = np.where(fine, middle, high)
        low = np.where(fine, low, middle + 1)
    return high


def _c3_lagged(matrix: np.ndarray, t: int, settings: EarsSettings, predictive: bool):
    """C3's terms of the two previous periods: max(0, C2 - 1), 0 where C2 is undefined."""
    lagged = np.zeros(len(matrix))
    for back in (1, 2):
        z = ears_statistic(matrix, t - back, 2, settings).score(predictive)
        lagged += np.where(np.isfinite(z), np.maximum(z - 1.0, 0.0), 0.0)
    return lagged


def _ears_score(stat, lagged, *, predictive: bool) -> np.ndarray:
    """C1/C2: the score. C3: max(0, C2 - 1) of this period plus the two lagged terms."""
    z = stat.score(predictive)
    return z if lagged is None else np.maximum(z - 1.0, 0.0) + lagged


def _ears_block(
    matrix: np.ndarray, todo: np.ndarray, variant: str, settings: EarsSettings, out: _Judged
) -> None:
    chosen = _ears_variant(variant, matrix.shape[1], settings.baseline)
    if chosen is None:
        return
    t = matrix.shape[1] - 1
    lag = 0 if chosen == "C1" else 2
    stat = ears_statistic(matrix, t, lag, settings)
    ok = todo & np.isfinite(stat.mean)
    index = np.flatnonzero(ok)
    alpha = settings.alpha(chosen)
    c3 = chosen == "C3"
    plain_lagged = _c3_lagged(matrix, t, settings, False) if c3 else None
    lagged = _c3_lagged(matrix, t, settings, settings.predictive) if c3 else None
    textbook = _ears_score(stat, plain_lagged, predictive=False)
    score = _ears_score(stat, lagged, predictive=settings.predictive)
    out.method[index] = EARS_METHODS[chosen]
    out.expected[index] = stat.mean[ok]
    out.sigma[index] = stat.sigma[ok]
    out.counted[index] = settings.predictive
    out.mix_mu[index], out.mix_phi[index] = stat.mu[ok], stat.phi[ok]
    out.lagged[index] = lagged[ok] if c3 else 0.0
    out.alpha[index] = alpha
    out.p_value[index] = stats.norm.sf(score[ok])
    own = ears_threshold(
        np.full(index.size, alpha),
        stat.mean[ok],
        stat.sigma[ok],
        chosen,
        plain_lagged[ok] if c3 else 0.0,
    )
    out.threshold[index] = np.maximum(own, 0.0)
    for j, i in enumerate(index):
        out.details[i] = _ears_details(chosen, lag, stat, ok, j, textbook[ok][j], settings)
    for i in np.flatnonzero(todo & ~ok):
        out.details[i] = {"reason": "te weinig waarden in de basisperiode"}


def _ears_details(variant, lag, stat, ok, j, statistic, settings) -> dict:
    return {
        "variant": variant,
        "baseline": settings.baseline,
        "lag": lag,
        "n_baseline": int(stat.count[ok][j]),
        "sd": float(stat.sigma[ok][j]),
        "statistic": float(statistic),
        "alpha": settings.alpha(variant),
        "p_value_plugin": float(stats.norm.sf(statistic)),
        "dispersion_predictive": float(np.median(stat.phi[ok][j])),
    }


def ears_threshold(
    level: np.ndarray,
    mean: np.ndarray,
    sigma: np.ndarray,
    variant: str,
    lagged: np.ndarray | float = 0.0,
) -> np.ndarray:
    """The textbook EARS threshold: the count above which the score's normal tail is < level.

    C1/C2: mean + z * sd. C3: the current term max(0, C2 - 1) must exceed z minus the lagged
    terms, so mean + sd * (1 + z - lagged); when the lagged terms alone exceed z every count
    is unusual and the threshold is minus infinity.
    """
    z = stats.norm.isf(level)
    if variant != "C3":
        return mean + z * sigma
    return np.where(z >= lagged, mean + sigma * (1.0 + z - lagged), -np.inf)


def _ears_count_threshold(level, mu, phi, variant, lagged) -> np.ndarray:
    """The predictive counterpart: the count above which the predictive score passes."""
    if variant != "C3":
        return mixture_threshold(level, mu, phi)
    z = stats.norm.isf(level)
    needed = stats.norm.sf(1.0 + z - lagged)
    return np.where(z >= lagged, mixture_threshold(needed, mu, phi), -np.inf)


# --------------------------------------------------------------------------------------------
# One series
# --------------------------------------------------------------------------------------------


def expectation(
    counts: Sequence[float | None],
    frequency: int,
    *,
    min_years_farrington: int = 3,
    ears_variant: str = "C2",
    farrington: FarringtonSettings | None = None,
    ears: EarsSettings | None = None,
) -> Expectation:
    """Judge the last value of ``counts`` (chronological, ``frequency`` periods per year).

    Farrington is used when the history (all values before the last) spans at least
    ``min_years_farrington`` years plus the half window; otherwise EARS ``ears_variant``
    (or a simpler variant when the history is too short for it); otherwise nothing.
    """
    options = _options(frequency, farrington, ears, min_years_farrington, ears_variant)
    judged = _judge_many([_clean(counts)], options)
    p = judged.p_value[0]
    return Expectation(
        observed=float(judged.observed[0]),
        expected=float(judged.expected[0]),
        threshold=float(judged.threshold[0]),
        p_value=float(p) if np.isfinite(p) else None,
        method=str(judged.method[0]),
        details=dict(judged.details[0]),
    )


def _options(frequency, farrington, ears, min_years, variant) -> _Options:
    if int(frequency) != frequency or frequency < 2:
        raise ValueError(f"frequency must be a whole number of periods per year, not {frequency}")
    variant = variant.upper()
    if variant not in EARS_METHODS:
        raise ValueError(f"ears_variant must be C1, C2 or C3, not {variant}")
    return _Options(
        int(frequency),
        farrington or FarringtonSettings(),
        ears or EarsSettings(),
        min_years,
        variant,
    )


# --------------------------------------------------------------------------------------------
# One run over many series
# --------------------------------------------------------------------------------------------


def detect(
    series: Mapping[object, Sequence[float | None]],
    frequency: int,
    *,
    min_count: int = 5,
    alpha: float = 0.05,
    lookback: int = 3,
    fdr: str = "bh",
    min_years_farrington: int = 3,
    ears_variant: str = "C2",
    farrington: FarringtonSettings | None = None,
    ears: EarsSettings | None = None,
) -> list[Signal]:
    """Judge the last value of every series in one run; one :class:`Signal` per series, in order.

    alarm = the series has a p-value AND observed >= min_count AND observed > expected AND
    observed > the method's own threshold AND p_adjusted <= alpha, where p_adjusted comes from
    Benjamini-Hochberg (``fdr="bh"``), Benjamini-Yekutieli (``"by"``) or nothing (``"none"``)
    over all series of the run that have a p-value. The reported threshold is the largest count
    that would not have been an alarm, so ``alarm == (observed > threshold)``.
    """
    options = _options(frequency, farrington, ears, min_years_farrington, ears_variant)
    if fdr not in ("bh", "by", "none"):
        raise ValueError(f"fdr must be 'bh', 'by' or 'none', not {fdr!r}")
    keys = list(series)
    arrays = [_clean(series[k]) for k in keys]
    judged = _judge_many(arrays, options)
    tested = np.isfinite(judged.p_value)
    p_adj = np.full(len(keys), np.nan)
    cutoff = np.full(len(keys), np.nan)
    if tested.any():
        p_adj[tested] = _adjust(judged.p_value[tested], fdr)
        cutoff[tested] = step_up_cutoffs(judged.p_value[tested], alpha, fdr)
    alarm = _plausible(judged, min_count) & (p_adj <= alpha)
    threshold = _run_thresholds(judged, cutoff, min_count, alarm)
    since = _since(arrays, np.flatnonzero(alarm), cutoff, min_count, lookback, options)
    context = (judged, p_adj, threshold, alarm, since, options.frequency, min_count, lookback)
    return [_signal(keys[i], i, *context) for i in range(len(keys))]


def _plausible(judged: _Judged, min_count: int) -> np.ndarray:
    """Every alarm condition except the multiple-testing one."""
    observed = judged.observed
    with np.errstate(invalid="ignore"):
        return (
            np.isfinite(judged.p_value)
            & (observed >= min_count)
            & (observed > judged.expected)
            & (observed > judged.threshold)
        )


def _adjust(p_values: np.ndarray, fdr: str) -> np.ndarray:
    if fdr == "none":
        return p_values.copy()
    return stats.false_discovery_control(p_values, method=fdr)


def step_up_cutoffs(p_values: np.ndarray, alpha: float, fdr: str = "bh") -> np.ndarray:
    """For each test the largest p-value it could have had and still be rejected, others fixed.

    Benjamini-Hochberg rejects every p <= alpha*R/m with R = max{k : #(p <= alpha*k/m) >= k}.
    A rejected test keeps alpha*R/m; a test that is not rejected would be rejected at
    alpha*k/m for the largest k with #(other p <= alpha*k/m) >= k - 1. Benjamini-Yekutieli
    divides alpha by the harmonic number H_m; ``"none"`` gives alpha for every test.
    """
    p_values = np.asarray(p_values, dtype=float)
    m = len(p_values)
    if fdr == "none":
        return np.full(m, alpha)
    scale = np.sum(1.0 / np.arange(1, m + 1)) if fdr == "by" else 1.0
    ranks = np.arange(1, m + 1)
    steps = alpha * ranks / (m * scale)
    counts = np.searchsorted(np.sort(p_values), steps, side="right")
    rejected = ranks[counts >= ranks].max(initial=0)
    usable = np.where(counts >= ranks - 1, ranks, 0)
    best_below = np.concatenate(([0], np.maximum.accumulate(usable)))
    below = best_below[np.searchsorted(steps, p_values, side="left")]
    own = np.where((rejected > 0) & (p_values <= alpha * rejected / (m * scale)), rejected, 0)
    k = np.maximum(below, own)
    return np.where(k > 0, alpha * k / (m * scale), 0.0)


def _run_thresholds(
    judged: _Judged, cutoff: np.ndarray, min_count: int, alarm: np.ndarray
) -> np.ndarray:
    """max(method threshold, threshold at the run's cutoff, min_count - 1, expected)."""
    threshold = np.full(len(cutoff), np.nan)
    for method in np.unique(judged.method):
        if method == METHOD_NONE:
            continue
        idx = np.flatnonzero(judged.method == method)
        at_cutoff = _threshold_at(judged, idx, cutoff[idx], method)
        threshold[idx] = np.maximum.reduce(
            [
                judged.threshold[idx],
                at_cutoff,
                np.full(idx.size, float(min_count - 1)),
                judged.expected[idx],
            ]
        )
    observed = judged.observed
    fix_alarm = alarm & ~(observed > threshold)
    threshold[fix_alarm] = np.ceil(observed[fix_alarm]) - 1  # floating-point edge cases only
    fix_quiet = ~alarm & (observed > threshold)
    threshold[fix_quiet] = observed[fix_quiet]
    return threshold


def _threshold_at(judged: _Judged, idx: np.ndarray, level: np.ndarray, method: str) -> np.ndarray:
    if method == METHOD_FARRINGTON:
        return nb_threshold(level, judged.mu[idx], judged.phi[idx])
    variant = method.split("-")[1].upper()
    counted = judged.counted[idx]
    out = ears_threshold(
        level, judged.expected[idx], judged.sigma[idx], variant, judged.lagged[idx]
    )
    if counted.any():
        out[counted] = _ears_count_threshold(
            level[counted],
            judged.mix_mu[idx][counted],
            judged.mix_phi[idx][counted],
            variant,
            judged.lagged[idx][counted],
        )
    return out


def _since(
    arrays: list[np.ndarray],
    alarmed: np.ndarray,
    cutoff: np.ndarray,
    min_count: int,
    lookback: int,
    options: _Options,
) -> dict[int, int]:
    """Consecutive periods in alarm (the current included) for each alarmed series.

    Earlier periods are judged with the same per-series cutoff as the current one (the run's
    multiple-testing level), going back at most ``lookback`` periods.
    """
    since = {int(i): 1 for i in alarmed}
    running = [int(i) for i in alarmed]
    for back in range(1, lookback + 1):
        running = [i for i in running if len(arrays[i]) > back]
        if not running:
            break
        past = _judge_many([arrays[i][:-back] for i in running], options)
        hit = _plausible(past, min_count) & (past.p_value <= cutoff[running])
        running = [i for i, h in zip(running, hit, strict=True) if h]
        for i in running:
            since[i] = back + 1
    return since


def _unusual(alarm: bool, observed: float, judged: _Judged, i: int, p_adj: float) -> str:
    if judged.method[i] == METHOD_NONE:
        return UNUSUAL_UNKNOWN
    if alarm:
        return UNUSUAL_EXCEPTIONAL if p_adj <= EXCEPTIONAL_P else UNUSUAL_CLEAR
    if observed > judged.threshold[i] and observed > judged.expected[i]:
        return UNUSUAL_HIGHER
    return UNUSUAL_NORMAL


def _signal(key, i, judged, p_adj, threshold, alarm, since, frequency, min_count, lookback):
    p = judged.p_value[i]
    is_alarm = bool(alarm[i])
    observed = float(judged.observed[i])
    details = dict(judged.details[i])
    details["min_count"] = min_count
    details["threshold_method"] = float(judged.threshold[i])
    periods = since.get(i) if is_alarm else None
    details["since_at_least"] = bool(is_alarm and periods == lookback + 1)
    return Signal(
        key=key,
        observed=observed,
        expected=float(judged.expected[i]),
        threshold=float(threshold[i]),
        p_value=float(p) if np.isfinite(p) else None,
        p_adjusted=float(p_adj[i]) if np.isfinite(p_adj[i]) else None,
        alarm=is_alarm,
        method=str(judged.method[i]),
        since=periods,
        unusual=_unusual(is_alarm, observed, judged, i, p_adj[i]),
        frequency=frequency,
        details=details,
    )


# --------------------------------------------------------------------------------------------
# Dutch sentence
# --------------------------------------------------------------------------------------------


def describe(signal: Signal, measure_label: str, area_name: str, period_label: str) -> str:
    """One Dutch sentence: observed, expected, threshold, how unusual and since when."""
    count = _format_number(signal.observed)
    verb = "is" if signal.observed == 1 else "zijn"
    opening = f"In {area_name} {verb} in {period_label} {count} {measure_label} geregistreerd"
    if signal.method == METHOD_NONE:
        return f"{opening}; er zijn te weinig eerdere gegevens om te beoordelen of dat ongewoon is."
    expected = _format_number(signal.expected)
    threshold = _format_threshold(signal.threshold, signal.observed)
    text = f"{opening}; verwacht waren er {expected} (drempel {threshold})."
    if signal.alarm:
        return f"{text} Dit is {signal.unusual}{_since_words(signal)}.{_odds_words(signal)}"
    if signal.unusual == UNUSUAL_HIGHER:
        return f"{text} Dit is hoger dan verwacht, maar {_why_no_alarm(signal)}."
    return f"{text} Dit is {signal.unusual}."


def _since_words(signal: Signal) -> str:
    unit = "maand" if signal.frequency == 12 else "periode"
    units = "maanden" if signal.frequency == 12 else "periodes"
    if not signal.since or signal.since == 1:
        return f" en is nieuw deze {unit}"
    at_least = "minstens " if signal.details.get("since_at_least") else ""
    return f" en speelt sinds {at_least}{signal.since} {units}"


def _odds_words(signal: Signal) -> str:
    p = signal.p_value
    if p is None:
        return ""
    if p < 1e-6:
        return " Bij een normaal verloop is de kans op zo'n aantal kleiner dan 1 op een miljoen."
    odds = 1.0 / p
    digits = max(0, len(str(int(odds))) - 2)
    rounded = int(round(odds, -digits))
    return (
        f" Bij een normaal verloop is de kans op zo'n aantal ongeveer 1 op {_thousands(rounded)}."
    )


def _why_no_alarm(signal: Signal) -> str:
    minimum = signal.details.get("min_count", 0)
    if signal.observed < minimum:
        return f"met minder dan {minimum} registraties te weinig voor een signaal"
    return (
        "niet zo ongewoon dat het een signaal is, gezien de onzekerheid van de verwachting "
        "en het aantal reeksen dat tegelijk is bekeken"
    )


def _format_number(value: float) -> str:
    """Dutch number: whole numbers with a thousands dot, below 10 one decimal with a comma."""
    if not math.isfinite(value):
        return "onbekend"
    if abs(value - round(value)) < 1e-9 or value >= 10:
        return _thousands(int(round(value)))
    return f"{value:.1f}".replace(".", ",")


def _format_threshold(threshold: float, observed: float) -> str:
    """Whole counts: the largest count that is not an alarm (observed > threshold is a signal)."""
    if math.isfinite(threshold) and float(observed).is_integer():
        return _thousands(max(int(math.floor(threshold + 1e-9)), 0))
    return _format_number(threshold)


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")
