"""Early warning ("signalering") for monthly or two-weekly crime counts: the entry point.

Pure statistics: no Django, no database. For every series (measure x area) the last period is
judged against an expected count and an upper threshold:

* the improved Farrington method (Noufaily et al. 2012; ``farringtonFlexible`` with the Noufaily
  options in R's *surveillance* package) when at least three years of history exist
  (:mod:`.farrington`);
* EARS C1, C2 or C3 (Hutwagner et al. 2003; ``earsC`` in *surveillance*) for shorter histories
  (:mod:`.ears`).

:func:`expectation` judges one series. :func:`detect` judges all series of one run
(:mod:`.series`), applies the minimum count and Benjamini-Hochberg control of the false
discovery rate across the run (:mod:`.fdr`), and reports since when each signal has been
running. The Dutch sentence for a :class:`Signal` is made outside the statistics, by
``openveiligheid.insight.wording.describe``. Methods, defaults and the deviations from the R
code are documented in ``docs/methods.md`` (sections "Early warning: ...").

Thresholds are the methods' own (Noufaily's negative binomial quantile, EARS' mean + z * sd).
The p-values that feed the multiple-testing step also count the estimation error of the
expected value (``predictive=True``, the default); without that they are far too small in the
tail where a run of thousands of series is decided.

Missing values: ``None``, NaN, infinite and negative counts are treated as missing. A missing
baseline value is left out of the fit; a missing current value cannot be judged.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from openveiligheid.insight.stats import ears as ears_method
from openveiligheid.insight.stats import farrington as farrington_method
from openveiligheid.insight.stats.ears import EarsSettings
from openveiligheid.insight.stats.farrington import FarringtonSettings
from openveiligheid.insight.stats.fdr import FDR_METHODS, adjust, step_up_cutoffs
from openveiligheid.insight.stats.judgement import (
    EARS_METHODS,
    METHOD_FARRINGTON,
    METHOD_NONE,
    Judged,
    clean_counts,
)
from openveiligheid.insight.stats.series import (
    judge_many,
    judge_options,
    periods_in_alarm,
    plausible,
)

__all__ = [
    "EARS_METHODS",
    "EXCEPTIONAL_P",
    "METHOD_FARRINGTON",
    "METHOD_NONE",
    "UNUSUAL_CLEAR",
    "UNUSUAL_EXCEPTIONAL",
    "UNUSUAL_HIGHER",
    "UNUSUAL_NORMAL",
    "UNUSUAL_UNKNOWN",
    "EarsSettings",
    "Expectation",
    "FarringtonSettings",
    "Signal",
    "detect",
    "expectation",
]

UNUSUAL_EXCEPTIONAL = "uitzonderlijk hoog"
UNUSUAL_CLEAR = "duidelijk hoger dan verwacht"
UNUSUAL_HIGHER = "hoger dan verwacht, maar geen signaal"
UNUSUAL_NORMAL = "binnen de verwachting"
UNUSUAL_UNKNOWN = "niet te beoordelen"

#: Adjusted p-value at or below which an alarm is called "uitzonderlijk hoog".
EXCEPTIONAL_P = 0.001


# --------------------------------------------------------------------------------------------
# Public results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    """The judgement of the last value of one series.

    ``threshold`` is the method's own upper threshold at its level ``details["alpha"]``: a
    count above it is unusual for this one series. ``p_value`` is the upper-tail probability
    of observing at least ``observed`` under the fitted model (with the estimation error of
    the expected value when the settings say ``predictive``; ``details["p_value_plugin"]``
    holds the one without). For ``method == "te-weinig-gegevens"`` expected and threshold are
    NaN and p_value is None.
    """

    observed: float
    expected: float
    threshold: float
    p_value: float | None
    method: str
    details: dict


@dataclass(frozen=True)
class Signal:
    """The verdict on the last value of one series within one run of :func:`detect`.

    ``threshold`` is the largest count that would not have been an alarm in this run (other
    series unchanged): it combines the method's own threshold, the multiple-testing control,
    the minimum count and the expected value, so ``alarm`` is exactly ``observed > threshold``.
    """

    key: object
    observed: float
    expected: float
    threshold: float
    p_value: float | None
    p_adjusted: float | None
    alarm: bool
    method: str
    since: int | None
    unusual: str
    frequency: int = 12
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """A JSON-friendly dict: NaN and infinity become None."""
        return {f.name: _json_safe(getattr(self, f.name)) for f in fields(self)}


def _json_safe(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------------------------
# One series
# --------------------------------------------------------------------------------------------


def expectation(
    counts: Sequence[float | None],
    frequency: int,
    *,
    min_years_farrington: int = 3,
    ears_variant: str = "C2",
    farrington: FarringtonSettings | None = None,
    ears: EarsSettings | None = None,
) -> Expectation:
    """Judge the last value of ``counts`` (chronological, ``frequency`` periods per year).

    Farrington is used when the history (all values before the last) spans at least
    ``min_years_farrington`` years plus the half window; otherwise EARS ``ears_variant``
    (or a simpler variant when the history is too short for it); otherwise nothing.
    """
    options = judge_options(frequency, farrington, ears, min_years_farrington, ears_variant)
    judged = judge_many([clean_counts(counts)], options)
    p = judged.p_value[0]
    return Expectation(
        observed=float(judged.observed[0]),
        expected=float(judged.expected[0]),
        threshold=float(judged.threshold[0]),
        p_value=float(p) if np.isfinite(p) else None,
        method=str(judged.method[0]),
        details=dict(judged.details[0]),
    )


# --------------------------------------------------------------------------------------------
# One run over many series
# --------------------------------------------------------------------------------------------


def detect(
    series: Mapping[object, Sequence[float | None]],
    frequency: int,
    *,
    min_count: int = 5,
    alpha: float = 0.05,
    lookback: int = 3,
    fdr: str = "bh",
    min_years_farrington: int = 3,
    ears_variant: str = "C2",
    farrington: FarringtonSettings | None = None,
    ears: EarsSettings | None = None,
) -> list[Signal]:
    """Judge the last value of every series in one run; one :class:`Signal` per series, in order.

    alarm = the series has a p-value AND observed >= min_count AND observed > expected AND
    observed > the method's own threshold AND p_adjusted <= alpha, where p_adjusted comes from
    Benjamini-Hochberg (``fdr="bh"``), Benjamini-Yekutieli (``"by"``) or nothing (``"none"``)
    over all series of the run that have a p-value. The reported threshold is the largest count
    that would not have been an alarm, so ``alarm == (observed > threshold)``.
    """
    options = judge_options(frequency, farrington, ears, min_years_farrington, ears_variant)
    if fdr not in FDR_METHODS:
        raise ValueError(f"fdr must be 'bh', 'by' or 'none', not {fdr!r}")
    keys = list(series)
    arrays = [clean_counts(series[k]) for k in keys]
    judged = judge_many(arrays, options)
    tested = np.isfinite(judged.p_value)
    p_adj = np.full(len(keys), np.nan)
    cutoff = np.full(len(keys), np.nan)
    if tested.any():
        p_adj[tested] = adjust(judged.p_value[tested], fdr)
        cutoff[tested] = step_up_cutoffs(judged.p_value[tested], alpha, fdr)
    alarm = plausible(judged, min_count) & (p_adj <= alpha)
    threshold = _run_thresholds(judged, cutoff, min_count, alarm)
    running = periods_in_alarm(arrays, np.flatnonzero(alarm), cutoff, min_count, lookback, options)
    context = (judged, p_adj, threshold, alarm, running, options.frequency, min_count, lookback)
    return [_signal(keys[i], i, *context) for i in range(len(keys))]


def _run_thresholds(
    judged: Judged, cutoff: np.ndarray, min_count: int, alarm: np.ndarray
) -> np.ndarray:
    """max(method threshold, threshold at the run's cutoff, min_count - 1, expected)."""
    threshold = np.full(len(cutoff), np.nan)
    for method in np.unique(judged.method):
        if method == METHOD_NONE:
            continue
        idx = np.flatnonzero(judged.method == method)
        at_cutoff = _threshold_at(judged, idx, cutoff[idx], method)
        threshold[idx] = np.maximum.reduce(
            [
                judged.threshold[idx],
                at_cutoff,
                np.full(idx.size, float(min_count - 1)),
                judged.expected[idx],
            ]
        )
    observed = judged.observed
    fix_alarm = alarm & ~(observed > threshold)
    threshold[fix_alarm] = np.ceil(observed[fix_alarm]) - 1  # floating-point edge cases only
    fix_quiet = ~alarm & (observed > threshold)
    threshold[fix_quiet] = observed[fix_quiet]
    return threshold


def _threshold_at(judged: Judged, idx: np.ndarray, level: np.ndarray, method: str) -> np.ndarray:
    if method == METHOD_FARRINGTON:
        return farrington_method.threshold_at(judged, idx, level)
    return ears_method.threshold_at(judged, idx, level, method.split("-")[1].upper())


def _unusual(alarm: bool, observed: float, judged: Judged, i: int, p_adj: float) -> str:
    if judged.method[i] == METHOD_NONE:
        return UNUSUAL_UNKNOWN
    if alarm:
        return UNUSUAL_EXCEPTIONAL if p_adj <= EXCEPTIONAL_P else UNUSUAL_CLEAR
    if observed > judged.threshold[i] and observed > judged.expected[i]:
        return UNUSUAL_HIGHER
    return UNUSUAL_NORMAL


def _signal(key, i, judged, p_adj, threshold, alarm, running, frequency, min_count, lookback):
    p = judged.p_value[i]
    is_alarm = bool(alarm[i])
    observed = float(judged.observed[i])
    details = dict(judged.details[i])
    details["min_count"] = min_count
    details["threshold_method"] = float(judged.threshold[i])
    periods = running.get(i) if is_alarm else None
    details["since_at_least"] = bool(is_alarm and periods == lookback + 1)
    return Signal(
        key=key,
        observed=observed,
        expected=float(judged.expected[i]),
        threshold=float(threshold[i]),
        p_value=float(p) if np.isfinite(p) else None,
        p_adjusted=float(p_adj[i]) if np.isfinite(p_adj[i]) else None,
        alarm=is_alarm,
        method=str(judged.method[i]),
        since=periods,
        unusual=_unusual(is_alarm, observed, judged, i, p_adj[i]),
        frequency=frequency,
        details=details,
    )
