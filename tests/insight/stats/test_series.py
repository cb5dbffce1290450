"""Many series in one run: which method a series' length allows, and since when."""

from __future__ import annotations

from openveiligheid.insight.stats.earlywarning import detect, expectation

from .support import MONTHS, poisson


def test_short_history_uses_ears():
    result = expectation(poisson(10, 30, seed=12), MONTHS)
    assert result.method == "ears-c2"
    three_years = expectation(poisson(10, 37, seed=12), MONTHS)  # 36 months of history
    assert three_years.method == "farrington"
    assert three_years.details["years"] == 3
    assert expectation(poisson(10, 36, seed=12), MONTHS).method == "ears-c2"


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
