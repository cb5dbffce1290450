#!/usr/bin/env python3
"""Write the demo's national files for the comparison with similar gemeenten (issue #12).

Usage::

    python3 scripts/make_peer_data.py [--shared PATH] [--out PATH]

Reads the read-only folders ``cbs-gebieden-bevolking-2024`` and ``cbs-diefstallen-gemeente``
under ``--shared`` (default ``../shared/data`` next to the repository) and writes into
``--out`` (default ``src/openveiligheid/demo/data``) two files that the existing importers
read:

- ``inwoners_gemeente_2024.csv`` (cijfers-CSV): the inhabitants of every gemeente of 2024 on
  1 January 2024, summed from CBS 85984NED's buurt figures with the buurt-to-gemeente list of
  47018NED. The demo gemeenten whose buurten are imported themselves (Groningen, Breda,
  Nijmegen) are left out: their totals are derived from those buurten at import.
- ``diefstallen_83651NED_gemeenten.csv``: the CBS theft table (83651NED layout, byte for
  byte), only the total over use of violence (``T001540``), only the five theft types of the
  voorbeeldplan, only gemeenten that still exist in the 2024 list (merged ones have no place
  in the demo's area register), without the five already in ``diefstallen_83651NED_selectie.csv``.

Only the standard library is used, and a second run writes byte-identical files. Origin,
licence and derivation: ``demo/data/SOURCE.md``.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO_DATA = REPO / "src" / "openveiligheid" / "demo" / "data"
OWN_BUURT_FILES = ("GM0014", "GM0758", "GM0268")  # buurten imported by the demo itself
SELECTION = ("GM0014", "GM0193", "GM0637", "GM0177", "GM1961")
THEFT_TYPES = ("CRI1122", "CRI1123", "CRI1132", "CRI1133", "CRI1137")
TOTAL_VIOLENCE = "T001540"
SOURCE = "CBS 85984NED (inwoners op 1 januari 2024, som van de buurten)"


def gemeente_of_buurt(area_list: Path) -> dict[str, str]:
    with area_list.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.DictReader(handle)
        return {r["Key"].strip(): r["Municipality"].strip() for r in rows if r["Key"][:2] == "BU"}


def gemeente_codes(area_list: Path) -> set[str]:
    with area_list.open(encoding="utf-8-sig", newline="") as handle:
        return {r["Key"].strip() for r in csv.DictReader(handle) if r["Key"][:2] == "GM"}


def inhabitants(shared: Path, parents: dict[str, str]) -> str:
    totals: dict[str, int] = defaultdict(int)
    path = shared / "cbs-gebieden-bevolking-2024" / "bevolking_buurt_85984NED_2024.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            gemeente = parents.get(row["nhood_id"])
            if gemeente is None:
                sys.exit(f"{path.name}: buurt {row['nhood_id']} staat niet in de gebiedenlijst")
            totals[gemeente] += int(row["population"])
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["measure", "area", "period", "value", "source", "status"])
    for code in sorted(totals):
        if code not in OWN_BUURT_FILES:
            writer.writerow(["inwoners", code, "2024", totals[code], SOURCE, "definitief"])
    return out.getvalue()


def thefts(shared: Path, existing: set[str]) -> bytes:
    raw = (shared / "cbs-diefstallen-gemeente" / "cbs_diefstallen.csv").read_bytes()
    lines = raw.splitlines(keepends=True)
    kept = [lines[0]]
    for line in lines[1:]:
        fields = line.decode("utf-8").split(";")
        region = fields[3].strip()
        if (
            fields[1] == TOTAL_VIOLENCE
            and fields[2] in THEFT_TYPES
            and region in existing
            and region not in SELECTION
        ):
            kept.append(line)
    return b"".join(kept)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=DEMO_DATA)
    args = parser.parse_args(argv)
    area_list = DEMO_DATA / "gebieden_2024_47018NED.csv"
    people = inhabitants(args.shared, gemeente_of_buurt(area_list))
    (args.out / "inwoners_gemeente_2024.csv").write_text(people, encoding="utf-8", newline="")
    theft = thefts(args.shared, gemeente_codes(area_list))
    (args.out / "diefstallen_83651NED_gemeenten.csv").write_bytes(theft)
    print(f"{len(people.splitlines()) - 1} gemeenten, {len(theft.splitlines()) - 1} diefstalregels")


if __name__ == "__main__":
    main()
