"""Benchmark: a national cijfers-CSV of 100k, 1M (or 10M) rows, side by side with DuckDB.

Run: ``.venv/bin/python bench/bench_scale.py [--rows 100000,1000000] [--keep] [--no-floor]
[--sqlite-only | --postgresql-only]``. Under
``bash scripts/with-postgres.sh .venv/bin/python bench/bench_scale.py`` (or with
``OV_DATABASE_URL``/``OV_TEST_POSTGRES_URL`` pointing at a PostgreSQL server) it measures
PostgreSQL too. Prints one table; it asserts nothing and is not part of the test suite.

The file is synthetic but made of real codes: every buurt of the 2024 division
(``demo/data/gebieden_2024_47018NED.csv``, imported first with the area-list import), the crime
codes of the demo (``misdrijven:<code>``), every month of 2024 (and of 2023 for a file larger
than one year, 7.3M rows), seeded counts (zeros included, as the police's monthly table has
them). Each import runs in its own process on a fresh
database: migrate, the area list, then the timed ``import_figures``; the peak memory is that
process's ``ru_maxrss`` (read per child with ``os.wait4``, the per-process form of
``getrusage(RUSAGE_CHILDREN)``). The DuckDB reference is ``CREATE TABLE … AS SELECT * FROM
read_csv(…)`` into a database file. ``bench/bench_import.py`` stays beside it: it times the
area list, the demo and the plan evaluation, which this one does not.

A second table gives the floor of a row store written from Python (up to 2M rows; each in its
own process and fresh database too): the same rows, already parsed into tuples of ids in the
unique key's order, written into the figures table with its indexes in one transaction
(``executemany`` on SQLite, ``COPY`` on PostgreSQL), and then the derived sums alone
(``bulk.Deriver``, in a second transaction). No reading, checking, staging or replacing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AREA_LIST = ROOT / "src/openveiligheid/demo/data/gebieden_2024_47018NED.csv"
CODES = [
    "0.0.0",
    "1.1.1",
    "1.1.2",
    "1.2.3",
    "1.4.5",
    "1.4.6",
    "1.6.1",
    "2.1.1",
    "2.2.1",
    "2.4.1",
    "2.4.2",
    "3.1.1",
    "3.6.4",
    "3.7.4",
    "3.9.1",
    "1.2.1",
    "1.2.2",
    "1.3.1",
    "1.4.1",
    "1.4.2",
    "1.4.3",
    "1.4.4",
    "1.4.7",
    "1.5.2",
    "1.6.2",
    "1.6.3",
    "2.5.1",
    "2.5.2",
    "2.6.1",
    "2.6.2",
    "2.6.4",
    "2.6.7",
    "2.6.8",
    "2.6.9",
    "2.6.10",
    "2.7.2",
    "3.1.2",
    "3.1.3",
    "3.2.1",
    "3.2.2",
    "3.3.2",
    "3.3.5",
]
YEAR = 2024


def buurten() -> list[str]:
    codes = []
    for line in AREA_LIST.read_text(encoding="utf-8").splitlines()[1:]:
        code = line.split(",", 1)[0].strip('"').strip()
        if code.startswith("BU"):
            codes.append(code)
    return codes


def write_file(path: Path, rows: int) -> None:
    """``rows`` figures: per crime code, per month of 2024, every buurt (seeded values); a file
    larger than one year (7.3M rows) goes on with 2023, 2022, … (10M rows: two years)."""
    rng = random.Random(42)
    areas = buurten()
    written = 0
    years = range(YEAR, YEAR - 1 - rows // (len(CODES) * 12 * len(areas)), -1)
    with path.open("w", encoding="utf-8") as out:
        out.write("measure,area,period,value\n")
        for year, code in ((year, code) for year in years for code in CODES):
            for month in range(1, 13):
                lines = []
                for area in areas:
                    if written >= rows:
                        break
                    value = rng.choice((0, 0, 0, 1, 1, 2, 3, 5, 8))
                    lines.append(f"misdrijven:{code},{area},{year}-{month:02d},{value}\n")
                    written += 1
                out.writelines(lines)
                if written >= rows:
                    return


def duckdb_seconds(csv_path: Path, workdir: Path) -> float:
    import duckdb

    target = workdir / "reference.duckdb"
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    con = duckdb.connect(str(target))
    con.execute("CREATE TABLE cijfers AS SELECT * FROM read_csv(?, header = true)", [str(csv_path)])
    con.close()
    seconds = time.perf_counter() - started
    target.unlink()
    return seconds


def child(csv_path: str) -> None:
    """One import in this process (a fresh database set up by the parent's environment)."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openveiligheid.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from openveiligheid.areas.services import import_area_list
    from openveiligheid.figures.services import import_figures

    call_command("migrate", verbosity=0)
    import_area_list(AREA_LIST, division=2024)
    started = time.perf_counter()
    run = import_figures(csv_path, division=2024)
    seconds = time.perf_counter() - started
    if connection.vendor == "sqlite":
        size = Path(connection.settings_dict["NAME"]).stat().st_size
        wal = Path(str(connection.settings_dict["NAME"]) + "-wal")
        size += wal.stat().st_size if wal.exists() else 0
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
    result = {"seconds": seconds, "read": run.read, "derived": run.derived, "bytes": size}
    print("RESULT " + json.dumps(result))


def floor_child(csv_path: str) -> None:
    """The floor: the file's rows, already parsed into tuples of ids (in the unique key's
    order, as the import writes them), written into the figures table with its real indexes
    in one transaction (``executemany`` on SQLite, ``COPY`` on PostgreSQL); then, in a second
    transaction, the derived sums alone (:class:`~openveiligheid.figures.bulk.Deriver`, after
    ``ANALYZE`` as in the import). Nothing is read, checked, staged or compared."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openveiligheid.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from openveiligheid.areas.models import Area
    from openveiligheid.areas.services import import_area_list
    from openveiligheid.core.db import refresh_statistics
    from openveiligheid.figures import bulk, catalogue
    from openveiligheid.figures.models import Figure
    from openveiligheid.figures.services import DERIVED_SOURCE
    from openveiligheid.imports.models import ImportRun

    call_command("migrate", verbosity=0)
    import_area_list(AREA_LIST, division=2024)
    run = ImportRun.objects.create(kind="figures", dataset="floor", file_name="floor", sha256="0")
    rows = _id_tuples(Path(csv_path), Area.objects.filter(division=2024), catalogue, run.pk)
    years = {row[3] for row in rows}
    measures = {row[0] for row in rows}
    written = {}
    for how in ("direct", "via_stage"):
        started = time.perf_counter()
        with transaction.atomic():
            stage = bulk.Stage()  # the import's settings: page cache, work_mem, no JIT
            if how == "direct":
                _write_figures(connection, rows, bulk.FIGURES)
            else:  # as the import does: unindexed, then one INSERT … SELECT in key order
                with connection.cursor() as cursor:  # the figures' columns, no index
                    cursor.execute(f"DROP TABLE {bulk.STAGE}")
                    cursor.execute(
                        f"CREATE TEMPORARY TABLE {bulk.STAGE} AS SELECT {FIGURE_COLUMNS} "
                        f"FROM {bulk.FIGURES} WHERE 1 = 0"
                    )
                _write_figures(connection, rows, bulk.STAGE)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"INSERT INTO {bulk.FIGURES} ({FIGURE_COLUMNS}) SELECT "
                        f"{FIGURE_COLUMNS} FROM {bulk.STAGE} ORDER BY measure_id, area_id, period"
                    )
            stage.drop()
        written[how] = time.perf_counter() - started
        if how == "direct":  # empty again (not timed)
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {bulk.FIGURES}")
    del rows
    started = time.perf_counter()
    with transaction.atomic():
        stage = bulk.Stage()
        refresh_statistics(Figure, Area)
        derived = bulk.Deriver(measures, years, 2024).run(run.pk, DERIVED_SOURCE)
        stage.drop()
    sums = time.perf_counter() - started
    result = {**written, "sums": sums, "derived": derived}
    print("RESULT " + json.dumps(result))


FIGURE_COLUMNS = (
    "measure_id, area_id, period, year, month, value, status, derived, source, import_run_id"
)


def _id_tuples(path: Path, areas, catalogue, run_id: int) -> list[tuple]:
    """The file's rows as the tuples the figures table takes, in key order (not timed)."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    cells = [line.split(",") for line in lines]
    del lines
    measure_ids = catalogue.measure_ids({c[0] for c in cells})
    area_ids = dict(areas.values_list("code", "pk"))
    rows = []
    for measure, area, period, value in cells:
        year, _, month = period.partition("-")
        rows.append(
            (measure_ids[measure], area_ids[area], period, int(year), int(month) if month else None,
             float(value), "definitief", False, "", run_id)
        )  # fmt: skip
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    return rows


def _write_figures(connection, rows: list[tuple], table: str) -> None:
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if connection.vendor == "postgresql":
            with raw.copy(f"COPY {table} ({FIGURE_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(rows[0]))
            raw.executemany(f"INSERT INTO {table} ({FIGURE_COLUMNS}) VALUES ({marks})", rows)


def postgres_url() -> str | None:
    url = os.environ.get("OV_TEST_POSTGRES_URL") or os.environ.get("OV_DATABASE_URL", "")
    return url if url.startswith("postgres") else None


def run_child(csv_path: Path, env: dict[str, str], mode: str = "--child") -> tuple[dict, float]:
    process = subprocess.Popen(
        [sys.executable, __file__, mode, str(csv_path)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"import failed ({process.returncode}):\n{out}")
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :]), usage.ru_maxrss / 1024


def fresh_postgres(url: str, name: str) -> str:
    import psycopg

    base = url.rsplit("/", 1)[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}"')
        con.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="100000,1000000", help="comma-separated row counts")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument(FLOOR, help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-floor", action="store_true", help="skip the floor (writing parsed rows only)"
    )
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    only.add_argument("--postgresql-only", action="store_true", help="skip SQLite")
    parser.add_argument(
        "--keep", action="store_true", help="keep the generated files and databases"
    )
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if args.floor_child:
        floor_child(args.floor_child)
        return
    workdir = Path(tempfile.mkdtemp(prefix="ov-bench-scale-"))
    backends = [] if args.postgresql_only else ["sqlite"]
    pg = None if args.sqlite_only else postgres_url()
    if pg:
        backends.append("postgresql")
    elif args.postgresql_only:
        raise SystemExit("--postgresql-only: no PostgreSQL (run under scripts/with-postgres.sh)")
    header = (
        f"{'database':<10} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'peak MiB':>9} "
        f"{'db MiB':>8} {'derived':>8} {'duckdb s':>9} {'ratio':>6}"
    )
    floor_header = (
        f"{'database':<10} {'rows':>10} {'direct s':>9} {'staged s':>9} {'+sums s':>8} "
        f"{'derived':>8} {'duckdb s':>9} {'write ×':>8} {'+sums ×':>8} {'import s':>9}"
    )
    lines = [header, "-" * len(header)]
    floor = [FLOOR_TITLE, floor_header, "-" * len(floor_header)]
    for rows in [int(r) for r in args.rows.split(",")]:
        csv_path = workdir / f"cijfers_{rows}.csv"
        write_file(csv_path, rows)
        reference = duckdb_seconds(csv_path, workdir)
        for backend in backends:
            env = child_env(backend, workdir, f"{rows}", pg)
            result, peak = run_child(csv_path, env)
            seconds = result["seconds"]
            lines.append(
                f"{backend:<10} {result['read']:>10,} {seconds:>8.2f} {rows / seconds:>9,.0f} "
                f"{peak:>9,.0f} {result['bytes'] / 2**20:>8,.0f} {result['derived']:>8,} "
                f"{reference:>9.2f} {seconds / reference:>6.1f}"
            )
            print(lines[-1], file=sys.stderr, flush=True)
            if args.no_floor or rows > FLOOR_MAX_ROWS:
                continue
            low, _ = run_child(csv_path, child_env(backend, workdir, f"floor_{rows}", pg), FLOOR)
            write = min(low["direct"], low["via_stage"])
            both = write + low["sums"]
            floor.append(
                f"{backend:<10} {rows:>10,} {low['direct']:>9.2f} {low['via_stage']:>9.2f} "
                f"{both:>8.2f} {low['derived']:>8,} {reference:>9.2f} "
                f"{write / reference:>8.1f} {both / reference:>8.1f} {seconds:>9.2f}"
            )
            print(floor[-1], file=sys.stderr, flush=True)
        if not args.keep:
            csv_path.unlink()
    print("\n".join(lines))
    if len(floor) > 3:
        print("\n" + "\n".join(floor))
    if not args.keep:  # the databases of the children too (hundreds of MiB a run)
        shutil.rmtree(workdir)


FLOOR = "--floor-child"
#: The floor keeps every row as a tuple (about 200 bytes each): not run above this size.
FLOOR_MAX_ROWS = 2_000_000
FLOOR_TITLE = (
    "Floor: the same rows already parsed into tuples of ids, written into the figures table "
    "with its indexes in one transaction (SQLite executemany, PostgreSQL COPY): directly, or "
    "staged (into a table without indexes, then INSERT … SELECT in key order, as the import "
    "does); +sums: the faster of the two and then the derived sums alone. ×: times DuckDB."
)


def child_env(backend: str, workdir: Path, name: str, pg: str | None) -> dict[str, str]:
    """The environment of one child: a fresh data folder, and a fresh PostgreSQL database."""
    env = {k: v for k, v in os.environ.items() if k != "OV_TEST_POSTGRES_URL"}
    env.update(OV_DEMO="true", OV_MAX_BESTAND_MB="100000", OV_ANALYSE_NA_IMPORT="false")
    data_dir = workdir / f"data_{backend}_{name}"
    data_dir.mkdir()
    env["OV_DATA_DIR"] = str(data_dir)
    if backend == "sqlite":
        env.pop("OV_DATABASE_URL", None)
    else:
        env["OV_DATABASE_URL"] = fresh_postgres(pg, f"ov_bench_{name}")
    return env


if __name__ == "__main__":
    main()
