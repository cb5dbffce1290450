"""The kept list of periods with figures (:class:`~openveiligheid.figures.models.FigurePeriod`).

Every writer of ``Figure`` rows calls :func:`refresh_periods` for the measures (and years) it
changed, inside its own transaction, so the pages read a few hundred rows instead of scanning
millions of figures for their distinct periods (issue #13: with 10M figures stored, listing the
periods took 1.0 s of the Kaart's 1.5 s)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet

from openveiligheid.figures.models import Figure, FigurePeriod


def refresh_periods(measure_ids: Iterable[int], years: Iterable[int] | None = None) -> None:
    """Recompute the kept periods of ``measure_ids`` (only of ``years`` when given) from the
    stored figures: one ``DELETE`` and one ``INSERT … SELECT DISTINCT``, set-wise."""
    ids = sorted(set(measure_ids))
    chosen = None if years is None else sorted(set(years))
    if not ids or chosen == []:
        return
    kept = FigurePeriod.objects.filter(measure_id__in=ids)
    stored = Figure.objects.filter(measure_id__in=ids)
    if chosen is not None:
        kept, stored = kept.filter(year__in=chosen), stored.filter(year__in=chosen)
    kept._raw_delete(kept.db)
    _insert(stored)


def refresh_all_periods() -> None:
    """Recompute the whole list (after a restore, or when the table is new)."""
    FigurePeriod.objects.all()._raw_delete(FigurePeriod.objects.db)
    _insert(Figure.objects.all())


def _insert(figures: QuerySet) -> None:
    """The distinct periods of ``figures`` into the kept list, without a row through Python."""
    select, params = (
        figures.values_list(
            "measure_id", "area__division", "area__gemeente_code", "area__level", "year", "month"
        )
        .order_by()
        .distinct()
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FigurePeriod._meta.db_table} "
            f"(measure_id, division, gemeente_code, level, year, month) {select}",
            params,
        )
