"""Shaping evaluated indicators for the web pages.

Every number comes from :mod:`openveiligheid.indicators.services` (and so from the engine);
this module only picks and orders. The results hold numbers (unrounded, with the decimals to
show), verdict codes and chart data, not text: the templates format them through the filters of
``ui`` (``getal``, ``verandering``) and ``dashboard`` (``doel_in_woorden``), so the same results
can be served as data.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from openveiligheid.areas.services import area_names
from openveiligheid.core.collector import cycle_collector_paused
from openveiligheid.dashboard.areadata import (
    LEVELS,
    AreaRow,
    area_rows,
    map_of,
    periods_with_figures,
    sort_rows,
    values_for,
)
from openveiligheid.dashboard.kaart import MapChoice
from openveiligheid.figures.services import measure_labels
from openveiligheid.indicators.engine import (
    HOGER,
    VERDICTS,
    IndicatorDefinition,
    IndicatorResult,
)
from openveiligheid.indicators.formatting import VERDICT_DISPLAY, Verdict, format_threshold
from openveiligheid.indicators.models import Indicator
from openveiligheid.indicators.peers import PeerValue, is_comparable, peer_group, peer_values
from openveiligheid.indicators.services import (
    IndicatorCard,
    evaluate_reporting_year,
    indicator_series,
    plan_division,
    plan_period,
)
from openveiligheid.indicators.targets import TargetError, parse_target
from openveiligheid.policy.models import Plan
from openveiligheid.policy.planload import current_themes
from openveiligheid.ui.charts import Line, LineChart, Sparkline
from openveiligheid.ui.maps import Choropleth
from openveiligheid.ui.paging import TABLE_PAGE_SIZE, TablePage

YEAR_MIN, YEAR_MAX = 1900, 2100
YEAR_PARAMETER = "jaar"


# --- the year filter -------------------------------------------------------------------------


@dataclass(frozen=True)
class YearFilter:
    """The ``?jaar=`` of a page: a valid year, or none (with a Dutch message when rejected)."""

    year: int | None = None
    error: str | None = None

    @property
    def query(self) -> str:
        """The query string that carries this year to a linked page ('' without a year)."""
        return f"?{YEAR_PARAMETER}={self.year}" if self.year else ""


def parse_year(raw: str | None) -> YearFilter:
    text = (raw or "").strip()
    if not text:
        return YearFilter()
    shown = text if len(text) <= 20 else text[:20] + "…"
    if re.fullmatch(r"[0-9]{1,4}", text):
        year = int(text)
        if YEAR_MIN <= year <= YEAR_MAX:
            return YearFilter(year)
    return YearFilter(
        error=(
            f"'{shown}' is geen geldig jaar: kies een jaar van {YEAR_MIN} tot en met "
            f"{YEAR_MAX}. Hieronder staan de laatste cijfers."
        )
    )


# --- verdicts, trends and targets as words ----------------------------------------------------


TARGET_WORDS = {"<": "lager dan", "<=": "hoogstens", ">": "hoger dan", ">=": "minstens"}
BETTER_WORDS = {HOGER: "hoger is beter"}
LOWER_IS_BETTER = "lager is beter"


def better_words(better: str) -> str:
    return BETTER_WORDS.get(better, LOWER_IS_BETTER)


def target_in_words(target: str | None) -> str | None:
    """The engine's target text (``"< 15500"``) in words: ``"lager dan 15.500"``."""
    if not target:
        return None
    try:
        parsed = parse_target(target)
    except TargetError:
        return target
    return f"{TARGET_WORDS[parsed.operator]} {format_threshold(parsed.threshold)}"


# --- one evaluated result, formatted -------------------------------------------------------


@dataclass
class ResultView:
    """One :class:`IndicatorResult` as the pages show it: unrounded numbers, shown to
    ``decimals``; ``target`` is the engine's canonical target (``"< 15500"``)."""

    key: str
    name: str
    year: int
    value: float | None
    decimals: int
    unit: str
    target: str | None
    verdict: str  # engine.VERDICTS
    change_pct: float | None
    trend: str | None
    previous_year: int
    comparison: float | None  # the comparison area's value (when there is a comparison area)
    comparison_area: str | None
    notes: list[str] = field(default_factory=list)
    sparkline: Sparkline | None = None
    sparkline_years: tuple[int, int] | None = None  # first and last year of the sparkline
    older: bool = False  # the newest figure before the peiljaar, not one of the peiljaar
    outside_period: bool = False  # the year lies outside the plan period: no target counts
    peer: PeerValue | None = None  # the mean of the similar gemeenten (indicator page only)

    @property
    def has_value(self) -> bool:
        return self.value is not None

    @property
    def verdict_shown(self) -> Verdict:
        return VERDICT_DISPLAY[self.verdict]


def result_view(
    result: IndicatorResult, area_names: dict[str, str], period: range | None = None
) -> ResultView:
    """The result as shown; ``period`` is the plan period (a year outside it has no target)."""
    year = int(result.period)
    comparison_area = None
    if result.comparison_area:
        comparison_area = area_names.get(result.comparison_area, result.comparison_area)
    return ResultView(
        key=result.indicator,
        name=result.name,
        year=year,
        value=result.value,
        decimals=result.decimals,
        unit=result.unit,
        target=result.target or None,
        verdict=result.verdict,
        change_pct=result.change_pct,
        trend=result.trend,
        previous_year=year - 1,
        comparison=result.comparison_value if result.comparison_area else None,
        comparison_area=comparison_area,
        notes=list(result.notes),
        older=result.is_older,
        outside_period=period is not None and year not in period,
    )


def quality_notes(history: list[tuple[int, float]], year: int) -> list[str]:
    """Data-quality notes a reader needs: missing years inside the series, an old last figure."""
    years = [y for y, _ in history]
    notes = []
    if years:
        missing = sorted(set(range(years[0], years[-1] + 1)) - set(years))
        if missing:
            shown = ", ".join(str(y) for y in missing)
            notes.append(f"geen cijfer voor {shown}: de reeks heeft een gat")
        if years[-1] < year - 1:
            notes.append(f"laatste cijfer is van {years[-1]}")
    return notes


def card_view(
    card: IndicatorCard, names: dict[str, str], period: range | None = None
) -> ResultView:
    """A start-page card: the result, its sparkline and its data-quality notes."""
    view = result_view(card.result, names, period)
    values = [v for _, v in card.history]
    if len(values) > 1:
        first, last = card.history[0][0], card.history[-1][0]
        view.sparkline = Sparkline(tuple(values), f"Verloop {first}–{last}")
        view.sparkline_years = (first, last)
    view.notes.extend(quality_notes(card.history, view.year))
    return view


# --- the start page --------------------------------------------------------------------------


@dataclass
class GoalBlock:
    key: str
    name: str
    criteria: str
    cards: list[ResultView]


@dataclass
class ThemeBlock:
    key: str
    name: str
    description: str
    goals: list[GoalBlock]


@dataclass
class VerdictCount:
    verdict: str  # engine.VERDICTS
    count: int

    @property
    def verdict_shown(self) -> Verdict:
        return VERDICT_DISPLAY[self.verdict]


@dataclass
class Overview:
    plan: Plan
    gemeente: str
    themes: list[ThemeBlock]
    all_themes: list[tuple[str, str]]
    theme: str
    theme_error: str | None
    other_cards: list[ResultView]
    counts: list[VerdictCount]
    indicator_count: int
    year: int  # the peiljaar of every card
    default_year: int | None  # the newest year in which most indicators have a figure
    years: list[int]  # the years with a figure of at least one indicator, newest first
    year_message: str | None = None  # the asked year has no figures: what is shown instead
    older_count: int = 0  # cards that show the newest figure before the peiljaar

    @property
    def is_default_year(self) -> bool:
        return self.year == self.default_year


def overview(plan: Plan, year: int | None = None, theme: str = "") -> Overview:
    """The plan's themes and goals in order, with a card per indicator of each goal, all for
    one peiljaar: ``year`` when some indicator has a figure in it, else the default.

    An indicator under several goals gets a card under each; indicators under no goal are
    listed separately so that none goes missing.
    """
    reporting = evaluate_reporting_year(plan, year)
    evaluated = reporting.cards
    codes = {plan.gemeente_code} | {
        c.result.comparison_area for c in evaluated if c.result.comparison_area
    }
    names = area_names(codes)
    period = plan_period(plan)
    cards = {c.indicator.pk: card_view(c, names, period) for c in evaluated}
    placed: set[int] = set()
    themes = []
    all_themes = current_themes(plan)
    for block in all_themes:
        goals = []
        for goal in block.current_goals:
            ids = [i.pk for i in goal.indicators.all() if i.pk in cards]
            placed.update(ids)
            goals.append(GoalBlock(goal.key, goal.name, goal.criteria, [cards[i] for i in ids]))
        themes.append(ThemeBlock(block.key, block.name, block.description, goals))
    theme_error = None
    if theme and theme not in {t.key for t in themes}:
        theme_error = "Dat thema staat niet in het plan; alle thema's worden getoond."
    elif theme:
        themes = [t for t in themes if t.key == theme]
    tally = Counter(c.result.verdict for c in evaluated)
    return Overview(
        plan=plan,
        gemeente=names.get(plan.gemeente_code, plan.gemeente_code),
        themes=themes,
        all_themes=[(t.key, t.name) for t in all_themes],
        theme=theme if not theme_error else "",
        theme_error=theme_error,
        other_cards=(
            [card for pk, card in cards.items() if pk not in placed]
            if not theme or theme_error
            else []
        ),
        counts=[VerdictCount(v, tally[v]) for v in VERDICTS if tally[v]],
        indicator_count=len(evaluated),
        year=reporting.year,
        default_year=reporting.default,
        years=sorted(reporting.years, reverse=True),
        year_message=(
            f"Voor {reporting.asked} zijn er geen cijfers; peiljaar {reporting.year} wordt getoond."
            if reporting.asked_without_data
            else None
        ),
        older_count=sum(c.result.is_older for c in evaluated),
    )


# --- the indicator page ----------------------------------------------------------------------


@dataclass
class Definition:
    """How the indicator is computed, for the page to say in words."""

    reported: str | None
    reported_label: str
    measures: list[tuple[str, str]]  # (name, readable label or "")
    per_1000: str | None
    per_1000_label: str
    better: str
    unit: str
    decimals: int
    comparison_area: str | None
    comparison_code: str | None
    source: str
    note: str


@dataclass
class PeerComparison:
    """The similar gemeenten of the indicator page: their class, their names."""

    size_class: str
    names: list[str]
    with_values: bool  # any year of the series has a group mean


@dataclass
class IndicatorDetail:
    indicator: Indicator
    gemeente: str
    definition: Definition
    series: list[ResultView]
    results: list[IndicatorResult]
    chart: LineChart
    selected_year: int | None
    area_year: int | None
    level: str
    area_division: int | None
    plan_division: int | None
    area_rows: list[AreaRow]
    map: Choropleth | None
    years: list[int] = field(default_factory=list)  # years with figures, newest first
    peers: PeerComparison | None = None
    table_page: int = 1  # of the table per area (``?pagina=``); downloads give every row

    @property
    def area_table(self) -> TablePage[AreaRow]:
        """The chosen page of the table per area, as under the Kaart (the map shows all)."""
        return TablePage(self.area_rows, self.table_page, TABLE_PAGE_SIZE)

    @property
    def year_options(self) -> list[tuple[int, bool]]:
        """(year, selected) for the year menu: only years with figures."""
        return [(y, y == self.area_year) for y in self.years]


@cycle_collector_paused()  # 14,000 buurten: docs/adr/0023
def indicator_detail(
    plan: Plan, indicator: Indicator, year: int | None = None, choice: MapChoice | None = None
) -> IndicatorDetail:
    choice = choice or MapChoice()
    results = indicator_series(plan, indicator)
    labels = measure_labels([*indicator.measures, indicator.reported, indicator.per_1000])
    codes = {plan.gemeente_code, indicator.comparison_area} - {""}
    names = area_names(codes)
    definition = indicator.to_definition()
    with_value = [int(r.period) for r in results if r.value is not None]
    area_year = year or (with_value[-1] if with_value else None)
    rows, division, shown = [], None, None
    if area_year:
        found = values_for(plan, definition, choice.level, area_year)
        rows = area_rows(found, definition)
        division = found.division
        title = f"{indicator.name} per {LEVELS[choice.level]} in {area_year}"
        shown = map_of(rows, plan.gemeente_code, division, title) if rows else None
    period = plan_period(plan)
    series_views = [result_view(r, names, period) for r in results]
    peers = _with_peers(plan.gemeente_code, definition, series_views)
    area_years = periods_with_figures(definition, plan.gemeente_code, choice.level, months=False)
    return IndicatorDetail(
        indicator=indicator,
        gemeente=names.get(plan.gemeente_code, plan.gemeente_code),
        definition=_definition(indicator, labels, names),
        series=series_views,
        results=results,
        chart=indicator_chart(indicator, results, names),
        selected_year=year,
        area_year=area_year,
        level=choice.level,
        area_division=division,
        plan_division=plan_division(plan),
        area_rows=sort_rows(rows, choice.sort, choice.descending),
        map=shown if shown and shown.area_count > len(shown.missing_shape) else None,
        years=sorted({*with_value, *(p.year for p in area_years)}, reverse=True),
        peers=peers,
        table_page=choice.page,
    )


def _with_peers(
    gemeente_code: str, definition: IndicatorDefinition, series: list[ResultView]
) -> PeerComparison | None:
    """Put the similar gemeenten's mean on each year of ``series``; their group, or None for
    an indicator that is no rate or a gemeente whose size is not known."""
    if not series or not is_comparable(definition):
        return None
    group = peer_group(gemeente_code)
    if group is None or not group.members:
        return None
    values = {v.year: v for v in peer_values(definition, group, [r.year for r in series])}
    for row in series:
        row.peer = values.get(row.year)
    names = area_names(set(group.members))
    return PeerComparison(
        size_class=group.size_class,
        names=sorted(names.get(code, code) for code in group.members),
        with_values=any(v.mean is not None for v in values.values()),
    )


def _definition(indicator: Indicator, labels: dict[str, str], names: dict[str, str]) -> Definition:
    return Definition(
        reported=indicator.reported or None,
        reported_label=labels.get(indicator.reported, ""),
        measures=[(m, labels.get(m, "")) for m in indicator.measures],
        per_1000=indicator.per_1000 or None,
        per_1000_label=labels.get(indicator.per_1000, "") or indicator.per_1000,
        better=better_words(indicator.better),
        unit=indicator.unit,
        decimals=indicator.decimals,
        comparison_area=(
            names.get(indicator.comparison_area, indicator.comparison_area)
            if indicator.comparison_area
            else None
        ),
        comparison_code=indicator.comparison_area or None,
        source=indicator.source,
        note=indicator.note,
    )


def indicator_chart(
    indicator: Indicator, results: list[IndicatorResult], names: dict[str, str]
) -> LineChart:
    """The series with its comparison area and its targets, as a line chart."""
    gemeente = names.get(results[0].area, results[0].area) if results else ""
    lines = [Line(gemeente, [(int(r.period), r.value) for r in results], "lijn-waarde")]
    if indicator.comparison_area:
        label = names.get(indicator.comparison_area, indicator.comparison_area)
        points = [(int(r.period), r.comparison_value) for r in results]
        lines.append(Line(label, points, "lijn-vergelijking"))
    targets = [(int(r.period), _threshold(r.target)) for r in results]
    if any(v is not None for _, v in targets):
        lines.append(Line("doel", targets, "lijn-doel"))
    return LineChart(tuple(lines), f"{indicator.name}: verloop per jaar", indicator.decimals)


def _threshold(target: str | None) -> float | None:
    if not target:
        return None
    try:
        return parse_target(target).threshold
    except TargetError:
        return None
