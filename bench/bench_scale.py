"""Benchmark: a national cijfers-CSV of 100k, 1M (or 10M) rows, side by side with DuckDB.

Run: ``.venv/bin/python bench/bench_scale.py [--rows 100000,1000000] [--keep]
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
"""

from __future__ import annotations

import argparse
import json
import os
import random
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


def postgres_url() -> str | None:
    url = os.environ.get("OV_TEST_POSTGRES_URL") or os.environ.get("OV_DATABASE_URL", "")
    return url if url.startswith("postgres") else None


def run_child(csv_path: Path, env: dict[str, str]) -> tuple[dict, float]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", str(csv_path)],
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
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    only.add_argument("--postgresql-only", action="store_true", help="skip SQLite")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    if args.child:
        child(args.child)
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
    lines = [header, "-" * len(header)]
    for rows in [int(r) for r in args.rows.split(",")]:
        csv_path = workdir / f"cijfers_{rows}.csv"
        write_file(csv_path, rows)
        reference = duckdb_seconds(csv_path, workdir)
        for backend in backends:
            env = {k: v for k, v in os.environ.items() if k != "OV_TEST_POSTGRES_URL"}
            env.update(OV_DEMO="true", OV_MAX_BESTAND_MB="100000", OV_ANALYSE_NA_IMPORT="false")
            data_dir = workdir / f"data_{backend}_{rows}"
            data_dir.mkdir()
            env["OV_DATA_DIR"] = str(data_dir)
            if backend == "sqlite":
                env.pop("OV_DATABASE_URL", None)
            else:
                env["OV_DATABASE_URL"] = fresh_postgres(pg, f"ov_bench_{rows}")
            result, peak = run_child(csv_path, env)
            seconds = result["seconds"]
            lines.append(
                f"{backend:<10} {result['read']:>10,} {seconds:>8.2f} {rows / seconds:>9,.0f} "
                f"{peak:>9,.0f} {result['bytes'] / 2**20:>8,.0f} {result['derived']:>8,} "
                f"{reference:>9.2f} {seconds / reference:>6.1f}"
            )
            print(lines[-1], file=sys.stderr, flush=True)
        if not args.keep:
            csv_path.unlink()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
