"""Early warning, one run (``detect``): alarms, minimum count, thresholds, robustness."""

from __future__ import annotations

import math

import numpy as np
import pytest

from openveiligheid.insight.stats.earlywarning import detect, expectation

from .support import MONTHS, TWO_WEEKS, poisson, with_last

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


# --- minimum count ---------------------------------------------------------------------------


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


# --- robustness, two-weekly series -----------------------------------------------------------


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
