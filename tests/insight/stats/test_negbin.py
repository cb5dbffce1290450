"""Tails and thresholds of the negative binomial and of equal mixtures, against scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from openveiligheid.insight.stats.negbin import (
    mixture_threshold,
    mixture_upper_tail,
    nb_threshold,
    nb_upper_tail,
)

CASES = [(0.5, 1.0), (4.0, 1.0), (12.0, 1.0), (3.0, 2.5), (20.0, 4.0), (150.0, 1.3)]


@pytest.mark.parametrize(("mu", "phi"), CASES)
def test_upper_tail_is_scipys_survival_function(mu, phi):
    counts = np.arange(0, 60, dtype=float)
    dist = stats.poisson(mu) if phi <= 1 else stats.nbinom(mu / (phi - 1), 1 / phi)
    tails = nb_upper_tail(counts, np.full(counts.size, mu), np.full(counts.size, phi))
    assert tails == pytest.approx(dist.sf(counts - 1), rel=1e-9)


@pytest.mark.parametrize(("mu", "phi"), CASES)
@pytest.mark.parametrize("level", [0.2, 0.05, 0.001])
def test_threshold_is_the_smallest_count_that_is_not_unusual(mu, phi, level):
    [t] = nb_threshold(np.array([level]), np.array([mu]), np.array([phi]))
    assert t == int(t)
    assert nb_upper_tail(np.array([t + 1]), np.array([mu]), np.array([phi]))[0] <= level
    if t > 0:
        assert nb_upper_tail(np.array([t]), np.array([mu]), np.array([phi]))[0] > level


def test_mixture_threshold_is_the_smallest_count_that_is_not_unusual():
    mu = np.array([[2.0, 5.0, 9.0], [30.0, 31.0, 33.0]])
    phi = np.array([[1.0, 2.0, 3.0], [1.5, 1.5, 4.0]])
    level = np.array([0.01, 0.05])
    thresholds = mixture_threshold(level, mu, phi)
    assert (mixture_upper_tail(thresholds + 1, mu, phi) <= level).all()
    assert (mixture_upper_tail(thresholds, mu, phi) > level).all()
