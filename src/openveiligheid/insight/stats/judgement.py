"""The judgement of many count series at once, shared by the early-warning methods.

Pure statistics: no Django. :class:`Judged` holds, as a struct of arrays, what a method
concludes about the last value of S series (expected value, threshold, p-value) and the
distributions behind the p-values, so that the run (:mod:`.earlywarning`) can move the
thresholds to its multiple-testing level afterwards. :func:`clean_counts` is the one rule for
missing values: ``None``, NaN, infinite and negative counts are missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

METHOD_FARRINGTON = "farrington"
METHOD_NONE = "te-weinig-gegevens"
EARS_METHODS = {"C1": "ears-c1", "C2": "ears-c2", "C3": "ears-c3"}

PHI_NODES = 16  # EARS: quantile nodes for the uncertainty of the dispersion


@dataclass
class Judged:
    """Struct of arrays: the judgement of S series and the distributions behind their p-values.

    Farrington: ``mu`` and ``phi`` are the mean and dispersion of the negative binomial of the
    p-value. EARS: when ``counted`` (predictive) the mixture ``mix_mu``/``mix_phi`` (one column
    per node), else the normal with ``sigma``; ``lagged`` holds C3's two lagged terms.
    """

    observed: np.ndarray
    expected: np.ndarray
    threshold: np.ndarray
    p_value: np.ndarray
    alpha: np.ndarray
    method: np.ndarray
    mu: np.ndarray
    phi: np.ndarray
    sigma: np.ndarray
    counted: np.ndarray
    mix_mu: np.ndarray
    mix_phi: np.ndarray
    lagged: np.ndarray
    details: list

    @classmethod
    def blank(cls, observed: np.ndarray) -> Judged:
        size = len(observed)
        arrays = {
            f.name: np.full(size, np.nan)
            for f in fields(cls)
            if f.name not in ("observed", "method", "details")
        }
        arrays["lagged"][:] = 0.0
        arrays["counted"] = np.ones(size, dtype=bool)
        arrays["mix_mu"] = np.full((size, PHI_NODES), np.nan)
        arrays["mix_phi"] = np.full((size, PHI_NODES), np.nan)
        return cls(
            observed=np.asarray(observed, dtype=float),
            method=np.full(size, METHOD_NONE, dtype=object),
            details=[{"reason": "te korte reeks"} for _ in range(size)],
            **arrays,
        )

    def assign(self, index: np.ndarray, part: Judged) -> None:
        for f in fields(self):
            if f.name == "details":
                for i, d in zip(index, part.details, strict=True):
                    self.details[i] = d
            else:
                getattr(self, f.name)[index] = getattr(part, f.name)


def clean_counts(counts: Sequence[float | None]) -> np.ndarray:
    """Counts as floats, with NaN for None, NaN, infinite and negative values."""
    values = np.array(counts, dtype=float)  # None becomes NaN
    values[~np.isfinite(values) | (values < 0)] = np.nan
    return values
