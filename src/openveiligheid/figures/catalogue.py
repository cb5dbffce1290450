"""The database side of the measure catalogue (:mod:`openveiligheid.core.measures`).

A ``Measure`` row is created when a measure is first stored, with the label and additivity
the catalogue gives; pages, downloads and the analyses read them from there
(:func:`openveiligheid.figures.services.measure_labels`, ``Measure.additive``).
"""

from __future__ import annotations

from openveiligheid.core.measures import is_additive, is_sensitive, label_for
from openveiligheid.figures.models import Measure


def measure_ids(names: set[str]) -> dict[str, int]:
    """Name -> primary key of these measures; the missing ones are created from the catalogue."""
    existing = dict(Measure.objects.filter(name__in=names).values_list("name", "pk"))
    missing = [
        Measure(
            name=name,
            additive=is_additive(name),
            label=label_for(name),
            sensitive=is_sensitive(name),
        )
        for name in sorted(names - set(existing))
    ]
    for measure in Measure.objects.bulk_create(missing):
        existing[measure.name] = measure.pk
    if len(existing) < len(names):  # backends that do not return primary keys
        existing = dict(Measure.objects.filter(name__in=names).values_list("name", "pk"))
    return existing
