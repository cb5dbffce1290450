"""EARS C1, C2 and C3 (Hutwagner et al. 2003) for early warning on short histories.

Pure statistics: no Django. Follows ``earsC`` in R's *surveillance* package: the last value
against the mean and standard deviation of the seven periods before it (C1) or before a gap of
two periods (C2); C3 adds the excesses of the two previous periods. Used when there is too
little history for the improved Farrington method (:mod:`.series` chooses); a requested
variant falls back to a simpler one when the series is too short for it.

The standard deviation has a floor (``min_sigma``, and the Poisson ``sqrt(mean)``). With
``predictive=True`` (the default) the p-value comes from an equal mixture of negative
binomials that counts the error of the baseline mean and of its dispersion
(:class:`EarsStatistic`), instead of the normal tail of the z-score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from openveiligheid.insight.stats.judgement import EARS_METHODS, PHI_NODES, Judged
from openveiligheid.insight.stats.negbin import (
    mixture_threshold,
    mixture_upper_tail,
)


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


def _needs(variant: str, baseline: int) -> int:
    """Values (history plus current) a variant needs: C1 8, C2 10, C3 12 with baseline 7."""
    return baseline + {"C1": 1, "C2": 3, "C3": 5}[variant]


def _variant_for(variant: str, length: int, baseline: int) -> str | None:
    """The requested variant, or the next simpler one that the length allows."""
    order = ["C3", "C2", "C1"]
    for candidate in order[order.index(variant) :]:
        if length >= _needs(candidate, baseline):
            return candidate
    return None


@dataclass(frozen=True)
class EarsStatistic:
    """One EARS score per series against its baseline.

    ``mean`` and ``sigma`` (the floored sd) give the textbook z. ``mu`` and ``phi`` (one
    column per node) describe the predictive p-value, an equal mixture of negative binomials:
    the dispersion runs over ``PHI_NODES`` quantiles of its uncertainty (the sample variance
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
    quantiles = (np.arange(PHI_NODES) + 0.5) / PHI_NODES
    chi2 = stats.chi2.ppf(quantiles[None, :], (count - 1)[:, None])
    return np.maximum((count - 1)[:, None] * ratio[:, None] / chi2, 1.0)


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


def judge(
    matrix: np.ndarray, todo: np.ndarray, variant: str, settings: EarsSettings, out: Judged
) -> None:
    chosen = _variant_for(variant, matrix.shape[1], settings.baseline)
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


def threshold_at(judged: Judged, idx: np.ndarray, level: np.ndarray, variant: str) -> np.ndarray:
    """The threshold of the series ``idx`` at another one-sided ``level`` (the run's cutoff)."""
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
