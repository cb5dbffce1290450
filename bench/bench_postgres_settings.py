"""Benchmark: what PostgreSQL's settings change for a national import, its upkeep and a backup.

Run: ``.venv/bin/python bench/bench_postgres_settings.py [--rows 1000000]`` (needs PostgreSQL's
server programs under ``/usr/lib/postgresql``; on a shared machine under
``flock /tmp/bench.lock``). Prints one table; asserts nothing; not part of the test suite.

For each configuration of ``CONFIGS`` (PostgreSQL's defaults, and the settings that
docs/deployment.md recommends) a throwaway cluster on loopback with ``fsync`` on, as in
production (``scripts/with-postgres.sh`` turns it off for the tests), and in it a fresh
database with the 2024 area list and:

1. ``openveiligheid import_figures`` of ``bench_scale.py``'s national cijfers-CSV of
   ``--rows`` rows (analyses after the import off): seconds of the process (Django's start-up,
   about a second, included), its peak memory, the WAL it wrote and the checkpoints that a
   full WAL (``max_wal_size``) forced during it;
2. the same file again with every value one higher (a corrected delivery: every figure
   updated): seconds, then the figures table's dead rows (``pg_stat_user_tables``) and size,
   the seconds of ``VACUUM (ANALYZE)`` and the size after it (an identical file changes no
   row);
3. ``openveiligheid backup`` (``pg_dump --format=custom``): seconds and size of the file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from bench_load import free_port  # noqa: E402
from bench_scale import AREA_LIST, write_file  # noqa: E402 -- one generator of the national file

CLI = [sys.executable, "-m", "openveiligheid.cli"]
#: name -> server settings. "aanbevolen" is what docs/deployment.md recommends for a server
#: with 4 GB of memory of which PostgreSQL may use about half.
CONFIGS = {
    "standaard": {},
    "aanbevolen": {
        "shared_buffers": "1GB",
        "work_mem": "64MB",
        "maintenance_work_mem": "256MB",
        "max_wal_size": "4GB",
    },
}
FIGURES_TABLE = "figures_figure"


@contextmanager
def cluster(settings: dict[str, str]) -> Iterator[str]:
    """A PostgreSQL server with ``settings`` on a free loopback port; yields its base URL."""
    programs = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not programs:
        raise SystemExit("PostgreSQL is not installed (/usr/lib/postgresql/*/bin).")
    binaries = programs[-1]
    workdir = Path(tempfile.mkdtemp(prefix="ov-pg-settings-"))
    as_postgres = []
    if os.geteuid() == 0:  # the server refuses to run as root
        shutil.chown(workdir, "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data, port = workdir / "data", free_port()
    initdb = [str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]
    subprocess.run([*as_postgres, *initdb, "-E", "UTF8"], cwd="/", check=True, capture_output=True)
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {workdir}"
    options += "".join(f" -c {name}={value}" for name, value in settings.items())
    pg_ctl = [*as_postgres, str(binaries / "pg_ctl"), "-D", str(data), "-l", str(workdir / "log")]
    subprocess.run(
        [*pg_ctl, "-w", "-o", options, "start"], cwd="/", check=True, stdout=subprocess.DEVNULL
    )
    try:
        yield f"postgres://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*pg_ctl, "-m", "fast", "stop"], cwd="/", check=False, stdout=subprocess.DEVNULL
        )
        shutil.rmtree(workdir, ignore_errors=True)


def timed(env: dict, *args: str) -> tuple[float, float]:
    """Run the CLI with ``args``: (seconds, peak MiB of the process)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [*CLI, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(args)} failed:\n{process.stderr.read().decode()[-3000:]}")
    return seconds, usage.ru_maxrss / 1024


def wal_state(url: str) -> tuple[int, int]:
    """(bytes of WAL written since the cluster began, checkpoints forced by a full WAL)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        wal = con.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')").fetchone()[0]
        forced = con.execute("SELECT checkpoints_req FROM pg_stat_bgwriter").fetchone()[0]
    return int(wal), forced


def table_state(url: str) -> tuple[int, int]:
    """(dead rows, bytes) of the figures table, after the statistics have been sent."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        time.sleep(1)  # the statistics collector reports on its own schedule (PGSTAT_MIN_INTERVAL)
        con.execute("SELECT pg_stat_clear_snapshot()")
        dead = con.execute(
            "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = %s", [FIGURES_TABLE]
        ).fetchone()[0]
        size = con.execute("SELECT pg_total_relation_size(%s)", [FIGURES_TABLE]).fetchone()[0]
    return dead, size


def vacuum_seconds(url: str) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        started = time.perf_counter()
        con.execute(f"VACUUM (ANALYZE) {FIGURES_TABLE}")
        return time.perf_counter() - started


def corrected(figures: Path, target: Path) -> None:
    """``figures`` with every value one higher."""
    with figures.open(encoding="utf-8") as source, target.open("w", encoding="utf-8") as out:
        out.write(next(source))
        for line in source:
            rest, value = line.rsplit(",", 1)
            out.write(f"{rest},{int(value) + 1}\n")


def measure(name: str, settings: dict[str, str], figures: Path, workdir: Path) -> str:
    with cluster(settings) as base:
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True) as con:
            con.execute('CREATE DATABASE "openveiligheid"')
        url = f"{base}/openveiligheid"
        env = {**os.environ, "OV_DATABASE_URL": url, "OV_DATA_DIR": str(workdir / name)}
        env.update(OV_DEMO="true", OV_MAX_BESTAND_MB="100000", OV_ANALYSE_NA_IMPORT="false")
        timed(env, "migrate", "-v0")
        timed(env, "import_areas", str(AREA_LIST), "--indeling", "2024")
        wal_before, forced_before = wal_state(url)
        first, peak = timed(env, "import_figures", str(figures), "--indeling", "2024")
        wal_after, forced_after = wal_state(url)
        wal = (wal_after - wal_before) / 2**30
        again, _ = timed(
            env, "import_figures", str(workdir / "corrected.csv"), "--indeling", "2024"
        )
        dead, size = table_state(url)
        vacuum = vacuum_seconds(url)
        _, after = table_state(url)
        backup_file = workdir / f"{name}.backup"
        backup, _ = timed(env, "backup", str(backup_file))
        dump = backup_file.stat().st_size
        return (
            f"{name:<11} {first:7.1f} {peak:8.0f} {wal:7.2f} {forced_after - forced_before:6d} "
            f"{again:7.1f} {dead:>10,} {size / 2**20:8.0f} "
            f"{vacuum:7.1f} {after / 2**20:8.0f} {backup:7.1f} {dump / 2**20:7.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="ov-bench-pgsettings-"))
    figures = workdir / f"cijfers_{args.rows}.csv"
    write_file(figures, args.rows)
    corrected(figures, workdir / "corrected.csv")
    header = (
        f"{'settings':<11} {'import':>7} {'peak MiB':>8} {'WAL GiB':>7} {'ckpts':>6} "
        f"{'update':>7} {'dead rows':>10} {'MiB':>8} {'vacuum':>7} {'MiB':>8} {'backup':>7} "
        f"{'MiB':>7}"
    )
    lines = [f"{args.rows:,} rows; seconds unless stated", header, "-" * len(header)]
    try:
        for name, settings in CONFIGS.items():
            lines.append(measure(name, settings, figures, workdir))
            print(lines[-1], file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
