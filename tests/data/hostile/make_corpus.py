"""Write the hostile-file corpus: malformed inputs for every file command.

Run ``python tests/data/hostile/make_corpus.py`` to (re)write the files next to this script;
the files are committed, so the tests do not run it. A file's name says which commands it is
for: ``<kind>__<case>.<ext>``, with ``kind`` one of

* ``any``: every file command (binary data, empty files, encodings nothing can read);
* ``cijfers``, ``cbs``: figures files (``import_figures``, ``evaluate``, ``hotspots``,
  ``signalering``);
* ``gebieden``: area lists (``import_areas``);
* ``geojson``: boundaries (``import_boundaries``, ``hotspots --boundaries``);
* ``incidenten``: police incidents (``import_incidents``);
* ``plan``: plan files (``load_plan``, ``evaluate --plan``).

Every file here must be refused with a Dutch message naming it. Files that look odd but are
fine (a BOM, UTF-16 with BOM, Windows-1252, CR-only line ends, a self-intersecting polygon
that is repaired) are under ``ok/`` with the same naming; they must be accepted. Oversized
files are not committed: the tests make them with a low size limit.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

CIJFERS = "measure,area,period,value\n"
GOOD_CIJFERS = CIJFERS + "halt,BU00140000,2022,5\nhalt,BU00140001,2022,7\n"
CBS_HEADER = '"ID";"SoortMisdrijf";"WijkenEnBuurten";"Perioden";"GeregistreerdeMisdrijven_1"\n'
AREAS = '"Key","Title","Description","Municipality","DetailRegionCode"\n'
INCIDENTS = (
    "Incident Identificatie,Incidentsoort code,Incidentsoort,Kennisnamedatum/tijd,"
    "Begin-pleegdatum/tijd,Opgehelderd,lon_wgs84,lat_wgs84\n"
)
INCIDENT = "PL{n},A72,Diefstal Fiets,2017-02-{day:02d}T10:00:00,,N,6.5629,53.2166\n"
GOOD_PLAN = """\
gemeente: GM0014
naam: Vijandig plan
themas:
  - id: thema
    naam: Thema
    doelen:
      - id: doel
        naam: Doel
        indicatoren: [hic]
indicatoren:
  - id: hic
    naam: High Impact Crimes
    waarde: extern:hic
    doelen: {2022: "< 80"}
"""
SQUARE = [[6.56, 53.21], [6.57, 53.21], [6.57, 53.22], [6.56, 53.22], [6.56, 53.21]]


def incidents_month(extra: str = "", days=range(1, 29)) -> str:
    rows = "".join(INCIDENT.format(n=n, day=day) for n, day in enumerate(days, start=1))
    return INCIDENTS + rows + extra


def feature(code="BU00140000", geometry=None, properties=None) -> dict:
    props = {"BU_CODE": code, "BU_NAAM": "Binnenstad", "jrstatcode": "2017" + code}
    return {
        "type": "Feature",
        "properties": props if properties is None else properties,
        "geometry": {"type": "Polygon", "coordinates": [SQUARE]} if geometry is None else geometry,
    }


def collection(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def polygon(ring) -> dict:
    return {"type": "Polygon", "coordinates": [ring]}


def plan_with(old: str, new: str) -> str:
    assert old in GOOD_PLAN
    return GOOD_PLAN.replace(old, new, 1)


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[n]
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\nnaam: *i\ngemeente: GM0014\n"


def hostile() -> dict[str, bytes | str]:
    rng = random.Random(9)
    files: dict[str, bytes | str] = {
        # --- anything ---------------------------------------------------------------
        "any__empty.txt": b"",
        "any__whitespace.txt": "   \n\n \t \n",
        "any__binary_garbage.bin": bytes(rng.randrange(256) for _ in range(2048)),
        "any__png.bin": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64)),
        "any__zip.bin": b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(200)),
        "any__gzip.bin": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(100)),
        "any__nul_bytes.txt": "measure\x00area\x00period\n\x00\x00\x00",
        "any__utf32_bom.txt": "\ufeff" + GOOD_CIJFERS,  # written as UTF-32 below
        "any__invalid_utf8_controls.txt": b"\x80\x81\x1b[31m\x07\x08\x0e\x0f" * 40,
        # --- cijfers-CSV --------------------------------------------------------------
        "cijfers__utf16le_no_bom.csv": GOOD_CIJFERS.encode("utf-16-le"),
        "cijfers__field_over_128kb.csv": CIJFERS + 'halt,BU00140000,2022,"' + "9" * 135_000 + '"\n',
        "cijfers__long_measure.csv": CIJFERS + "h" * 20_000 + ",BU00140000,2022,5\n",
        "cijfers__unclosed_quote.csv": CIJFERS
        + 'halt,"BU00140000,2022,5\nhalt,BU00140001,2022,7\n',
        "cijfers__header_only.csv": CIJFERS,
        "cijfers__negative_count.csv": CIJFERS + "halt,BU00140000,2022,-5\n",
        "cijfers__400_digits.csv": CIJFERS + "halt,BU00140000,2022," + "9" * 400 + "\n",
        "cijfers__huge_number.csv": CIJFERS + "halt,BU00140000,2022,1" + "0" * 15 + "\n",
        "cijfers__nan.csv": CIJFERS + "halt,BU00140000,2022,nan\n",
        "cijfers__infinity.csv": CIJFERS + "halt,BU00140000,2022,inf\n",
        "cijfers__exponent.csv": CIJFERS + "halt,BU00140000,2022,1e400\n",
        "cijfers__text_value.csv": CIJFERS + "halt,BU00140000,2022,veel\n",
        "cijfers__empty_value.csv": CIJFERS + "halt,BU00140000,2022,\n",
        "cijfers__wrong_column_count.csv": CIJFERS + "halt,BU00140000,2022,5,extra,meer,nog\n",
        "cijfers__short_row.csv": CIJFERS + "halt,BU00140000\n",
        "cijfers__future_period.csv": CIJFERS + "halt,BU00140000,2999,5\n",
        "cijfers__month_13.csv": CIJFERS + "halt,BU00140000,2022-13,5\n",
        "cijfers__year_zero.csv": CIJFERS + "halt,BU00140000,0000,5\n",
        "cijfers__bad_area.csv": CIJFERS + "halt,XX12345,2022,5\n",
        "cijfers__duplicate_rows.csv": CIJFERS + "halt,BU00140000,2022,5\nhalt,BU00140000,2022,6\n",
        "cijfers__bad_status.csv": "measure,area,period,value,status\nhalt,GM0014,2022,5,zeker\n",
        "cijfers__unknown_column.csv": "measure,area,period,value,kleur\nhalt,GM0014,2022,5,rood\n",
        "cijfers__formula_measure.csv": CIJFERS + "\"=cmd|'/c calc'!A1\",GM0014,2022,5\n",
        "cijfers__control_chars.csv": CIJFERS + "halt\x1b[2J,GM0014,2022,5\n",
        "cijfers__tab_separated.csv": GOOD_CIJFERS.replace(",", "\t"),
        "cijfers__many_columns.csv": ",".join(f"k{n}" for n in range(5000)) + "\n1,2\n",
        "cijfers__only_newlines_cr.csv": "\r\r\r\r",
        "cijfers__mixed_nul_in_value.csv": CIJFERS + "halt,GM0014,2022,5\x00\n",
        # --- CBS open data --------------------------------------------------------------
        "cbs__bad_period.csv": CBS_HEADER + '0;"0.0.0   ";"BU00140000";"2023XX00";1428\n',
        "cbs__negative.csv": CBS_HEADER + '0;"0.0.0   ";"BU00140000";"2023JJ00";-1428\n',
        "cbs__all_missing.csv": CBS_HEADER + '0;"0.0.0   ";"BU00140000";"2023JJ00";.\n',
        "cbs__text_value.csv": CBS_HEADER + '0;"0.0.0   ";"BU00140000";"2023JJ00";veel\n',
        "cbs__short_row.csv": CBS_HEADER + '0;"0.0.0   ";"BU00140000"\n',
        "cbs__400_digits.csv": CBS_HEADER
        + '0;"0.0.0   ";"BU00140000";"2023JJ00";'
        + "9" * 400
        + "\n",
        "cbs__no_topic.csv": '"ID";"WijkenEnBuurten";"Perioden";"Iets_1"\n0;"GM0014";"2023JJ00";5\n',
        # --- area lists -------------------------------------------------------------------
        "gebieden__header_only.csv": AREAS,
        "gebieden__missing_columns.csv": '"Code","Naam"\n"GM0014","Groningen"\n',
        "gebieden__bad_code.csv": AREAS + '"XX99","Nergens","","",""\n',
        "gebieden__duplicate.csv": AREAS + '"GM0014","Groningen","","",""\n' * 2,
        "gebieden__parent_missing.csv": AREAS + '"BU00140000","Binnenstad","","",""\n',
        "gebieden__empty_name.csv": AREAS + '"GM0014","","","",""\n',
        "gebieden__name_10kb.csv": AREAS + '"GM0014","' + "G" * 10_000 + '","","",""\n',
        "gebieden__latin1_binary_mix.csv": AREAS.encode() + b'"GM0014","Gr\xf6\x00\x01ningen"\n',
        # --- GeoJSON boundaries ------------------------------------------------------------
        "geojson__not_json.geojson": "dit is geen json {",
        "geojson__truncated.geojson": collection(feature())[:-20],
        "geojson__array_top.geojson": "[1, 2, 3]",
        "geojson__no_features.geojson": '{"type": "FeatureCollection"}',
        "geojson__empty_features.geojson": '{"type": "FeatureCollection", "features": []}',
        "geojson__features_object.geojson": '{"type": "FeatureCollection", "features": {"a": 1}}',
        "geojson__feature_string.geojson": collection("feature"),
        "geojson__properties_list.geojson": collection(feature(properties=["BU00140000"])),
        "geojson__properties_string.geojson": collection(feature(properties="BU00140000")),
        "geojson__geometry_string.geojson": collection(feature(geometry="POLYGON((0 0))")),
        "geojson__geometry_list.geojson": collection(feature(geometry=[SQUARE])),
        "geojson__geometry_point.geojson": collection(
            feature(geometry={"type": "Point", "coordinates": [6.5, 53.2]})
        ),
        "geojson__coordinates_string.geojson": collection(
            feature(geometry={"type": "Polygon", "coordinates": "6.5 53.2"})
        ),
        "geojson__coordinates_missing.geojson": collection(feature(geometry={"type": "Polygon"})),
        "geojson__coordinates_empty.geojson": collection(
            feature(geometry={"type": "Polygon", "coordinates": []})
        ),
        "geojson__coordinate_strings.geojson": collection(
            feature(geometry=polygon([[str(x), str(y)] for x, y in SQUARE]))
        ),
        "geojson__coordinate_bool.geojson": collection(
            feature(geometry=polygon([[True, False]] + SQUARE[1:]))
        ),
        "geojson__coordinate_null.geojson": collection(
            feature(geometry=polygon([[None, None]] + SQUARE[1:]))
        ),
        "geojson__coordinate_nan.geojson": collection(feature()).replace(
            "6.57, 53.21", "NaN, 53.21"
        ),
        "geojson__coordinate_infinity.geojson": collection(feature()).replace(
            "6.57, 53.21", "Infinity, 53.21"
        ),
        "geojson__coordinate_1e400.geojson": collection(feature()).replace(
            "6.57, 53.21", "1e400, 53.21"
        ),
        "geojson__coordinate_5000_digits.geojson": collection(feature()).replace(
            "6.57, 53.21", "1" + "0" * 5000 + ", 53.21"
        ),
        "geojson__coordinate_one_number.geojson": collection(
            feature(geometry=polygon([[6.56]] + SQUARE[1:]))
        ),
        "geojson__flat_ring.geojson": collection(
            feature(geometry={"type": "Polygon", "coordinates": [6.56, 53.21, 6.57, 53.22]})
        ),
        "geojson__multipolygon_too_shallow.geojson": collection(
            feature(geometry={"type": "MultiPolygon", "coordinates": [SQUARE]})
        ),
        "geojson__ring_too_short.geojson": collection(feature(geometry=polygon(SQUARE[:3]))),
        "geojson__unclosed_ring.geojson": collection(feature(geometry=polygon(SQUARE[:4]))),
        "geojson__longitude_out_of_range.geojson": collection(
            feature(geometry=polygon([[200.0, 53.21]] + SQUARE[1:-1] + [[200.0, 53.21]]))
        ),
        "geojson__latitude_out_of_range.geojson": collection(
            feature(geometry=polygon([[6.56, 95.0]] + SQUARE[1:-1] + [[6.56, 95.0]]))
        ),
        "geojson__zero_area.geojson": collection(
            feature(geometry=polygon([[6.56, 53.21], [6.57, 53.21], [6.58, 53.21], [6.56, 53.21]]))
        ),
        "geojson__deep_nesting.geojson": "[" * 20_000 + "]" * 20_000,
        "geojson__deep_coordinates.geojson": collection(feature())
        .replace('"coordinates": [', '"coordinates": ' + "[" * 5000, 1)
        .replace("]]]}", "]]]" + "]" * 5000 + "}", 1),
        "geojson__duplicate_features.geojson": collection(feature(), feature()),
        "geojson__bad_code.geojson": collection(feature(code="XX99")),
        "geojson__no_code.geojson": collection(feature(properties={"naam": "Iets"})),
        "geojson__code_is_list.geojson": collection(feature(properties={"BU_CODE": ["a", "b"]})),
        "geojson__name_10kb.geojson": collection(
            feature(properties={"BU_CODE": "BU00140000", "BU_NAAM": "N" * 10_000})
        ),
        "geojson__two_divisions.geojson": collection(
            feature(),
            feature(
                code="BU00140001",
                properties={"BU_CODE": "BU00140001", "jrstatcode": "2018BU00140001"},
            ),
        ),
        "geojson__year_in_file_zero.geojson": collection(
            feature(properties={"BU_CODE": "BU00140000", "jrstatcode": "0000BU00140000"})
        ),
        # --- police incidents --------------------------------------------------------------
        "incidenten__header_only.csv": INCIDENTS,
        "incidenten__missing_columns.csv": "Incident Identificatie,lon_wgs84\nPL1,6.5\n",
        "incidenten__bad_date.csv": incidents_month("PLx,A72,Fiets,gisteren,,N,6.56,53.21\n"),
        "incidenten__future_date.csv": incidents_month("PLx,A72,Fiets,2999-01-01,,N,6.56,53.21\n"),
        "incidenten__year_0001.csv": incidents_month("PLx,A72,Fiets,0001-01-01,,N,6.56,53.21\n"),
        "incidenten__coordinate_text.csv": incidents_month("PLx,A72,Fiets,2017-02-03,,N,oost,53\n"),
        "incidenten__longitude_out_of_range.csv": incidents_month(
            "PLx,A72,Fiets,2017-02-03,,N,999.5,53.21\n"
        ),
        "incidenten__coordinate_400_digits.csv": incidents_month(
            "PLx,A72,Fiets,2017-02-03,,N," + "9" * 400 + ",53.21\n"
        ),
        "incidenten__rd_far_away.csv": (
            "Incident Identificatie,Incidentsoort code,Kennisnamedatum/tijd,X,Y\n"
            "PL1,A72,2017-02-03,99999999999,1\n"
        ),
        "incidenten__duplicate_id.csv": incidents_month("PL1,A72,Fiets,2017-02-03,,N,6.56,53.21\n"),
        "incidenten__id_too_long.csv": incidents_month(
            "P" * 200 + ",A72,Fiets,2017-02-03,,N,6.56,53.21\n"
        ),
        "incidenten__code_odd.csv": incidents_month("PLx,A 72;--,Fiets,2017-02-03,,N,6.56,53.21\n"),
        "incidenten__empty_code.csv": incidents_month("PLx,,Fiets,2017-02-03,,N,6.56,53.21\n"),
        "incidenten__no_full_month.csv": incidents_month(days=range(3, 6)),
        # --- plan files --------------------------------------------------------------------
        "plan__billion_laughs.yaml": billion_laughs(),
        "plan__recursive_alias.yaml": "a: &a [*a]\n" + GOOD_PLAN,
        "plan__many_aliases.yaml": "x: &x 1\ny: [" + ", ".join(["*x"] * 500) + "]\n" + GOOD_PLAN,
        "plan__python_tag.yaml": "naam: !!python/object/apply:os.system ['echo hoi']\n",
        "plan__binary_tag.yaml": plan_with("naam: Vijandig plan", "naam: !!binary aGFsbG8="),
        "plan__set_tag.yaml": plan_with("naam: Vijandig plan", "naam: !!set {a, b}"),
        "plan__local_tag.yaml": plan_with("naam: Vijandig plan", "naam: !eigen Vijandig"),
        "plan__utf16_no_bom.yaml": GOOD_PLAN.encode("utf-16-le"),
        "plan__deep_nesting.yaml": "naam: " + "[" * 20_000 + "]" * 20_000 + "\n",
        "plan__unhashable_key.yaml": "? [a, b]\n: c\n" + GOOD_PLAN,
        "plan__list_key_in_targets.yaml": plan_with(
            'doelen: {2022: "< 80"}', 'doelen: {[2022]: "< 80"}'
        ),
        "plan__list_as_indicator_ref.yaml": plan_with(
            "indicatoren: [hic]", "indicatoren: [[hic], {a: b}]"
        ),
        "plan__list_top.yaml": "- a\n- b\n",
        "plan__scalar_top.yaml": "gewoon tekst\n",
        "plan__target_400_digits.yaml": plan_with('"< 80"', '"< ' + "9" * 400 + '"'),
        "plan__target_nan.yaml": plan_with('"< 80"', '"< nan"'),
        "plan__huge_int.yaml": plan_with(
            "naam: Vijandig plan", "naam: Vijandig plan\nindeling: " + "9" * 5000
        ),
        "plan__duplicate_key.yaml": GOOD_PLAN + "naam: Nog een naam\n",
        "plan__null_byte.yaml": GOOD_PLAN.replace("Thema", "Th\x00ema", 1),
        "plan__tab_indent.yaml": GOOD_PLAN.replace("  - id: thema", "\t- id: thema"),
        "plan__name_is_mapping.yaml": plan_with("naam: Vijandig plan", "naam: {a: b}"),
        "plan__id_is_list.yaml": plan_with("  - id: thema", "  - id: [thema]"),
    }
    return files


def acceptable() -> dict[str, bytes | str]:
    """Odd but fine: each must be read as its plain UTF-8 twin."""
    cr_plan = GOOD_PLAN.replace("\n", "\r")
    return {
        "cijfers__plain.csv": GOOD_CIJFERS,
        "plan__plain.yaml": GOOD_PLAN,
        "geojson__plain.geojson": collection(feature()),
        "cijfers__utf8_bom.csv": "\ufeff" + GOOD_CIJFERS,
        "cijfers__utf16le_bom.csv": "\ufeff".encode("utf-16-le") + GOOD_CIJFERS.encode("utf-16-le"),
        "cijfers__utf16be_bom.csv": "\ufeff".encode("utf-16-be") + GOOD_CIJFERS.encode("utf-16-be"),
        "cijfers__windows1252.csv": (
            "measure,area,period,value,source\nhalt,BU00140000,2022,5,Bureau Halt – ‘café’\n"
        ).encode("cp1252"),
        "cijfers__cr_only.csv": GOOD_CIJFERS.replace("\n", "\r"),
        "cijfers__crlf.csv": GOOD_CIJFERS.replace("\n", "\r\n"),
        "plan__utf8_bom.yaml": "\ufeff" + GOOD_PLAN,
        "plan__utf16le_bom.yaml": "\ufeff".encode("utf-16-le") + GOOD_PLAN.encode("utf-16-le"),
        "plan__windows1252.yaml": plan_with("naam: Thema", "naam: Thema café").encode("cp1252"),
        "plan__cr_only.yaml": cr_plan,
        "geojson__utf8_bom.geojson": "\ufeff" + collection(feature()),
        "geojson__self_intersecting.geojson": collection(
            feature(
                geometry=polygon(
                    [[6.56, 53.21], [6.57, 53.22], [6.57, 53.21], [6.56, 53.22], [6.56, 53.21]]
                )
            )
        ),
    }


def write(folder: Path, files: dict[str, bytes | str]) -> None:
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*__*"):
        old.unlink()
    for name, content in files.items():
        if name == "any__utf32_bom.txt":
            content = str(content).encode("utf-32")
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / name).write_bytes(data)


if __name__ == "__main__":
    write(HERE / "files", hostile())
    write(HERE / "ok", acceptable())
    total = sum(p.stat().st_size for p in HERE.rglob("*__*"))
    print(f"{len(hostile())} hostile and {len(acceptable())} acceptable files, {total:,} bytes")
