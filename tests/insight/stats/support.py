"""Helpers shared by the early-warning tests: periods per year and seeded Poisson series."""

from __future__ import annotations

import numpy as np

MONTHS = 12
TWO_WEEKS = 26


def poisson(mean, size, seed):
    return np.random.default_rng(seed).poisson(mean, size).astype(float)


def with_last(values, last):
    values = np.array(values, dtype=float)
    values[-1] = last
    return values
