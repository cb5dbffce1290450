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
import re
from dataclasses import dataclass
from pathlib import Path

from openveiligheid.core.areacodes import AreaCodeError, level_of, normalize_code, parent_code
from openveiligheid.core.csvfiles import header_of, iter_records, read_csv_text
from openveiligheid.core.errors import InputError, InputProblem, ProblemCollector

AREA_LIST_COLUMNS = ("Key", "Title")
CODE_PROPERTIES = ("BU_CODE", "WK_CODE", "GM_CODE", "statcode", "code")
NAME_PROPERTIES = {"BU_CODE": "BU_NAAM", "WK_CODE": "WK_NAAM", "GM_CODE": "GM_NAAM"}
GENERIC_NAMES = ("statnaam", "naam", "name")
_DIVISION_IN_JRSTATCODE = re.compile(r"^(\d{4})(GM|WK|BU)")


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    level: str
    parent: str | None
    line: int
    geometry: dict | None = None


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
        if not name:
            problems.add("de naam ontbreekt", line=line, field="Title")
            continue
        if code in seen:
            problems.add(
                f"gebied {code} staat dubbel in de lijst (ook op regel {seen[code]})", line, "Key"
            )
            continue
        seen[code] = line
        rows.append(AreaRow(code, name, level, parent_code(code), line))
    problems.raise_if_any()
    return rows


def read_boundaries(
    path: Path | str, data: bytes | None = None
) -> tuple[list[AreaRow], int | None, dict[str, str]]:
    """Return the areas with their geometry, the division year if the file states it, and the
    names of enclosing areas that the features mention (``GM_CODE``/``GM_NAAM`` …)."""
    path = Path(path)
    try:
        collection = json.loads(path.read_bytes() if data is None else data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError([InputProblem(path.name, f"geen geldige GeoJSON: {exc}")]) from exc
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list) or not features:
        raise InputError([InputProblem(path.name, "geen GeoJSON FeatureCollection met features")])
    problems = ProblemCollector(path.name)
    rows: list[AreaRow] = []
    divisions: set[int] = set()
    ancestor_names: dict[str, str] = {}
    for number, feature in enumerate(features, start=1):
        props = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
        for code_key, name_key in NAME_PROPERTIES.items():
            if props.get(code_key) and props.get(name_key):
                ancestor_names[normalize_code(str(props[code_key]))] = str(props[name_key])
        row, division = _feature_row(feature, number, problems)
        if row:
            rows.append(row)
        if division:
            divisions.add(division)
    problems.raise_if_any()
    if len(divisions) > 1:
        raise InputError(
            [InputProblem(path.name, f"features uit meerdere indelingen: {sorted(divisions)}")]
        )
    return rows, (divisions.pop() if divisions else None), ancestor_names


def _feature_row(feature, number, problems) -> tuple[AreaRow | None, int | None]:
    if not isinstance(feature, dict):
        problems.add("geen GeoJSON-feature", field=f"feature {number}")
        return None, None
    props = feature.get("properties") or {}
    key = next((p for p in CODE_PROPERTIES if props.get(p)), None)
    field = f"feature {number}"
    if key is None:
        problems.add(f"geen gebiedscode in {' / '.join(CODE_PROPERTIES)}", field=field)
        return None, None
    code = normalize_code(str(props[key]))
    try:
        level = level_of(code)
    except AreaCodeError as exc:
        problems.add(str(exc), field=f"{field}.{key}")
        return None, None
    name_key = NAME_PROPERTIES.get(key)
    name = props.get(name_key) if name_key else None
    name = name or next((props[p] for p in GENERIC_NAMES if props.get(p)), code)
    geometry = feature.get("geometry")
    if not geometry or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        problems.add("de geometrie is geen (Multi)Polygon", field=field)
        return None, None
    match = _DIVISION_IN_JRSTATCODE.match(str(props.get("jrstatcode", "")))
    division = int(match.group(1)) if match else None
    return AreaRow(code, str(name), level, parent_code(code), number, geometry), division
