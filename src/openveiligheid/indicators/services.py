"""Evaluating a stored plan with the engine, on figures from the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from openveiligheid.areas.models import Area
from openveiligheid.areas.services import latest_division
from openveiligheid.core.areacodes import WIJK
from openveiligheid.figures.services import figure_set
from openveiligheid.indicators.engine import (
    FigureSet,
    IndicatorResult,
    Value,
    evaluate,
    indicator_value,
    latest_year,
    series,
)
from openveiligheid.indicators.models import Indicator
from openveiligheid.policy.models import Plan


def plan_division(plan: Plan) -> int | None:
    return plan.division or latest_division()


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


def evaluate_plan(plan: Plan, year: int | None = None) -> list[IndicatorCard]:
    """One evaluated result per indicator: for ``year``, or else its own latest year."""
    indicators = list(plan.indicators.prefetch_related("targets"))
    figures = plan_figures(plan, indicators)
    division = plan_division(plan)
    cards = []
    for indicator in indicators:
        definition = indicator.to_definition()
        chosen = (
            year
            or latest_year(definition, figures, plan.gemeente_code)
            or _last_target_year(definition)
        )
        result = evaluate(definition, figures, plan.gemeente_code, chosen, division=division)
        cards.append(IndicatorCard(indicator, result))
    return cards


def _last_target_year(definition) -> int:
    return max(definition.targets, default=dt.date.today().year - 1)


def indicator_series(plan: Plan, indicator: Indicator) -> list[IndicatorResult]:
    """Results for every year with a value or a target, oldest first."""
    figures = plan_figures(plan, [indicator])
    definition = indicator.to_definition()
    years = {year for year, _ in series(definition, figures, plan.gemeente_code)} | set(
        definition.targets
    )
    division = plan_division(plan)
    return [
        evaluate(definition, figures, plan.gemeente_code, y, division=division)
        for y in sorted(years)
    ]


@dataclass
class AreaValue:
    area: Area
    value: Value | None


def wijk_values(plan: Plan, indicator: Indicator, year: int) -> tuple[int | None, list[AreaValue]]:
    """The indicator per wijk of the plan's gemeente for ``year``, in one division.

    The plan's division is used when it has wijk figures for that year; otherwise the newest
    division that has them. Divisions are never mixed in one table.
    """
    definition = indicator.to_definition()
    preferred = plan_division(plan)
    candidates = sorted(
        set(
            Area.objects.filter(gemeente_code=plan.gemeente_code, level=WIJK).values_list(
                "division", flat=True
            )
        ),
        key=lambda d: (d == preferred, d),
        reverse=True,
    )
    for division in candidates:
        wijken = list(
            Area.objects.filter(gemeente_code=plan.gemeente_code, level=WIJK, division=division)
        )
        figures = figure_set(definition.input_measures, {w.code for w in wijken}, division=division)
        values = [AreaValue(w, indicator_value(definition, figures, w.code, year)) for w in wijken]
        if any(v.value is not None for v in values):
            return division, values
    return None, []
