"""Many count series judged at once: the method each series allows, and since when.

Pure statistics: no Django. :func:`judge_many` judges the last value of every series with the
improved Farrington method (:mod:`.farrington`) when the history spans enough years, else
with EARS (:mod:`.ears`), else not at all; series of equal length are fitted together in
chunks. :func:`periods_in_alarm` counts the consecutive periods an alarmed series has been in
alarm, by judging the earlier periods with the same cutoff as the current one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from openveiligheid.insight.stats import ears as ears_method
from openveiligheid.insight.stats import farrington as farrington_method
from openveiligheid.insight.stats.ears import EarsSettings
from openveiligheid.insight.stats.farrington import FarringtonSettings
from openveiligheid.insight.stats.judgement import EARS_METHODS, Judged

_CHUNK = 2048  # series per batched fit; bounds the memory of the (S, n, p) arrays


@dataclass(frozen=True)
class Options:
    """The settings of one run: periods per year, the methods' settings and their choice."""

    frequency: int
    farrington: FarringtonSettings
    ears: EarsSettings
    min_years: int
    variant: str


def judge_options(
    frequency: int,
    farrington: FarringtonSettings | None,
    ears: EarsSettings | None,
    min_years: int,
    variant: str,
) -> Options:
    """Checked :class:`Options`; the methods' default settings where none are given."""
    if int(frequency) != frequency or frequency < 2:
        raise ValueError(f"frequency must be a whole number of periods per year, not {frequency}")
    variant = variant.upper()
    if variant not in EARS_METHODS:
        raise ValueError(f"ears_variant must be C1, C2 or C3, not {variant}")
    return Options(
        int(frequency),
        farrington or FarringtonSettings(),
        ears or EarsSettings(),
        min_years,
        variant,
    )


def judge_many(arrays: Sequence[np.ndarray], options: Options) -> Judged:
    """Judge the last value of every array; series of equal length are fitted together."""
    last = np.array([a[-1] if len(a) else np.nan for a in arrays], dtype=float)
    out = Judged.blank(last)
    groups: dict[int, list[int]] = defaultdict(list)
    for i, values in enumerate(arrays):
        groups[len(values)].append(i)
    for length, members in groups.items():
        if length == 0:
            continue
        for start in range(0, len(members), _CHUNK):
            index = np.array(members[start : start + _CHUNK])
            out.assign(index, _judge_group(np.vstack([arrays[i] for i in index]), options))
    return out


def _judge_group(matrix: np.ndarray, options: Options) -> Judged:
    """Judge series of one length: Farrington where possible, else EARS, else nothing."""
    out = Judged.blank(matrix[:, -1])
    todo = np.isfinite(out.observed)
    for i in np.flatnonzero(~todo):
        out.details[i] = {"reason": "huidige waarde ontbreekt"}
    settings = options.farrington
    spare = matrix.shape[1] - 1 - settings.window(options.frequency)
    years = min(settings.years, spare // options.frequency)
    if years >= max(options.min_years, 1) and todo.any():
        todo &= ~farrington_method.judge(matrix, todo, options.frequency, years, settings, out)
    if todo.any():
        ears_method.judge(matrix, todo, options.variant, options.ears, out)
    return out


def plausible(judged: Judged, min_count: int) -> np.ndarray:
    """Every alarm condition except the multiple-testing one."""
    observed = judged.observed
    with np.errstate(invalid="ignore"):
        return (
            np.isfinite(judged.p_value)
            & (observed >= min_count)
            & (observed > judged.expected)
            & (observed > judged.threshold)
        )


def periods_in_alarm(
    arrays: list[np.ndarray],
    alarmed: np.ndarray,
    cutoff: np.ndarray,
    min_count: int,
    lookback: int,
    options: Options,
) -> dict[int, int]:
    """Consecutive periods in alarm (the current included) for each alarmed series.

    Earlier periods are judged with the same per-series cutoff as the current one (the run's
    multiple-testing level), going back at most ``lookback`` periods.
    """
    periods = {int(i): 1 for i in alarmed}
    running = [int(i) for i in alarmed]
    for back in range(1, lookback + 1):
        running = [i for i in running if len(arrays[i]) > back]
        if not running:
            break
        past = judge_many([arrays[i][:-back] for i in running], options)
        hit = plausible(past, min_count) & (past.p_value <= cutoff[running])
        running = [i for i, h in zip(running, hit, strict=True) if h]
        for i in running:
            periods[i] = back + 1
    return periods
