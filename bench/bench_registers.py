"""Benchmark: importing a register of 10,000 woonoverlast cases, on a fresh SQLite file.

Builds a synthetic (seeded, invented) woonoverlast file on the real buurt codes of the demo
gemeente Groningen (area list of division 2024) and times ``cases.importing.import_register``:
a first import, the same file again (skipped), a corrected file (1 in 10 cases closed since)
and 10,000 further cases with a person each (name and date of birth).

Run: ``.venv/bin/python bench/bench_registers.py [number of cases]`` (or with
``OV_DATABASE_URL`` for PostgreSQL). Prints its figures; it asserts nothing and is not part
of the test suite.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("OV_DEMO", "true")
os.environ.setdefault("OV_DATA_DIR", tempfile.mkdtemp(prefix="ov-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openveiligheid.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from openveiligheid.areas.models import Area  # noqa: E402
from openveiligheid.areas.services import import_area_list  # noqa: E402
from openveiligheid.cases.importing import import_register  # noqa: E402
from openveiligheid.cases.models import Case, Person, StatusChange  # noqa: E402
from openveiligheid.cases.registers import WONINGTYPES  # noqa: E402
from openveiligheid.demo.loader import DATA  # noqa: E402

AREA_LIST = DATA / "gebieden_2024_47018NED.csv"
GEMEENTE = "GM0014"
TODAY = dt.date(2024, 12, 31)


def timed(label: str, call):
    started = time.perf_counter()
    result = call()
    print(f"{label:<58} {time.perf_counter() - started:7.2f} s")
    return result


def build_file(path: Path, count: int, buurten: list[str], *, prefix: str, persons: bool,
               closed_share: float, seed: int) -> Path:  # fmt: skip
    """A woonoverlast file of ``count`` invented cases opened 2019-2024."""
    rng = random.Random(seed)
    header = "zaaknummer;geopend;gesloten;woningtype;buurt" + (
        ";naam;geboortedatum" if persons else ""
    )
    lines = [header]
    for n in range(count):
        opened = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(5 * 365))
        closed = ""
        if rng.random() < closed_share:
            closed = min(opened + dt.timedelta(days=rng.randrange(1, 400)), TODAY).isoformat()
        row = f"{prefix}-{n:05d};{opened};{closed};{rng.choice(WONINGTYPES)};{rng.choice(buurten)}"
        if persons:
            born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(60 * 365))
            row += f";Fictieve Bewoner {n};{born}"
        lines.append(row)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def close_some(path: Path, target: Path) -> Path:
    """``path`` with every tenth case that is open there closed on ``TODAY``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines[1:], start=1):
        cells = line.split(";")
        if n % 10 == 0 and not cells[2]:
            cells[2] = TODAY.isoformat()
            lines[n] = ";".join(cells)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    folder = Path(os.environ["OV_DATA_DIR"])
    print(f"database: {django.db.connection.vendor}, data dir {folder}")
    timed("migrate (empty database)", lambda: call_command("migrate", verbosity=0))
    timed("import national area list 2024", lambda: import_area_list(AREA_LIST, division=2024))
    buurten = list(
        Area.objects.filter(division=2024, level="buurt", gemeente_code=GEMEENTE).values_list(
            "code", flat=True
        )
    )
    print(f"{'':<58} {len(buurten)} buurten of {GEMEENTE}")
    first = build_file(folder / "woonoverlast.csv", count, buurten, prefix="WO", persons=False,
                       closed_share=0.6, seed=1)  # fmt: skip
    corrected = close_some(first, folder / "woonoverlast-2.csv")
    with_persons = build_file(folder / "personen.csv", count, buurten, prefix="WP", persons=True,
                              closed_share=0.6, seed=2)  # fmt: skip

    def run(path: Path):
        return import_register(path, "woonoverlast", today=TODAY)

    result = timed(f"import {count:,} cases (new)", lambda: run(first))
    print(f"{'':<58} {result.message}")
    result = timed("the same file again (skipped)", lambda: run(first))
    print(f"{'':<58} {result.get_status_display()}")
    result = timed("corrected file (1 in 10 open cases closed since)", lambda: run(corrected))
    print(f"{'':<58} {result.message}")
    result = timed(f"import {count:,} further cases with a person each", lambda: run(with_persons))
    print(f"{'':<58} {result.message}")
    print(
        f"stored: {Case.objects.count():,} cases, {Person.objects.count():,} persons, "
        f"{StatusChange.objects.count():,} status changes"
    )


if __name__ == "__main__":
    main()
