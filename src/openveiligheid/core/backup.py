"""Back up and restore the whole database, for both engines, with the tools made for it.

- SQLite: Python's ``sqlite3`` online backup API: a consistent copy while the application keeps
  running (readers and writers go on; WAL mode).
- PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore`` (the client programs of the
  server's major version or newer must be on the PATH; Debian's ``postgresql-client``).

A backup file is one file; which engine made it is told by its first bytes (``SQLite format
3`` or ``PGDMP``). A restore goes into an empty database, or replaces everything with
``replace=True``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A Dutch message about what went wrong; nothing was changed."""


@dataclass(frozen=True)
class DatabaseCensus:
    """Rows per table and a checksum of the stored figure values: what a restore must keep."""

    rows: dict[str, int]
    figures_checksum: str


def row_counts() -> dict[str, int]:
    """Rows of every table of the configured database (what the commands report)."""
    with connection.cursor() as cursor:
        rows = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            rows[table] = cursor.fetchone()[0]
    return rows


def census() -> DatabaseCensus:
    """Rows of every table, and a checksum of the figure values: what a restore must keep."""
    rows = row_counts()
    digest = hashlib.sha256()
    if "figures_figure" in rows:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, value FROM figures_figure ORDER BY id")
            for pk, value in cursor.fetchall():
                digest.update(f"{pk}:{float(value)!r};".encode())
    return DatabaseCensus(rows, digest.hexdigest())


def backup(target: Path) -> Path:
    """Write a backup of the configured database to ``target`` (a file; overwritten)."""
    target = Path(target)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Back-up van een {connection.vendor}-database kan niet.")
    previous = os.umask(0o077)  # the copy is readable by its owner only from the first byte
    try:
        if connection.vendor == "sqlite":
            _sqlite_backup(target)
        else:
            _run_pg("pg_dump", "--format=custom", "--no-owner", "--file", str(target))
    finally:
        os.umask(previous)
    target.chmod(0o600)  # also when an existing file was overwritten
    return target


def restore(source: Path, *, replace: bool = False) -> None:
    """Restore ``source`` into the configured database (empty, or everything replaced)."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"Back-upbestand niet gevonden: {source}")
    head = source.open("rb").read(16)
    if connection.vendor == "sqlite" and head.startswith(SQLITE_MAGIC):
        _require_empty(replace)
        _sqlite_restore(source)
    elif connection.vendor == "postgresql" and head.startswith(PG_MAGIC):
        _require_empty(replace)
        clean = ["--clean", "--if-exists"] if replace else []
        _run_pg("pg_restore", "--no-owner", "--exit-on-error", *clean, str(source))
    else:
        kind = (
            "SQLite"
            if head.startswith(SQLITE_MAGIC)
            else ("PostgreSQL" if head.startswith(PG_MAGIC) else "onbekend")
        )
        raise BackupError(
            f"{source.name} is geen back-up voor deze database ({connection.vendor}); "
            f"soort bestand: {kind}."
        )


def _require_empty(replace: bool) -> None:
    existing = connection.introspection.table_names()
    if existing and not replace:
        raise BackupError(
            f"De database is niet leeg ({len(existing)} tabellen). Terugzetten vervangt alles: "
            "geef --overschrijven als dat de bedoeling is."
        )


def _sqlite_backup(target: Path) -> None:
    connection.ensure_connection()
    partial = target.with_suffix(target.suffix + ".deel")
    dest = sqlite3.connect(partial)
    try:
        connection.connection.backup(dest)
    finally:
        dest.close()
    os.replace(partial, target)


def _sqlite_restore(source: Path) -> None:
    connection.ensure_connection()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        src.backup(connection.connection)
    finally:
        src.close()


def _run_pg(program: str, *args: str) -> None:
    """Run ``pg_dump``/``pg_restore`` against the configured database (``--dbname`` added)."""
    if shutil.which(program) is None:
        raise BackupError(f"{program} ontbreekt: installeer postgresql-client.")
    settings = connection.settings_dict
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    command = [program, "--host", str(settings.get("HOST") or "localhost")]
    if settings.get("PORT"):
        command += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        command += ["--username", str(settings["USER"])]
    command += ["--dbname", str(settings["NAME"]), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{program} mislukt: {done.stderr.strip()[-1000:]}")
