"""The jaarverslag object of a stored plan and year (``jaarverslag.report``), from the database:
the figures, the plan, and what was entered per goal (activities, money, texts).

The command ``openveiligheid jaarverslag`` builds the same object from files
(``jaarverslag.from_files``); the pages, downloads and adopted snapshots use this one.
"""

from __future__ import annotations

from openveiligheid.indicators.engine import evaluate, propose_judgement
from openveiligheid.indicators.services import plan_division, plan_figures, plan_period
from openveiligheid.policy.finance import Credit, overview
from openveiligheid.policy.models import Goal, Plan
from openveiligheid.policy.planload import current_themes
from openveiligheid.policy.yearwork import activity_rows, finance_amounts, goal_year
from openveiligheid.reports.jaarverslag import GoalInput, key_figures, report


def plan_report(plan: Plan, year: int, only: str | None = None) -> dict:
    """The report of every current goal of the plan in ``year`` (or only of the goal whose id
    or code is ``only``)."""
    indicators = list(plan.indicators.prefetch_related("targets"))
    figures = plan_figures(plan, indicators)
    definitions = {indicator.pk: indicator.to_definition() for indicator in indicators}
    division, period = plan_division(plan), plan_period(plan)
    goals = []
    for theme in current_themes(plan):
        for goal in theme.current_goals:
            if only is not None and only not in (goal.key, goal.code):
                continue
            own = [definitions[i.pk] for i in goal.indicators.all() if i.pk in definitions]
            results = [
                evaluate(d, figures, plan.gemeente_code, year, division=division, plan_years=period)
                for d in own
            ]
            goals.append(_goal_input(goal, theme.name, year, results, own, figures))
    return report(plan.gemeente_code, year, goals, plan.name)


def _goal_input(goal: Goal, theme: str, year: int, results, definitions, figures) -> GoalInput:
    texts = goal_year(goal, year)
    amounts = finance_amounts(goal, year)
    gemeente = goal.theme.plan.gemeente_code
    return GoalInput(
        key=goal.key,
        code=goal.code,
        name=goal.name,
        theme=theme,
        description=goal.description,
        portfolio_holder=goal.portfolio_holder,
        criteria=goal.criteria,
        indicators=results,
        key_figures=[key_figures(d, figures, gemeente, year) for d in definitions],
        activities=activity_rows(goal, year),
        finance=overview(amounts) if amounts else None,
        credits=[
            Credit(c.project, c.omvang, c.gerealiseerd_tm_vorig_jaar, c.besteding)
            for c in goal.credits.filter(year=year)
        ],
        realisation=texts.realisation,
        variance_analysis=texts.variance_analysis,
        judgement=texts.judgement,
        judgement_note=texts.judgement_note,
        proposed=texts.proposed or propose_judgement([r.verdict for r in results]),
    )
