"""Shaping evaluated indicators for the web pages.

Every number comes from :mod:`openveiligheid.indicators.services` (and so from the engine);
this module only picks, orders and formats. Templates get ready-made strings, never floats.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from openveiligheid.areas.models import Area
from openveiligheid.figures.services import measure_labels
from openveiligheid.imports.parsers.rows import VOORLOPIG
from openveiligheid.indicators.engine import (
    GEEN_DOEL,
    GEEN_GEGEVENS,
    GEHAALD,
    HOGER,
    NIET_GEHAALD,
    VERDICTS,
    IndicatorResult,
)
from openveiligheid.indicators.formatting import format_change, format_number, format_threshold
from openveiligheid.indicators.models import Indicator
from openveiligheid.indicators.services import (
    evaluate_plan,
    indicator_series,
    plan_division,
    wijk_values,
)
from openveiligheid.indicators.targets import TargetError, parse_target
from openveiligheid.policy.models import Plan

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


@dataclass(frozen=True)
class Verdict:
    """A verdict as shown: always a word and a symbol, the colour comes from ``css``."""

    word: str
    symbol: str
    css: str


VERDICT_DISPLAY: dict[str, Verdict] = {
    GEHAALD: Verdict("gehaald", "✔", "gehaald"),
    NIET_GEHAALD: Verdict("niet gehaald", "✘", "niet-gehaald"),
    GEEN_DOEL: Verdict("geen doel", "–", "geen-doel"),
    GEEN_GEGEVENS: Verdict("geen gegevens", "?", "geen-gegevens"),
}

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
    """One :class:`IndicatorResult` as the pages show it."""

    key: str
    name: str
    year: int
    value: str
    has_value: bool
    unit: str
    target: str | None
    verdict: Verdict
    change: str | None
    trend: str | None
    previous_year: int
    comparison: str | None
    comparison_area: str | None
    notes: list[str] = field(default_factory=list)


def result_view(result: IndicatorResult, area_names: dict[str, str]) -> ResultView:
    year = int(result.period)
    comparison_area = None
    if result.comparison_area:
        comparison_area = area_names.get(result.comparison_area, result.comparison_area)
    return ResultView(
        key=result.indicator,
        name=result.name,
        year=year,
        value=format_number(result.value, result.decimals),
        has_value=result.value is not None,
        unit=result.unit,
        target=target_in_words(result.target),
        verdict=VERDICT_DISPLAY[result.verdict],
        change=format_change(result.change_pct) if result.change_pct is not None else None,
        trend=result.trend,
        previous_year=year - 1,
        comparison=(
            format_number(result.comparison_value, result.decimals)
            if result.comparison_area
            else None
        ),
        comparison_area=comparison_area,
        notes=list(result.notes),
    )


def area_names(codes: set[str]) -> dict[str, str]:
    """Names of gemeenten and the Netherlands by code (their codes keep their meaning)."""
    names: dict[str, str] = {}
    for code, name in (
        Area.objects.filter(code__in=codes).order_by("division").values_list("code", "name")
    ):
        names[code] = name  # the newest division wins
    return names


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
    verdict: Verdict
    count: int


@dataclass
class Overview:
    plan: Plan
    gemeente: str
    themes: list[ThemeBlock]
    other_cards: list[ResultView]
    counts: list[VerdictCount]
    indicator_count: int


def overview(plan: Plan, year: int | None = None) -> Overview:
    """The plan's themes and goals in order, with a card per indicator of each goal.

    An indicator under several goals gets a card under each; indicators under no goal are
    listed separately so that none goes missing.
    """
    evaluated = evaluate_plan(plan, year)
    codes = {plan.gemeente_code} | {
        c.result.comparison_area for c in evaluated if c.result.comparison_area
    }
    names = area_names(codes)
    cards = {c.indicator.pk: result_view(c.result, names) for c in evaluated}
    placed: set[int] = set()
    themes = []
    for theme in plan.themes.prefetch_related("goals__indicators"):
        goals = []
        for goal in theme.goals.all():
            ids = [i.pk for i in goal.indicators.all() if i.pk in cards]
            placed.update(ids)
            goals.append(GoalBlock(goal.key, goal.name, goal.criteria, [cards[i] for i in ids]))
        themes.append(ThemeBlock(theme.key, theme.name, theme.description, goals))
    tally = Counter(c.result.verdict for c in evaluated)
    return Overview(
        plan=plan,
        gemeente=names.get(plan.gemeente_code, plan.gemeente_code),
        themes=themes,
        other_cards=[card for pk, card in cards.items() if pk not in placed],
        counts=[VerdictCount(VERDICT_DISPLAY[v], tally[v]) for v in VERDICTS if tally[v]],
        indicator_count=len(evaluated),
    )


# --- the indicator page ----------------------------------------------------------------------


@dataclass
class Definition:
    """How the indicator is computed, for the page to say in words."""

    reported: str | None
    measures: list[tuple[str, str]]  # (name, readable label or "")
    per_1000: str | None
    better: str
    unit: str
    decimals: int
    comparison_area: str | None
    comparison_code: str | None
    source: str
    note: str


@dataclass
class WijkRow:
    code: str
    name: str
    value: str
    has_value: bool
    notes: list[str]


@dataclass
class IndicatorDetail:
    indicator: Indicator
    gemeente: str
    definition: Definition
    series: list[ResultView]
    selected_year: int | None
    wijk_year: int | None
    wijk_division: int | None
    plan_division: int | None
    wijken: list[WijkRow]


def indicator_detail(plan: Plan, indicator: Indicator, year: int | None = None) -> IndicatorDetail:
    results = indicator_series(plan, indicator)
    labels = measure_labels([*indicator.measures, indicator.reported])
    codes = {plan.gemeente_code, indicator.comparison_area} - {""}
    names = area_names(codes)
    with_value = [int(r.period) for r in results if r.value is not None]
    wijk_year = year or (with_value[-1] if with_value else None)
    division, values = wijk_values(plan, indicator, wijk_year) if wijk_year else (None, [])
    wijken = []
    for item in values:
        notes = list(item.value.notes) if item.value else []
        if item.value and item.value.status == VOORLOPIG:
            notes.append("voorlopig cijfer")
        wijken.append(
            WijkRow(
                code=item.area.code,
                name=item.area.name,
                value=format_number(item.value.value if item.value else None, indicator.decimals),
                has_value=item.value is not None,
                notes=notes,
            )
        )
    return IndicatorDetail(
        indicator=indicator,
        gemeente=names.get(plan.gemeente_code, plan.gemeente_code),
        definition=Definition(
            reported=indicator.reported or None,
            measures=[(m, labels.get(m, "")) for m in indicator.measures],
            per_1000=indicator.per_1000 or None,
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
        ),
        series=[result_view(r, names) for r in results],
        selected_year=year,
        wijk_year=wijk_year,
        wijk_division=division,
        plan_division=plan_division(plan),
        wijken=wijken,
    )
