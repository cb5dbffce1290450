"""Database helpers that the apps share."""

from __future__ import annotations

from django.db import connection, models

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
