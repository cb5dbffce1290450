"""Benchmark: imports at national scale and the demo set-up, on a fresh SQLite file.

Run: ``.venv/bin/python bench/bench_import.py`` (or with ``OV_DATABASE_URL`` for PostgreSQL).
Prints its figures; it asserts nothing and is not part of the test suite.
"""

from __future__ import annotations

import os
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

from openveiligheid.areas.services import import_area_list  # noqa: E402
from openveiligheid.demo.loader import DATA, load_demo  # noqa: E402
from openveiligheid.imports.parsers.areas import read_area_list  # noqa: E402
from openveiligheid.indicators.services import evaluate_plan  # noqa: E402
from openveiligheid.policy.models import Plan  # noqa: E402

AREA_LIST = DATA / "gebieden_2024_47018NED.csv"


def timed(label: str, call):
    started = time.perf_counter()
    result = call()
    print(f"{label:<58} {time.perf_counter() - started:7.2f} s")
    return result


def main() -> None:
    print(f"database: {django.db.connection.vendor}, data dir {os.environ['OV_DATA_DIR']}")
    timed("migrate (empty database)", lambda: call_command("migrate", verbosity=0))
    rows = timed("parse national area list (18,313 rows)", lambda: read_area_list(AREA_LIST))
    print(f"{'':<58} {len(rows)} areas")
    timed(
        "import national area list 2024 (parse + store)",
        lambda: import_area_list(AREA_LIST, division=2024),
    )
    timed(
        "same file again (skipped: already imported)",
        lambda: import_area_list(AREA_LIST, division=2024),
    )
    timed(
        "rest of the demo (boundaries, 15,947 incidents, figures, plan)",
        lambda: load_demo(lambda m: None),
    )
    plan = Plan.objects.order_by("-loaded_at").first()
    timed("evaluate the demo plan (12 indicators, from the database)", lambda: evaluate_plan(plan))


if __name__ == "__main__":
    main()
