"""Benchmark: page times at 10M figures, and the EXPLAIN of the heaviest queries (issue #13).

Run: ``flock /tmp/bench.lock .venv/bin/python bench/bench_scale_pages.py [--rows 10000000]``.
Under ``bash scripts/with-postgres.sh`` (or with ``OV_TEST_POSTGRES_URL`` set) it measures
PostgreSQL after SQLite (``--sqlite-only`` / ``--postgresql-only`` to choose). Prints its
tables; it asserts nothing and is not part of the test suite.

The database: the demo (``demo.loader.demo_steps``) without its crime figures per buurt, and a
synthetic national cijfers-CSV of ``--rows`` rows in their place, made of real codes (every
buurt of the 2024 division, the demo's crime codes ``misdrijven:<code>`` from
``bench_scale.py``, every month of ``--years``, seeded counts), read by the product's
``import_figures``. Then the demo plans of Groningen (with its example year) and Breda, a plan
of the gemeente with most buurten (Amsterdam), and the analyses of those three gemeenten in the
2024 division. Breda has the only 2024 boundaries the demo ships, so
its Kaart draws a map; those of Groningen and Amsterdam show the table.

Every page type of a plan is rendered through Django's test client by a logged-in user (the
whole request: middleware, session, queries, template): median and 90th percentile of
``--runs`` requests after a warm-up, and the size of the answer. One more request per page
runs under ``CaptureQueriesContext``; every distinct ``SELECT`` it saw is then run again with
all its rows fetched (SQLite only steps to the first row inside ``execute``, so the captured
time alone would flatter it). The three slowest are shown with their plan (SQLite:
``EXPLAIN QUERY PLAN``; PostgreSQL: ``EXPLAIN (ANALYZE, BUFFERS)``), and every query on the
figures table whose plan scans the whole table is listed.

With ``--keep`` and ``--workdir`` the CSV and the databases stay, and a second run times the
pages again without building (the database is recognised by the plan of the largest gemeente).
``--analyze`` runs ``ANALYZE`` before the timing, to see the pages with planner statistics
(the product does not run it; see ``docs/adr/0022-figure-queries-at-scale.md``).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_scale import CODES, buurten, fresh_postgres, postgres_url  # noqa: E402

#: The demo's imports whose crime figures per buurt the synthetic file replaces (the same
#: measures, areas and years): left out, so that the synthetic file is the only source of them.
OVERLAPPING = {"misdrijven 2023", "Breda: misdrijven 2012-2023", "Nijmegen: misdrijven 2023-2025"}
GRONINGEN, BREDA = "GM0014", "GM0758"
#: The plan made by the benchmark for the gemeente with most buurten; its presence marks a
#: database that is built completely (``--keep``).
LARGEST_PLAN = "Bench: gemeente met de meeste buurten"
PAGE_LIMIT_MS = 500
SIZE_LIMIT = 1_500_000
SLOW_QUERIES = 3
#: Queries on figures slower than this are listed with their plan.
SLOW_MS = 50


# --- the synthetic file ------------------------------------------------------------------------


def write_file(path: Path, rows: int, years: range) -> None:
    """``rows`` figures: per crime code (``misdrijven:0.0.0``, the plans' total, first), per
    month of ``years``, every buurt of the 2024 division, seeded values (zeros included)."""
    rng = random.Random(42)
    areas = buurten()
    months = [f"{year}-{month:02d}" for year in years for month in range(1, 13)]
    if rows > len(CODES) * len(months) * len(areas):
        raise SystemExit(f"at most {len(CODES) * len(months) * len(areas):,} distinct rows")
    values = (0, 0, 0, 1, 1, 2, 3, 5, 8)
    left = rows
    with path.open("w", encoding="utf-8") as out:
        out.write("measure,area,period,value\n")
        for code in CODES:
            for month in months:
                chosen = areas[:left]
                out.writelines(
                    f"misdrijven:{code},{area},{month},{rng.choice(values)}\n" for area in chosen
                )
                left -= len(chosen)
                if not left:
                    return


# --- the parent: one child process per database --------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="rows of the figures file")
    parser.add_argument("--years", default="2020-2024", help="years of the monthly figures")
    parser.add_argument("--runs", type=int, default=10, help="timed requests per page")
    parser.add_argument("--workdir", help="folder for the file and the databases")
    parser.add_argument("--keep", action="store_true", help="keep the file and the databases")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--postgresql-only", action="store_true", help="skip SQLite")
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="run ANALYZE before timing (the planner statistics stay in the database)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.runs, args.analyze)
        return
    first, _, last = args.years.partition("-")
    years = range(int(first), int(last or first) + 1)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="ov-bench-scale-pages-"))
    workdir.mkdir(parents=True, exist_ok=True)
    csv_path = workdir / f"cijfers_{args.rows}_{years.start}-{years.stop - 1}.csv"
    if not csv_path.exists():
        started = time.perf_counter()
        write_file(csv_path, args.rows, years)
        print(f"wrote {csv_path} in {time.perf_counter() - started:.1f} s", flush=True)
    for backend in backends(args):
        env = child_env(backend, workdir, args.rows, args.keep)
        print(f"\n=== {backend}, {args.rows:,} rows in the file ({args.years})", flush=True)
        subprocess.run(
            [sys.executable, __file__, "--child", str(csv_path), "--runs", str(args.runs)]
            + (["--analyze"] if args.analyze else []),
            env=env,
            check=True,
        )
        if not args.keep:
            shutil.rmtree(env["OV_DATA_DIR"])  # the SQLite file: gigabytes at 10M
    if not args.keep:
        csv_path.unlink()


def backends(args: argparse.Namespace) -> list[str]:
    chosen = [] if args.postgresql_only else ["sqlite"]
    if not args.sqlite_only and postgres_url():
        chosen.append("postgresql")
    return chosen


def child_env(backend: str, workdir: Path, rows: int, keep: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "OV_TEST_POSTGRES_URL"}
    env.update(
        OV_DEMO="true",
        OV_MAX_BESTAND_MB="100000",
        OV_ANALYSE_NA_IMPORT="false",
        OV_ALLOWED_HOSTS="testserver",
    )
    data_dir = workdir / f"data_{backend}_{rows}"
    data_dir.mkdir(exist_ok=True)
    env["OV_DATA_DIR"] = str(data_dir)
    if backend == "sqlite":
        env.pop("OV_DATABASE_URL", None)
        database = data_dir / "openveiligheid.sqlite3"
        if not keep:
            for path in data_dir.glob("openveiligheid.sqlite3*"):
                path.unlink()
        print(f"database {database}", flush=True)
    else:
        name = f"ov_bench_pages_{rows}"
        url = postgres_url()
        env["OV_DATABASE_URL"] = (
            f"{url.rsplit('/', 1)[0]}/{name}"
            if keep and _exists(url, name)
            else fresh_postgres(url, name)
        )
    return env


def _exists(url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres") as con:
        found = con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


# --- the child: build, then time ----------------------------------------------------------


def child(csv_path: Path, runs: int, analyze: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openveiligheid.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from openveiligheid.policy.models import Plan

    call_command("migrate", verbosity=0)
    if Plan.objects.filter(name=LARGEST_PLAN).exists():
        print("database kept from an earlier run: not built again")
    else:
        build(csv_path)
    describe_database()
    if analyze:
        step("ANALYZE", planner_statistics)
    pages = time_pages(runs)
    print_pages(pages)
    print_queries(pages)


def step(label: str, call: Callable[[], object]) -> object:
    started = time.perf_counter()
    result = call()
    message = getattr(result, "message", "")
    print(f"  {label:<40} {time.perf_counter() - started:8.1f} s  {message[:110]}", flush=True)
    return result


def build(csv_path: Path) -> None:
    """The demo (without the crime figures of the synthetic file), the synthetic file, the
    plans of Groningen and Breda, the analyses, and a plan of the largest gemeente."""
    from openveiligheid.cases.counts import publish_counts
    from openveiligheid.demo.example_year import load_example_year
    from openveiligheid.demo.loader import (
        DEMO_GEMEENTE,
        PLAN_FILE,
        REGIONAL_PLAN_FILES,
        REGISTERS_DATE,
        demo_steps,
    )
    from openveiligheid.figures.services import import_figures
    from openveiligheid.insight.services import deferred
    from openveiligheid.policy.models import Plan
    from openveiligheid.policy.planimport import load_plan

    print("build:")
    with deferred():
        for label, call in demo_steps():
            if label not in OVERLAPPING:
                step(label, call)
        publish_counts({DEMO_GEMEENTE}, today=REGISTERS_DATE)
        run = step(csv_path.name, lambda: import_figures(csv_path, division=2024))
        if run.status != run.SUCCEEDED:
            raise SystemExit(f"import failed: {run.message}")
    plan = step("plan Groningen", lambda: load_plan(PLAN_FILE))
    load_example_year(plan, lambda _message: None)
    step("plan Breda", lambda: load_plan(REGIONAL_PLAN_FILES[0]))
    largest = largest_gemeente()
    analyse([GRONINGEN, BREDA, largest])
    Plan.objects.create(gemeente_code=largest, name=LARGEST_PLAN, division=2024)


def largest_gemeente() -> str:
    from django.db.models import Count

    from openveiligheid.areas.models import Area

    return (
        Area.objects.filter(division=2024, level="buurt")
        .values("gemeente_code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["gemeente_code"]
    )


def analyse(gemeenten: list[str]) -> None:
    """The analyses of the plans' gemeenten, as after an import (one unit per gemeente)."""
    from openveiligheid.insight.services import refresh_gemeente

    for gemeente in gemeenten:
        try:
            step(f"analyses {gemeente}", lambda g=gemeente: refresh_gemeente(2024, g))
        except Exception as error:  # noqa: BLE001 - a benchmark reports and goes on
            print(f"  analyses {gemeente} failed: {type(error).__name__}: {error}")


def planner_statistics() -> None:
    """Statistics for the query planner: SQLite's ``sqlite_stat1`` (sampled, as ``PRAGMA
    optimize`` does), PostgreSQL's ``pg_statistic``."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")
        cursor.execute("ANALYZE")


def describe_database() -> None:
    from django.db import connection

    from openveiligheid.figures.models import Figure, FigurePeriod

    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        size = sum(p.stat().st_size for p in name.parent.glob(name.name + "*"))
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
    print(
        f"figures stored: {Figure.objects.count():,} "
        f"(derived {Figure.objects.filter(derived=True).count():,}); "
        f"kept periods: {FigurePeriod.objects.count():,}; database {size / 2**20:,.0f} MiB"
    )
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Figure._meta.db_table)
    for name, found in sorted(constraints.items()):
        if found["index"] or found["unique"]:
            kind = "unique" if found["unique"] else "index"
            print(f"  {kind} {name} ({', '.join(found['columns'])})")


# --- pages ---------------------------------------------------------------------------------


@dataclass
class PageTime:
    gemeente: str
    label: str
    url: str
    median: float
    p90: float
    size: int
    queries: list[dict]


def page_urls(gemeente: str) -> list[tuple[str, str]]:
    """Every page type of a plan, with areas and the indicator of the plan's crime total."""
    from openveiligheid.areas.models import Area

    def first(level: str) -> str:
        areas = Area.objects.filter(division=2024, gemeente_code=gemeente, level=level)
        return areas.order_by("code").values_list("code", flat=True)[:2]

    wijken, buurt = list(first("wijk")), first("buurt")[0]
    totaal = "/indicator/misdrijven-totaal/"
    return [
        ("Overzicht", "/"),
        ("Overzicht 2023", "/?jaar=2023"),
        ("Indicator (wijken)", totaal),
        ("Indicator (buurten)", totaal + "?niveau=buurt"),
        ("Indicator per 1.000 (buurten)", "/indicator/misdrijven-per-1000/?niveau=buurt"),
        ("Kaart (wijken)", "/kaart/?onderwerp=indicator:misdrijven-totaal"),
        ("Kaart (buurten)", "/kaart/?niveau=buurt&onderwerp=indicator:misdrijven-totaal"),
        (
            "Kaart (buurten, maand, per 1.000)",
            "/kaart/?niveau=buurt&onderwerp=maat:misdrijven:0.0.0&periode=2024-06&per1000=1",
        ),
        ("Gebiedsprofiel (wijk)", f"/gebied/{wijken[0]}/"),
        ("Gebiedsprofiel (buurt)", f"/gebied/{buurt}/"),
        (
            "Vergelijken",
            f"/vergelijken/?gebied={wijken[0]}&gebied={wijken[1]}&jaar=2023&jaar=2024",
        ),
        ("Monitor", "/monitor/"),
        ("Monitor (maand)", "/monitor/?periode=2024-06"),
        ("Plan", "/plan/"),
        ("Doel", "/plan/doel/minder-misdrijven/?jaar=2023"),
        ("Jaarverslag", "/jaarverslag/?jaar=2023"),
        ("Download CSV (buurten)", totaal + "download.csv?niveau=buurt"),
        ("Download XLSX (buurten)", totaal + "download.xlsx?niveau=buurt"),
    ]


def largest_urls() -> list[tuple[str, str]]:
    from openveiligheid.areas.models import Area

    buurt = (
        Area.objects.filter(division=2024, gemeente_code=largest_gemeente(), level="buurt")
        .order_by("code")
        .values_list("code", flat=True)[500]
    )
    return [
        ("Overzicht", "/"),
        ("Kaart (buurten)", "/kaart/?niveau=buurt&onderwerp=maat:misdrijven:0.0.0"),
        ("Gebiedsprofiel (buurt)", f"/gebied/{buurt}/"),
        ("Monitor", "/monitor/"),
    ]


def time_pages(runs: int) -> list[PageTime]:
    from bench_pages import client_for, render_times

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plans = [(GRONINGEN, page_urls(GRONINGEN)), (BREDA, page_urls(BREDA))]
    plans.append((largest_gemeente(), largest_urls()))
    found = []
    for gemeente, urls in plans:
        client = client_for(f"bench-pages-{gemeente}-{os.getpid()}", gemeente)
        for label, url in urls:
            median, p90, size = render_times(client, url, runs=runs)
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            page = PageTime(
                gemeente, label, url, median, p90, size, list(captured.captured_queries)
            )
            found.append(page)
            print(f"  {gemeente} {label:<36} {median:8.1f} ms {size:>11,} B", flush=True)
    return found


def print_pages(pages: list[PageTime]) -> None:
    from django.db import connection

    print(f"\npage times at {_figures():,} figures ({connection.vendor}), median of the runs")
    header = f"{'gemeente':<8} {'page':<36} {'median':>9} {'p90':>9} {'size':>11} {'queries':>7}"
    print(header)
    print("-" * len(header))
    for page in pages:
        flags = " > 500 ms" if page.median > PAGE_LIMIT_MS else ""
        flags += " > 1.5 MB" if page.size > SIZE_LIMIT else ""
        print(
            f"{page.gemeente:<8} {page.label:<36} {page.median:6.1f} ms {page.p90:6.1f} ms "
            f"{page.size:>9,} B {len(page.queries):>7}{flags}"
        )


def _figures() -> int:
    from openveiligheid.figures.models import Figure

    return Figure.objects.count()


# --- queries -------------------------------------------------------------------------------


@dataclass
class Query:
    sql: str
    page: str
    seconds: float


def distinct_selects(pages: list[PageTime]) -> list[Query]:
    """Every distinct ``SELECT`` of the pages, run again with all rows fetched, slowest first."""
    from django.db import connection

    seen: dict[str, str] = {}
    for page in pages:
        for query in page.queries:
            if query["sql"].lstrip().upper().startswith("SELECT"):
                seen.setdefault(query["sql"], f"{page.gemeente} {page.label}")
    timed = []
    with connection.cursor() as cursor:
        for sql, page in seen.items():
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            timed.append(Query(sql, page, time.perf_counter() - started))
    return sorted(timed, key=lambda q: q.seconds, reverse=True)


def explain(sql: str, analyse: bool) -> list[str]:
    from django.db import connection

    if connection.vendor == "sqlite":
        prefix = "EXPLAIN QUERY PLAN "
    else:
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if analyse else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return [row[-1] for row in rows]
    return [row[0] for row in rows]


def full_scan(plan: list[str], table: str) -> bool:
    """Whether the plan reads the whole figures table (no index, no rowid range)."""
    scans = (rf"\bSCAN {table}\b", rf"Seq Scan on {table}\b")
    return any(re.search(pattern, line) for line in plan for pattern in scans)


def figure_alias_scan(plan: list[str]) -> bool:
    """SQLite names an aliased table by its alias: ``SCAN f`` for ``figures_figure f``."""
    return any(re.search(r"\bSCAN f\b", line) for line in plan)


def shorten(sql: str) -> str:
    """The query with long ``IN (…)`` lists cut to their first three values."""

    def cut(match: re.Match) -> str:
        values = match.group(1).split(", ")
        if len(values) <= 4:
            return match.group(0)
        return f"IN ({', '.join(values[:3])}, … {len(values)} values)"

    return re.sub(r"IN \(([^()]*)\)", cut, sql)


def print_queries(pages: list[PageTime]) -> None:
    from openveiligheid.figures.models import Figure

    queries = distinct_selects(pages)
    total = sum(q.seconds for q in queries)
    print(f"\n{len(queries)} distinct SELECTs, {total:.2f} s together when run again")
    print(f"\nthe {SLOW_QUERIES} slowest queries (all rows fetched):")
    for n, query in enumerate(queries[:SLOW_QUERIES], 1):
        print(f"\n[{n}] {query.seconds * 1000:.1f} ms, page {query.page}\n{shorten(query.sql)}")
        print("plan:\n" + "\n".join("    " + line for line in explain(query.sql, analyse=True)))
    table = Figure._meta.db_table
    print(f"\nqueries on {table} that scan the whole table or take over {SLOW_MS} ms:")
    found = 0
    for query in queries:
        if table not in query.sql:
            continue
        plan = explain(query.sql, analyse=False)
        scan = full_scan(plan, table) or figure_alias_scan(plan)
        if scan or query.seconds * 1000 > SLOW_MS:
            found += 1
            what = "FULL SCAN, " if scan else ""
            print(f"\n  {what}{query.seconds * 1000:.1f} ms, page {query.page}")
            print(f"  {shorten(query.sql)[:1500]}")
            print("\n".join("    " + line for line in plan))
    print(f"  ({found} found)")


if __name__ == "__main__":
    main()
