"""The map page: one subject, one year, one level, as a choropleth and a sortable table."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from openveiligheid.core.areacodes import WIJK
from openveiligheid.core.collector import cycle_collector_paused
from openveiligheid.core.periods import Period, PeriodError, parse_period, period_label
from openveiligheid.dashboard.areadata import (
    LEVEL_PLURAL,
    LEVELS,
    SORTS,
    AreaRow,
    Subject,
    area_rows,
    map_of,
    per_1000,
    periods_with_figures,
    sort_rows,
    subjects,
    values_for,
)
from openveiligheid.insight.results import AreaAnalysis
from openveiligheid.policy.models import Plan
from openveiligheid.ui.maps import Choropleth
from openveiligheid.ui.paging import TABLE_PAGE_SIZE, TablePage, page_number


@dataclass(frozen=True)
class MapChoice:
    """What the reader asked for (``?onderwerp=&niveau=&jaar=&per1000=&sorteer=&richting=``)."""

    subject: str = ""
    level: str = WIJK
    period: Period | None = None
    rate: bool = False
    sort: str = "naam"
    descending: bool = False
    page: int = 1  # of the table (``?pagina=``), TABLE_PAGE_SIZE rows a page

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> MapChoice:
        level = query.get("niveau", WIJK)
        sort = query.get("sorteer", "naam")
        return cls(
            subject=query.get("onderwerp", ""),
            level=level if level in LEVELS else WIJK,
            period=_period(query.get("periode") or query.get("jaar") or ""),
            rate=query.get("per1000") in {"1", "on", "ja"},
            sort=sort if sort in SORTS else "naam",
            descending=query.get("richting") == "af",
            page=page_number(query.get("pagina", "")),
        )


def _period(text: str) -> Period | None:
    try:
        return parse_period(text) if text else None
    except PeriodError:
        return None


@dataclass
class MapPage:
    subjects: list[Subject]
    subject: Subject | None
    level: str
    periods: list[Period]
    period: Period | None
    rate: bool
    rows: list[AreaRow] = field(default_factory=list)
    division: int | None = None
    map: Choropleth | None = None
    messages: list[str] = field(default_factory=list)
    sort: str = "naam"
    descending: bool = False
    outlines: dict[str, tuple[str, str]] = field(default_factory=dict)
    smoothed: bool = False  # the rows carry EB-smoothed rates
    table_page: int = 1

    @property
    def table(self) -> TablePage[AreaRow]:
        """The chosen page of the table (the map shows every row)."""
        return TablePage(self.rows, self.table_page, TABLE_PAGE_SIZE)

    @property
    def level_plural(self) -> str:
        return LEVEL_PLURAL[self.level]

    @property
    def unit(self) -> str:
        if self.subject is None:
            return ""
        return "per 1.000 inwoners" if self.rate else self.subject.definition.unit

    @property
    def title(self) -> str:
        if self.subject is None:
            return "Kaart"
        unit = " per 1.000 inwoners" if self.rate else ""
        return f"{self.subject.label}{unit} per {LEVELS[self.level]}, {self.period_label}"

    @property
    def period_label(self) -> str:
        return period_label(self.period) if self.period else ""

    @property
    def period_options(self) -> list[tuple[str, str, bool]]:
        """(value, label, selected) for the period menu: years first, then months."""
        return [(str(p), period_label(p), p == self.period) for p in self.periods]


AnalysisSource = Callable[[str, str, int | None, str, str], dict[str, AreaAnalysis]]


@cycle_collector_paused()  # 14,000 buurten: docs/adr/0023
def map_page(plan: Plan, choice: MapChoice, analysis: AnalysisSource | None = None) -> MapPage:
    """The map page; ``analysis`` gives the stored results for (measure, division, level,
    period): hot/coldspot outlines and EB-smoothed rates, computed after the import."""
    options = subjects(plan)
    messages: list[str] = []
    subject = _chosen_subject(options, choice, plan, messages)
    if subject is None:
        return MapPage(options, None, choice.level, [], None, False, messages=messages)
    rate = choice.rate and subject.can_rate
    if choice.rate and not subject.can_rate:
        messages.append(f"'{subject.label}' is al een verhoudingsgetal; het wordt niet omgerekend.")
    definition = per_1000(subject.definition) if rate else subject.definition
    periods = periods_with_figures(subject.definition, plan.gemeente_code, choice.level)
    period = _default_period(periods, choice.period, messages)
    page = MapPage(options, subject, choice.level, periods, period, rate, messages=messages)
    page.sort, page.descending = choice.sort, choice.descending
    page.table_page = choice.page
    if period is None:
        messages.append(f"Voor dit onderwerp zijn er geen cijfers per {LEVELS[choice.level]}.")
        return page
    found = values_for(plan, definition, choice.level, period)
    page.division = found.division
    stored = {}
    if analysis and subject.can_rate and len(subject.definition.measures) == 1:
        measure = subject.definition.measures[0]
        stored = analysis(measure, plan.gemeente_code, found.division, choice.level, str(period))
    marked = {code: (a.outline, a.words) for code, a in stored.items() if a.outline}
    page.outlines = marked
    rows = area_rows(found, definition, stored)
    page.smoothed = any(row.smoothed is not None for row in rows)
    page.rows = sort_rows(rows, choice.sort, choice.descending)
    if not any(row.value is not None for row in rows):
        messages.append(_why_empty(page))
        return page
    shown = map_of(rows, plan.gemeente_code, found.division, page.title, marked)
    if shown.area_count > len(shown.missing_shape):
        page.map = shown
    else:
        messages.append(
            f"Voor gebiedsindeling {found.division} zijn geen kaartgrenzen ingelezen; "
            "de cijfers staan in de tabel."
        )
    return page


def _why_empty(page: MapPage) -> str:
    if page.rate:
        return (
            f"Voor {page.period_label} zijn er geen cijfers per 1.000 inwoners: er is geen "
            "inwonertal voor dat jaar of een eerder jaar. Kies een latere periode of aantallen."
        )
    return f"Voor {page.period_label} zijn er geen cijfers per {LEVELS[page.level]}."


def _default_period(
    periods: list[Period], asked: Period | None, messages: list[str]
) -> Period | None:
    """The asked period if it has figures; else the newest year (or month without years)."""
    if asked in periods:
        return asked
    years = [p for p in periods if p.month is None]
    fallback = (years or periods or [None])[-1]
    if asked and fallback:
        messages.append(
            f"Voor {period_label(asked)} zijn er geen cijfers; "
            f"{period_label(fallback)} wordt getoond."
        )
    return fallback


def _chosen_subject(
    options: list[Subject], choice: MapChoice, plan: Plan, messages: list[str]
) -> Subject | None:
    by_key = {s.key: s for s in options}
    if choice.subject in by_key:
        return by_key[choice.subject]
    if choice.subject:
        messages.append(
            "Dat onderwerp bestaat niet (meer); het eerste onderwerp met cijfers is gekozen."
        )
    for subject in options:
        if periods_with_figures(subject.definition, plan.gemeente_code, choice.level):
            return subject
    return options[0] if options else None


@dataclass(frozen=True)
class SortHeader:
    """A sortable column header: its link and its aria-sort state."""

    label: str
    href: str
    state: str  # "ascending", "descending" or "none"
    numeric: bool = False


COLUMNS = (("naam", "Naam", False), ("code", "Code", False), ("waarde", "Waarde", True))


def sort_headers(
    query: Mapping[str, str], sort: str, descending: bool, anchor: str = "#tabel"
) -> dict[str, SortHeader]:
    """Header links that sort the table by a column; the current one reverses its direction."""
    headers = {}
    for key, label, numeric in COLUMNS:
        current = sort == key
        params = {k: v for k, v in query.items() if k not in {"sorteer", "richting", "pagina"}}
        params["sorteer"] = key
        if current and not descending:
            params["richting"] = "af"
        state = ("descending" if descending else "ascending") if current else "none"
        headers[key] = SortHeader(label, "?" + urlencode(params) + anchor, state, numeric)
    return headers
