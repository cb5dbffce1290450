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
from openveiligheid.core.csvfiles import CBS_MISSING, CsvText, header_of, iter_rows, parse_number
from openveiligheid.core.errors import ProblemCollector
from openveiligheid.core.measures import is_additive
from openveiligheid.core.periods import Period, PeriodError, parse_cbs_period
from openveiligheid.core.statuses import DEFINITIEF
from openveiligheid.imports.parsers.rows import (
    ZEROS_OMITTED,
    FigureFile,
    FigureStream,
    StreamRow,
    collect,
)

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
    figures = stream(csv_text, dataset=dataset, today=today, period=period)
    figure_file = collect(figures)
    figures.problems.raise_if_any()
    figure_file.dataset = figures.dataset
    return figure_file


def stream(
    csv_text: CsvText,
    *,
    dataset: str | None = None,
    today: dt.date | None = None,
    period: Period | None = None,
) -> FigureStream:
    """The table's figures as they are read and checked (see :class:`FigureStream`); the
    dataset is known once every row has been read (monthly or not)."""
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
    figures = FigureStream(
        csv_text.name,
        FORMAT,
        dataset or "",
        iter(()),
        problems,
        _duplicate,
        area_field=area_dim,
        ignored_columns=[c for c in header if TOPIC.match(c) and c not in topics],
        zeros_omitted=ZEROS_OMITTED in csv_text.comments,
    )
    reader = _TableReader(header, topics, extra_dims, area_dim, problems, today, period)
    figures.rows = _rows(csv_text, reader, figures, header, dataset)
    return figures


def _duplicate(row: StreamRow, first_line: int) -> tuple[str, str | None]:
    return f"dubbele regel: ook op regel {first_line}", row[1]


def _rows(csv_text: CsvText, reader: _TableReader, figures: FigureStream, header, dataset):
    count = 0
    monthly = False
    for line, cells in iter_rows(csv_text):
        for row in reader.read(line, cells):
            count += 1
            monthly = monthly or row[6] is not None
            yield row
    figures.count = count
    figures.missing_values = reader.missing
    figures.other_regions = reader.other_regions
    figures.dataset = dataset or identify(header, monthly)
    if not count and not figures.problems.problems:
        figures.problems.add("het bestand bevat geen cijfers (alle waarden ontbreken)", line=2)


class _TableReader:
    def __init__(self, header, topics, extra_dims, area_dim, problems, today, fixed_period):
        position = {column: n for n, column in enumerate(header)}
        self.topics = [(column, position[column], prefix) for column, prefix in topics.items()]
        self.extra = [position[dim] for dim in extra_dims]
        self.area_dim, self.i_area = area_dim, position[area_dim]
        self.i_period = position.get(PERIOD_DIMENSION)
        self.problems, self.today, self.fixed_period = problems, today, fixed_period
        self.missing = 0
        self.other_regions = 0
        self.additive: dict[str, bool] = {}

    def read(self, line: int, cells: list[str]):
        record_area = cells[self.i_area]
        if OTHER_REGION.match(record_area.strip().upper()):
            self.other_regions += 1
            return
        raw_period = cells[self.i_period] if self.i_period is not None else ""
        keys = _keys(
            record_area, raw_period, line, self.area_dim, self.problems, self.today,
            self.fixed_period,
        )  # fmt: skip
        if keys is None:
            return
        area, period = keys
        period_text, year, month = str(period), period.year, period.month
        suffix = "".join(
            f":{code}"
            for n in self.extra
            if (code := cells[n].strip()) and not TOTAL_CODE.match(code)
        )
        for column, n, prefix in self.topics:
            raw = cells[n].strip()
            if raw in CBS_MISSING:
                self.missing += 1
                continue
            try:
                value = parse_number(raw, decimal_comma=False)
            except ValueError as exc:
                self.problems.add(str(exc), line=line, field=column)
                continue
            measure = prefix + suffix
            additive = self.additive.get(measure)
            if additive is None:
                additive = self.additive[measure] = is_additive(measure)
            if value < 0 and additive:
                message = f"{measure} is een aantal en kan niet negatief zijn"
                self.problems.add(message, line, column)
                continue
            yield (
                line, column, measure, area, period_text, year, month, value, DEFINITIEF,
                "Bron: CBS / Politie",
            )  # fmt: skip


def _keys(raw_area, raw_period, line, area_dim, problems, today, fixed_period):
    area = normalize_code(raw_area)
    ok = True
    try:
        level_of(area)
    except AreaCodeError as exc:
        problems.add(str(exc), line=line, field=area_dim)
        ok = False
    try:
        period = fixed_period or parse_cbs_period(raw_period)
        if period.is_future(today):
            problems.add(f"periode {period} ligt in de toekomst", line=line, field=PERIOD_DIMENSION)
            ok = False
    except PeriodError as exc:
        problems.add(str(exc), line=line, field=PERIOD_DIMENSION)
        ok = False
    return (area, period) if ok else None
