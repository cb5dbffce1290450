"""Upper tails and thresholds of the negative binomial and of equal mixtures of them.

Pure statistics: no Django. The negative binomial is parametrised by its mean ``mu`` and its
dispersion ``phi`` (variance ``phi * mu``); ``phi <= 1`` is the Poisson. The improved
Farrington method (:mod:`.farrington`) uses one negative binomial per series, the predictive
EARS p-value (:mod:`.ears`) an equal mixture over the uncertainty of the dispersion.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


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
