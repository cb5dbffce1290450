"""Evaluating a stored plan with the engine, on figures from the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from openveiligheid.areas.models import Area
from openveiligheid.areas.services import latest_division
from openveiligheid.core.areacodes import WIJK
from openveiligheid.core.periods import Period, plan_years
from openveiligheid.figures.services import figure_set, level_figures
from openveiligheid.indicators.engine import (
    POPULATION,
    FigureSet,
    IndicatorDefinition,
    IndicatorResult,
    Value,
    default_reporting_year,
    evaluate,
    evaluate_at_or_before,
    indicator_values,
    latest_year,
    populations_of,
    series,
)
from openveiligheid.indicators.models import Indicator


class Plan(Protocol):
    """What these functions need of a plan (a :class:`policy.models.Plan`).

    ``policy`` sits above ``indicators`` (docs/architecture.md, rule 6), so the plan is
    described here rather than imported; ``indicators`` is the reverse of ``Indicator.plan``.
    """

    gemeente_code: str
    division: int | None
    period: str
    indicators: object


def plan_division(plan: Plan) -> int | None:
    return plan.division or latest_division()


def plan_period(plan: Plan) -> range | None:
    """The years of the plan period (``periode: 2019-2023``), ``None`` when it has none."""
    return plan_years(plan.period)


def plan_figures(
    plan: Plan, indicators: list[Indicator], areas: set[str] = frozenset()
) -> FigureSet:
    measures: set[str] = set()
    wanted = {plan.gemeente_code, *areas}
    for indicator in indicators:
        definition = indicator.to_definition()
        measures.update(definition.input_measures)
        if definition.comparison_area:
            wanted.add(definition.comparison_area)
    return figure_set(measures, wanted, division=plan_division(plan))


@dataclass
class IndicatorCard:
    indicator: Indicator
    result: IndicatorResult
    history: list[tuple[int, float]]  #: every year with a value, oldest first


def evaluate_plan(plan: Plan, year: int | None = None) -> list[IndicatorCard]:
    """One evaluated result per indicator: for ``year``, or else its own latest year."""
    indicators = list(plan.indicators.prefetch_related("targets"))
    figures = plan_figures(plan, indicators)
    division, period = plan_division(plan), plan_period(plan)
    cards = []
    for indicator in indicators:
        definition = indicator.to_definition()
        chosen = (
            year
            or latest_year(definition, figures, plan.gemeente_code)
            or _last_target_year(definition)
        )
        result = evaluate(
            definition, figures, plan.gemeente_code, chosen, division=division, plan_years=period
        )
        history = [(y, v.value) for y, v in series(definition, figures, plan.gemeente_code)]
        cards.append(IndicatorCard(indicator, result, history))
    return cards


def _last_target_year(definition) -> int:
    return max(definition.targets, default=dt.date.today().year - 1)


@dataclass
class ReportingYear:
    """The plan evaluated for one peiljaar: per indicator the value of that year or, marked,
    the newest earlier one (``IndicatorResult.is_older``)."""

    year: int  #: the peiljaar shown
    default: int | None  #: the newest year in which most indicators have a value
    years: list[int]  #: every year in which at least one indicator has a value, oldest first
    asked: int | None  #: the year asked for (``None``: the default)
    cards: list[IndicatorCard]

    @property
    def asked_without_data(self) -> bool:
        return self.asked is not None and self.asked not in self.years


def evaluate_reporting_year(plan: Plan, year: int | None = None) -> ReportingYear:
    """Every indicator for one peiljaar: ``year`` when some indicator has a value in it, else
    the default (:func:`engine.default_reporting_year`). Targets count only in the plan period.
    """
    indicators = list(plan.indicators.prefetch_related("targets"))
    figures = plan_figures(plan, indicators)
    definitions = [indicator.to_definition() for indicator in indicators]
    histories = [series(d, figures, plan.gemeente_code) for d in definitions]
    years = sorted({y for history in histories for y, _ in history})
    default = default_reporting_year([y for y, _ in history] for history in histories)
    period = plan_period(plan)
    chosen = year if year in years else default
    if chosen is None:
        chosen = period[-1] if period else dt.date.today().year - 1
    division = plan_division(plan)
    cards = [
        IndicatorCard(
            indicator,
            evaluate_at_or_before(
                definition,
                figures,
                plan.gemeente_code,
                chosen,
                division=division,
                plan_years=period,
            ),
            [(y, v.value) for y, v in history],
        )
        for indicator, definition, history in zip(indicators, definitions, histories, strict=True)
    ]
    return ReportingYear(chosen, default, years, year, cards)


def indicator_series(plan: Plan, indicator: Indicator) -> list[IndicatorResult]:
    """Results for every year with a value or a target in the plan period, oldest first."""
    figures = plan_figures(plan, [indicator])
    definition = indicator.to_definition()
    period = plan_period(plan)
    targets = {y for y in definition.targets if period is None or y in period}
    years = {year for year, _ in series(definition, figures, plan.gemeente_code)} | targets
    division = plan_division(plan)
    return [
        evaluate(definition, figures, plan.gemeente_code, y, division=division, plan_years=period)
        for y in sorted(years)
    ]


@dataclass(frozen=True, slots=True)
class AreaRef:
    """What a table row and its link need of an area (not the model: a national map has
    14,000, and the model's instances cost ten times the query)."""

    code: str
    name: str
    division: int


@dataclass
class AreaValue:
    area: AreaRef
    value: Value | None
    population: float | None = None


@dataclass
class LevelValues:
    """An indicator for every wijk or buurt of a gemeente in one period and one division."""

    division: int | None
    level: str
    period: Period
    rows: list[AreaValue]


def level_values(
    definition: IndicatorDefinition,
    gemeente_code: str,
    level: str,
    when: int | Period,
    preferred_division: int | None,
    population_measure: str = POPULATION,
) -> LevelValues:
    """The indicator per wijk or buurt of one gemeente for a year or month, in one division.

    The preferred division is used when it has figures for that period; otherwise the newest
    division that has them. Divisions are never mixed in one table. Each row carries the
    population (latest year up to the period's) so that pages can mark areas too small for a
    rate.
    """
    period = when if isinstance(when, Period) else Period(when)
    for division in _divisions_with_level(gemeente_code, level, preferred_division):
        found = Area.objects.filter(gemeente_code=gemeente_code, level=level, division=division)
        listed = list(found.values_list("pk", "code", "name"))
        areas = [AreaRef(code, name, division) for _, code, name in listed]
        codes = [area.code for area in areas]
        counted = (definition.reported,) if definition.reported else definition.measures
        divisors = {population_measure, *((definition.per_1000,) if definition.per_1000 else ())}
        by_id = {pk: code for pk, code, _ in listed}
        figures = level_figures(counted, divisors, (gemeente_code, level), division, by_id, period)
        values = indicator_values(definition, figures, codes, period)
        if not any(value is not None for value in values):
            continue
        populations = populations_of(figures, codes, period.year, population_measure)
        rows = [
            AreaValue(area, value, population)
            for area, value, population in zip(areas, values, populations, strict=True)
        ]
        return LevelValues(division, level, period, rows)
    return LevelValues(None, level, period, [])


def _divisions_with_level(gemeente_code: str, level: str, preferred: int | None) -> list[int]:
    found = set(
        Area.objects.filter(gemeente_code=gemeente_code, level=level)
        .values_list("division", flat=True)
        .order_by()
        .distinct()
    )
    return sorted(found, key=lambda d: (d == preferred, d), reverse=True)


def wijk_values(plan: Plan, indicator: Indicator, year: int) -> tuple[int | None, list[AreaValue]]:
    """The indicator per wijk of the plan's gemeente for ``year`` (see :func:`level_values`)."""
    found = level_values(
        indicator.to_definition(), plan.gemeente_code, WIJK, year, plan_division(plan)
    )
    return found.division, found.rows
