"""Police incident extracts (BVH export), one incident per line with coordinates.

Columns used: ``Incident Identificatie``, ``Incidentsoort code``, ``Incidentsoort``,
``Kennisnamedatum/tijd`` (when the police learned of it: the registration date, as in CBS's
registered-crime figures), ``Begin-pleegdatum/tijd``, and either ``lon_wgs84``/``lat_wgs84`` or
Rijksdriehoek ``X``/``Y`` (EPSG:28992). See ``docs/data-formats/politie-incidenten.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from openveiligheid.core.csvfiles import CsvText, header_of, iter_records, parse_number
from openveiligheid.core.errors import ProblemCollector

FORMAT = "politie-incidenten"
ID, CODE, LABEL = "Incident Identificatie", "Incidentsoort code", "Incidentsoort"
REPORTED, COMMITTED = "Kennisnamedatum/tijd", "Begin-pleegdatum/tijd"
CLEARED = "Opgehelderd"
REQUIRED = (ID, CODE, REPORTED)
MAX_ID_CHARS = 64  # Incident.incident_id
#: An incident code becomes part of a measure name (``incidenten:A72``): letters and digits.
INCIDENT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,9}$")
FIRST_YEAR = 1950
#: Where RD New (EPSG:28992) is defined, in metres, with a margin.
RD_X, RD_Y = (-10_000, 310_000), (280_000, 640_000)


@dataclass(frozen=True)
class IncidentRow:
    incident_id: str
    code: str
    label: str
    reported_at: dt.datetime
    committed_at: dt.datetime | None
    lon: float
    lat: float
    line: int
    cleared: bool = False


def matches(header: list[str]) -> bool:
    return all(column in header for column in REQUIRED)


def parse(csv_text: CsvText, *, today: dt.date | None = None) -> list[IncidentRow]:
    header = header_of(csv_text)
    problems = ProblemCollector(csv_text.name)
    missing = [c for c in REQUIRED if c not in header]
    has_wgs84 = {"lon_wgs84", "lat_wgs84"} <= set(header)
    if not has_wgs84 and not {"X", "Y"} <= set(header):
        missing.append("lon_wgs84/lat_wgs84 of X/Y")
    if missing:
        problems.add(f"kolom(men) ontbreken: {', '.join(missing)}", line=1)
        problems.raise_if_any()
    to_wgs84 = None if has_wgs84 else _rd_to_wgs84()
    rows: list[IncidentRow] = []
    seen: dict[str, int] = {}
    today = today or dt.date.today()
    for line, record in iter_records(csv_text):
        row = _parse_row(record, line, problems, to_wgs84, today)
        if row is None:
            continue
        if row.incident_id in seen:
            problems.add(
                f"incident komt dubbel voor (ook op regel {seen[row.incident_id]})", line, ID
            )
            continue
        seen[row.incident_id] = line
        rows.append(row)
    if not rows and not problems.problems:
        problems.add("het bestand bevat geen incidenten", line=2)
    problems.raise_if_any()
    return rows


def _parse_row(record, line, problems, to_wgs84, today) -> IncidentRow | None:
    incident_id = record[ID].strip()
    if not incident_id or len(incident_id) > MAX_ID_CHARS:
        message = "ontbreekt" if not incident_id else f"is langer dan {MAX_ID_CHARS} tekens"
        problems.add(f"het incidentnummer {message}", line, ID)
        return None
    code = record[CODE].strip().upper()
    if not INCIDENT_CODE.match(code):
        problems.add(
            f"'{code[:20]}' is geen incidentsoortcode (letters en cijfers, hoogstens 10, "
            "zoals A72)",
            line,
            CODE,
        )
        return None
    reported = _datetime(record[REPORTED], line, REPORTED, problems)
    committed = _datetime(record.get(COMMITTED, ""), line, COMMITTED, problems, required=False)
    if reported and reported.date() > today:
        problems.add(f"datum {reported.date()} ligt in de toekomst", line, REPORTED)
        return None
    try:
        if to_wgs84 is None:
            lon = parse_number(record["lon_wgs84"], decimal_comma=False)
            lat = parse_number(record["lat_wgs84"], decimal_comma=False)
        else:
            x = parse_number(record["X"], decimal_comma=False)
            y = parse_number(record["Y"], decimal_comma=False)
            if not (RD_X[0] <= x <= RD_X[1] and RD_Y[0] <= y <= RD_Y[1]):
                raise ValueError(f"{x:g}, {y:g} ligt niet in Nederland (RD-coördinaten in meters)")
            lon, lat = to_wgs84(x, y)
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError(
                "ligt buiten de aarde (lengtegraad -180 tot 180, breedtegraad -90 tot 90)"
                if to_wgs84 is None
                else "ligt ver buiten Nederland (RD-coördinaten in meters)"
            )
    except ValueError as exc:
        problems.add(
            f"coördinaat: {exc}", line, "lon_wgs84/lat_wgs84" if to_wgs84 is None else "X/Y"
        )
        return None
    if reported is None:
        return None
    cleared = record.get(CLEARED, "").strip().upper() == "J"
    label = record.get(LABEL, "").strip()
    return IncidentRow(incident_id, code, label, reported, committed, lon, lat, line, cleared)


def _datetime(text, line, field, problems, required=True) -> dt.datetime | None:
    raw = (text or "").strip()
    if not raw:
        if required:
            problems.add("de datum ontbreekt", line, field)
        return None
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d-%m-%Y %H:%M", "%d-%m-%Y"):
        try:
            found = dt.datetime.strptime(raw, fmt)
        except ValueError:
            continue
        if found.year < FIRST_YEAR:
            problems.add(f"datum {found.date()} ligt voor {FIRST_YEAR}", line, field)
            return None
        return found
    problems.add(
        f"'{raw[:40]}' is geen datum (verwacht 2017-09-21T07:40:00 of 21-09-2017 07:40)",
        line,
        field,
    )
    return None


def _rd_to_wgs84():
    from pyproj import Transformer

    transformer = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
    return transformer.transform
