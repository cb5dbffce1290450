#!/usr/bin/env python3
"""(Re)build the demo data of Open Veiligheid from the shared public data, deterministically.

Usage::

    python3 scripts/build_demo_data.py [--shared PATH] [--out PATH]

Only the standard library is used. Every output file is either a byte-identical copy, a
line filter of a CBS download (raw bytes kept), or a generic ``cijfers`` CSV
(``measure,area,period,value,source,status``; comma-separated, UTF-8 without BOM, "\\n").
What each file is and where it comes from is written down in
``src/openveiligheid/demo/data/SOURCE.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "src" / "openveiligheid" / "demo" / "data"

GRONINGEN = "GM0014"
NETHERLANDS = "NL01"
DIEFSTALLEN_REGIONS = frozenset({"GM0014", "GM0193", "GM0637", "GM0177", "GM1961"})
CIJFERS_HEADER = ("measure", "area", "period", "value", "source", "status")
STATUS = "definitief"
CRIME_CODE = re.compile(r"^\d+\.\d+\.\d+$")
TOTAL_CRIME_LABEL = "Totaal misdrijven"
TOTAL_CRIME_CODE = "0.0.0"
NL_POPULATION_YEARS = range(2012, 2024)  # 2024 in the source is a two-month mean

SOURCE_MISDRIJVEN_BUURT = "CBS/Politie 47018NED"
SOURCE_INWONERS_2024 = "CBS 85984NED (inwoners op 1 januari 2024)"
SOURCE_INWONERS_2017 = "CBS Kerncijfers wijken en buurten 2017 (Wijk- en buurtkaart 2017)"
SOURCE_NL_CRIME = "CBS/Politie 47025NED"
SOURCE_NL_POPULATION = "CBS 83474NED (gemiddelde van de maandstanden; geen officieel jaarcijfer)"

# (folder in shared data, file there, file name in the demo data)
COPIES: tuple[tuple[str, str, str], ...] = (
    (
        "cbs-gebieden-bevolking-2024",
        "WijkenEnBuurten_47018NED.csv",
        "gebieden_2024_47018NED.csv",
    ),
    (
        "groningen-fietsdiefstal-2013-2017",
        "cbs_wijk2017_groningen.geojson",
        "wijken_2017_groningen.geojson",
    ),
    (
        "groningen-fietsdiefstal-2013-2017",
        "cbs_buurt2017_groningen.geojson",
        "buurten_2017_groningen.geojson",
    ),
    (
        "groningen-fietsdiefstal-2013-2017",
        "fietsdiefstallen_groningen.csv",
        "fietsdiefstallen_groningen_2013_2017.csv",
    ),
)


@dataclass(frozen=True)
class Figure:
    """One row of a generic cijfers CSV (status is always ``definitief``)."""

    measure: str
    area: str
    period: str
    value: int | Decimal
    source: str


# -- small helpers --------------------------------------------------------------------------


def read_dicts(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def format_value(value: int | Decimal) -> str:
    """Integers as integers (``1428``), other values without exponent."""
    if isinstance(value, int):
        return str(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def parse_value(text: str) -> int | Decimal:
    number = Decimal(text.strip())
    return int(number) if number == number.to_integral_value() else number


def write_cijfers(path: Path, figures: Iterable[Figure]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CIJFERS_HEADER)
        for figure in figures:
            writer.writerow(
                (
                    figure.measure,
                    figure.area,
                    figure.period,
                    format_value(figure.value),
                    figure.source,
                    STATUS,
                )
            )
            count += 1
    return count


# -- a-d: copies and the CBS theft filter ---------------------------------------------------


def copy_files(shared: Path, out: Path) -> list[Path]:
    written = []
    for folder, name, target in COPIES:
        destination = out / target
        shutil.copyfile(shared / folder / name, destination)
        written.append(destination)
    return written


def filter_diefstallen(source: Path, destination: Path, regions: frozenset[str]) -> int:
    """Keep the header and the lines of ``regions``; bytes (BOM, line endings) stay as they are."""
    lines = source.read_bytes().splitlines(keepends=True)
    header = lines[0]
    columns = header.decode("utf-8-sig").strip().split(";")
    region_index = columns.index("RegioS")
    kept = [line for line in lines[1:] if _field(line, region_index) in regions]
    destination.write_bytes(b"".join([header, *kept]))
    return len(kept)


def _field(line: bytes, index: int) -> str:
    fields = line.decode("utf-8").rstrip("\r\n").split(";")
    return fields[index].strip() if index < len(fields) else ""


# -- e: generic cijfers ---------------------------------------------------------------------


def misdrijven_buurt_2023(path: Path) -> list[Figure]:
    figures = [
        Figure(
            measure=f"misdrijven:{TOTAL_CRIME_CODE}",
            area=row["buurt_code"].strip(),
            period="2023",
            value=parse_value(row["geregistreerde_misdrijven"]),
            source=SOURCE_MISDRIJVEN_BUURT,
        )
        for row in read_dicts(path)
        if row["gemeente_code"].strip() == GRONINGEN
    ]
    return sorted(figures, key=lambda figure: figure.area)


def inwoners_buurt_2024(path: Path) -> list[Figure]:
    prefix = "BU" + GRONINGEN[2:]
    figures = [
        Figure(
            "inwoners",
            row["nhood_id"].strip(),
            "2024",
            parse_value(row["population"]),
            SOURCE_INWONERS_2024,
        )
        for row in read_dicts(path)
        if row["nhood_id"].strip().startswith(prefix)
    ]
    return sorted(figures, key=lambda figure: figure.area)


def inwoners_2017(wijk_path: Path, buurt_path: Path) -> list[Figure]:
    """AANT_INW per wijk, then per buurt; negative values are CBS sentinels and are skipped."""
    return [*_inwoners_geojson(wijk_path, "WK_CODE"), *_inwoners_geojson(buurt_path, "BU_CODE")]


def _inwoners_geojson(path: Path, code_key: str) -> list[Figure]:
    collection = json.loads(path.read_text(encoding="utf-8"))
    figures = []
    for feature in collection["features"]:
        properties = feature["properties"]
        value = properties.get("AANT_INW")
        if value is None or value < 0:
            continue
        figures.append(
            Figure(
                "inwoners",
                str(properties[code_key]).strip(),
                "2017",
                parse_value(str(value)),
                SOURCE_INWONERS_2017,
            )
        )
    return sorted(figures, key=lambda figure: figure.area)


def crime_code(label: str) -> str | None:
    """``"1.1.1 Diefstal/inbraak woning"`` -> ``1.1.1``; ``"Totaal misdrijven"`` -> ``0.0.0``."""
    label = label.strip()
    if label == TOTAL_CRIME_LABEL:
        return TOTAL_CRIME_CODE
    first = label.split(maxsplit=1)[0] if label else ""
    return first if CRIME_CODE.match(first) else None


def landelijk_crime(path: Path) -> list[Figure]:
    """47025NED for NL01; rows with count 0 are dropped (upstream replaced missing values by 0)."""
    figures = []
    for row in read_dicts(path):
        code = crime_code(row["incident_type_code"])
        if code is None:
            raise ValueError(
                f"onbekende misdrijfsoort in {path.name}: {row['incident_type_code']!r}"
            )
        value = parse_value(row["incident_count"])
        if value == 0:
            continue
        figures.append(
            Figure(f"misdrijven:{code}", NETHERLANDS, row["year"].strip(), value, SOURCE_NL_CRIME)
        )
    return figures


def landelijk_population(path: Path) -> list[Figure]:
    """Mean of the monthly population, rounded half up to an integer, 2012-2023 only."""
    figures = []
    for row in read_dicts(path):
        year = int(row["year"])
        if year not in NL_POPULATION_YEARS:
            continue
        value = int(Decimal(row["population"].strip()).quantize(Decimal(1), ROUND_HALF_UP))
        figures.append(Figure("inwoners", NETHERLANDS, str(year), value, SOURCE_NL_POPULATION))
    return figures


def landelijk(crime_path: Path, population_path: Path) -> list[Figure]:
    figures = [*landelijk_crime(crime_path), *landelijk_population(population_path)]
    return sorted(figures, key=lambda figure: (figure.measure, figure.period))


# -- main -----------------------------------------------------------------------------------


def build(shared: Path, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = copy_files(shared, out)
    diefstallen = out / "diefstallen_83651NED_selectie.csv"
    filter_diefstallen(
        shared / "cbs-diefstallen-gemeente" / "cbs_diefstallen.csv",
        diefstallen,
        DIEFSTALLEN_REGIONS,
    )
    written.append(diefstallen)
    fiets = shared / "groningen-fietsdiefstal-2013-2017"
    bevolking = shared / "cbs-gebieden-bevolking-2024" / "bevolking_buurt_85984NED_2024.csv"
    nl = shared / "politie-landelijk-jaarcijfers"
    cijfers = {
        "misdrijven_buurt_2023_groningen.csv": misdrijven_buurt_2023(
            shared / "cbs-misdrijven-buurt-2023" / "misdrijven_buurt_2023_totaal.csv"
        ),
        "inwoners_buurt_2024_groningen.csv": inwoners_buurt_2024(bevolking),
        "inwoners_2017_groningen.csv": inwoners_2017(
            fiets / "cbs_wijk2017_groningen.geojson", fiets / "cbs_buurt2017_groningen.geojson"
        ),
        "landelijk_2012_2023.csv": landelijk(nl / "NL_Crime.csv", nl / "NL_Population.csv"),
    }
    for name, figures in cijfers.items():
        write_cijfers(out / name, figures)
        written.append(out / name)
    return written


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help=f"shared public data (default: {DEFAULT_SHARED})",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.shared.is_dir():
        print(f"shared data not found: {args.shared}", file=sys.stderr)
        return 2
    for path in build(args.shared, args.out):
        print(f"{path.stat().st_size:>10}  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
