"""Readable labels for measure names, e.g. ``misdrijven:1.1.1`` → "Diefstal/inbraak woning".

Labels come from CBS's own code lists shipped in ``figures/data/``; a measure without a known
label keeps its name. Labels are set when a measure is first created.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
FIXED = {
    "inwoners": "Inwoners",
    "incidenten:A72": "Fietsdiefstallen (politie-incidenten A72)",
}
RATE_SUFFIX = {"misdrijven_per_1000": " per 1.000 inwoners (zoals CBS publiceert)"}


@functools.cache
def _crime_types() -> dict[str, str]:
    with open(DATA / "SoortMisdrijf_47018NED.csv", encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return {
            row["Key"].strip(): row["Title"].removeprefix(row["Key"].strip()).strip()
            for row in rows
        }


def label_for(measure: str) -> str:
    if measure in FIXED:
        return FIXED[measure]
    prefix, _, rest = measure.partition(":")
    if rest.endswith(":opgehelderd"):
        base = label_for(f"{prefix}:{rest.removesuffix(':opgehelderd')}")
        return f"{base}, opgehelderd" if base else ""
    if prefix in ("misdrijven", "misdrijven_per_1000") and rest in _crime_types():
        return "Geregistreerde misdrijven: " + _crime_types()[rest] + RATE_SUFFIX.get(prefix, "")
    return ""
