"""The database side of a large figures import: a staging table and set-wise SQL.

A file's validated rows go in batches into a temporary staging table (``COPY`` on PostgreSQL,
``executemany`` on SQLite), with their measure and area already as keys; no model instance is
made per row and no row is kept in memory. From there everything is one statement each:
finding what a file replaces, removing it, writing the figures, and deriving the sums
(months -> year, buurten -> wijk -> gemeente) with ``INSERT … SELECT … GROUP BY``, by the rules
of :mod:`openveiligheid.figures.aggregation`. All of it runs inside the import's transaction
(:func:`openveiligheid.imports.services.execute`): a failure, or a killed process, leaves the
figures as they were. See docs/adr/0019-bulk-figures-import.md.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from django.db import connection

from openveiligheid.areas.models import Area
from openveiligheid.core.areacodes import BUURT, GEMEENTE, WIJK
from openveiligheid.core.statuses import DEFINITIEF, VOORLOPIG
from openveiligheid.figures.models import Figure, Measure
from openveiligheid.imports.models import ImportRun

STAGE = "ov_figure_stage"
PAIRS = "ov_figure_pairs"
SCOPE = "ov_figure_scope"
CHILDREN = "ov_area_children"
SUMS = "ov_figure_sums"
#: Staging columns, in the order of :meth:`Stage.add`'s tuples.
STAGE_COLUMNS = (
    "seq", "line", "field", "measure_id", "area_id", "period", "year", "month", "value",
    "status", "source",
)  # fmt: skip

#: Rows of a table staged by columns per statement (their Python values are made per batch).
COLUMN_BATCH = 50_000
#: SQLite's page cache while an import runs (KiB; its default is 2,000), and after.
SQLITE_CACHE_KIB = 65_536
SQLITE_DEFAULT_CACHE_KIB = 2_000
#: PostgreSQL's memory per sort or hash while an import runs (``SET LOCAL``: until its commit).
POSTGRES_WORK_MEM = "256MB"

FIGURES = Figure._meta.db_table
AREAS = Area._meta.db_table
MEASURES = Measure._meta.db_table
RUNS = ImportRun._meta.db_table

_STATUS = (
    f"CASE WHEN SUM(CASE WHEN f.status = '{VOORLOPIG}' THEN 1 ELSE 0 END) > 0 "
    f"THEN '{VOORLOPIG}' ELSE '{DEFINITIEF}' END"
)
_KEY_MATCH = "g.measure_id = s.measure_id AND g.area_id = s.area_id AND g.period = s.period"


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _in(values: Iterable) -> tuple[str, list]:
    """``(%s, %s, …)`` and its parameters (an impossible value for an empty set)."""
    values = sorted(values)
    if not values:
        return "(NULL)", []
    return "(" + ", ".join(["%s"] * len(values)) + ")", values


class Stage:
    """The temporary staging table of one import (this connection, this transaction)."""

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            if _postgres():  # sorts and GROUP BYs of a million rows in memory, not on disk;
                # no JIT: compiling took 0.3 s of each large statement and saved less.
                cursor.execute(f"SET LOCAL work_mem = '{POSTGRES_WORK_MEM}'")
                cursor.execute("SET LOCAL jit = off")
            else:  # the indexes of a large table fit in memory while it grows
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            for table in (STAGE, PAIRS, SCOPE, CHILDREN, SUMS):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
            # SQLite: seq is the rowid (free); PostgreSQL: no index to keep up while copying.
            seq = "seq INTEGER" if _postgres() else "seq INTEGER PRIMARY KEY"
            # The defaults are for a file staged by columns without a status or source column.
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE} ({seq}, line INTEGER, "
                "field VARCHAR(200), measure_id INTEGER, area_id INTEGER, period VARCHAR(10), "
                "year INTEGER, month INTEGER, value DOUBLE PRECISION, "
                f"status VARCHAR(10) DEFAULT '{DEFINITIEF}', source VARCHAR(200) DEFAULT '')"
            )

    def add(self, rows: list[tuple]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            raw = cursor.cursor
            if _postgres():
                columns = ", ".join(STAGE_COLUMNS)
                with raw.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(STAGE_COLUMNS))
                raw.executemany(f"INSERT INTO {STAGE} VALUES ({marks})", rows)

    def add_columns(self, frame: pl.DataFrame) -> None:
        """Stage a table whose columns are staging columns, :data:`COLUMN_BATCH` rows per
        statement: as CSV text to ``COPY`` on PostgreSQL, ``executemany`` over its columns on
        SQLite. Columns left out stay empty (``seq``: the rowid on SQLite; ``line``,
        ``field``: only the wording of duplicates needs them, and a file with any is staged
        by rows)."""
        columns = ", ".join(frame.columns)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for batch in frame.iter_slices(COLUMN_BATCH):
                if _postgres():
                    text = batch.write_csv(
                        include_header=False, null_value="\\N", quote_style="non_numeric"
                    )
                    with raw.copy(
                        f"COPY {STAGE} ({columns}) FROM STDIN (FORMAT csv, NULL '\\N')"
                    ) as copy:
                        copy.write(text.encode("utf-8"))
                else:
                    marks = ", ".join("?" * batch.width)
                    values = zip(*(batch[name].to_list() for name in batch.columns), strict=True)
                    raw.executemany(f"INSERT INTO {STAGE} ({columns}) VALUES ({marks})", values)

    def clear(self) -> None:
        """Empty the staging table (a file staged by columns that must be staged by rows)."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {STAGE}")

    def rows(self, seqs: Iterable[int]) -> dict[int, tuple]:
        """seq -> (line, field, measure_id, area_id, period) of these staged rows."""
        marks, params = _in(seqs)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT seq, line, field, measure_id, area_id, period FROM {STAGE} "
                f"WHERE seq IN {marks}",
                params,
            )
            return {seq: tuple(rest) for seq, *rest in cursor.fetchall()}

    def drop(self) -> None:
        with connection.cursor() as cursor:
            if not _postgres():
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_DEFAULT_CACHE_KIB}")
            for table in (STAGE, PAIRS, SCOPE, CHILDREN, SUMS):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")


def anything_stored(measure_ids: set[int], periods: set[str], division: int) -> bool:
    """Whether any figure exists for these measures and periods in this division (when none
    does, a file replaces nothing and the comparisons below can be skipped)."""
    return Figure.objects.filter(
        measure_id__in=measure_ids, period__in=periods, area__division=division
    ).exists()


def find_scope(
    dataset: str, pairs: set[tuple[int, str]], gemeenten: set[str], division: int
) -> None:
    """Fill the scope table: the published figures a file replaces (the same dataset, and the
    measures, periods and gemeenten, or the Netherlands ``""``, that the file holds)."""
    measures, m_params = _in({m for m, _ in pairs})
    periods, p_params = _in({p for _, p in pairs})
    councils, g_params = _in(gemeenten)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {PAIRS} (measure_id INTEGER, period VARCHAR(10))")
        cursor.executemany(f"INSERT INTO {PAIRS} VALUES (%s, %s)", sorted(pairs))
        cursor.execute(
            f"CREATE TEMPORARY TABLE {SCOPE} AS SELECT f.id, f.measure_id, f.area_id, f.period "
            f"FROM {FIGURES} f JOIN {RUNS} r ON r.id = f.import_run_id "
            f"JOIN {AREAS} a ON a.id = f.area_id "
            f"WHERE r.dataset = %s AND a.division = %s AND f.derived = %s "
            f"AND a.gemeente_code IN {councils} AND f.measure_id IN {measures} "
            f"AND f.period IN {periods} AND EXISTS (SELECT 1 FROM {PAIRS} p "
            "WHERE p.measure_id = f.measure_id AND p.period = f.period)",
            [dataset, division, False, *g_params, *m_params, *p_params],
        )
        cursor.execute(f"CREATE INDEX {STAGE}_key ON {STAGE} (measure_id, area_id, period)")


def removed_counts() -> list[tuple[str, str, int]]:
    """(measure name, period, count) of the scope's figures that the file does not give again."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.name, g.period, COUNT(*) FROM {SCOPE} g "
            f"JOIN {MEASURES} m ON m.id = g.measure_id "
            f"WHERE NOT EXISTS (SELECT 1 FROM {STAGE} s WHERE {_KEY_MATCH}) "
            "GROUP BY m.name, g.period"
        )
        return cursor.fetchall()


def replace_existing() -> int:
    """Remove the scope's figures and any other figure (another dataset's, or a derived one)
    with a key the file brings; return how many of the file's keys existed (updated)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {STAGE} s WHERE EXISTS "
            f"(SELECT 1 FROM {FIGURES} g WHERE {_KEY_MATCH})"
        )
        updated = cursor.fetchone()[0]
        cursor.execute(f"DELETE FROM {FIGURES} WHERE id IN (SELECT id FROM {SCOPE})")
        cursor.execute(
            f"DELETE FROM {FIGURES} WHERE id IN (SELECT g.id FROM {STAGE} s "
            f"JOIN {FIGURES} g ON {_KEY_MATCH})"
        )
    return updated


def insert_staged(run_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FIGURES} (measure_id, area_id, period, year, month, value, status, "
            "derived, source, import_run_id) SELECT measure_id, area_id, period, year, month, "
            # In key order: the unique index then grows at its end instead of everywhere.
            f"value, status, %s, source, %s FROM {STAGE} ORDER BY measure_id, area_id, period",
            [False, run_id],
        )
        return cursor.rowcount


class Deriver:
    """Set-wise :func:`openveiligheid.figures.aggregation.derive` for stored figures.

    ``zeros_omitted``: the files left zeros out, so a missing part counts as 0 where the file
    covers the period (``covered``): a year is summed when every month of it is covered, an
    area when the period is; otherwise every part must be present, as in ``derive``.

    Each step groups the figures once into a table of sums (:data:`SUMS`), complete or not;
    the complete ones are written, and the others are what :meth:`missing` counts, so the
    sums that could not be made cost no second pass over the figures."""

    def __init__(
        self,
        measure_ids: set[int],
        years: set[int],
        division: int,
        *,
        zeros_omitted: bool = False,
        covered: set[str] = frozenset(),
    ) -> None:
        self.division = division
        self.measures = _in(measure_ids)
        self.years = _in(years)
        self.zeros_omitted = zeros_omitted
        full = {y for y in years if all(f"{y}-{m:02d}" in covered for m in range(1, 13))}
        self.full_years = _in(full if zeros_omitted else ())
        # A year whose every month the file covers is covered too (its area sums).
        self.covered = _in(({str(y) for y in full} | set(covered)) if zeros_omitted else ())
        self.step = 0

    def _where(self) -> tuple[str, list]:
        measures, m_params = self.measures
        years, y_params = self.years
        return (
            f"a.division = %s AND f.measure_id IN {measures} AND f.year IN {years}",
            [self.division, *m_params, *y_params],
        )

    def clear(self) -> None:
        measures, m_params = self.measures
        years, y_params = self.years
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FIGURES} WHERE derived = %s AND measure_id IN {measures} "
                f"AND year IN {years} AND area_id IN (SELECT id FROM {AREAS} WHERE division = %s)",
                [True, *m_params, *y_params, self.division],
            )

    def run(self, run_id: int, source: str) -> int:
        """Derive, in the order of ``derive``; return how many figures were made."""
        self._tables()
        # Months are added to wijken and gemeenten below: their years are counted there.
        made = self._years(run_id, source)
        for level, parent_level in ((BUURT, WIJK), (WIJK, GEMEENTE)):
            made += self._parents(level, run_id, source)
            # Only the parents' months are new: the other levels' years were tried before.
            made += self._years(run_id, source, parent_level)
        return made

    def _tables(self) -> None:
        with connection.cursor() as cursor:
            for table in (CHILDREN, SUMS):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {CHILDREN} (parent_id INTEGER PRIMARY KEY, n INTEGER)"
            )
            cursor.execute(
                f"INSERT INTO {CHILDREN} SELECT parent_id, COUNT(*) FROM {AREAS} "
                "WHERE division = %s AND level IN (%s, %s) AND parent_id IS NOT NULL "
                "GROUP BY parent_id",
                [self.division, WIJK, BUURT],
            )
            # kind: which count of missing sums an incomplete one adds to ("" none).
            cursor.execute(
                f"CREATE TEMPORARY TABLE {SUMS} (step INTEGER, kind VARCHAR(10), "
                "complete INTEGER, measure_id INTEGER, area_id INTEGER, period VARCHAR(10), "
                "year INTEGER, month INTEGER, value DOUBLE PRECISION, status VARCHAR(10))"
            )

    def _sum(self, select: str, params: list, run_id: int, source: str) -> int:
        """Put one step's sums into :data:`SUMS` (``select`` gives its columns after ``step``)
        and write the complete ones; return how many were written."""
        self.step += 1
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {SUMS} SELECT %s, {select}", [self.step, *params])
            cursor.execute(
                f"INSERT INTO {FIGURES} (measure_id, area_id, period, year, month, value, "
                "status, derived, source, import_run_id) SELECT measure_id, area_id, period, "
                f"year, month, value, status, %s, %s, %s FROM {SUMS} "
                "WHERE step = %s AND complete = 1",
                [True, source, run_id, self.step],
            )
            return cursor.rowcount

    def _years(self, run_id: int, source: str, level: str | None = None) -> int:
        where, params = self._where()
        if level is None:
            kind = f"CASE WHEN a.level IN ('{WIJK}', '{GEMEENTE}') THEN '' ELSE 'jaar' END"
        else:
            kind = "'jaar'"
            where, params = where + " AND a.level = %s", [*params, level]
        full, f_params = self.full_years
        year_text = "CAST(f.year AS VARCHAR(10))" if _postgres() else "CAST(f.year AS TEXT)"
        return self._sum(
            f"{kind}, CASE WHEN COUNT(*) = 12 OR f.year IN {full} THEN 1 ELSE 0 END, "
            f"f.measure_id, f.area_id, {year_text}, f.year, NULL, SUM(f.value), {_STATUS} "
            f"FROM {FIGURES} f JOIN {AREAS} a ON a.id = f.area_id "
            f"WHERE {where} AND f.month IS NOT NULL "
            "GROUP BY f.measure_id, f.area_id, f.year, a.level "
            f"HAVING NOT EXISTS (SELECT 1 FROM {FIGURES} g WHERE g.measure_id = f.measure_id "
            f"AND g.area_id = f.area_id AND g.period = {year_text})",
            [*f_params, *params],
            run_id,
            source,
        )

    def _parents(self, level: str, run_id: int, source: str) -> int:
        where, params = self._where()
        covered, c_params = self.covered
        kind = "wijk" if level == BUURT else "gemeente"
        return self._sum(
            f"'{kind}', CASE WHEN COUNT(*) = MAX(c.n) OR f.period IN {covered} THEN 1 ELSE 0 END, "
            "f.measure_id, a.parent_id, f.period, f.year, f.month, SUM(f.value), "
            f"{_STATUS} FROM {FIGURES} f JOIN {AREAS} a ON a.id = f.area_id "
            f"JOIN {CHILDREN} c ON c.parent_id = a.parent_id "
            f"WHERE {where} AND a.level = %s "
            "GROUP BY f.measure_id, a.parent_id, f.period, f.year, f.month "
            f"HAVING NOT EXISTS (SELECT 1 FROM {FIGURES} g WHERE g.measure_id = f.measure_id "
            "AND g.area_id = a.parent_id AND g.period = f.period)",
            [*c_params, *params, level],
            run_id,
            source,
        )

    def missing(self) -> dict[str, int]:
        """Sums that could not be made because a part is missing, after :meth:`run`:
        ``{"jaar": n, "wijk": n, "gemeente": n}`` (years without all 12 months; wijken,
        gemeenten without every child) that no other step made either."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.kind, COUNT(*) FROM {SUMS} s WHERE s.complete = 0 AND s.kind <> '' "
                f"AND NOT EXISTS (SELECT 1 FROM {FIGURES} g WHERE g.measure_id = s.measure_id "
                "AND g.area_id = s.area_id AND g.period = s.period) GROUP BY s.kind"
            )
            found = dict(cursor.fetchall())
        return {kind: found.get(kind, 0) for kind in ("jaar", "wijk", "gemeente")}
