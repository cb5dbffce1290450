"""Area lists and boundaries: the CBS area register and GeoJSON wijk/buurt maps.

* CBS dimension list (``WijkenEnBuurten.csv`` of 47018NED and others): ``Key``, ``Title``,
  ``Description``, ``Municipality``, ``DetailRegionCode``; keys padded with spaces.
* GeoJSON FeatureCollection in EPSG:4326 whose features carry the area code in ``statcode``,
  ``BU_CODE``, ``WK_CODE``, ``GM_CODE`` or ``code`` and the name in ``statnaam``, ``BU_NAAM``,
  ``WK_NAAM``, ``GM_NAAM``, ``naam`` or ``name``.

See ``docs/data-formats/gebieden.md``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import shapely
import shapely.errors

from openveiligheid.core.areacodes import AreaCodeError, level_of, normalize_code, parent_code
from openveiligheid.core.csvfiles import header_of, iter_records, read_csv_text
from openveiligheid.core.errors import InputError, InputProblem, ProblemCollector
from openveiligheid.core.textfiles import decode_text, shorten

AREA_LIST_COLUMNS = ("Key", "Title")
CODE_PROPERTIES = ("BU_CODE", "WK_CODE", "GM_CODE", "statcode", "code")
NAME_PROPERTIES = {"BU_CODE": "BU_NAAM", "WK_CODE": "WK_NAAM", "GM_CODE": "GM_NAAM"}
GENERIC_NAMES = ("statnaam", "naam", "name")
MAX_NAME_CHARS = 200  # Area.name
_DIVISION_IN_JRSTATCODE = re.compile(r"^(\d{4})(GM|WK|BU)")


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    level: str
    parent: str | None
    line: int
    geometry: dict | None = None
    #: why the geometry was repaired with ``make_valid`` (empty: it was valid)
    repaired: str = ""


def read_area_list(path: Path | str, data: bytes | None = None) -> list[AreaRow]:
    csv_text = read_csv_text(path, data)
    header = header_of(csv_text)
    problems = ProblemCollector(csv_text.name)
    if not all(column in header for column in AREA_LIST_COLUMNS):
        problems.add("geen CBS-gebiedenlijst: de kolommen Key en Title ontbreken", line=1)
        problems.raise_if_any()
    rows: list[AreaRow] = []
    seen: dict[str, int] = {}
    for line, record in iter_records(csv_text):
        code = normalize_code(record["Key"])
        try:
            level = level_of(code)
        except AreaCodeError as exc:
            problems.add(str(exc), line=line, field="Key")
            continue
        name = record["Title"].strip()
        if not name or len(name) > MAX_NAME_CHARS:
            too_long = f"de naam is langer dan {MAX_NAME_CHARS} tekens"
            problems.add(too_long if name else "de naam ontbreekt", line=line, field="Title")
            continue
        if code in seen:
            problems.add(
                f"gebied {code} staat dubbel in de lijst (ook op regel {seen[code]})", line, "Key"
            )
            continue
        seen[code] = line
        rows.append(AreaRow(code, name, level, parent_code(code), line))
    if not rows and not problems.problems:
        problems.add("het bestand bevat geen gebieden (alleen een kop)", line=2)
    problems.raise_if_any()
    return rows


def read_boundaries(
    path: Path | str, data: bytes | None = None
) -> tuple[list[AreaRow], int | None, dict[str, str]]:
    """Return the areas with their geometry, the division year if the file states it, and the
    names of enclosing areas that the features mention (``GM_CODE``/``GM_NAAM`` …).

    Geometries are checked (:func:`check_geometry`): a shape error is a problem of its
    feature; an invalid but repairable polygon is repaired and its row says why
    (``AreaRow.repaired``)."""
    path = Path(path)
    collection = load_json(path.read_bytes() if data is None else data, path.name)
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list) or not features:
        raise InputError([InputProblem(path.name, "geen GeoJSON FeatureCollection met features")])
    problems = ProblemCollector(path.name)
    rows: list[AreaRow] = []
    divisions: set[int] = set()
    ancestor_names: dict[str, str] = {}
    seen: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        for code_key, name_key in NAME_PROPERTIES.items():
            if not isinstance(props, dict):
                break
            if _text(props.get(code_key)) and _text(props.get(name_key)):
                name = _text(props[name_key])[:MAX_NAME_CHARS]
                ancestor_names[normalize_code(_text(props[code_key]))] = name
        row, division = _feature_row(feature, number, problems)
        if row and row.code in seen:
            problems.add(
                f"gebied {row.code} staat dubbel in het bestand (ook in feature {seen[row.code]})",
                field=f"feature {number}",
            )
        elif row:
            seen[row.code] = number
            rows.append(row)
        if division:
            divisions.add(division)
    problems.raise_if_any()
    if len(divisions) > 1:
        raise InputError(
            [InputProblem(path.name, f"features uit meerdere indelingen: {sorted(divisions)}")]
        )
    return rows, (divisions.pop() if divisions else None), ancestor_names


def load_json(data: bytes, name: str):
    """Parse JSON strictly: no NaN or Infinity, no numbers beyond range, no deep nesting."""
    text = decode_text(data, name)
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_float, parse_int=_int)
    except json.JSONDecodeError as exc:
        where = f"regel {exc.lineno}, kolom {exc.colno}"
        message = f"geen geldige GeoJSON: {_JSON_ERRORS.get(exc.msg, exc.msg)} ({where})"
        raise InputError([InputProblem(name, message)]) from None
    except ValueError as exc:
        raise InputError([InputProblem(name, f"geen geldige GeoJSON: {exc}")]) from None
    except RecursionError:
        raise InputError(
            [InputProblem(name, "geen geldige GeoJSON: te diep geneste lijsten of objecten")]
        ) from None


_JSON_ERRORS = {
    "Expecting value": "een waarde verwacht",
    "Unterminated string starting at": "een tekst zonder afsluitend aanhalingsteken",
    "Extra data": "tekst na het einde van het JSON-object",
}


def _no_constant(name: str):
    raise ValueError(f"{name} is geen getal")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"getal {text[:40]} is te groot")
    return value


def _int(text: str) -> int:
    if len(text) > 18:
        raise ValueError(f"getal {text[:40]}… is te groot")
    return int(text)


def _storable(text: str) -> bool:
    """Whether text can be stored: JSON's ``\\ud800`` escapes give half (surrogate) characters."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text(value) -> str:
    """A property as text: strings and whole numbers only (a list or object is no code)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


class GeometryProblem(ValueError):
    """A GeoJSON geometry that cannot be used; the message is Dutch."""


def check_geometry(geometry) -> tuple[dict, str]:
    """A usable (Multi)Polygon in longitude/latitude, and why it was repaired (``""`` if not).

    Raise :class:`GeometryProblem` for anything else: not an object, another type, wrongly
    nested or missing coordinates, positions that are not two numbers, coordinates outside
    -180..180 / -90..90, rings with fewer than four points or not closed, and shapes without
    area. A polygon that is invalid (self-intersecting, holes outside the shell …) is repaired
    with shapely's ``make_valid``; the reason is returned so the import can say so.
    """
    if not isinstance(geometry, dict):
        raise GeometryProblem("de geometrie ontbreekt of is geen GeoJSON-object")
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise GeometryProblem(f"de geometrie is geen (Multi)Polygon maar {shorten(kind)}")
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise GeometryProblem("de coördinaten ontbreken of zijn geen lijst")
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise GeometryProblem(f"een {kind} moet een lijst van ringen zijn (lijsten van punten)")
        for number, ring in enumerate(polygon, start=1):
            _check_ring(ring, number)
    try:
        shape = shapely.geometry.shape({"type": kind, "coordinates": coordinates})
        reason = ""
        if not shape.is_valid:
            reason = _dutch_reason(shapely.is_valid_reason(shape))
            shape = _polygons_of(shapely.make_valid(shape))
    except (ValueError, shapely.errors.GEOSException) as exc:  # what the checks above missed
        raise GeometryProblem(
            f"de geometrie kan niet worden gelezen ({shorten(str(exc))})"
        ) from exc
    if shape.is_empty or shape.area <= 0:
        raise GeometryProblem("de geometrie heeft geen oppervlakte")
    if reason:
        return json.loads(shapely.to_geojson(shape)), reason
    return {"type": kind, "coordinates": coordinates}, ""


_REASONS = {
    "Self-intersection": "zelfdoorsnijding",
    "Ring Self-intersection": "ring snijdt zichzelf",
    "Hole lies outside shell": "gat buiten de buitenrand",
    "Nested holes": "gat in een gat",
    "Interior is disconnected": "binnenkant niet samenhangend",
    "Nested shells": "deel binnen een ander deel",
    "Duplicate Rings": "dubbele ring",
    "Too few distinct points in geometry component": "te weinig verschillende punten",
}


def _dutch_reason(reason: str) -> str:
    """``Self-intersection[6.56 53.21]`` -> ``zelfdoorsnijding bij 6.56 53.21``."""
    kind, _, where = reason.partition("[")
    text = _REASONS.get(kind.strip(), "ongeldige vorm")
    return f"{text} bij {where.rstrip(']')}" if where else text


def _check_ring(ring, number: int) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise GeometryProblem(f"ring {number} heeft minder dan vier punten of is geen lijst")
    for point in ring:
        if (
            not isinstance(point, list)
            or len(point) not in (2, 3)
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in point)
        ):
            raise GeometryProblem(
                f"ring {number} heeft een punt dat geen paar getallen is: {shorten(point)}"
            )
        lon, lat = point[0], point[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise GeometryProblem(
                f"punt {shorten(point)} ligt buiten lengtegraad -180..180 / breedtegraad -90..90 "
                "(is het bestand in EPSG:4326, WGS 84?)"
            )
    if len({len(point) for point in ring}) > 1:
        raise GeometryProblem(
            f"ring {number} mengt punten met twee en met drie getallen (x, y en x, y, z)"
        )
    if ring[0][:2] != ring[-1][:2]:
        raise GeometryProblem(
            f"ring {number} is niet gesloten: het eerste en het laatste punt verschillen"
        )


def _polygons_of(shape):
    parts = [
        part
        for part in shapely.get_parts(shape)
        if part.geom_type in ("Polygon", "MultiPolygon") and part.area > 0
    ]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _feature_row(feature, number, problems) -> tuple[AreaRow | None, int | None]:
    field = f"feature {number}"
    if not isinstance(feature, dict):
        problems.add("geen GeoJSON-feature", field=field)
        return None, None
    props = feature.get("properties")
    props = {} if props is None else props
    if not isinstance(props, dict):
        problems.add("de properties zijn geen object", field=f"{field}.properties")
        return None, None
    for name, value in props.items():
        if isinstance(value, str) and not _storable(value):
            problems.add(
                "bevat een half teken (een losse \\u-escape), dat niet kan worden opgeslagen",
                field=f"{field}.{shorten(str(name), 40)}",
            )
            return None, None
    key = next((p for p in CODE_PROPERTIES if _text(props.get(p))), None)
    if key is None:
        problems.add(f"geen gebiedscode in {' / '.join(CODE_PROPERTIES)}", field=field)
        return None, None
    code = normalize_code(_text(props[key]))
    try:
        level = level_of(code)
    except AreaCodeError as exc:
        problems.add(shorten(str(exc), 120), field=f"{field}.{key}")
        return None, None
    name_key = NAME_PROPERTIES.get(key)
    name = _text(props.get(name_key)) if name_key else ""
    name = name or next((_text(props[p]) for p in GENERIC_NAMES if _text(props.get(p))), code)
    if len(name) > MAX_NAME_CHARS:
        problems.add(f"de naam is langer dan {MAX_NAME_CHARS} tekens", field=f"{field}.naam")
        return None, None
    try:
        geometry, repaired = check_geometry(feature.get("geometry"))
    except GeometryProblem as exc:
        problems.add(str(exc), field=f"{field}.geometry")
        return None, None
    match = _DIVISION_IN_JRSTATCODE.match(_text(props.get("jrstatcode")))
    division = int(match.group(1)) if match else None
    if division is not None and not 1900 < division < 3000:
        problems.add(f"jaar {match.group(1)} is geen indeling", field=f"{field}.jrstatcode")
        return None, None
    row = AreaRow(code, name, level, parent_code(code), number, geometry, repaired)
    return row, division
