#!/usr/bin/env python3
"""Write the Zoetermeer test registers, reproducibly: case files built to match the Zoetermeer
annual report 2022 (``../shared/reference``, "Woonoverlast" and "Huiselijk geweld en
huisverboden").

Usage::

    python3 scripts/make_zoetermeer_registers.py

- ``tests/data/registers/zoetermeer_woonoverlast_2022.csv``: 170 woonoverlast cases opened in
  2022, 96 of them closed in 2022 and 74 still open on 31 December (42 corporatie, 20 koop, 12
  particuliere huur; Buytenwegh de Leyens, WK063702, the most: 25);
- ``tests/data/registers/zoetermeer_maatregelen_2021_2022.csv``: 44 tijdelijke huisverboden
  decided in 2021 and 59 in 2022 (+34%).

Only those totals are real (published by the gemeente); the case numbers, dates, buurten and
the split of the closed cases are invented, and there are no person data in the files. The
buurt codes are real: those of Zoetermeer in the CBS division 2024, read from
``tests/data/registers/zoetermeer_gebieden_2024.csv``. Standard library only, seeded random
generator: the same files every time (``tests/cases/test_counts.py`` checks that).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "registers"
AREAS = DATA / "zoetermeer_gebieden_2024.csv"
WOONOVERLAST_FILE = DATA / "zoetermeer_woonoverlast_2022.csv"
MEASURES_FILE = DATA / "zoetermeer_maatregelen_2021_2022.csv"

#: Open on 31 December 2022 per wijk (74; Buytenwegh de Leyens the most, 25).
OPEN_BY_WIJK = {
    "WK063700": 12,
    "WK063701": 8,
    "WK063702": 25,
    "WK063703": 6,
    "WK063704": 5,
    "WK063705": 6,
    "WK063706": 9,
    "WK063708": 1,
    "WK063709": 2,
}
OPEN_BY_TYPE = {"corporatie": 42, "koop": 20, "particuliere huur": 12}
CLOSED_2022 = 96
HUISVERBODEN = {2021: 44, 2022: 59}


def zoetermeer_buurten() -> dict[str, list[str]]:
    """Wijk code -> its buurt codes, from the cut of the CBS area list."""
    buurten: dict[str, list[str]] = {}
    with open(AREAS, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["Key"].strip()
            if code.startswith("BU"):
                buurten.setdefault("WK" + code[2:8], []).append(code)
    return buurten


def _day(rng: random.Random, year: int, last: dt.date | None = None) -> dt.date:
    start = dt.date(year, 1, 1)
    end = last or dt.date(year, 12, 31)
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def zoetermeer_woonoverlast_rows() -> list[dict[str, str]]:
    """170 cases opened in 2022: 96 closed in 2022, 74 still open (by wijk and woningtype)."""
    rng = random.Random(637_2022)
    buurten = zoetermeer_buurten()
    types = [kind for kind, n in OPEN_BY_TYPE.items() for _ in range(n)]
    rng.shuffle(types)
    wijken = [wijk for wijk, n in OPEN_BY_WIJK.items() for _ in range(n)]
    cases = []
    for wijk, kind in zip(wijken, types, strict=True):
        cases.append((_day(rng, 2022), None, kind, rng.choice(buurten[wijk])))
    for _ in range(CLOSED_2022):
        opened = _day(rng, 2022, dt.date(2022, 11, 30))
        closed = opened + dt.timedelta(days=rng.randint(3, 30))
        wijk = rng.choice(sorted(OPEN_BY_WIJK))
        cases.append((opened, closed, rng.choice(sorted(OPEN_BY_TYPE)), rng.choice(buurten[wijk])))
    cases.sort(key=lambda case: (case[0], case[3], case[2], case[1] or dt.date.max))
    return [
        {
            "zaaknummer": f"WO-2022-{number:03d}",
            "geopend": opened.isoformat(),
            "gesloten": closed.isoformat() if closed else "",
            "woningtype": kind,
            "buurt": buurt,
        }
        for number, (opened, closed, kind, buurt) in enumerate(cases, start=1)
    ]


def zoetermeer_maatregelen_rows() -> list[dict[str, str]]:
    """Tijdelijke huisverboden: 44 decided in 2021, 59 in 2022; each lasts 10 days, some are
    extended to 28."""
    rng = random.Random(637_1321)
    buurten = [code for codes in zoetermeer_buurten().values() for code in codes]
    rows = []
    for year, count in HUISVERBODEN.items():
        decisions = sorted(_day(rng, year) for _ in range(count))
        for number, decided in enumerate(decisions, start=1):
            days = 28 if rng.random() < 0.2 else 10
            rows.append(
                {
                    "zaaknummer": f"THV-{year}-{number:03d}",
                    "soort": "tijdelijk huisverbod",
                    "besluitdatum": decided.isoformat(),
                    "duur_dagen": str(days),
                    "gesloten": (decided + dt.timedelta(days=days)).isoformat(),
                    "bezwaar": "geen",
                    "buurt": rng.choice(buurten),
                }
            )
    return rows


def as_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_zoetermeer_files() -> None:
    WOONOVERLAST_FILE.write_text(as_csv(zoetermeer_woonoverlast_rows()), encoding="utf-8")
    MEASURES_FILE.write_text(as_csv(zoetermeer_maatregelen_rows()), encoding="utf-8")


if __name__ == "__main__":
    write_zoetermeer_files()
    print(f"Geschreven: {WOONOVERLAST_FILE.name}, {MEASURES_FILE.name}")
