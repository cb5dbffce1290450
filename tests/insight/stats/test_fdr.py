"""Multiple testing across a run: Benjamini-Hochberg adjusted p-values and cutoffs."""

from __future__ import annotations

import numpy as np
from scipy import stats

from openveiligheid.insight.stats.earlywarning import detect
from openveiligheid.insight.stats.fdr import step_up_cutoffs

from .support import MONTHS, with_last


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
