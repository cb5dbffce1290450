"""Benchmark: server render time of every page type, and the map page at national size.

Run: ``.venv/bin/python bench/bench_pages.py``. Prints its figures; it asserts nothing and is
not part of the test suite.

1. The demo (Groningen) in a fresh SQLite file: every page type rendered 30 times through
   Django's test client (the whole request: middleware, session, queries, template); median
   and 90th percentile.
2. The map page with all ~14,000 buurten of a national-size boundary set (the synthetic
   Voronoi buurten of ``bench_map.py``), put in one synthetic gemeente GM9999 with 350 wijken,
   with counts and inhabitants per buurt. Server render time of ``/kaart/?niveau=buurt``, and,
   when chromium and Playwright are there, the page in a real browser served by ``runserver``:
   load, a click on an area that opens its profile, and keyboard focus moving over the map.
   Then ten years of monthly counts and yearly inhabitants per buurt (1.8M rows) are added,
   and the Kaart of a year and of a month is measured again among that history.

``--alleen-landelijk`` runs section 2 only. Under ``bash scripts/with-postgres.sh`` it runs
on a fresh PostgreSQL database.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
DATA_DIR = tempfile.mkdtemp(prefix="ov-bench-pages-")
os.environ.setdefault("OV_DEMO", "true")
os.environ["OV_DATA_DIR"] = DATA_DIR
os.environ.setdefault("OV_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openveiligheid.settings")
if os.environ.get("OV_DATABASE_URL", "").startswith("postgres"):  # scripts/with-postgres.sh
    from bench_scale import fresh_postgres

    os.environ["OV_DATABASE_URL"] = fresh_postgres(os.environ["OV_DATABASE_URL"], "ov_pages")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from bench_map import CHROMIUM, CHROMIUM_ARGS, national_buurten  # noqa: E402
from pyproj import Transformer  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from openveiligheid.areas.services import import_boundaries  # noqa: E402
from openveiligheid.demo.loader import load_demo  # noqa: E402
from openveiligheid.figures.services import import_figures  # noqa: E402
from openveiligheid.policy.models import Plan  # noqa: E402
from openveiligheid.policy.services import ensure_gemeente  # noqa: E402

RUNS = 30
PASSWORD = "bench-wachtwoord-42"
DEMO_PAGES = [
    ("Overzicht", "/"),
    ("Overzicht, gefilterd", "/?jaar=2021&thema=veilige-woonomgeving"),
    ("Indicator (wijken)", "/indicator/fietsdiefstal-aangiften/"),
    ("Indicator (buurten)", "/indicator/fietsdiefstal-aangiften/?niveau=buurt"),
    ("Kaart (wijken)", "/kaart/"),
    ("Kaart (buurten, maand, per 1.000)", "/kaart/?niveau=buurt&periode=2017-08&per1000=1"),
    ("Gebiedsprofiel (wijk)", "/gebied/WK001400/?indeling=2017"),
    ("Gebiedsprofiel (buurt)", "/gebied/BU00140000/?indeling=2017"),
    ("Vergelijken", "/vergelijken/?gebied=WK001400&gebied=WK001401&jaar=2015&jaar=2016"),
    ("Vergelijken (2024, buurten)", "/vergelijken/?gebied=WK001400&gebied=BU00140000"),
    ("Monitor (twee weken)", "/monitor/"),
    ("Monitor (maand)", "/monitor/?periode=2017-08"),
    ("Indicator met vergelijkbare gemeenten", "/indicator/fietsdiefstal-per-1000/"),
    ("Methode", "/methoden/hotspots/"),
    ("Plan", "/plan/"),
    ("Doel", "/plan/doel/minder-fietsdiefstal/?jaar=2023"),
    ("Financien van een doel", "/plan/doel/minder-fietsdiefstal/financien/?jaar=2023"),
    ("Wijzigingen", "/plan/wijzigingen/"),
    ("Jaarverslag", "/jaarverslag/?jaar=2023"),
    ("Inlezen", "/inlezen/"),
    ("Openbaar plan", "/openbaar/GM0014/"),
    ("Openbaar jaarverslag", "/openbaar/GM0014/2023/"),
    ("Download CSV", "/indicator/fietsdiefstal-aangiften/download.csv"),
    ("Download XLSX", "/indicator/fietsdiefstal-aangiften/download.xlsx"),
    ("Download jaarverslag DOCX", "/jaarverslag/download.docx?jaar=2023"),
]
#: The other gemeenten of the regional demo: their Kaart and Overzicht.
REGIONAL_PAGES = [
    ("Overzicht", "/"),
    ("Kaart (buurten, 2024-indeling)", "/kaart/?niveau=buurt"),
    ("Monitor", "/monitor/"),
]
NATIONAL_GEMEENTE = "GM9999"


def show(label: str, text: str) -> None:
    print(f"{label:<44} {text}")


def timed(label: str, call):
    started = time.perf_counter()
    result = call()
    show(label, f"{time.perf_counter() - started:8.2f} s")
    return result


def client_for(username: str, gemeente: str = "GM0014") -> Client:
    """A logged-in beleidsadviseur (and analist, controller) of ``gemeente``."""
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    roles = ("beleidsadviseur", "analist", "controller")
    user.groups.add(*Group.objects.filter(name__in=roles))
    ensure_gemeente(gemeente).organisations.first().members.add(user)
    client = Client()
    client.force_login(user)
    return client


def render_times(client: Client, url: str, runs: int = RUNS) -> tuple[float, float, int]:
    """Median and 90th percentile in ms over ``runs`` requests (after one warm-up)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), float(np.percentile(times, 90)), len(response.content)


def demo_pages() -> None:
    print("== 1. Demo pages (server-side render, Django test client)")
    timed("load the demo (imports and analyses)", lambda: load_demo(lambda _m: None))
    client = client_for("bench")
    make_public("GM0014", 2023)
    print(f"{'page':<44} {'median':>8} {'p90':>8} {'size':>10}")
    for label, url in DEMO_PAGES:
        median, p90, size = render_times(client, url)
        print(f"{label:<44} {median:6.1f} ms {p90:6.1f} ms {size:>8,} B")
    for gemeente, name in (("GM0758", "Breda"), ("GM0268", "Nijmegen")):
        client = client_for(f"bench-{gemeente}", gemeente)
        for label, url in REGIONAL_PAGES:
            median, p90, size = render_times(client, url)
            print(f"{name + ': ' + label:<44} {median:6.1f} ms {p90:6.1f} ms {size:>8,} B")
    kaart_coverage()


def make_public(gemeente: str, year: int) -> None:
    """The demo plan made public with its jaarverslag of ``year`` adopted (vastgesteld), so
    that the public pages have something to show."""
    from openveiligheid.reports.adoption import adopt

    plan = Plan.objects.get(gemeente_code=gemeente)
    plan.public = True
    plan.save(update_fields=["public"])
    adopt(plan, year, get_user_model().objects.get(username="bench"))


def kaart_coverage() -> None:
    """Of every subject x level x (count or per 1,000) at the default period, how many draw a
    map (the walk-through of issue #12 found 8 of 60)."""
    from openveiligheid.dashboard.areadata import subjects
    from openveiligheid.dashboard.kaart import MapChoice, map_page

    print("== 1b. Kaart: combinations at the default period that draw a map")
    for plan in Plan.objects.order_by("pk"):
        combinations = drawn = 0
        for subject in subjects(plan):
            for level in ("wijk", "buurt"):
                for rate in (False, True):
                    if rate and not subject.can_rate:
                        continue
                    combinations += 1
                    page = map_page(plan, MapChoice(subject=subject.key, level=level, rate=rate))
                    drawn += page.map is not None
        print(f"{plan.gemeente_code} {plan.name[:60]:<62} {drawn:>3} of {combinations} draw a map")


# --- the national-size map page -------------------------------------------------------------


def buurt_code(n: int) -> str:
    """14,000 buurten in one gemeente: wijk codes in base 36, as CBS allows since 2022."""
    wijk, buurt = divmod(n, 40)
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return f"BU{NATIONAL_GEMEENTE[2:]}{digits[wijk // 36]}{digits[wijk % 36]}{buurt:02d}"


def national_files(cells: np.ndarray) -> tuple[Path, Path]:
    to_wgs84 = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)

    def project(coords: np.ndarray) -> np.ndarray:
        lon, lat = to_wgs84.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([np.round(lon, 6), np.round(lat, 6)])

    texts = shapely.to_geojson(shapely.transform(cells, project))
    features = ",".join(
        f'{{"type":"Feature","properties":{{"BU_CODE":"{buurt_code(n)}","BU_NAAM":"Buurt {n}",'
        f'"jrstatcode":"2024{buurt_code(n)}"}},"geometry":{text}}}'
        for n, text in enumerate(texts)
    )
    boundaries = Path(DATA_DIR) / "buurten_nl.geojson"
    boundaries.write_text(f'{{"type":"FeatureCollection","features":[{features}]}}')
    rng = np.random.default_rng(7)
    people = rng.integers(0, 5000, len(cells))
    crimes = rng.poisson(people / 1000 * 45)
    lines = ["measure,area,period,value"]
    for n in range(len(cells)):
        lines.append(f"inwoners,{buurt_code(n)},2023,{people[n]}")
        lines.append(f"misdrijven,{buurt_code(n)},2023,{crimes[n]}")
    figures = Path(DATA_DIR) / "cijfers_nl.csv"
    figures.write_text("\n".join(lines) + "\n")
    return boundaries, figures


def national_map_page() -> None:
    print("== 2. Kaart with all buurten of a national-size boundary set")
    cells = timed("generate ~14,000 synthetic buurten", national_buurten)
    boundaries, figures = timed("write GeoJSON and figures", lambda: national_files(cells))
    timed(
        "import boundaries (with map shapes)", lambda: import_boundaries(boundaries, division=2024)
    )
    run = timed(
        "import figures (buurt, derived wijk/gemeente)",
        lambda: import_figures(figures, division=2024),
    )
    show("", run.message)
    Plan.objects.create(gemeente_code=NATIONAL_GEMEENTE, name="Landelijke proef", division=2024)
    client = client_for("landelijk", NATIONAL_GEMEENTE)
    for label, url in (
        ("Kaart, 14,000 buurten, aantallen", "/kaart/?niveau=buurt&onderwerp=maat:misdrijven"),
        (
            "Kaart, 14,000 buurten, per 1.000",
            "/kaart/?niveau=buurt&onderwerp=maat:misdrijven&per1000=1",
        ),
        ("Kaart, 350 wijken", "/kaart/?niveau=wijk&onderwerp=maat:misdrijven"),
        ("Gebiedsprofiel, 1 of 14,000 buurten", f"/gebied/{buurt_code(7000)}/"),
    ):
        median, p90, size = render_times(client, url, runs=10)  # the issue: median of 10
        print(f"{label:<44} {median:6.1f} ms {p90:6.1f} ms {size:>11,} B")
    history = timed(
        "import ten years monthly per buurt (1.8M rows)",
        lambda: import_figures(monthly_history(len(cells)), division=2024),
    )
    show("", history.message)
    for label, url in (
        (
            "Kaart, 14,000 buurten, per 1.000, 2023",
            "/kaart/?niveau=buurt&onderwerp=maat:misdrijven&per1000=1&periode=2023",
        ),
        (
            "Kaart, 14,000 buurten, per 1.000, 2023-06",
            "/kaart/?niveau=buurt&onderwerp=maat:misdrijven&per1000=1&periode=2023-06",
        ),
        ("Gebiedsprofiel, with ten years", f"/gebied/{buurt_code(7000)}/"),
    ):
        median, p90, size = render_times(client, url, runs=10)
        print(f"{label:<44} {median:6.1f} ms {p90:6.1f} ms {size:>11,} B")
    browser_figures()


def monthly_history(count: int) -> Path:
    """Ten years (2014-2023) of monthly counts and yearly inhabitants for every buurt: the
    history a national installation holds, so that the Kaart reads one period among 130."""
    rng = np.random.default_rng(11)
    lines = ["measure,area,period,value"]
    for n in range(count):
        code = buurt_code(n)
        people = int(rng.integers(0, 5000))
        for year in range(2014, 2024):
            lines.append(f"inwoners,{code},{year},{people}")
            counts = rng.poisson(max(people, 1) / 12_000 * 45, 12)
            lines += [
                f"misdrijven,{code},{year}-{month:02d},{counts[month - 1]}"
                for month in range(1, 13)
            ]
    path = Path(DATA_DIR) / "cijfers_nl_maanden.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def browser_figures() -> None:
    if not CHROMIUM.exists():
        show("browser", "skipped: no /usr/bin/chromium")
        return
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        show("browser", "skipped: playwright not installed")
        return
    port = "8799"
    env = {**os.environ, "OV_DATA_DIR": DATA_DIR}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "openveiligheid.cli",
            "runserver",
            f"127.0.0.1:{port}",
            "--noreload",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(4)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            base = f"http://127.0.0.1:{port}"
            page.goto(base + "/inloggen/")
            page.fill("#id_username", "landelijk")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            browser_map(page, base + "/kaart/?niveau=buurt&onderwerp=maat:misdrijven&per1000=1")
            browser.close()
    finally:
        server.terminate()
        server.wait()


def browser_map(page, url: str) -> None:
    started = time.perf_counter()
    page.goto(url, wait_until="load")
    show("browser: navigate until load", f"{(time.perf_counter() - started) * 1000:8.0f} ms")
    timing = page.evaluate(
        "() => { const t = performance.getEntriesByType('navigation')[0];"
        " const p = performance.getEntriesByName('first-contentful-paint')[0];"
        " return {dcl: t.domContentLoadedEventEnd, load: t.loadEventEnd, "
        "fcp: p ? p.startTime : null}; }"
    )
    show("browser: DOMContentLoaded / load", f"{timing['dcl']:.0f} / {timing['load']:.0f} ms")
    fcp = timing["fcp"]
    show("browser: first contentful paint", "not reported" if fcp is None else f"{fcp:.0f} ms")
    links = page.locator("svg.kaart a.kaart-gebied")
    show("browser: area links on the map", f"{links.count():,}")
    if not links.count():  # an overview map: the table's links open the profiles
        links = page.locator("#tabel a[href*='/gebied/']")
        show("browser: area links in the table page", f"{links.count():,}")
    frame = page.evaluate(
        "() => new Promise(r => { const s = performance.now();"
        " requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now() - s))); })"
    )
    show("browser: next frame after load", f"{frame:8.1f} ms")
    middle = links.count() // 2
    focus = page.evaluate(
        "(n) => { const a = document.querySelectorAll('svg.kaart a.kaart-gebied').length ?"
        " document.querySelectorAll('svg.kaart a.kaart-gebied') :"
        " document.querySelectorAll(\"#tabel a[href*='/gebied/']\");"
        " const s = performance.now(); a[n].focus(); a[n + 1].focus();"
        " return performance.now() - s; }",
        middle,
    )
    show(f"browser: focus moves to link {middle:,}", f"{focus:8.1f} ms")
    target = links.nth(middle)
    href = target.get_attribute("href")
    started = time.perf_counter()
    target.click()
    page.wait_for_url(f"**{href.split('?')[0]}**")
    show(
        "browser: click area -> profile loaded", f"{(time.perf_counter() - started) * 1000:8.0f} ms"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    if "--alleen-landelijk" not in sys.argv:  # the national section only
        demo_pages()
    national_map_page()


if __name__ == "__main__":
    main()
