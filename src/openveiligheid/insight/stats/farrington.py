"""The improved Farrington method (Noufaily et al. 2012) for early warning.

Pure statistics: no Django. Follows ``farringtonFlexible`` with the Noufaily options in R's
*surveillance* package: a quasi-Poisson GLM over the same period (and a window around it) in
earlier years plus a seasonal factor for the rest of the year, an optional linear trend,
Anscombe down-weighting of past outbreaks, and a negative binomial threshold. Used when at
least three years of history exist (:mod:`.series` chooses).

The quasi-Poisson GLM is fitted by a batched IRLS in numpy (one design matrix shared by all
series of the same length). It gives the same estimates as ``statsmodels`` GLM with a Poisson
family and ``scale="X2"`` (the tests check this) at a fraction of the cost per series.

The p-value counts the estimation error of the expected value (``predictive=True``, the
default): the same-period level is given a gamma distribution, so the p-value comes from a
negative binomial that is wider than the plug-in one (``details["p_value_plugin"]``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from openveiligheid.insight.stats.judgement import METHOD_FARRINGTON, Judged
from openveiligheid.insight.stats.negbin import nb_threshold, nb_upper_tail

_RIDGE = 1e-8  # keeps IRLS finite for seasonal levels that are all zero or all missing
_TOL = 1e-8  # R's glm.control(epsilon): relative change in deviance
_EPS = np.finfo(float).eps  # smallest fitted mean, as R's log link
_MAX_TREND_PER_YEAR = math.log(10)  # log-scale: a tenfold change per year at most
_MAX_INFLATION = 100.0  # cap on the variance inflation for the trend's uncertainty


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


def judge(
    matrix: np.ndarray,
    todo: np.ndarray,
    frequency: int,
    years: int,
    settings: FarringtonSettings,
    out: Judged,
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
    out: Judged, index: np.ndarray, fit: dict, sd: SeasonDesign, settings: FarringtonSettings
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


def threshold_at(judged: Judged, idx: np.ndarray, level: np.ndarray) -> np.ndarray:
    """The threshold of the series ``idx`` at another one-sided ``level`` (the run's cutoff)."""
    return nb_threshold(level, judged.mu[idx], judged.phi[idx])
