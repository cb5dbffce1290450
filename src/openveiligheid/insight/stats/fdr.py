"""Multiple testing across one run of early warning: Benjamini-Hochberg and -Yekutieli.

Pure statistics: no Django. :func:`adjust` gives the adjusted p-values (``"bh"``: Benjamini
and Hochberg 1995, ``"by"``: Benjamini and Yekutieli 2001, ``"none"``: unchanged);
:func:`step_up_cutoffs` gives, per test, the largest p-value at which it would still be
rejected, which the run turns into the threshold it reports.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

FDR_METHODS = ("bh", "by", "none")


def adjust(p_values: np.ndarray, fdr: str) -> np.ndarray:
    """Adjusted p-values by ``fdr`` (``"bh"``, ``"by"`` or ``"none"``)."""
    if fdr == "none":
        return p_values.copy()
    return stats.false_discovery_control(p_values, method=fdr)


def step_up_cutoffs(p_values: np.ndarray, alpha: float, fdr: str = "bh") -> np.ndarray:
    """For each test the largest p-value it could have had and still be rejected, others fixed.

    Benjamini-Hochberg rejects every p <= alpha*R/m with R = max{k : #(p <= alpha*k/m) >= k}.
    A rejected test keeps alpha*R/m; a test that is not rejected would be rejected at
    alpha*k/m for the largest k with #(other p <= alpha*k/m) >= k - 1. Benjamini-Yekutieli
    divides alpha by the harmonic number H_m; ``"none"`` gives alpha for every test.
    """
    p_values = np.asarray(p_values, dtype=float)
    m = len(p_values)
    if fdr == "none":
        return np.full(m, alpha)
    scale = np.sum(1.0 / np.arange(1, m + 1)) if fdr == "by" else 1.0
    ranks = np.arange(1, m + 1)
    steps = alpha * ranks / (m * scale)
    counts = np.searchsorted(np.sort(p_values), steps, side="right")
    rejected = ranks[counts >= ranks].max(initial=0)
    usable = np.where(counts >= ranks - 1, ranks, 0)
    best_below = np.concatenate(([0], np.maximum.accumulate(usable)))
    below = best_below[np.searchsorted(steps, p_values, side="left")]
    own = np.where((rejected > 0) & (p_values <= alpha * rejected / (m * scale)), rejected, 0)
    k = np.maximum(below, own)
    return np.where(k > 0, alpha * k / (m * scale), 0.0)
