"""Database helpers that the apps share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import DatabaseError, OperationalError, connection, models

#: Rows SQLite samples per index for ``ANALYZE`` (https://sqlite.org/lang_analyze.html).
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_statistics(*tables: type[models.Model]) -> None:
    """Let PostgreSQL's planner see what a bulk write just did (``ANALYZE``).

    Autovacuum analyses a table only some time after it changed. A second import straight
    after a large first one (the demo, a national area list) would otherwise be planned on
    statistics that still say "empty", and PostgreSQL then picks nested loops that turn a
    delete of derived figures into minutes. ``ANALYZE`` samples a bounded number of rows (also
    the transaction's own, uncommitted ones), so it costs milliseconds to a second whatever
    the size. SQLite needs them as much for the pages: without statistics it reads a profile's
    figures through the unique key's first column (all 1.2M figures of a measure nationally,
    2.1 s at 10M rows) instead of the area index (0.6 ms; docs/adr/0022); there
    ``PRAGMA analysis_limit`` bounds the sample in the same way.
    """
    if connection.vendor not in {"postgresql", "sqlite"}:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


#: A write-ahead log larger than this after an import is copied into the database and
#: truncated (:func:`shrink_wal`); below it SQLite's own checkpoints suffice.
WAL_SHRINK_BYTES = 64 * 1024 * 1024


@contextmanager
def without_waiting() -> Iterator[None]:
    """On SQLite, statements in this block do not wait for a lock another connection holds
    (``PRAGMA busy_timeout = 0``; ``OV_SQLITE_TIMEOUT`` again after it): a write while an
    import writes raises ``OperationalError`` ("database is locked") at once. For writes that
    may be left for later. Elsewhere nothing changes (PostgreSQL locks rows, not the database).
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (timeout,) = cursor.fetchone()
        cursor.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout)}")


def write_lock_free() -> bool:
    """Whether a write could begin now without waiting: on SQLite, that no other connection
    holds the database's one write lock (tried with ``BEGIN IMMEDIATE`` and at once
    ``ROLLBACK``; writes nothing). Always true elsewhere and inside a transaction."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return True
    try:
        with without_waiting(), connection.cursor() as cursor:
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("ROLLBACK")
    except OperationalError:
        return False
    return True


def shrink_wal() -> bool:
    """Copy SQLite's write-ahead log into the database and truncate it to nothing
    (``PRAGMA wal_checkpoint(TRUNCATE)``) when it is larger than :data:`WAL_SHRINK_BYTES`;
    whether it was truncated.

    One transaction writes all its pages to the log, and the log keeps the size of the largest
    transaction until the last connection closes: 1.5 GB after an import of 10 million rows
    while the server had the database open. Call it after a commit, outside any transaction.
    It does not wait: while a reader still reads an older snapshot (or another writer writes),
    the checkpoint is left and the log stays as it is; SQLite's own checkpoints copy it later.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return False
    if connection.is_in_memory_db():
        return False
    wal = Path(f"{connection.settings_dict['NAME']}-wal")
    try:
        if wal.stat().st_size <= WAL_SHRINK_BYTES:
            return False
    except OSError:  # no log (yet)
        return False
    try:
        with without_waiting(), connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy, _frames, _copied = cursor.fetchone()
    except DatabaseError:  # locked, or the connection went: leave the log
        return False
    return busy == 0
