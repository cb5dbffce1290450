#!/usr/bin/env python3
"""Write the demo files of Breda (GM0758) and Nijmegen (GM0268) from the shared public data.

Usage::

    python3 scripts/make_regional_demo.py [--shared PATH] [--out PATH]

Reads the read-only folders ``breda-2012-2023``, ``nijmegen-misdrijven-soort-2023-2025`` and
``cbs-gebieden-bevolking-2024`` under ``--shared`` (default ``../shared/data`` next to the
repository) and writes into ``--out`` (default ``src/openveiligheid/demo/data/regio``) files
that the existing importers read, nothing new:

- cijfers-CSV (``docs/data-formats/cijfers.md``): crime, overlast and inhabitants;
- GeoJSON boundaries (``docs/data-formats/gebieden.md``): Breda's 56 buurten with their CBS
  codes of division 2024, simplified without breaking shared borders, and its 11 wijken as
  the union of their buurten.

The area list needs no extension: the demo's ``gebieden_2024_47018NED.csv`` is the whole CBS
list of division 2024 and holds Breda's and Nijmegen's wijken and buurten already (the script
checks that every code it writes is in it). Origin, licences and the derivation of every file
are in ``regio/SOURCE.md``.

Only the standard library is used and nothing depends on time or order of a directory
listing, so a second run writes byte-identical files (``tests/demo/test_regional_demo.py``).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO_DATA = REPO / "src" / "openveiligheid" / "demo" / "data"
DEFAULT_OUT = DEMO_DATA / "regio"
DEFAULT_SHARED = REPO / ".." / "shared" / "data"
AREA_LIST = DEMO_DATA / "gebieden_2024_47018NED.csv"

BREDA = "GM0758"
NIJMEGEN = "GM0268"
DIVISION = 2024
CIJFERS_HEADER = ("measure", "area", "period", "value", "source", "status")

#: Years of Breda's inhabitants series that are shipped: the years that have crime figures.
#: The series upstream runs 2008-2022; 2008-2011 have nothing to be divided.
BREDA_INHABITANT_YEARS = range(2012, 2023)
#: The years CBS still calls provisional (the shared SOURCE.md: "2025 figures are provisional").
NIJMEGEN_PROVISIONAL = {"2025"}

#: Douglas-Peucker tolerance for Breda's buurt borders, in degrees (about 1 m north-south,
#: 0.7 m east-west at 51.6° N), and the decimals kept (6: about 0.1 m; 5 makes one thin ring
#: cross itself).
TOLERANCE = 1.0e-5
DECIMALS = 6

#: The output files (also the list the rebuild test compares).
FILES = (
    "buurten_2024_breda.geojson",
    "wijken_2024_breda.geojson",
    "misdrijven_breda_2012_2023.csv",
    "overlast_breda_2022.csv",
    "inwoners_breda_2012_2022.csv",
    "inwoners_buurt_2024_breda.csv",
    "misdrijven_nijmegen_2023_2025.csv",
    "inwoners_buurt_2024_nijmegen.csv",
)


# --- reading -------------------------------------------------------------------------------------


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def area_names(path: Path = AREA_LIST) -> dict[str, str]:
    """Code → name of every area of the CBS list of division 2024 (keys right-padded there)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["Key"].strip(): row["Title"].strip() for row in csv.DictReader(handle)}


# --- writing -------------------------------------------------------------------------------------


Row = tuple[str, str, str, int, str, str]


def cijfers_text(rows: Iterable[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CIJFERS_HEADER)
    writer.writerows(rows)
    return out.getvalue()


def level_rank(code: str) -> int:
    return {"GM": 0, "WK": 1, "BU": 2}[code[:2]]


def sort_rows(rows: Iterable[Row]) -> list[Row]:
    """By measure, period, then gemeente before wijken before buurten, each by code."""
    return sorted(rows, key=lambda r: (r[0], r[2], level_rank(r[1]), r[1]))


def check_known(rows: Sequence[Row], known: dict[str, str], what: str) -> None:
    unknown = sorted({r[1] for r in rows} - set(known))
    if unknown:
        raise SystemExit(f"{what}: codes not in {AREA_LIST.name}: {unknown[:10]}")


# --- Breda ---------------------------------------------------------------------------------------


def breda_crime(folder: Path) -> list[Row]:
    """Totals per gemeente, wijk and buurt 2012-2022 (published), and per buurt 2023."""
    source_old = "CBS/Politie 47018NED (download mei 2023)"
    source_new = "CBS/Politie 47018NED (stand augustus 2024)"
    rows: list[Row] = []
    for row in read_rows(folder / "misdrijven_breda_wijk_buurt_2012_2022_totaal.csv"):
        assert row["soort_misdrijf"].startswith("0.0.0 "), row
        rows.append(
            (
                "misdrijven:0.0.0",
                row["regio_code"],
                row["jaar"],
                int(row["geregistreerde_misdrijven"]),
                source_old,
                "definitief",
            )
        )
    for row in read_rows(folder / "misdrijven_breda_buurt_2023_totaal.csv"):
        assert row["soort_misdrijf"].startswith("0.0.0 "), row
        rows.append(
            (
                "misdrijven:0.0.0",
                row["buurt_code"],
                row["jaar"],
                int(row["geregistreerde_misdrijven"]),
                source_new,
                "definitief",
            )
        )
    return sort_rows(rows)


def breda_overlast(folder: Path) -> list[Row]:
    """Registered overlast by type per gemeente, wijk and buurt, 2022 (47024NED)."""
    rows = [
        (
            f"overlast:{row['overlast_code']}",
            row["regio_code"],
            row["jaar"],
            int(row["geregistreerde_overlast"]),
            "CBS/Politie 47024NED",
            "definitief",
        )
        for row in read_rows(folder / "overlast_breda_wijk_buurt_2022.csv")
    ]
    return sort_rows(rows)


def breda_inhabitants_series(folder: Path) -> list[Row]:
    """Inhabitants per buurt 2012-2022 from the series without a stated licence."""
    source = "Gemeente Breda, vermoedelijk breda.incijfers.nl (licentie niet vermeld)"
    rows = [
        ("inwoners", row["buurt_code"], row["jaar"], int(row["inwoners"]), source, "definitief")
        for row in read_rows(folder / "bevolking_breda_buurt_2008_2022.csv")
        if int(row["jaar"]) in BREDA_INHABITANT_YEARS
    ]
    return sort_rows(rows)


def inhabitants_2024(folder: Path, gemeente: str) -> list[Row]:
    """Inhabitants on 1 January 2024 per buurt of one gemeente (CBS 85984NED)."""
    prefix = "BU" + gemeente[2:]
    rows = [
        (
            "inwoners",
            row["nhood_id"],
            "2024",
            int(row["population"]),
            "CBS 85984NED (inwoners op 1 januari 2024)",
            "definitief",
        )
        for row in read_rows(folder / "bevolking_buurt_85984NED_2024.csv")
        if row["nhood_id"].startswith(prefix)
    ]
    return sort_rows(rows)


def nijmegen_crime(folder: Path) -> list[Row]:
    """Crime per buurt, total and 11 types, 2023-2025 (2025 provisional)."""
    rows = [
        (
            f"misdrijven:{row['soort_misdrijf']}",
            row["buurt_code"],
            row["jaar"],
            int(row["geregistreerde_misdrijven"]),
            "CBS/Politie 47018NED",
            "voorlopig" if row["jaar"] in NIJMEGEN_PROVISIONAL else "definitief",
        )
        for row in read_rows(folder / "misdrijven_nijmegen_buurt_soort_2023_2025.csv")
    ]
    return sort_rows(rows)


# --- Breda's boundaries: simplified without opening gaps between neighbours -----------------------

Point = tuple[float, float]


def _distance(p: Point, a: Point, b: Point) -> float:
    """Distance of ``p`` to the segment ``a``-``b`` (planar, in degrees; latitude-corrected)."""
    scale = math.cos(math.radians(51.6))
    px, py, ax, ay, bx, by = p[0] * scale, p[1], a[0] * scale, a[1], b[0] * scale, b[1]
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iterative; keeps both ends. Ties go to the first point."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = -1.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index >= 0 and best > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_coverage(
    rings: dict[str, list[list[Point]]], tolerance: float, decimals: int
) -> dict[str, list]:
    """Simplify every ring of a coverage so that a border two polygons share stays shared.

    A vertex where the set of rings through it changes (a junction of three areas, the end of
    a shared border) is a node and is always kept; the chain between two nodes is simplified
    once, in a direction that does not depend on which ring walks it, so both neighbours get
    the same points. A ring without nodes gets two: its smallest point and the point farthest
    from it. Points are rounded to ``decimals`` after simplifying. A ring that crosses itself
    afterwards keeps its chains unsimplified (for its neighbours too), and is checked again.
    """
    owners: dict[Point, set[tuple[str, int]]] = defaultdict(set)
    for code, code_rings in rings.items():
        for index, ring in enumerate(code_rings):
            for point in ring[:-1]:
                owners[point].add((code, index))

    def group(point: Point) -> frozenset[str]:
        return frozenset(code for code, _ in owners[point])

    cache: dict[tuple[Point, ...], list[Point]] = {}
    raw: set[tuple[Point, ...]] = set()  #: chains kept as they are (simplifying broke a ring)

    def simplified(chain: list[Point]) -> tuple[tuple[Point, ...], list[Point]]:
        forward = tuple(chain)
        key = min(forward, tuple(reversed(chain)))
        if key in raw:
            result = list(key)
        else:
            if key not in cache:
                cache[key] = douglas_peucker(list(key), tolerance)
            result = cache[key]
        return key, (result if key == forward else list(reversed(result)))

    chains: dict[tuple[str, int], list[list[Point]]] = {}
    for code, code_rings in rings.items():
        for index, ring in enumerate(code_rings):
            points = ring[:-1]
            n = len(points)
            nodes = [
                i
                for i in range(n)
                if len(owners[points[i]]) > 2
                or group(points[i]) != group(points[i - 1])
                or group(points[i]) != group(points[(i + 1) % n])
            ]
            if len(nodes) < 2:
                start = min(range(n), key=lambda i: points[i])
                far = max(
                    range(n),
                    key=lambda i: (
                        (points[i][0] - points[start][0]) ** 2
                        + (points[i][1] - points[start][1]) ** 2,
                        points[i],
                    ),
                )
                nodes = sorted({start, far, *nodes})
            chains[code, index] = [
                points[first : last + 1] if last > first else points[first:] + points[: last + 1]
                for first, last in zip(nodes, nodes[1:] + nodes[:1], strict=True)
            ]

    while True:
        out: dict[str, list] = {}
        broken: set[tuple[Point, ...]] = set()
        for (code, _index), ring_chains in chains.items():
            result: list[Point] = []
            keys = []
            for chain in ring_chains:
                key, points = simplified(chain)
                keys.append(key)
                for x, y in points[:-1]:
                    point = (round(x, decimals), round(y, decimals))
                    if not result or result[-1] != point:
                        result.append(point)
            if result[-1] == result[0]:
                result.pop()
            result.append(result[0])
            if len(result) < 4 or crosses_itself(result):
                broken.update(keys)
            out.setdefault(code, []).append(result)
        if not broken - raw:
            if broken:
                raise SystemExit(f"rings still invalid with their chains unsimplified: {broken}")
            return out
        raw.update(broken)


def crosses_itself(ring: list[Point]) -> bool:
    """Whether two non-adjacent segments of the closed ``ring`` touch or cross."""
    segments = list(zip(ring, ring[1:], strict=False))
    n = len(segments)
    boxes = [
        (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])) for a, b in segments
    ]
    order = sorted(range(n), key=lambda i: boxes[i][0])
    for pos, i in enumerate(order):
        for j in order[pos + 1 :]:
            if boxes[j][0] > boxes[i][2]:
                break
            if abs(i - j) in (1, n - 1):
                continue
            if boxes[j][1] > boxes[i][3] or boxes[i][1] > boxes[j][3]:
                continue
            if _segments_meet(*segments[i], *segments[j]):
                return True
    return False


def _segments_meet(a: Point, b: Point, c: Point, d: Point) -> bool:
    def orient(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    def on(p: Point, q: Point, r: Point) -> bool:
        return min(p[0], q[0]) <= r[0] <= max(p[0], q[0]) and min(p[1], q[1]) <= r[1] <= max(
            p[1], q[1]
        )

    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    if ((o1 > 0 > o2) or (o1 < 0 < o2)) and ((o3 > 0 > o4) or (o3 < 0 < o4)):
        return True
    return (
        (o1 == 0 and on(a, b, c))
        or (o2 == 0 and on(a, b, d))
        or (o3 == 0 and on(c, d, a))
        or (o4 == 0 and on(c, d, b))
    )


def signed_area(ring: Sequence[Point]) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False)) / 2


def inside(point: Point, ring: Sequence[Point]) -> bool:
    """Whether ``point`` lies inside the closed ``ring`` (even-odd rule)."""
    x, y = point
    result = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


def dissolve(polygons: Sequence[list[list[Point]]]) -> list[list[list[Point]]]:
    """The union of polygons of a coverage whose shared borders have identical points (as
    :func:`simplify_coverage` leaves them): every edge that two polygons share cancels, the
    rest is chained into rings. Returns polygons (shell first, then holes)."""
    edges: dict[Point, list[Point]] = defaultdict(list)
    count: dict[tuple[Point, Point], int] = defaultdict(int)
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            counter_clockwise = signed_area(ring) > 0
            if counter_clockwise == (index > 0):  # shells counter-clockwise, holes clockwise
                ring = ring[::-1]
            for a, b in zip(ring, ring[1:], strict=False):
                count[a, b] += 1
    for (a, b), n in sorted(count.items()):
        if n > count.get((b, a), 0):
            edges[a].append(b)
    rings: list[list[Point]] = []
    while edges:
        start = min(edges)
        ring = [start]
        point = start
        while True:
            following = edges[point]
            nxt = following.pop(0)
            if not following:
                del edges[point]
            ring.append(nxt)
            point = nxt
            if point == start:
                break
        rings.append(ring)
    shells = [r for r in rings if signed_area(r) > 0]
    holes = [r for r in rings if signed_area(r) <= 0]
    result = [[shell] for shell in shells]
    for hole in holes:
        owner = next(p for p in result if inside(hole[0], p[0]) or hole[0] in p[0])
        owner.append(hole)
    return result


def geojson_text(name: str, features: list[dict]) -> str:
    """A FeatureCollection with one feature per line: small, and still readable in a diff."""
    lines = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features)
    head = json.dumps({"type": "FeatureCollection", "name": name}, ensure_ascii=False)
    return head[:-1] + ', "features": [\n' + lines + "\n]}\n"


def breda_boundaries(folder: Path, names: dict[str, str]) -> tuple[str, str]:
    """Breda's 56 buurten and its 11 wijken (the union of their buurten) as GeoJSON for
    ``import_boundaries`` (codes of division 2024)."""
    source = json.loads((folder / "raw" / "Buurten.geojson").read_text(encoding="utf-8"))
    rings: dict[str, list[list[Point]]] = {}
    for feature in source["features"]:
        props = feature["properties"]
        assert props["GEMEENTECODE"] == BREDA[2:], props
        geometry = feature["geometry"]
        assert geometry["type"] == "Polygon", geometry["type"]
        code = f"BU{props['GEMEENTECODE']}{props['BUURTCODE']}"
        if names.get(code) != props["BUURT"]:
            raise SystemExit(f"{code}: name {props['BUURT']!r} is not {names.get(code)!r}")
        rings[code] = [
            [(float(x), float(y)) for x, y, *_ in ring] for ring in geometry["coordinates"]
        ]
    simple = simplify_coverage(rings, TOLERANCE, DECIMALS)
    gemeente = {"GM_CODE": BREDA, "GM_NAAM": names[BREDA]}
    buurten = []
    by_wijk: dict[str, list] = defaultdict(list)
    for code in sorted(simple):
        wijk = "WK" + code[2:8]
        by_wijk[wijk].append(simple[code])
        buurten.append(
            {
                "type": "Feature",
                "properties": {
                    "BU_CODE": code,
                    "BU_NAAM": names[code],
                    "WK_CODE": wijk,
                    "WK_NAAM": names[wijk],
                    **gemeente,
                    "jrstatcode": f"{DIVISION}{code}",
                },
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[x, y] for x, y in ring] for ring in simple[code]],
                },
            }
        )
    wijken = []
    for wijk, polygons in sorted(by_wijk.items()):
        union = dissolve(polygons)
        coordinates = [[[[x, y] for x, y in ring] for ring in polygon] for polygon in union]
        wijken.append(
            {
                "type": "Feature",
                "properties": {
                    "WK_CODE": wijk,
                    "WK_NAAM": names[wijk],
                    **gemeente,
                    "jrstatcode": f"{DIVISION}{wijk}",
                },
                "geometry": (
                    {"type": "Polygon", "coordinates": coordinates[0]}
                    if len(coordinates) == 1
                    else {"type": "MultiPolygon", "coordinates": coordinates}
                ),
            }
        )
    return geojson_text("buurten_2024_breda", buurten), geojson_text("wijken_2024_breda", wijken)


# --- main ----------------------------------------------------------------------------------------


def build(shared: Path) -> dict[str, str]:
    """File name → text of every output file."""
    breda = shared / "breda-2012-2023"
    nijmegen = shared / "nijmegen-misdrijven-soort-2023-2025"
    cbs = shared / "cbs-gebieden-bevolking-2024"
    names = area_names()
    buurten, wijken = breda_boundaries(breda, names)
    files = {"buurten_2024_breda.geojson": buurten, "wijken_2024_breda.geojson": wijken}
    tables = {
        "misdrijven_breda_2012_2023.csv": breda_crime(breda),
        "overlast_breda_2022.csv": breda_overlast(breda),
        "inwoners_breda_2012_2022.csv": breda_inhabitants_series(breda),
        "inwoners_buurt_2024_breda.csv": inhabitants_2024(cbs, BREDA),
        "misdrijven_nijmegen_2023_2025.csv": nijmegen_crime(nijmegen),
        "inwoners_buurt_2024_nijmegen.csv": inhabitants_2024(cbs, NIJMEGEN),
    }
    for name, rows in tables.items():
        check_known(rows, names, name)
        files[name] = cijfers_text(rows)
    assert sorted(files) == sorted(FILES)
    return files


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    files = build(args.shared)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.out / name).write_bytes(text.encode("utf-8"))
        print(f"{name}: {len(text.encode('utf-8')):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
