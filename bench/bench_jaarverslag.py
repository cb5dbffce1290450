"""Benchmark: the jaarverslag of the whole demo plan from the database, in every format.

Run: ``.venv/bin/python bench/bench_jaarverslag.py``. Prints its figures; it asserts nothing
and is not part of the test suite.

A fresh SQLite database with the demo loaded (its fictitious example year 2023: 9 goals,
14 indicators, 15 activities, 33 amounts, 2 credits, texts). Timed, median of 7 runs after a
warm-up, inside one process: building the report object from the database
(``reports.database.plan_report``), and each renderer on it (Markdown, HTML, DOCX); then the
DOCX size, the size of the JSON that an adopted (frozen) year stores, and freezing a year.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA_DIR = tempfile.mkdtemp(prefix="ov-bench-jaarverslag-")
os.environ["OV_DATA_DIR"] = DATA_DIR
os.environ.setdefault("OV_DEMO", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openveiligheid.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from openveiligheid.demo.loader import load_demo  # noqa: E402
from openveiligheid.reports import render_docx, render_html, render_md  # noqa: E402
from openveiligheid.reports.adoption import adopt  # noqa: E402
from openveiligheid.reports.database import plan_report  # noqa: E402

RUNS = 7
YEAR = 2023


def median_seconds(work) -> float:
    work()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    call_command("migrate", verbosity=0)
    plan = load_demo(log=lambda _line: None)
    report = plan_report(plan, YEAR)
    print(f"demo plan: {len(report['doelen'])} doelen, jaar {YEAR}")
    build = median_seconds(lambda: plan_report(plan, YEAR))
    print(f"report object from the database: {build:.3f} s")
    for name, render in [("md", render_md.render), ("html", render_html.render)]:
        seconds = median_seconds(lambda render=render: render(plan_report(plan, YEAR)))
        print(f"{name}: {seconds:.3f} s (object + rendering)")
    seconds = median_seconds(lambda: render_docx.render(plan_report(plan, YEAR)))
    data = render_docx.render(report)
    print(f"docx: {seconds:.3f} s (object + rendering), {len(data) / 1024:.0f} kB")
    print(f"json stored when frozen: {len(json.dumps(report)) / 1024:.0f} kB")
    start = time.perf_counter()
    adopt(plan, YEAR, None)
    print(f"vaststellen (freeze) {YEAR}: {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
