"""Benchmark: SVG maps at national scale (~14,000 buurten), from import to the browser.

Run: ``.venv/bin/python bench/bench_map.py``. Prints its figures; it asserts nothing and is not
part of the test suite. Synthetic buurten: seeded random points (clustered like towns, plus a
rural spread) in a 280 x 300 km box in RD New, their Voronoi cells, segmentized to 40-80
vertices and given a smooth wobble so that simplification has real work to do.

Writes ``test-artifacts/bench_map_national.html`` (the national map in minimal HTML, areas
linking to ``#CODE``) and, if ``/usr/bin/chromium`` and Playwright are there, opens it headless
and times loading, a click on an area (the hash change) and focusing the 1000th area link.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("OV_DEMO", "true")
os.environ.setdefault("OV_DATA_DIR", tempfile.mkdtemp(prefix="ov-bench-map-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openveiligheid.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from pyproj import Transformer  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.utils.html import escape  # noqa: E402

from openveiligheid.areas.models import Area  # noqa: E402
from openveiligheid.areas.services import import_boundaries  # noqa: E402
from openveiligheid.areas.shapes import map_shapes, svg_path, svg_paths  # noqa: E402
from openveiligheid.indicators.formatting import format_number  # noqa: E402
from openveiligheid.ui.maps import Choropleth, MapArea, choropleth  # noqa: E402

BUURTEN = 14_000
BOX = (13_000.0, 306_000.0, 293_000.0, 606_000.0)  # RD: 280 x 300 km
SEED = 2024
ARTIFACT = ROOT / "test-artifacts" / "bench_map_national.html"
NUMBER = re.compile(r"-?\d+")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def show(label: str, text: str) -> None:
    print(f"{label:<58} {text}")


def timed(label: str, call):
    started = time.perf_counter()
    result = call()
    print(f"{label:<58} {time.perf_counter() - started:7.2f} s")
    return result


# --- synthetic buurten --------------------------------------------------------------------


def seed_points(rng: np.random.Generator) -> np.ndarray:
    """Town-like clusters (60%) and a rural spread (40%) inside the box."""
    xmin, ymin, xmax, ymax = BOX
    towns = rng.uniform((xmin, ymin), (xmax, ymax), size=(60, 2))
    urban = int(BUURTEN * 0.6)
    which = rng.integers(0, len(towns), urban)
    spread = rng.uniform(800, 5000, len(towns))[which, None]
    points = towns[which] + rng.normal(0, 1, (urban, 2)) * spread
    rural = rng.uniform((xmin, ymin), (xmax, ymax), size=(BUURTEN - urban, 2))
    points = np.vstack([points, rural])
    return np.clip(points, (xmin + 1, ymin + 1), (xmax - 1, ymax - 1))


def wobble(coords: np.ndarray) -> np.ndarray:
    """A smooth displacement field (same for shared edges): ~30 m at ~300 m wavelength."""
    x, y = coords[:, 0], coords[:, 1]
    dx = 25 * np.sin(y / 47.0) + 12 * np.sin((x + y) / 19.0)
    dy = 25 * np.cos(x / 53.0) + 12 * np.cos((x - y) / 23.0)
    return np.column_stack([x + dx, y + dy])


def national_buurten() -> np.ndarray:
    """~14,000 polygons in RD with 40-80 vertices each."""
    rng = np.random.default_rng(SEED)
    box = shapely.box(*BOX)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(seed_points(rng)), extend_to=box)
    )
    cells = shapely.intersection(cells, box)
    cells = cells[shapely.get_type_id(cells) == shapely.GeometryType.POLYGON]
    target = rng.integers(40, 81, len(cells))
    cells = shapely.segmentize(cells, shapely.length(cells) / target)
    return shapely.make_valid(shapely.transform(cells, wobble))


def buurt_code(n: int) -> str:
    """BU gggg ww bb: 40 buurten per gemeente, 10 per wijk."""
    return f"BU{n // 40 + 1:04d}{n % 40 // 10:02d}{n % 10:02d}"


def as_geojson(cells: np.ndarray) -> tuple[list[str], bytes]:
    """The cells in EPSG:4326: geometry texts and a FeatureCollection (as CBS publishes)."""
    to_wgs84 = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)

    def project(coords: np.ndarray) -> np.ndarray:
        lon, lat = to_wgs84.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([np.round(lon, 6), np.round(lat, 6)])

    texts = list(shapely.to_geojson(shapely.transform(cells, project)))
    features = ",".join(
        f'{{"type":"Feature","properties":{{"BU_CODE":"{buurt_code(n)}",'
        f'"BU_NAAM":"Buurt {n}","jrstatcode":"2024{buurt_code(n)}"}},"geometry":{text}}}'
        for n, text in enumerate(texts)
    )
    return texts, f'{{"type":"FeatureCollection","features":[{features}]}}'.encode()


# --- the map ------------------------------------------------------------------------------


def map_areas(paths: list[str], cells: np.ndarray) -> list[MapArea]:
    rng = np.random.default_rng(SEED + 1)
    values = rng.gamma(2.0, 20.0, len(paths))
    areas = []
    for n, (path, box) in enumerate(zip(paths, shapely.bounds(cells).tolist(), strict=True)):
        roll = rng.random()
        value = None if roll < 0.02 else float(values[n])
        outline = "hotspot-99" if roll > 0.99 else "coldspot-95" if roll > 0.98 else None
        code = buurt_code(n)
        areas.append(
            MapArea(
                code=code,
                name=f"Buurt {n}",
                path=path,
                bounds=tuple(box),
                value=value,
                display=format_number(value),
                href=f"#{code}",
                small=0.02 <= roll < 0.05,
                label="hotspot (99%)" if outline == "hotspot-99" else "",
                outline=outline,
            )
        )
    return areas


def write_page(result: Choropleth) -> None:
    legend = "".join(
        f'<li><svg width="24" height="16" aria-hidden="true"><rect width="24" height="16" '
        f'fill="{e.colour}" stroke="#535353"/></svg> {escape(e.label)} ({e.count})</li>'
        for e in result.legend
    )
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(
        '<!doctype html><html lang="nl"><head><meta charset="utf-8">'
        "<title>Kaart Nederland (benchmark)</title>"
        "<style>svg.kaart{max-width:100%;height:auto}</style></head><body>"
        f"<h1>Kaart Nederland (benchmark)</h1>{result.svg}<ul>{legend}</ul></body></html>",
        encoding="utf-8",
    )


# --- the browser --------------------------------------------------------------------------


def browser_figures(code: str) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("browser: Playwright not installed, skipped")
        return
    if not CHROMIUM.exists():
        print("browser: /usr/bin/chromium not found, skipped")
        return
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        try:
            measure_load(page)
            measure_click(page, code)
            measure_focus(page)
        finally:
            browser.close()


def measure_load(page) -> None:
    started = time.perf_counter()
    page.goto(ARTIFACT.as_uri(), wait_until="load")
    wall = time.perf_counter() - started
    timing = page.evaluate(
        """() => { const n = performance.getEntriesByType('navigation')[0];
        const p = performance.getEntriesByName('first-contentful-paint')[0];
        return [n.domContentLoadedEventEnd, n.loadEventEnd, p ? p.startTime : null]; }"""
    )
    frame = page.evaluate(
        "() => new Promise(r => requestAnimationFrame(() => r(performance.now())))"
    )
    show("browser: domcontentloaded", f"{timing[0]:7.0f} ms")
    show("browser: load", f"{timing[1]:7.0f} ms")
    fcp = f"{timing[2]:7.0f} ms" if timing[2] is not None else "      –"
    show("browser: first contentful paint", f"{fcp}")
    show("browser: next animation frame after load", f"{frame:7.0f} ms")
    show("browser: goto until load (wall clock, incl. Playwright)", f"{wall * 1000:7.0f} ms")


def measure_click(page, code: str) -> None:
    link = page.locator(f'a[data-code="{code}"]')
    link.scroll_into_view_if_needed()
    box = page.locator(f'a[data-code="{code}"] path').bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y)?.closest('a')?.dataset.code", [x, y]
    )
    page.evaluate(
        """() => { window.__clicked = null; window.__hashed = null;
        addEventListener('mousedown', () => { window.__clicked = performance.now(); },
                          {capture: true, once: true});
        addEventListener('hashchange', () => { window.__hashed = performance.now(); },
                         {once: true}); }"""
    )
    started = time.perf_counter()
    page.mouse.click(x, y)
    page.wait_for_function("() => window.__hashed !== null")
    wall = time.perf_counter() - started
    in_page = page.evaluate("() => window.__hashed - window.__clicked")
    show("browser: click to hash change (in page, mousedown to hash)", f"{in_page:7.1f} ms")
    show("browser: click to hash change (wall clock, incl. Playwright)", f"{wall * 1000:7.0f} ms")
    show("browser: clicked area", f"{hit} (expected {code}), now {page.url.split('#')[1]}")


def measure_focus(page) -> None:
    figures = page.evaluate(
        """() => new Promise(resolve => {
            const links = document.querySelectorAll('a.kaart-gebied');
            const t0 = performance.now();
            links[999].focus();
            const focused = performance.now();
            requestAnimationFrame(() => setTimeout(() => resolve(
                [focused - t0, performance.now() - t0, document.activeElement === links[999],
                 links.length]), 0));
        })"""
    )
    started = time.perf_counter()
    page.keyboard.press("Tab")
    after_tab = page.evaluate("() => document.activeElement.dataset.code")
    tab = time.perf_counter() - started
    show("browser: links in the map", f"{figures[3]:7d}")
    show("browser: focus() on the 1000th link (synchronous)", f"{figures[0]:7.1f} ms")
    show("browser: focus() on the 1000th link until next frame", f"{figures[1]:7.1f} ms")
    show("browser: focused is the 1000th link", f"{figures[2]}")
    show("browser: Tab to the 1001st (wall clock, incl. Playwright)", f"{tab * 1000:7.0f} ms")
    show("browser: focus after Tab", f"{after_tab}")


# --- main ---------------------------------------------------------------------------------


def main() -> None:
    cells = timed("generate synthetic national buurten (Voronoi)", national_buurten)
    vertices = shapely.get_num_coordinates(cells)
    print(
        f"{'':<58} {len(cells)} polygons, vertices per polygon "
        f"median {int(np.median(vertices))}, 5-95% {np.percentile(vertices, [5, 95]).tolist()}"
    )
    texts, collection = timed("to GeoJSON in EPSG:4326", lambda: as_geojson(cells))
    timed("svg_path for all, one by one (RD, tolerance 10 m)", lambda: [svg_path(c) for c in cells])
    paths = timed("svg_paths for all, in one batch (as the import does)", lambda: svg_paths(cells))
    kept = sum(len(NUMBER.findall(path)) // 2 for path in paths)
    show("", f"{sum(map(len, paths)):,} bytes of path data, ~{kept:,} points kept")
    timed("map_shapes from GeoJSON (project + path + bounds)", lambda: map_shapes(texts))
    import_national(collection)

    areas = map_areas(paths, cells)

    def drawn(title: str) -> Choropleth:
        shown = choropleth(areas, title=title)
        _ = shown.svg  # drawn when a template asks; timed here with the classification
        return shown

    result = timed(f"choropleth() and its SVG for {len(areas)} areas", lambda: drawn("NL"))
    timed("choropleth() and its SVG again", lambda: drawn("Nederland"))
    show("SVG size", f"{len(result.svg.encode()):,} bytes")
    show("legend", f"{[(e.label, e.count) for e in result.legend]}")
    write_page(result)
    show("page written", f"{ARTIFACT.relative_to(ROOT)} ({ARTIFACT.stat().st_size:,} bytes)")
    browser_figures(areas[len(areas) // 2].code)


def import_national(collection: bytes) -> None:
    """Import the synthetic buurten into a fresh SQLite database, map shapes included."""
    call_command("migrate", verbosity=0)
    path = Path(os.environ["OV_DATA_DIR"]) / "buurten_2024_nl.geojson"
    path.write_bytes(collection)
    show("national GeoJSON", f"{len(collection):,} bytes")
    run = timed(
        "import_boundaries national (parse, shapes, store)", lambda: import_boundaries(path)
    )
    with_path = Area.objects.exclude(map_path="").count()
    show("", f"{run.status}: {run.message} {with_path} with map path")


if __name__ == "__main__":
    main()
