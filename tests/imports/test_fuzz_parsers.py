"""Fuzz the pure parsers: whatever the bytes, the answer is rows or an ``InputError``.

Property-based (hypothesis) with a fixed budget: ``derandomize=True`` makes every run try the
same examples, so CI time is bounded and a failure is reproducible; no example database is
written. Inputs: random bytes, random text in several encodings, and structured-but-wrong
files built from each format's own columns, keys and shapes.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openveiligheid.core.csvfiles import read_csv_text
from openveiligheid.core.errors import InputError
from openveiligheid.imports.parsers import incidents
from openveiligheid.imports.parsers.areas import read_area_list, read_boundaries
from openveiligheid.imports.parsers.figures import read_figures
from openveiligheid.policy.planfile import read_plan

BUDGET = settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1")


def accepts_or_refuses(read, name: str, data: bytes):
    """Call a parser; only a result or an InputError that names the file may come out."""
    try:
        return read(Path(name), data)
    except InputError as exc:
        assert all(problem.file == name for problem in exc.problems)
        assert exc.summary()
        return None


def read_incidents(path: Path, data: bytes):
    return incidents.parse(read_csv_text(path, data))


def read_plan_bytes(path: Path, data: bytes):
    return read_plan(path, data=data)


PARSERS = {
    "cijfers.csv": read_figures,
    "gebieden.csv": read_area_list,
    "incidenten.csv": read_incidents,
    "grenzen.geojson": read_boundaries,
    "plan.yaml": read_plan_bytes,
}


def encoded(text_strategy) -> st.SearchStrategy[bytes]:
    return st.tuples(text_strategy, st.sampled_from(ENCODINGS)).map(
        lambda pair: pair[0].encode(pair[1], errors="ignore")
    )


# --- any bytes, any text ------------------------------------------------------------------


@BUDGET
@given(name=st.sampled_from(sorted(PARSERS)), data=st.binary(max_size=3000))
def test_random_bytes(name, data):
    accepts_or_refuses(PARSERS[name], name, data)


@BUDGET
@given(name=st.sampled_from(sorted(PARSERS)), data=encoded(st.text(max_size=500)))
def test_random_text_in_any_encoding(name, data):
    accepts_or_refuses(PARSERS[name], name, data)


# --- CSV: the right columns, the wrong contents -------------------------------------------

CELL = st.one_of(
    st.sampled_from(
        [
            "",
            "halt",
            "misdrijven:1.1.1",
            "incidenten:A72",
            "GM0014",
            "BU00140000",
            "WK001400",
            "NL01",
            "2022",
            "2022-13",
            "2023JJ00",
            "2023MM06",
            "0000",
            "5",
            "-5",
            "1,5",
            "1.234,5",
            "1e400",
            "nan",
            "inf",
            "9" * 400,
            ".",
            "x",
            "voorlopig",
            "definitief",
            "A72",
            "J",
            "N",
            "2017-02-01T10:00:00",
            "01-02-2017 10:00",
            "6.56",
            "53.21",
            "999",
            "234230",
            "583980",
            '"',
            '""',
            "=1+1",
            "\x00",
            "\r",
            "\t",
            "é",
            "\u2028",
        ]
    ),  # fmt: skip
    st.text(max_size=30),
)
HEADERS = {
    "cijfers.csv": ["measure", "area", "period", "value", "source", "status"],
    "cbs.csv": ["ID", "SoortMisdrijf", "WijkenEnBuurten", "Perioden", "GeregistreerdeMisdrijven_1"],
    "gebieden.csv": ["Key", "Title", "Description", "Municipality"],
    "incidenten.csv": [
        "Incident Identificatie",
        "Incidentsoort code",
        "Incidentsoort",
        "Kennisnamedatum/tijd",
        "Begin-pleegdatum/tijd",
        "Opgehelderd",
        "lon_wgs84",
        "lat_wgs84",
        "X",
        "Y",
    ],  # fmt: skip
}


@st.composite
def csv_files(draw, kind: str) -> bytes:
    columns = draw(st.lists(st.sampled_from(HEADERS[kind]), min_size=1, max_size=8))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    quote = draw(st.booleans())
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=len(columns) + 2), max_size=8))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))

    def line(cells):
        return delimiter.join(f'"{c}"' if quote else c for c in cells)

    text = newline.join([line(columns), *map(line, rows)]) + draw(st.sampled_from(["", newline]))
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="ignore")


@BUDGET
@given(kind=st.sampled_from(sorted(HEADERS)), data=st.data())
def test_csv_files_with_the_right_columns_and_wrong_contents(kind, data):
    content = data.draw(csv_files(kind))
    if kind == "cijfers.csv" or kind == "cbs.csv":
        accepts_or_refuses(read_figures, kind, content)
    elif kind == "gebieden.csv":
        accepts_or_refuses(read_area_list, kind, content)
    else:
        accepts_or_refuses(read_incidents, kind, content)


# --- GeoJSON: features with wrong shapes --------------------------------------------------

NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-200, max_value=200),
    st.integers(min_value=-(10**30), max_value=10**30),
)
JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBER, st.text(max_size=10)),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)
POINT = st.one_of(
    st.lists(st.floats(min_value=6.5, max_value=6.6), min_size=2, max_size=2),
    st.lists(NUMBER, min_size=0, max_size=4),
    JSON_VALUE,
)
RING = st.one_of(
    st.lists(POINT, min_size=0, max_size=7),
    st.lists(st.floats(min_value=6.5, max_value=6.6), min_size=2, max_size=2).map(
        lambda p: [p, [p[0] + 0.01, p[1]], [p[0], p[1] + 0.01], [p[0] + 0.01, p[1] + 0.01], p]
    ),  # a bow tie: invalid, repaired
    JSON_VALUE,
)
GEOMETRY = st.one_of(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Polygon", "MultiPolygon", "Point", "LineString", 5]),
            "coordinates": st.one_of(
                st.lists(RING, max_size=3), st.lists(st.lists(RING, max_size=2)), JSON_VALUE
            ),
        }
    ),
    JSON_VALUE,
)
PROPERTIES = st.one_of(
    st.fixed_dictionaries(
        {"BU_CODE": st.sampled_from(["BU00140000", "BU00140001", "XX", "", 14])},
        optional={
            "BU_NAAM": st.one_of(st.text(max_size=20), JSON_VALUE),
            "jrstatcode": st.sampled_from(["2017BU00140000", "0000BU00140000", "2018BU1"]),
            "GM_CODE": st.sampled_from(["GM0014", "GM", ""]),
            "GM_NAAM": st.text(max_size=10),
        },
    ),
    JSON_VALUE,
)
FEATURE = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("Feature"), "properties": PROPERTIES, "geometry": GEOMETRY}
    ),
    JSON_VALUE,
)


@BUDGET
@given(
    features=st.one_of(st.lists(FEATURE, max_size=4), JSON_VALUE),
    encoding=st.sampled_from(ENCODINGS),
)
def test_geojson_with_wrong_shapes(features, encoding):
    text = json.dumps({"type": "FeatureCollection", "features": features}, allow_nan=True)
    accepts_or_refuses(read_boundaries, "grenzen.geojson", text.encode(encoding, "ignore"))


# --- plan YAML: the right keys, wrong values, aliases and tags ----------------------------

YAML_TOKEN = st.sampled_from(
    [
        "gemeente: GM0014\n", "naam: Plan\n", "themas:\n", "indicatoren:\n", "  - id: a\n",
        "    naam: A\n", "    doelen:\n", "      - id: d\n", "        indicatoren: [a]\n",
        "    som: [halt]\n", "    waarde: extern:x\n", '    doelen: {2022: "< 80"}\n',
        "    per_1000: inwoners\n", "    beter: hoger\n", "    decimalen: 9\n", "x: &a [1, 2]\n",
        "y: [*a, *a, *a]\n", "z: *a\n", "? [a, b]\n: c\n", "naam: !!binary aGk=\n",
        "naam: !!python/name:os.system\n", "datum: 2023-02-30\n", "getal: " + "9" * 30 + "\n",
        "- a\n", "{", "[", "]", "}", ": ", "\t", "'", '"', "&b ", "*b ", "!t ", "--- \n", "...\n",
    ]
)  # fmt: skip


@BUDGET
@given(
    tokens=st.lists(st.one_of(YAML_TOKEN, st.text(max_size=8)), max_size=25),
    encoding=st.sampled_from(ENCODINGS),
)
def test_plan_yaml_with_wrong_values(tokens, encoding):
    data = "".join(tokens).encode(encoding, errors="ignore")
    accepts_or_refuses(read_plan_bytes, "plan.yaml", data)
