"""Benchmark: one run of the early warning over all buurten of the Netherlands.

14,000 series x 10 years of monthly counts (seeded Poisson with a yearly season, means from
sparse to busy, a few injected outbreaks in the last month); times ``detect()`` for the last
month over all series and prints seconds, series per second, the memory peak and the alarms.

Run: ``.venv/bin/python bench/bench_signalering.py [number of series]``.
Prints its figures; it asserts nothing and is not part of the test suite.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from openveiligheid.insight.stats.earlywarning import detect  # noqa: E402

YEARS = 10
MONTHS = 12
OUTBREAKS = 20


def make_series(count: int, seed: int = 2024) -> tuple[dict[int, np.ndarray], list[int]]:
    """Seeded monthly counts; returns the series and the keys with an injected outbreak."""
    rng = np.random.default_rng(seed)
    length = YEARS * MONTHS
    month = np.arange(length) % MONTHS
    level = rng.lognormal(mean=0.5, sigma=1.2, size=count)  # median ~1.6 a month, some busy
    amplitude = rng.uniform(0.0, 0.4, size=count)
    phase = rng.uniform(0, 2 * np.pi, size=count)
    season = 1 + amplitude[:, None] * np.sin(2 * np.pi * month[None, :] / MONTHS + phase[:, None])
    counts = rng.poisson(level[:, None] * season).astype(float)
    outbreaks = [int(k) for k in rng.choice(count, size=OUTBREAKS, replace=False)]
    for k in outbreaks:
        counts[k, -1] = np.ceil(level[k] * season[k, -1] * 3 + 10)
    return {k: counts[k] for k in range(count)}, outbreaks


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 14_000
    series, outbreaks = make_series(count)
    started = time.perf_counter()
    signals = detect(series, MONTHS)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    alarms = [s for s in signals if s.alarm]
    found = sum(1 for s in alarms if s.key in set(outbreaks))
    methods: dict[str, int] = {}
    for s in signals:
        methods[s.method] = methods.get(s.method, 0) + 1
    print(f"series                      {count:>10,}")
    print(f"values per series           {YEARS * MONTHS:>10}")
    print(f"detect() seconds            {seconds:>10.2f}")
    print(f"series per second           {count / seconds:>10,.0f}")
    print(f"memory peak (max RSS, MB)   {peak_mb:>10.0f}")
    print(f"alarms                      {len(alarms):>10}")
    print(f"injected outbreaks found    {found:>7} / {len(outbreaks)}")
    print(f"methods                     {methods}")


if __name__ == "__main__":
    main()
