"""Benchmark: the stateless commands ``evaluate``, ``hotspots`` and ``signalering`` on a
national-shaped figures file, against the same reading and sums done directly in polars.

The file is a generic cijfers-CSV shaped like a national police export: real 2024 buurt codes
(``demo/data/gebieden_2024_47018NED.csv``), twelve months of 2024, a few real crime codes
(seeded Poisson counts), plus the buurt populations of 2024 (``inwoners``). Breda's buurten are
always included, so that ``hotspots`` runs over the real Breda buurt boundaries and
``evaluate`` over a generated plan for Breda (GM0758).

Each command runs in-process (``call_command``), as the tests call it. The polars reference
does what the command needs from the file: read it, keep one measure, sum months to the year
and buurten to wijk and gemeente, and (evaluate, hotspots) join the population per 1,000. The
statistics themselves (Gi*, Farrington) are not in the reference; the table also prints the
seconds of the statistics alone so that the reading part can be told apart.

Run: ``.venv/bin/python bench/bench_stateless.py [rows]`` (default 100,000; 1,000,000 for the
national size). Prints its figures; it asserts nothing and is not part of the test suite.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openveiligheid.settings")
os.environ.setdefault("OV_DEMO", "true")

import django  # noqa: E402

django.setup()

import polars as pl  # noqa: E402

from django.core.management import call_command  # noqa: E402

DEMO = ROOT / "src" / "openveiligheid" / "demo" / "data"
AREAS = DEMO / "gebieden_2024_47018NED.csv"
BOUNDARIES = DEMO / "regio" / "buurten_2024_breda.geojson"
BREDA = "GM0758"
YEAR = 2024
CODES = ("1.1.1", "1.1.2", "1.2.1", "1.2.3", "1.4.5", "2.5.1")  # SoortMisdrijf 47018NED
MEASURE = "misdrijven:1.1.1"

PLAN = f"""\
gemeente: {BREDA}
naam: Benchmark
themas:
  - id: t
    naam: Thema
    doelen:
      - id: d
        naam: Doel
        indicatoren: [woninginbraak, per-1000]
indicatoren:
  - id: woninginbraak
    naam: Woninginbraak
    som: [{MEASURE}]
    doelen: {{{YEAR}: "< 100000"}}
  - id: per-1000
    naam: Woninginbraak en diefstal uit auto per 1.000 inwoners
    som: [{MEASURE}, misdrijven:1.1.2]
    per_1000: inwoners
"""


def buurten(rows: int) -> list[str]:
    """Enough real 2024 buurt codes for ``rows`` rows, Breda's first."""
    with AREAS.open(encoding="utf-8", newline="") as handle:
        codes = [r["Key"].strip() for r in csv.DictReader(handle) if r["Key"].startswith("BU")]
    breda = [c for c in codes if c.startswith("BU0758")]
    others = [c for c in codes if not c.startswith("BU0758")]
    wanted = max(len(breda), rows // (len(CODES) * 12))
    return (breda + others)[:wanted]


def write_figures(path: Path, rows: int, seed: int = 2024) -> int:
    """The cijfers-CSV; returns the number of figure rows written."""
    codes = buurten(rows)
    rng = np.random.default_rng(seed)
    level = rng.lognormal(mean=0.3, sigma=1.0, size=len(codes))
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["measure", "area", "period", "value"])
        for crime in CODES:
            counts = rng.poisson(level[:, None], size=(len(codes), 12))
            for i, code in enumerate(codes):
                for month in range(12):
                    out.writerow(
                        [f"misdrijven:{crime}", code, f"{YEAR}-{month + 1:02d}", counts[i, month]]
                    )
            written += 12 * len(codes)
        population = rng.integers(50, 5000, size=len(codes))
        for code, people in zip(codes, population, strict=True):
            out.writerow(["inwoners", code, str(YEAR), int(people)])
        written += len(codes)
    return written


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def run(command: str, *args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue()


# --- the polars references: the same reading and sums, nothing else -------------------------


def read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, schema_overrides={"period": pl.String, "value": pl.Float64})


def yearly(frame: pl.DataFrame, measures: list[str]) -> pl.DataFrame:
    """Buurt months -> buurt, wijk and gemeente years (every month present)."""
    months = frame.filter(
        pl.col("measure").is_in(measures) & pl.col("period").str.len_chars().eq(7)
    )
    buurt = (
        months.group_by("measure", "area")
        .agg(pl.col("value").sum(), pl.len().alias("n"))
        .filter(pl.col("n") == 12)
        .drop("n")
    )
    wijk = buurt.with_columns(("WK" + pl.col("area").str.slice(2, 6)).alias("area"))
    wijk = wijk.group_by("measure", "area").agg(pl.col("value").sum())
    gemeente = wijk.with_columns(("GM" + pl.col("area").str.slice(2, 4)).alias("area"))
    gemeente = gemeente.group_by("measure", "area").agg(pl.col("value").sum())
    return pl.concat([buurt, wijk, gemeente])


def per_1000(frame: pl.DataFrame, sums: pl.DataFrame) -> pl.DataFrame:
    people = frame.filter(pl.col("measure") == "inwoners").select("area", "value")
    people = pl.concat(
        [
            people,
            people.with_columns(("WK" + pl.col("area").str.slice(2, 6)).alias("area"))
            .group_by("area")
            .agg(pl.col("value").sum()),
            people.with_columns(("GM" + pl.col("area").str.slice(2, 4)).alias("area"))
            .group_by("area")
            .agg(pl.col("value").sum()),
        ]
    )
    joined = sums.join(people, on="area", suffix="_people")
    return joined.with_columns((pl.col("value") / pl.col("value_people") * 1000).alias("rate"))


def reference_evaluate(path: Path) -> None:
    frame = read(path)
    sums = yearly(frame, [MEASURE, "misdrijven:1.1.2"])
    total = sums.filter(pl.col("area") == BREDA).group_by("area").agg(pl.col("value").sum())
    per_1000(frame, total).to_dicts()


def reference_hotspots(path: Path) -> None:
    frame = read(path)
    sums = yearly(frame, [MEASURE]).filter(pl.col("area").str.starts_with("BU0758"))
    per_1000(frame, sums).to_dicts()


def reference_signalering(path: Path) -> None:
    frame = read(path)
    months = frame.filter(pl.col("measure") == MEASURE)
    months.pivot("period", index="area", values="value").to_dicts()


# --- the statistics alone, for the table's last column ---------------------------------------


def statistics_hotspots() -> float:
    from openveiligheid.areas.shapes import to_rd
    from openveiligheid.imports.parsers.areas import read_boundaries
    from openveiligheid.insight.stats import spatial

    rows, _, _ = read_boundaries(BOUNDARIES, BOUNDARIES.read_bytes())
    shapes = {r.code: to_rd(r.geometry) for r in rows}
    counts = {code: float(n) for n, code in enumerate(shapes)}
    return timed(lambda: spatial.hotspots(counts, shapes, None, permutations=99, seed=1))


def statistics_signalering(series: int) -> float:
    from openveiligheid.insight.stats import earlywarning

    rng = np.random.default_rng(1)
    values = {k: list(rng.poisson(2.0, size=12).astype(float)) for k in range(series)}
    return timed(lambda: earlywarning.detect(values, 12))


def warm_up() -> None:
    """Import what the statistics import on first use (esda, libpysal, scipy.stats: seconds),
    so that the table times the commands, not Python's imports."""
    import esda  # noqa: F401
    import libpysal  # noqa: F401
    import scipy.stats  # noqa: F401

    from openveiligheid.insight.management.commands import hotspots, signalering  # noqa: F401


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        figures = Path(tmp) / "cijfers.csv"
        plan = Path(tmp) / "plan.yaml"
        plan.write_text(PLAN, encoding="utf-8")
        written = write_figures(figures, rows)
        size_mb = figures.stat().st_size / 1e6
        n_buurten = len(buurten(rows))
        print(f"{written:,} rows, {n_buurten:,} buurten, {size_mb:.0f} MB: {figures.name}")
        cases = [
            (
                "evaluate",
                ("--plan", str(plan), "--figures", str(figures), "--year", str(YEAR)),
                reference_evaluate,
                lambda: 0.0,
            ),
            (
                "hotspots",
                ("--figures", str(figures), "--boundaries", str(BOUNDARIES), "--measure", MEASURE,
                 "--period", str(YEAR), "--per-1000", "inwoners", "--permutations", "99"),
                reference_hotspots,
                statistics_hotspots,
            ),
            (
                "signalering",
                ("--figures", str(figures), "--measure", MEASURE, "--period", f"{YEAR}-12"),
                reference_signalering,
                lambda: statistics_signalering(n_buurten),
            ),
        ]  # fmt: skip
        print(f"{'command':<12} {'seconds':>8} {'polars':>8} {'ratio':>6} {'statistics':>11}")
        for command, args, reference, statistics in cases:
            seconds = timed(lambda command=command, args=args: run(command, *args))
            polars_seconds = timed(lambda reference=reference: reference(figures))
            statistics = statistics()  # after the command: its imports are warm
            print(
                f"{command:<12} {seconds:>8.2f} {polars_seconds:>8.2f} "
                f"{seconds / polars_seconds:>6.1f} {statistics:>11.2f}"
            )


if __name__ == "__main__":
    main()
