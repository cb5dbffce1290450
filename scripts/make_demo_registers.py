#!/usr/bin/env python3
"""Write the FICTITIOUS case registers of the demo gemeente Groningen (GM0014), reproducibly.

Usage::

    python3 scripts/make_demo_registers.py [--out PATH] [--data PATH]

Every case in the output is invented: there are no real cases, names, addresses or BSNs in
it. Persons are called "Fictief Persoon 0001" and so on, with an invented date of birth. Only
the buurt codes are real: the buurten of Groningen in the CBS division 2024, drawn in
proportion to their inhabitants on 1 January 2024 (both read from the demo data). The volumes
are what a city of about 240,000 inhabitants might register: some 150 woonoverlast cases,
60 tijdelijke huisverboden, 20 signalen ondermijning and 40 PGA cases a year, 2018-2023.

Only the standard library is used and the random generator is seeded, so the same script
writes byte-identical files (``tests/cases/test_demo_registers.py`` checks that). The files
are in the import format of ``openveiligheid registers import`` (docs/data-formats/
registers.md): semicolon-separated, UTF-8 without BOM, "\\n", dates as ``2022-03-01``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO_DATA = REPO / "src" / "openveiligheid" / "demo" / "data"
DEFAULT_OUT = DEMO_DATA / "registers"
AREA_FILE = "gebieden_2024_47018NED.csv"
INHABITANTS_FILE = "inwoners_buurt_2024_groningen.csv"

GEMEENTE = "GM0014"
SEED = 20240131
YEARS = range(2018, 2024)  #: the plan runs 2019-2023; 2018 gives its first year a year before
#: The date the registers were "extracted": what closes later is still open in the files. The
#: demo publishes the counts as of this day (``demo/loader.py``), so the plan's years end here.
EXTRACT_DATE = dt.date(2023, 12, 31)

# --- the story of the invented numbers ---------------------------------------------------------
#: Woonoverlast cases opened per year (a rise in the corona years, then a slow decline) and the
#: median number of days a case stays open (the approach gets quicker over the years).
WOONOVERLAST_PER_YEAR = {2018: 134, 2019: 143, 2020: 171, 2021: 163, 2022: 151, 2023: 156}
WOONOVERLAST_MEDIAN_DAYS = {2018: 125, 2019: 120, 2020: 118, 2021: 105, 2022: 95, 2023: 88}
WONINGTYPES = {"corporatie": 52, "koop": 27, "particuliere huur": 21}
#: Closing reasons start with a category of the retention job (cases/retention.py), so an
#: anonymised case keeps it.
WOONOVERLAST_OUTCOMES = {
    "overlast gestopt": 45,
    "opgelost na buurtbemiddeling": 20,
    "verhuisd": 12,
    "doorverwezen naar zorg": 13,
    "geen grond: geen overlast vastgesteld": 10,
}
INTERVENTIONS = {
    "gesprek": 40,
    "huisbezoek": 30,
    "buurtbemiddeling": 14,
    "mediation": 6,
    "schoonmaak": 5,
    "bestuurlijke maatregel": 5,
}
WOONOVERLAST_PARTNERS = {
    "woningcorporatie": 40,
    "politie": 30,
    "wijkteam": 25,
    "GGD": 8,
    "buurtbemiddeling": 12,
}

#: Signalen ondermijning received per year by the meldpunt.
SIGNALS_PER_YEAR = {2018: 14, 2019: 17, 2020: 19, 2021: 23, 2022: 24, 2023: 21}
SIGNAL_SOURCES = {"inwoner": 35, "partner": 30, "collega": 20, "anoniem": 15}
PHENOMENA = {
    "drugs": 38,
    "vastgoed": 15,
    "witwassen": 12,
    "fraude": 10,
    "mensenhandel": 8,
    "wapens": 5,
    "overig": 12,
}
FOLLOW_UPS = {"RIEC": 20, "politie": 25, "Bibob": 12, "bestuurlijke aanpak": 23, "geen": 20}

#: PGA cases (persoonsgerichte aanpak) started per year.
PGA_PER_YEAR = {2018: 36, 2019: 39, 2020: 42, 2021: 44, 2022: 41, 2023: 43}
PGA_LEGAL_BASIS = "Privacyconvenant Zorg- en Veiligheidshuis (fictief voorbeeld)"
PGA_REASONS = {
    "high impact crime": 30,
    "huiselijk geweld": 22,
    "verward gedrag": 20,
    "jeugdgroep": 16,
    "ernstige overlast": 12,
}
PGA_PARTNERS = {
    "politie": 40,
    "Openbaar Ministerie": 25,
    "reclassering": 20,
    "GGZ": 20,
    "wijkteam": 25,
    "Veilig Thuis": 12,
}
PGA_OUTCOMES = {
    "opgelost: doelen plan van aanpak bereikt": 55,
    "afgeschaald naar zorg": 30,
    "verhuisd": 15,
}

#: Bestuurlijke maatregelen decided per year, by type.
MEASURES_PER_YEAR = {
    "tijdelijk huisverbod": {2018: 48, 2019: 53, 2020: 64, 2021: 59, 2022: 62, 2023: 67},
    "waarschuwing art. 13b Opiumwet": {2018: 6, 2019: 8, 2020: 9, 2021: 11, 2022: 10, 2023: 12},
    "sluiting art. 13b Opiumwet": {2018: 4, 2019: 5, 2020: 5, 2021: 7, 2022: 6, 2023: 8},
    "sluiting art. 174a Gemeentewet": {2018: 1, 2019: 2, 2020: 3, 2021: 2, 2022: 3, 2023: 2},
    "gebiedsverbod": {2018: 5, 2019: 6, 2020: 8, 2021: 7, 2022: 6, 2023: 7},
    "last onder dwangsom": {2018: 7, 2019: 6, 2020: 8, 2021: 9, 2022: 7, 2023: 8},
    "Bibob-advies": {2018: 6, 2019: 8, 2020: 7, 2021: 10, 2022: 12, 2023: 11},
}
HUISVERBOD_DAYS, HUISVERBOD_EXTENDED_DAYS = 10, 28
HUISVERBOD_EXTENDED_SHARE = 0.3
#: Measure types with a person as their subject (the others concern a building or a business).
PERSONAL_MEASURES = {"tijdelijk huisverbod", "gebiedsverbod"}


@dataclass
class Buurten:
    """The real buurt codes of the gemeente, to draw from in proportion to inhabitants."""

    codes: list[str]
    weights: list[int]

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.codes, self.weights)[0]


@dataclass
class Persons:
    """Invented persons: "Fictief Persoon 0001", … numbered in the order of the files."""

    count: int = 0

    def name_rows(self, rows: list[dict[str, str]]) -> None:
        """Give every row with a date of birth the next invented name."""
        for row in rows:
            if row.get("geboortedatum"):
                self.count += 1
                row["naam"] = f"Fictief Persoon {self.count:04d}"


def born(rng: random.Random, year: int, youngest: int = 18, oldest: int = 80) -> str:
    """An invented date of birth of someone aged ``youngest`` to ``oldest`` in ``year``."""
    age = rng.randint(youngest, oldest)
    return (dt.date(year - age, 1, 1) + dt.timedelta(days=rng.randrange(365))).isoformat()


def read_buurten(data: Path) -> Buurten:
    """Buurten of GM0014 in the 2024 area list with their inhabitants (none: left out)."""
    with (data / AREA_FILE).open(encoding="utf-8", newline="") as handle:
        in_area_list = {
            row["Key"].strip()
            for row in csv.DictReader(handle)
            if row["Key"].startswith("BU") and row["Municipality"].strip() == GEMEENTE
        }
    with (data / INHABITANTS_FILE).open(encoding="utf-8", newline="") as handle:
        inhabitants = {row["area"]: int(row["value"]) for row in csv.DictReader(handle)}
    codes = sorted(code for code in in_area_list if inhabitants.get(code, 0) > 0)
    if not codes:
        raise SystemExit(f"geen buurten van {GEMEENTE} gevonden in {data}")
    return Buurten(codes, [inhabitants[code] for code in codes])


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def pick_some(rng: random.Random, weights: dict[str, int], most: int) -> list[str]:
    """One to ``most`` different values, in the order of ``weights``."""
    wanted = rng.randint(1, most)
    chosen: set[str] = set()
    while len(chosen) < wanted:
        chosen.add(pick(rng, weights))
    return [value for value in weights if value in chosen]


def day_in(rng: random.Random, year: int) -> dt.date:
    start = dt.date(year, 1, 1)
    return start + dt.timedelta(days=rng.randrange((dt.date(year + 1, 1, 1) - start).days))


def lasting(rng: random.Random, median_days: float, sigma: float = 0.8) -> int:
    """A duration in days, log-normally distributed around ``median_days`` (at least 1)."""
    return max(1, round(rng.lognormvariate(math.log(median_days), sigma)))


def closed_on(opened: dt.date, days: int) -> dt.date | None:
    """The closing date, or None when it falls after the extract date (still open)."""
    closed = opened + dt.timedelta(days=days)
    return closed if closed <= EXTRACT_DATE else None


def text(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def numbered(rows: list[dict[str, str]], prefix: str, date_field: str) -> list[dict[str, str]]:
    """Sort by date and give case numbers per year: ``<prefix>-2021-0007``."""
    rows.sort(key=lambda row: row[date_field])
    per_year: dict[str, int] = {}
    for row in rows:
        year = row[date_field][:4]
        per_year[year] = per_year.get(year, 0) + 1
        row["zaaknummer"] = f"{prefix}-{year}-{per_year[year]:04d}"
    return rows


# --- the four registers ------------------------------------------------------------------------

WOONOVERLAST_COLUMNS = (
    "zaaknummer",
    "geopend",
    "gesloten",
    "woningtype",
    "buurt",
    "reden_afsluiten",
    "interventies",
    "partners",
    "naam",
    "geboortedatum",
)


def woonoverlast(rng: random.Random, buurten: Buurten) -> list[dict]:
    rows = []
    for year in YEARS:
        for _ in range(WOONOVERLAST_PER_YEAR[year]):
            opened = day_in(rng, year)
            closed = closed_on(opened, lasting(rng, WOONOVERLAST_MEDIAN_DAYS[year]))
            rows.append(
                {
                    "geopend": text(opened),
                    "gesloten": text(closed),
                    "woningtype": pick(rng, WONINGTYPES),
                    "buurt": buurten.draw(rng),
                    "reden_afsluiten": pick(rng, WOONOVERLAST_OUTCOMES) if closed else "",
                    "interventies": "|".join(pick_some(rng, INTERVENTIONS, 3)),
                    "partners": "|".join(pick_some(rng, WOONOVERLAST_PARTNERS, 3)),
                    "naam": "",
                    "geboortedatum": born(rng, year),
                }
            )
    return numbered(rows, "WO", "geopend")


ONDERMIJNING_COLUMNS = (
    "zaaknummer",
    "ontvangen",
    "gesloten",
    "bron",
    "fenomeen",
    "buurt",
    "vervolg",
)


def ondermijning(rng: random.Random, buurten: Buurten) -> list[dict]:
    rows = []
    for year in YEARS:
        for _ in range(SIGNALS_PER_YEAR[year]):
            received = day_in(rng, year)
            closed = closed_on(received, lasting(rng, 75, 0.6))
            rows.append(
                {
                    "ontvangen": text(received),
                    "gesloten": text(closed),
                    "bron": pick(rng, SIGNAL_SOURCES),
                    "fenomeen": pick(rng, PHENOMENA),
                    "buurt": buurten.draw(rng),
                    "vervolg": pick(rng, FOLLOW_UPS),
                }
            )
    return numbered(rows, "OND", "ontvangen")


PGA_COLUMNS = (
    "zaaknummer",
    "geopend",
    "gesloten",
    "grondslag",
    "opschaling",
    "buurt",
    "aanleiding",
    "partners",
    "reden_afsluiten",
    "naam",
    "geboortedatum",
)


def pga(rng: random.Random, buurten: Buurten) -> list[dict]:
    rows = []
    for year in YEARS:
        for _ in range(PGA_PER_YEAR[year]):
            opened = day_in(rng, year)
            closed = closed_on(opened, lasting(rng, 300, 0.5))
            escalated = rng.random() < 0.35
            if closed and escalated:
                escalation = "afgeschaald"
            elif escalated:
                escalation = "opgeschaald naar Zorg- en Veiligheidshuis"
            else:
                escalation = "lokaal"
            rows.append(
                {
                    "geopend": text(opened),
                    "gesloten": text(closed),
                    "grondslag": PGA_LEGAL_BASIS,
                    "opschaling": escalation,
                    "buurt": buurten.draw(rng),
                    "aanleiding": pick(rng, PGA_REASONS),
                    "partners": "|".join(pick_some(rng, PGA_PARTNERS, 4)),
                    "reden_afsluiten": pick(rng, PGA_OUTCOMES) if closed else "",
                    "naam": "",
                    "geboortedatum": born(rng, year, youngest=14, oldest=60),
                }
            )
    return numbered(rows, "PGA", "geopend")


MAATREGELEN_COLUMNS = (
    "zaaknummer",
    "soort",
    "besluitdatum",
    "duur_dagen",
    "gesloten",
    "bezwaar",
    "buurt",
    "naam",
    "geboortedatum",
)


def _measure_days(rng: random.Random, kind: str) -> int | None:
    """How long a measure lasts (None: no duration, e.g. a warning or an advice)."""
    if kind == "tijdelijk huisverbod":
        extended = rng.random() < HUISVERBOD_EXTENDED_SHARE
        return HUISVERBOD_EXTENDED_DAYS if extended else HUISVERBOD_DAYS
    if kind.startswith("sluiting"):
        return rng.choice([90, 180, 180, 365])
    if kind == "gebiedsverbod":
        return rng.choice([14, 30, 90])
    return None


def _objection(rng: random.Random, kind: str, decided: dt.date) -> str:
    share = 0.08 if kind == "tijdelijk huisverbod" else 0.3
    if kind.startswith("waarschuwing") or rng.random() >= share:
        return "geen"
    if (EXTRACT_DATE - decided).days < 120:
        return "bezwaar ingediend"
    return rng.choice(["bezwaar afgehandeld", "onherroepelijk", "beroep"])


def maatregelen(rng: random.Random, buurten: Buurten) -> list[dict]:
    rows = []
    for kind, per_year in MEASURES_PER_YEAR.items():
        for year in YEARS:
            for _ in range(per_year[year]):
                decided = day_in(rng, year)
                days = _measure_days(rng, kind)
                if days is None:  # done when decided, or when the advice/last is settled
                    days = 0 if kind.startswith("waarschuwing") else lasting(rng, 60, 0.5)
                    duration = ""
                else:
                    duration = str(days)
                rows.append(
                    {
                        "soort": kind,
                        "besluitdatum": text(decided),
                        "duur_dagen": duration,
                        "gesloten": text(closed_on(decided, days)),
                        "bezwaar": _objection(rng, kind, decided),
                        "buurt": buurten.draw(rng),
                        "naam": "",
                        "geboortedatum": born(rng, year) if kind in PERSONAL_MEASURES else "",
                    }
                )
    return numbered(rows, "BM", "besluitdatum")


@dataclass(frozen=True)
class RegisterFile:
    name: str
    columns: Sequence[str]
    make: Callable[[random.Random, Buurten], list[dict]]


#: In this order (it decides who gets which person number).
FILES = (
    RegisterFile("woonoverlast_fictief.csv", WOONOVERLAST_COLUMNS, woonoverlast),
    RegisterFile("ondermijning_fictief.csv", ONDERMIJNING_COLUMNS, ondermijning),
    RegisterFile("pga_fictief.csv", PGA_COLUMNS, pga),
    RegisterFile("maatregelen_fictief.csv", MAATREGELEN_COLUMNS, maatregelen),
)


def render(columns: Sequence[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def build(out: Path, data: Path = DEMO_DATA) -> dict[str, int]:
    """Write the four files into ``out``; return the number of cases per file."""
    buurten = read_buurten(data)
    rng = random.Random(SEED)
    persons = Persons()
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for register_file in FILES:
        rows = register_file.make(rng, buurten)
        persons.name_rows(rows)
        (out / register_file.name).write_text(
            render(register_file.columns, rows), encoding="utf-8", newline=""
        )
        counts[register_file.name] = len(rows)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="map voor de bestanden")
    parser.add_argument("--data", type=Path, default=DEMO_DATA, help="de demogegevens")
    args = parser.parse_args(argv)
    for name, count in build(args.out, args.data).items():
        print(f"{args.out / name}: {count} fictieve casussen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
