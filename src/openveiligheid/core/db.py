"""Database helpers that the apps share."""

from __future__ import annotations

from django.db import connection, models


def refresh_statistics(*tables: type[models.Model]) -> None:
    """Let PostgreSQL's planner see what a bulk write just did (``ANALYZE``).

    Autovacuum analyses a table only some time after it changed. A second import straight
    after a large first one (the demo, a national area list) would otherwise be planned on
    statistics that still say "empty", and PostgreSQL then picks nested loops that turn a
    delete of derived figures into minutes. ``ANALYZE`` samples a bounded number of rows (also
    the transaction's own, uncommitted ones), so it costs milliseconds to a second whatever
    the size. SQLite plans these queries well without statistics; nothing is done there.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
