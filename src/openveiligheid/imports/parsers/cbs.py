"""CBS open-data CSV ("typed data set"), as CBS and the police publish it.

``;``-separated, usually quoted; dimension keys padded with spaces (``"1.1.1 "``,
``"WK001400  "``); periods as ``2023JJ00`` / ``2023MM06``; missing values as ``.``; numbers with
a decimal point. Dimension columns have plain names (``SoortMisdrijf``, ``WijkenEnBuurten``,
``RegioS``, ``Perioden``); topic columns end in ``_<n>`` (``GeregistreerdeMisdrijven_1``).
See ``docs/data-formats/cbs-opendata.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from openveiligheid.core.areacodes import AreaCodeError, level_of, normalize_code
from openveiligheid.core.csvfiles import CBS_MISSING, CsvText, header_of, iter_records, parse_number
from openveiligheid.core.errors import ProblemCollector
from openveiligheid.core.measures import is_additive
from openveiligheid.core.periods import MONTH, Period, PeriodError, parse_cbs_period
from openveiligheid.core.statuses import DEFINITIEF
from openveiligheid.imports.parsers.rows import FigureFile, FigureRow

FORMAT = "cbs"
AREA_DIMENSIONS = ("WijkenEnBuurten", "RegioS", "Gemeenten", "Regio")
PERIOD_DIMENSION = "Perioden"
TOPIC = re.compile(r"^(?P<key>.+)_(?P<number>\d+)$")
# Region codes of other classifications in RegioS (provincie, landsdeel, COROP, politie-eenheid,
# veiligheidsregio, GGD, jeugdzorg, arbeidsmarkt …): rows with them are skipped and counted.
OTHER_REGION = re.compile(r"^(PV|LD|CR|RE|VR|GG|JZ|AM|RB|ZO|BE|PP|WR|CP|LG)\d{2,4}$")
# Codes CBS uses for "all categories" of a dimension: dropped from the measure name.
TOTAL_CODE = re.compile(r"^T00\d+$")

#: Topic key (without ``_<n>``) -> measure name prefix. Extra dimension codes are appended.
TOPIC_MEASURES: dict[str, str] = {
    "GeregistreerdeMisdrijven": "misdrijven",
    "TotaalGeregistreerdeMisdrijven": "misdrijven",
    "GeregistreerdeMisdrijvenPer1000Inw": "misdrijven_per_1000",
    "GeregistreerdeMisdrijvenPer1000Inwoners": "misdrijven_per_1000",
    "TotaalGeregistreerdeDiefstallen": "diefstallen",
    "GeregistreerdeDiefstallenPer1000Inw": "diefstallen_per_1000",
    "AantalInwoners": "inwoners",
}


@dataclass(frozen=True)
class TableSignature:
    dataset: str
    columns: frozenset[str]
    monthly: bool | None = None


#: Known tables, recognised by their columns (and, where needed, by monthly periods).
SIGNATURES = (
    TableSignature(
        "politie-47022NED", frozenset({"WijkenEnBuurten", "GeregistreerdeMisdrijven_1"}), True
    ),
    TableSignature(
        "politie-47018NED", frozenset({"WijkenEnBuurten", "GeregistreerdeMisdrijven_1"}), False
    ),
    TableSignature(
        "cbs-83648NED", frozenset({"RegioS", "SoortMisdrijf", "TotaalGeregistreerdeMisdrijven_1"})
    ),
    TableSignature(
        "cbs-83651NED", frozenset({"RegioS", "SoortDiefstal", "TotaalGeregistreerdeDiefstallen_1"})
    ),
    TableSignature("cbs-85984NED", frozenset({"WijkenEnBuurten", "AantalInwoners_5"})),
)


def matches(header: list[str]) -> bool:
    """A CBS table with an area dimension; the period is a column, or given by the caller
    (tables such as Kerncijfers wijken en buurten are one table per year, without Perioden)."""
    return "ID" in header and any(d in header for d in AREA_DIMENSIONS)


def identify(header: list[str], monthly: bool) -> str:
    columns = set(header)
    for signature in SIGNATURES:
        if signature.columns <= columns and signature.monthly in (None, monthly):
            return signature.dataset
    return "cbs-opendata"


def parse(
    csv_text: CsvText,
    *,
    dataset: str | None = None,
    today: dt.date | None = None,
    period: Period | None = None,
) -> FigureFile:
    """Parse a CBS typed data set; ``period`` is for tables without a Perioden column."""
    header = header_of(csv_text)
    problems = ProblemCollector(csv_text.name)
    if PERIOD_DIMENSION not in header and period is None:
        problems.add(
            "dit CBS-bestand heeft geen kolom Perioden (zoals de Kerncijfers wijken en buurten); "
            "geef de periode op (--periode 2024)",
            line=1,
        )
    area_dim = next(d for d in AREA_DIMENSIONS if d in header)
    topics = {
        c: TOPIC_MEASURES[m.group("key")]
        for c in header
        if (m := TOPIC.match(c)) and m.group("key") in TOPIC_MEASURES
    }
    if not topics:
        known = ", ".join(sorted(TOPIC_MEASURES))
        problems.add(f"geen bekende cijferkolom gevonden (bekend zijn: {known})", line=1)
    problems.raise_if_any()
    extra_dims = sorted(
        (c for c in header if not TOPIC.match(c) and c not in {"ID", area_dim, PERIOD_DIMENSION}),
        key=lambda c: not c.startswith("Soort"),  # the main classification first
    )
    reader = _TableReader(topics, extra_dims, area_dim, problems, today, period)
    for line, record in iter_records(csv_text):
        reader.read(line, record)
    if not reader.rows and not problems.problems:
        problems.add("het bestand bevat geen cijfers (alle waarden ontbreken)", line=2)
    problems.raise_if_any()
    monthly = any(row.period.kind == MONTH for row in reader.rows)
    return FigureFile(
        csv_text.name,
        FORMAT,
        dataset or identify(header, monthly),
        reader.rows,
        area_field=area_dim,
        missing_values=reader.missing,
        other_regions=reader.other_regions,
        ignored_columns=[c for c in header if TOPIC.match(c) and c not in topics],
    )


class _TableReader:
    def __init__(self, topics, extra_dims, area_dim, problems, today, fixed_period):
        self.topics, self.extra_dims, self.area_dim = topics, extra_dims, area_dim
        self.problems, self.today, self.fixed_period = problems, today, fixed_period
        self.rows: list[FigureRow] = []
        self.missing = 0
        self.other_regions = 0
        self.seen: dict[tuple[str, str, str], int] = {}

    def read(self, line: int, record: dict[str, str]) -> None:
        if OTHER_REGION.match(record[self.area_dim].strip().upper()):
            self.other_regions += 1
            return
        keys = _keys(record, line, self.area_dim, self.problems, self.today, self.fixed_period)
        if keys is None:
            return
        area, period = keys
        suffix = "".join(
            f":{code}"
            for dim in self.extra_dims
            if (code := record[dim].strip()) and not TOTAL_CODE.match(code)
        )
        for column, prefix in self.topics.items():
            raw = record[column].strip()
            if raw in CBS_MISSING:
                self.missing += 1
                continue
            try:
                value = parse_number(raw, decimal_comma=False)
            except ValueError as exc:
                self.problems.add(str(exc), line=line, field=column)
                continue
            key = (prefix + suffix, area, str(period))
            if value < 0 and is_additive(key[0]):
                self.problems.add(f"{key[0]} is een aantal en kan niet negatief zijn", line, column)
                continue
            if key in self.seen:
                self.problems.add(f"dubbele regel: ook op regel {self.seen[key]}", line, column)
                continue
            self.seen[key] = line
            self.rows.append(
                FigureRow(key[0], area, period, value, line, DEFINITIEF, "Bron: CBS / Politie")
            )


def _keys(record, line, area_dim, problems, today, fixed_period):
    area = normalize_code(record[area_dim])
    ok = True
    try:
        level_of(area)
    except AreaCodeError as exc:
        problems.add(str(exc), line=line, field=area_dim)
        ok = False
    try:
        period = fixed_period or parse_cbs_period(record[PERIOD_DIMENSION])
        if period.is_future(today):
            problems.add(f"periode {period} ligt in de toekomst", line=line, field=PERIOD_DIMENSION)
            ok = False
    except PeriodError as exc:
        problems.add(str(exc), line=line, field=PERIOD_DIMENSION)
        ok = False
    return (area, period) if ok else None
