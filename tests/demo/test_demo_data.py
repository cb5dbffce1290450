"""The shipped demo data: reproducible from the shared public data, and sane on their own."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest

from openveiligheid.policy.planfile import read_plan

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared" / "data"
SCRIPT = REPO / "scripts" / "build_demo_data.py"
DATA = REPO / "src" / "openveiligheid" / "demo" / "data"

BUILT_FILES = (
    "gebieden_2024_47018NED.csv",
    "wijken_2017_groningen.geojson",
    "buurten_2017_groningen.geojson",
    "fietsdiefstallen_groningen_2013_2017.csv",
    "diefstallen_83651NED_selectie.csv",
    "misdrijven_buurt_2023_groningen.csv",
    "inwoners_buurt_2024_groningen.csv",
    "inwoners_2017_groningen.csv",
    "landelijk_2012_2023.csv",
)
CIJFERS_FILES = (
    "misdrijven_buurt_2023_groningen.csv",
    "inwoners_buurt_2024_groningen.csv",
    "inwoners_2017_groningen.csv",
    "landelijk_2012_2023.csv",
)
CIJFERS_HEADER = ["measure", "area", "period", "value", "source", "status"]
CBS_CODE = re.compile(r"^(NL01|GM\d{4}|WK\d{6}|BU\d{8})$")


def read_cijfers(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == CIJFERS_HEADER, name
        return list(reader)


def test_build_script_reproduces_shipped_files(tmp_path: Path) -> None:
    if not SHARED.is_dir():
        pytest.skip(f"shared public data not available at {SHARED.resolve()}; cannot rebuild")
    out = tmp_path / "data"
    subprocess.run(
        [sys.executable, str(SCRIPT), "--shared", str(SHARED), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    built = sorted(path.name for path in out.iterdir())
    assert built == sorted(BUILT_FILES)
    for name in BUILT_FILES:
        assert (out / name).read_bytes() == (DATA / name).read_bytes(), name


def test_shipped_files_exist() -> None:
    missing = [
        name
        for name in (*BUILT_FILES, "SOURCE.md", "voorbeeldplan.yaml")
        if not (DATA / name).is_file()
    ]
    assert not missing


def test_groningen_buurt_crime_2023_total() -> None:
    rows = read_cijfers("misdrijven_buurt_2023_groningen.csv")
    assert len(rows) == 151
    assert {row["measure"] for row in rows} == {"misdrijven:0.0.0"}
    assert {row["period"] for row in rows} == {"2023"}
    assert all(row["area"].startswith("BU0014") for row in rows)
    assert sum(int(row["value"]) for row in rows) == 14_990


def test_groningen_inhabitants_2024_total() -> None:
    rows = read_cijfers("inwoners_buurt_2024_groningen.csv")
    assert len(rows) == 151
    assert sum(int(row["value"]) for row in rows) == 243_790


def test_national_total_crime_2023() -> None:
    rows = read_cijfers("landelijk_2012_2023.csv")
    totals = {row["period"]: row["value"] for row in rows if row["measure"] == "misdrijven:0.0.0"}
    assert totals["2023"] == "802043"
    assert all(row["area"] == "NL01" for row in rows)
    inhabitants = sorted(row["period"] for row in rows if row["measure"] == "inwoners")
    assert inhabitants == [str(year) for year in range(2012, 2024)]


@pytest.mark.parametrize("name", CIJFERS_FILES)
def test_cijfers_codes_and_values(name: str) -> None:
    rows = read_cijfers(name)
    assert rows
    for row in rows:
        assert CBS_CODE.match(row["area"]), row
        assert re.fullmatch(r"\d{4}", row["period"]), row
        assert float(row["value"]) >= 0, row
        assert not row["value"].endswith(".0"), row  # integral values are written as integers
        assert row["status"] == "definitief", row
        assert row["source"], row
    keys = [(row["measure"], row["area"], row["period"]) for row in rows]
    assert len(keys) == len(set(keys)), f"duplicate rows in {name}"


def test_theft_selection_keeps_cbs_layout() -> None:
    raw = (DATA / "diefstallen_83651NED_selectie.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[3] == "RegioS"
    regions = {line.split(";")[3] for line in lines[1:]}
    assert regions == {"GM0014", "GM0193", "GM0637", "GM0177", "GM1961"}
    for line in lines[1:]:
        count, per_1000 = (field.strip() for field in line.split(";")[5:7])
        assert not count or int(count) >= 0, line
        assert per_1000 in {"", "."} or float(per_1000) >= 0, line


def test_voorbeeldplan_loads_and_is_complete() -> None:
    spec = read_plan(DATA / "voorbeeldplan.yaml")
    assert spec.gemeente == "GM0014"
    assert spec.name.startswith("Voorbeeld")
    assert "fictief plan op echte open data" in spec.description
    indicators = spec.indicators
    assert 8 <= len(indicators) <= 15
    assert len(spec.themes) >= 4
    assert {definition.better for definition in indicators.values()} == {"lager", "hoger"}
    assert any(definition.measures for definition in indicators.values())
    assert any(definition.reported for definition in indicators.values())
    referenced = {ref for theme in spec.themes for goal in theme.goals for ref in goal.indicators}
    assert referenced == set(indicators)
