"""EARS C1-C3 on short histories, checked by hand."""

from __future__ import annotations

import math
import statistics

import pytest
from scipy import stats

from openveiligheid.insight.stats.earlywarning import expectation
from openveiligheid.insight.stats.ears import EarsSettings

from .support import MONTHS

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
