"""Benchmark: spatial statistics at national scale (about 14,000 buurten), pure Python.

Run: ``.venv/bin/python bench/bench_hotspots.py``. Prints its figures; asserts nothing and
is not part of the test suite. Synthetic data, seeded: an irregular Voronoi tessellation of
random points over a 280 x 300 km box (the size of the Netherlands in RD New), gamma
populations and Poisson counts, with 15 zones of 2.5 x risk (4 km around a buurt in a dense
part) in all years and 5 more in the last two years.

Timed, after a first step that only imports the heavy libraries (as the web app does on
first use):

1. queen weights (``queen_weights``) for all buurten;
2. Empirical Bayes rates with the 95% band (``eb_rates``);
3. ``hotspots()`` on EB rates (weights reused): Gi* decided by the normal p-value of z with
   BH, Local Moran's I, and 999 permutations for the robustness column; then the same
   without permutations (``permutations=0``: the decision does not need them). Checked: how
   many buurten of the planted zones (the 5 new ones, known from the data generator) are
   found, and how many hotspots lie outside every zone (target: under 10 s, zones found);
4. space-time classes over 10 yearly periods (``space_time_hotspots``: weights once, then
   EB + Gi* with 999 permutations per year, then classification);
5. an incident grid for one large municipality: 50,000 points in a circle of 15 km across,
   250 m cells (``grid_hotspots``: counts, grid weights, Gi*, kernel density).
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from openveiligheid.insight.stats.grid import grid_hotspots  # noqa: E402
from openveiligheid.insight.stats.spacetime import space_time_hotspots  # noqa: E402
from openveiligheid.insight.stats.spatial import eb_rates, hotspots, queen_weights  # noqa: E402

AREAS = 14_000
YEARS = 10
SEED = 20261123


def _import_heavy() -> None:
    import esda  # noqa: F401
    import libpysal.weights  # noqa: F401


def timed(label: str, call):
    started = time.perf_counter()
    result = call()
    print(f"{label:<62} {time.perf_counter() - started:7.2f} s")
    return result


def tessellation(rng: np.random.Generator) -> dict[str, shapely.Geometry]:
    """Irregular buurten: Voronoi cells of clustered and uniform points, clipped to the box."""
    box = shapely.box(0, 0, 280_000, 300_000)
    towns = rng.uniform([0, 0], [280_000, 300_000], (300, 2))
    clustered = towns[rng.integers(0, 300, AREAS // 2)] + rng.normal(0, 3_000, (AREAS // 2, 2))
    uniform = rng.uniform([0, 0], [280_000, 300_000], (AREAS - AREAS // 2, 2))
    points = np.clip(np.vstack([clustered, uniform]), 1, [279_999, 299_999])
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=box))
    polygons = shapely.intersection(cells, box)
    return {f"BU{i:08d}": polygon for i, polygon in enumerate(polygons)}


def _near(xy: np.ndarray, centres: np.ndarray, radius: float) -> np.ndarray:
    """Whether each point lies within ``radius`` of one of ``centres``."""
    distance = np.sqrt(((xy[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2))
    return (distance < radius).any(axis=1)


def report_found(result, areas: list[str], zones: np.ndarray, new_hot: np.ndarray) -> None:
    """Hotspots and coldspots, how many buurten of the planted zones are hot (all zones; the
    5 new ones), how many hotspots lie outside every zone, and the Local Moran classes."""
    hot = np.array([r.hotspot_class == "hotspot" for r in result])
    cold = sum(r.hotspot_class == "coldspot" for r in result)
    print(f"{'  hotspots / coldspots':<62} {hot.sum():7d} / {cold}")
    found = f"{(hot & zones).sum()} of {zones.sum()}; "
    found += f"new {(hot & new_hot).sum()} of {new_hot.sum()}"
    print(f"{'  planted-zone buurten hot (all; 5 new zones)':<62} {found}")
    print(f"{'  hotspots outside every planted zone':<62} {(hot & ~zones).sum():7d}")
    lisa: dict[str, int] = {}
    for r in result:
        lisa[r.lisa_class] = lisa.get(r.lisa_class, 0) + 1
    print("  Local Moran: " + ", ".join(f"{k} {v}" for k, v in sorted(lisa.items())))


def main() -> None:
    rng = np.random.default_rng(SEED)
    shapes = timed(
        f"make {AREAS:,} Voronoi buurten (setup, not a figure)", lambda: tessellation(rng)
    )
    areas = list(shapes)
    print(f"{'  buurten':<62} {len(areas):7d}")
    people = dict(zip(areas, rng.gamma(1.5, 900, len(areas)).round() + 20, strict=True))
    population = np.array(list(people.values()))
    centres = shapely.get_coordinates(shapely.centroid(list(shapes.values())))
    risk = rng.gamma(4, 0.015, len(areas))  # per person per year, varies between buurten
    # higher-risk zones around buurten in dense parts (like city centres)
    dense = np.argsort([shape.area for shape in shapes.values()])[: len(areas) // 4]
    old_hot = _near(centres, centres[rng.choice(dense, 15, replace=False)], 4_000)
    new_hot = _near(centres, centres[rng.choice(dense, 5, replace=False)], 4_000)
    years = {}
    for k in range(YEARS):
        year_risk = risk * np.where(old_hot, 2.5, 1.0) * np.where(new_hot & (k >= 8), 2.5, 1.0)
        counts = rng.poisson(year_risk * population).astype(float)
        years[str(2015 + k)] = dict(zip(areas, counts, strict=True))
    counts = years["2024"]

    timed("import libpysal, geopandas, esda (once per process)", _import_heavy)
    weights = timed("queen weights", lambda: queen_weights(shapes))
    islands = len(weights.islands)
    print(f"{'  mean neighbours / islands':<62} {weights.mean_neighbors:7.2f} / {islands}")
    timed(
        "EB smoothing + 95% band",
        lambda: eb_rates([counts[a] for a in areas], [people[a] for a in areas]),
    )
    zones = old_hot | new_hot
    for label, permutations in (("999 permutations", 999), ("no permutations", 0)):
        result = timed(
            f"hotspots(): EB + Gi* (normal p, BH) + Local Moran, {label}",
            lambda p=permutations: hotspots(
                counts, shapes, people, weights=weights, permutations=p
            ),
        )
        report_found(result, areas, zones, new_hot)
    classes = timed(
        f"space-time classes, {YEARS} years (weights + {YEARS} x hotspots())",
        lambda: space_time_hotspots(years, shapes, dict.fromkeys(years, people)),
    )
    codes: dict[str, int] = {}
    for c in classes:
        codes[c.code] = codes.get(c.code, 0) + 1
    print("  " + ", ".join(f"{k} {v}" for k, v in sorted(codes.items())))

    boundary = shapely.Point(100_000, 450_000).buffer(7_500, quad_segs=32)
    incidents = np.vstack(
        [
            rng.normal([100_000, 450_000], 2_000, (35_000, 2)),
            rng.uniform([92_500, 442_500], [107_500, 457_500], (15_000, 2)),
        ]
    )
    cells = timed(
        "grid_hotspots(): 50,000 points, 15 km circle, 250 m cells",
        lambda: grid_hotspots(incidents, boundary),
    )
    grid_hot = sum(c.hotspot_class == "hotspot" for c in cells)
    print(f"{'  cells / grid hotspots':<62} {len(cells):7d} / {grid_hot}")

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"{'memory peak (ru_maxrss)':<62} {peak:7.0f} MiB")


if __name__ == "__main__":
    main()
