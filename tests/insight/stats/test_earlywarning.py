"""Early warning: improved Farrington, EARS C1-C3, minimum count and multiple testing."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from openveiligheid.insight.stats.earlywarning import (
    EarsSettings,
    FarringtonSettings,
    Signal,
    describe,
    detect,
    expectation,
    season_design,
    step_up_cutoffs,
)

MONTHS = 12
TWO_WEEKS = 26


def poisson(mean, size, seed):
    return np.random.default_rng(seed).poisson(mean, size).astype(float)


def with_last(values, last):
    values = np.array(values, dtype=float)
    values[-1] = last
    return values


# --- flat series, outbreaks ---------------------------------------------------------------


def test_constant_series_expects_the_constant_and_gives_no_alarm():
    [signal] = detect({"a": [10.0] * 61}, MONTHS)
    assert signal.method == "farrington"
    assert signal.expected == pytest.approx(10.0)
    assert not signal.alarm
    assert signal.unusual == "binnen de verwachting"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_flat_poisson_series_gives_no_alarm(seed):
    values = with_last(poisson(20, 120, seed), 20)
    [signal] = detect({"a": values}, MONTHS)
    assert signal.method == "farrington"
    assert not signal.alarm
    assert 15 < signal.expected < 25


def test_outbreak_of_three_standard_deviations_is_found():
    baseline = poisson(20, 72, seed=4)
    current = math.ceil(baseline.mean() + 3 * baseline.std(ddof=1))
    [signal] = detect({"a": np.append(baseline, current)}, MONTHS)
    assert signal.method == "farrington"
    assert signal.alarm
    assert signal.observed > signal.threshold > signal.expected


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


# --- EARS ------------------------------------------------------------------------------------

SHORT = [5, 2, 9, 4, 12, 3, 10, 6, 1, 11, 7, 13]


def ears_by_hand(values, t, lag):
    base = values[t - lag - 7 : t - lag]
    mean, sd = statistics.mean(base), statistics.stdev(base)
    assert sd > max(1.0, math.sqrt(mean))  # so the floor does not apply
    return mean, sd, (values[t] - mean) / sd


def predictive_tail(values, t, lag):
    """P(Y >= y): 16 negative binomials, dispersion over chi-square quantiles, mean's error."""
    base = values[t - lag - 7 : t - lag]
    mean = statistics.mean(base)
    ratio = statistics.variance(base) / mean
    tails = []
    for j in range(16):
        phi0 = max(6 * ratio / stats.chi2.ppf((j + 0.5) / 16, 6), 1.0)
        mu, phi = mean + phi0 / 14, phi0 * 8 / 7
        tails.append(stats.nbinom.sf(values[t] - 1, mu / (phi - 1), 1 / phi))
    return statistics.mean(tails)


def test_short_history_uses_ears():
    result = expectation(poisson(10, 30, seed=12), MONTHS)
    assert result.method == "ears-c2"
    three_years = expectation(poisson(10, 37, seed=12), MONTHS)  # 36 months of history
    assert three_years.method == "farrington"
    assert three_years.details["years"] == 3
    assert expectation(poisson(10, 36, seed=12), MONTHS).method == "ears-c2"


@pytest.mark.parametrize(("variant", "lag"), [("C1", 0), ("C2", 2)])
def test_ears_c1_c2_by_hand(variant, lag):
    mean, sd, z = ears_by_hand(SHORT, 11, lag)
    result = expectation(SHORT, MONTHS, ears_variant=variant)
    assert result.method == f"ears-{variant.lower()}"
    assert result.expected == pytest.approx(mean)
    assert result.details["sd"] == pytest.approx(sd)
    assert result.details["statistic"] == pytest.approx(z)
    assert result.threshold == pytest.approx(mean + stats.norm.isf(0.001) * sd)
    assert result.details["p_value_plugin"] == pytest.approx(stats.norm.sf(z))
    assert result.p_value == pytest.approx(predictive_tail(SHORT, 11, lag))
    textbook = EarsSettings(predictive=False)
    assert expectation(SHORT, MONTHS, ears_variant=variant, ears=textbook).p_value == (
        pytest.approx(stats.norm.sf(z))
    )


def test_ears_c3_by_hand():
    scores = [ears_by_hand(SHORT, t, 2)[2] for t in (11, 10, 9)]
    terms = [max(0.0, z - 1) for z in scores]
    mean, sd, _ = ears_by_hand(SHORT, 11, 2)
    result = expectation(SHORT, MONTHS, ears_variant="C3")
    assert result.method == "ears-c3"
    assert result.details["statistic"] == pytest.approx(sum(terms))
    assert result.details["p_value_plugin"] == pytest.approx(stats.norm.sf(sum(terms)))
    z = stats.norm.isf(0.025)
    assert result.threshold == pytest.approx(mean + sd * (1 + z - terms[1] - terms[2]))
    calibrated = [stats.norm.isf(predictive_tail(SHORT, t, 2)) for t in (11, 10, 9)]
    predictive = sum(max(0.0, z - 1) for z in calibrated)
    assert result.p_value == pytest.approx(stats.norm.sf(predictive))


def test_ears_falls_back_to_a_simpler_variant_and_floors_the_sd():
    assert expectation(SHORT[:10], MONTHS, ears_variant="C3").method == "ears-c2"
    assert expectation(SHORT[:9], MONTHS, ears_variant="C2").method == "ears-c1"
    assert expectation(SHORT[:7], MONTHS).method == "te-weinig-gegevens"
    flat = expectation([4] * 8 + [9], MONTHS, ears_variant="C1")
    assert flat.details["sd"] == pytest.approx(2.0)  # sqrt(mean), not 0
    unfloored = EarsSettings(min_sigma=0.5, poisson_floor=False)
    assert expectation([4] * 8, MONTHS, ears_variant="C1", ears=unfloored).details["sd"] == 0.5


# --- minimum count and multiple testing ------------------------------------------------------


def test_one_to_three_is_no_alarm():
    [farrington] = detect({"a": [1.0] * 60 + [3.0]}, MONTHS)
    [ears] = detect({"a": [1.0] * 12 + [3.0]}, MONTHS)
    assert not farrington.alarm
    assert not ears.alarm
    assert farrington.threshold >= 4  # the minimum count is part of the reported threshold


def test_minimum_count_is_what_stops_a_small_rise():
    values = np.zeros(61)
    values[[3, 17, 29, 44]] = 1
    values[-1] = 4
    [blocked] = detect({"a": values}, MONTHS, min_count=5)
    [allowed] = detect({"a": values}, MONTHS, min_count=1)
    assert blocked.p_adjusted < 0.05
    assert not blocked.alarm
    assert blocked.unusual == "hoger dan verwacht, maar geen signaal"
    assert allowed.alarm


def test_benjamini_hochberg_controls_alarms_over_many_null_series():
    rng = np.random.default_rng(13)
    series = {i: rng.poisson(20, 61).astype(float) for i in range(500)}
    series["uitbraak"] = with_last(rng.poisson(20, 61).astype(float), 55)
    corrected = detect(series, MONTHS)
    uncorrected = detect(series, MONTHS, fdr="none")
    null_alarms = sum(s.alarm for s in corrected if s.key != "uitbraak")
    null_uncorrected = sum(s.alarm for s in uncorrected if s.key != "uitbraak")
    assert null_alarms <= 5
    assert null_uncorrected >= 10
    assert null_uncorrected > null_alarms
    assert next(s for s in corrected if s.key == "uitbraak").alarm
    for signal in corrected:
        assert signal.alarm == (signal.observed > signal.threshold)
        assert signal.p_adjusted >= signal.p_value


@pytest.mark.parametrize(
    ("fdr", "variant"), [("bh", "C1"), ("by", "C2"), ("none", "C3"), ("bh", "C3")]
)
def test_alarm_is_exactly_observed_above_threshold(fdr, variant):
    rng = np.random.default_rng(22)
    series = {}
    for i in range(150):
        length = (61, 24, 14)[i % 3]  # Farrington, EARS, EARS falling back for C3
        values = rng.poisson(rng.uniform(0.5, 30), length).astype(float)
        if i % 10 == 0:
            values[-1] = values[:-1].mean() * 3 + 8
        series[i] = values
    series["kort"] = [4.0, 5.0]
    signals = detect(series, MONTHS, fdr=fdr, ears_variant=variant)
    methods = {s.method for s in signals}
    assert methods >= {"farrington", f"ears-{variant.lower()}", "te-weinig-gegevens"}
    assert any(s.alarm for s in signals)
    for signal in signals:
        if signal.method == "te-weinig-gegevens":
            assert not signal.alarm
            continue
        assert signal.alarm == (signal.observed > signal.threshold), signal


def test_predictive_p_values_are_not_too_small_for_sparse_null_series():
    rng = np.random.default_rng(21)
    series = {i: rng.poisson(0.5, 61).astype(float) for i in range(2000)}
    signals = detect(series, MONTHS)
    predictive = sum(s.p_value <= 0.001 for s in signals)
    plugin = sum(s.details["p_value_plugin"] <= 0.001 for s in signals)
    assert predictive <= 4  # 2 expected
    assert plugin > 20  # the plug-in ignores that the expected value is an estimate
    assert not any(s.alarm for s in signals)


def test_step_up_cutoffs_are_the_largest_p_that_would_be_rejected():
    p = np.random.default_rng(14).uniform(size=60) ** 4
    cutoffs = step_up_cutoffs(p, 0.05)
    for i in range(len(p)):
        at = p.copy()
        at[i] = cutoffs[i]
        assert stats.false_discovery_control(at)[i] <= 0.05
        above = p.copy()
        above[i] = cutoffs[i] * 1.0001 + 1e-12
        assert stats.false_discovery_control(above)[i] > 0.05


# --- since, words, robustness ----------------------------------------------------------------


def test_since_counts_consecutive_periods_in_alarm():
    values = poisson(20, 63, seed=15)
    values[-2:] = [45, 48]
    [two] = detect({"a": values}, MONTHS)
    assert two.alarm
    assert two.since == 2
    values[-4:] = [45, 46, 47, 48]
    [capped] = detect({"a": values}, MONTHS, lookback=2)
    assert capped.since == 3
    assert capped.details["since_at_least"]


def test_describe_gives_a_dutch_sentence_with_the_numbers():
    signal = Signal(
        key=("fietsdiefstal", "Centrum"),
        observed=23,
        expected=11.2,
        threshold=19,
        p_value=0.0004,
        p_adjusted=0.0008,
        alarm=True,
        method="farrington",
        since=2,
        unusual="uitzonderlijk hoog",
    )
    assert describe(signal, "fietsdiefstallen", "Centrum", "maart 2024") == (
        "In Centrum zijn in maart 2024 23 fietsdiefstallen geregistreerd; verwacht waren er 11 (drempel 19). Dit is uitzonderlijk hoog en speelt sinds 2 maanden. Bij een normaal verloop is de kans op zo'n aantal ongeveer 1 op 2.500."
    )


def test_describe_quiet_and_unknown_series():
    [quiet] = detect({"a": [10.0] * 61}, MONTHS)
    text = describe(quiet, "woninginbraken", "Noord", "mei 2024")
    assert text.startswith("In Noord zijn in mei 2024 10 woninginbraken geregistreerd; verwacht")
    assert text.endswith("Dit is binnen de verwachting.")
    [unknown] = detect({"a": [3, 4, 2]}, MONTHS)
    assert unknown.method == "te-weinig-gegevens"
    assert "te weinig eerdere gegevens" in describe(unknown, "inbraken", "Zuid", "mei 2024")
    assert unknown.as_dict()["expected"] is None


def test_zeros_and_missing_values_do_not_crash():
    [zeros] = detect({"a": [0.0] * 61}, MONTHS)
    assert zeros.expected == 0
    assert not zeros.alarm
    values = list(poisson(20, 61, seed=16))
    values[5] = None
    values[40] = float("nan")
    values[41] = -3  # invalid counts are missing too
    gappy = expectation(values, MONTHS)
    assert gappy.method == "farrington"
    assert gappy.details["n_baseline"] == 54 - 3
    assert expectation([*values[:-1], None], MONTHS).method == "te-weinig-gegevens"
    sparse = detect({"a": [0, 0, 1, 0, 0, 0, 0, 2, 0, 0] * 6 + [0]}, MONTHS)
    assert not sparse[0].alarm


def test_two_weekly_series():
    flat = with_last(poisson(15, 5 * 26 + 1, seed=17), 15)
    outbreak = with_last(flat, 40)
    quiet, loud = detect({"flat": flat, "outbreak": outbreak}, TWO_WEEKS)
    assert quiet.method == loud.method == "farrington"
    assert quiet.details["half_window"] == 1
    assert quiet.details["past_excluded"] == 13
    assert not quiet.alarm
    assert loud.alarm
    assert "periode" in describe(loud, "inbraken", "Zuid", "week 11-12 2024")


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
