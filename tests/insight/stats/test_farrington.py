"""The improved Farrington method: seasonality, trend, reweighting, and the fit by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from openveiligheid.insight.stats.earlywarning import detect, expectation
from openveiligheid.insight.stats.farrington import FarringtonSettings, season_design

from .support import MONTHS, poisson, with_last

# --- seasonality, trend, reweighting -------------------------------------------------------


def july_series(seasonal, seed=5):
    """Five years and a July (Jan..Dec x5, Jan..Jul), mean 15, July doubled if seasonal."""
    mean = np.full(67, 15.0)
    if seasonal:
        mean[6::12] = 30.0
    return with_last(np.random.default_rng(seed).poisson(mean).astype(float), 30)


def test_recurring_july_peak_is_not_an_alarm_next_july():
    [signal] = detect({"a": july_series(seasonal=True)}, MONTHS)
    assert not signal.alarm
    assert signal.expected == pytest.approx(30, rel=0.2)


def test_same_july_peak_without_seasonality_is_an_alarm():
    [signal] = detect({"a": july_series(seasonal=False)}, MONTHS)
    assert signal.alarm
    assert signal.expected == pytest.approx(15, rel=0.2)


def test_past_outbreak_in_the_baseline_is_down_weighted():
    values = with_last(poisson(20, 61, seed=6), 20)
    values[60 - 24] = 75  # the same month two years ago
    values[60 - 30] = 60  # and another month
    reweighted = expectation(values, MONTHS)
    plain = expectation(values, MONTHS, farrington=FarringtonSettings(reweight=False))
    assert reweighted.details["reweighted"]
    assert reweighted.details["n_downweighted"] >= 1
    assert not plain.details["reweighted"]
    assert reweighted.threshold < plain.threshold
    assert reweighted.expected < plain.expected


def rising(low, high, seed=8):
    return np.random.default_rng(seed).poisson(np.linspace(low, high, 61)).astype(float)


def test_trend_is_kept_unless_it_extrapolates_beyond_the_largest_count():
    kept = expectation(rising(15, 25), MONTHS)
    assert kept.details["trend"]
    assert kept.details["trend_per_year"] > 1.05
    steep = rising(10, 40)
    dropped = expectation(steep, MONTHS)
    assert not dropped.details["trend"]
    assert dropped.expected == pytest.approx(steep[[0, 12, 24, 36, 48]].mean(), rel=0.05)
    assert expectation(rising(40, 10), MONTHS).details["trend"]  # a fall never extrapolates up
    tested = expectation(
        poisson(20, 61, seed=9), MONTHS, farrington=FarringtonSettings(p_trend=0.05)
    )
    assert not tested.details["trend"]


# --- hand checks of the Farrington fit -------------------------------------------------------


@pytest.mark.parametrize("overdispersed", [False, True])
def test_farrington_without_trend_and_reweighting_by_hand(overdispersed):
    rng = np.random.default_rng(10)
    counts = rng.negative_binomial(5, 5 / 17, 61) if overdispersed else rng.poisson(12, 61)
    values = with_last(counts.astype(float), 20)
    settings = FarringtonSettings(trend=False, reweight=False)
    result = expectation(values, MONTHS, farrington=settings)
    same_month = values[[0, 12, 24, 36, 48]]
    assert result.expected == pytest.approx(same_month.mean(), rel=1e-7)

    design = season_design(61, MONTHS, 5, settings)
    y = values[design.rows]
    fitted = np.array([y[design.levels == lv].mean() for lv in design.levels])
    pearson = ((y - fitted) ** 2 / fitted).sum() / (len(y) - 10)
    phi = max(pearson, 1.0)
    assert (phi > 1) == overdispersed
    assert result.details["dispersion"] == pytest.approx(phi, rel=1e-6)
    mu = same_month.mean()
    dist = stats.nbinom(mu / (phi - 1), 1 / phi) if phi > 1 else stats.poisson(mu)
    assert result.threshold == dist.ppf(0.95)  # Noufaily's negative binomial quantile
    assert result.details["p_value_plugin"] == pytest.approx(dist.sf(19), rel=1e-7)
    # the p-value adds the error of the estimate: gamma with half an event extra
    shape, exposure = same_month.sum() / phi + 0.5, 5 / phi
    mean, dispersion = shape / exposure, phi + 1 / exposure
    predictive = stats.nbinom(mean / (dispersion - 1), 1 / dispersion)
    assert result.p_value == pytest.approx(predictive.sf(19), rel=1e-6)
    assert result.p_value > result.details["p_value_plugin"]


def statsmodels_farrington(values, design, current):
    """The steps of surveillance's fitGLM.flexible, one series, with statsmodels GLM."""
    y = values[design.rows]
    poisson_family = sm.families.Poisson()
    first = sm.GLM(y, design.design, family=poisson_family).fit(scale="X2")
    phi = max(first.scale, 1.0)
    mu = first.fittedvalues
    hat = first.get_hat_matrix_diag()
    resid = 1.5 * (y ** (2 / 3) * mu ** (-1 / 6) - mu**0.5) / np.sqrt(phi * (1 - hat))
    raw = np.where(resid > 2.58, resid**-2.0, 1.0)
    omega = len(y) / raw.sum() * raw
    second = sm.GLM(y, design.design, family=poisson_family, var_weights=omega).fit(scale="X2")
    return math.exp(second.params[current]), max(second.scale, 1.0), second


def test_farrington_fit_matches_statsmodels():
    rng = np.random.default_rng(11)
    month = np.arange(61) % 12
    values = rng.poisson(20 + 8 * np.sin(2 * np.pi * month / 12) + np.arange(61) * 0.1)
    values = values.astype(float)
    values[30] = 70  # a past outbreak, so the reweighting does something
    # always keep the trend (Noufaily), so that the with-trend fit is what is compared
    result = expectation(values, MONTHS, farrington=FarringtonSettings(p_trend=1.0))
    design = season_design(61, MONTHS, 5)
    mu0, phi, model = statsmodels_farrington(values, design, design.current_level)
    assert result.details["trend"]
    assert result.details["reweighted"]
    assert result.expected == pytest.approx(mu0, rel=1e-6)
    assert result.details["dispersion"] == pytest.approx(phi, rel=1e-6)
    assert result.details["trend_per_year"] == pytest.approx(math.exp(model.params[-1]), rel=1e-6)


# --- separation ------------------------------------------------------------------------------


def test_one_count_after_years_of_zeros_is_no_runaway_trend():
    """Complete separation (real: a rural wijk with one bike theft in 4 years) drops the trend."""
    values = [0.0] * 56
    values[4] = values[47] = 1.0
    result = expectation(values, MONTHS)
    assert result.method == "farrington"
    assert not result.details["trend"]
    assert result.threshold < 5
    assert np.isfinite(result.details["dispersion_predictive"])
    assert result.details["dispersion_predictive"] < 1e6
