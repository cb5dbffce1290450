"""The kept list of periods with figures (:class:`~openveiligheid.figures.models.FigurePeriod`).

Every writer of ``Figure`` rows calls :func:`refresh_periods` for the measures (and years) it
changed, inside its own transaction, so the pages read a few hundred rows instead of scanning
millions of figures for their distinct periods (issue #13: with 10M figures stored, listing the
periods took 1.0 s of the Kaart's 1.5 s)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from openveiligheid.areas.models import Area
from openveiligheid.figures.models import Figure, FigurePeriod


def refresh_periods(measure_ids: Iterable[int], years: Iterable[int] | None = None) -> None:
    """Recompute the kept periods of ``measure_ids`` (only of ``years`` when given) from the
    stored figures: one ``DELETE`` and one ``INSERT … SELECT DISTINCT``, set-wise."""
    ids = sorted(set(measure_ids))
    chosen = None if years is None else sorted(set(years))
    if not ids or chosen == []:
        return
    kept = FigurePeriod.objects.filter(measure_id__in=ids)
    where, params = _in("f.measure_id", ids)
    if chosen is not None:
        kept = kept.filter(year__in=chosen)
        years_where, year_params = _in("f.year", chosen)
        where, params = f"{where} AND {years_where}", params + year_params
    kept._raw_delete(kept.db)
    _insert(f"WHERE {where}", params)


def refresh_all_periods() -> None:
    """Recompute the whole list (after a restore, or when the table is new)."""
    FigurePeriod.objects.all()._raw_delete(FigurePeriod.objects.db)
    _insert("", [])


def _insert(where: str, params: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FigurePeriod._meta.db_table} "
            "(measure_id, division, gemeente_code, level, year, month) "
            "SELECT DISTINCT f.measure_id, a.division, a.gemeente_code, a.level, f.year, f.month "
            f"FROM {Figure._meta.db_table} f JOIN {Area._meta.db_table} a ON a.id = f.area_id "
            f"{where}",
            params,
        )


def _in(column: str, values: list[int]) -> tuple[str, list[int]]:
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)
