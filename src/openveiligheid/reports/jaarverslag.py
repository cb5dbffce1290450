"""The jaarverslag section of a plan and year as one JSON-ready object (pure assembly).

:func:`report` takes what a goal needs, already computed (indicator results, activities,
money, credits), so that the command (files) and later the web pages (database) build the same
object; :func:`from_files` does it for the parsed files of ``openveiligheid jaarverslag``. The
shape is documented in ``docs/cli.md`` (section *jaarverslag*); the renderers
(``render_md``, ``render_html``, ``render_docx``) draw it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from openveiligheid.imports.parsers.activiteiten import ActivityRow
from openveiligheid.imports.parsers.financien import FinanceRow
from openveiligheid.imports.parsers.kredieten import CreditRow
from openveiligheid.indicators.engine import FigureSet, IndicatorResult, evaluate
from openveiligheid.policy.planfile import PlanSpec
from openveiligheid.reports.finance import Credit, FinanceOverview, overview

ACTIVITY_KEYS = ("code", "activiteit", "inhoud", "planning", "financien", "risico", "toelichting")


@dataclass
class GoalInput:
    """Everything the section of one goal shows."""

    key: str
    name: str
    theme: str
    criteria: str = ""
    indicators: list[IndicatorResult] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    finance: FinanceOverview | None = None
    credits: list[Credit] = field(default_factory=list)


def goal_section(goal: GoalInput) -> dict[str, object]:
    """One element of ``doelen``: indicator rows exactly as ``evaluate --format json`` gives
    them; ``financien`` is ``null`` when the money file has no line for the goal."""
    return {
        "doel": goal.key,
        "naam": goal.name,
        "thema": goal.theme,
        "criteria": goal.criteria,
        "indicatoren": [result.as_dict() for result in goal.indicators],
        "activiteiten": [{key: getattr(a, key) for key in ACTIVITY_KEYS} for a in goal.activities],
        "financien": goal.finance.as_dict() if goal.finance else None,
        "kredieten": [credit.as_dict() for credit in goal.credits],
    }


def report(gemeente: str, year: int, goals: Iterable[GoalInput], plan: str = "") -> dict:
    """The whole object: ``gemeente``, ``jaar``, ``plan`` (its name) and ``doelen``."""
    return {
        "gemeente": gemeente,
        "jaar": year,
        "plan": plan,
        "doelen": [goal_section(goal) for goal in goals],
    }


def goal_names(spec: PlanSpec) -> dict[str, str]:
    """How the input files may name each goal of the plan, mapped to the goal's key.

    Today a goal has only its ``id``; when the plan file gains goal codes (``7.2.1``) they
    belong here too."""
    return {goal.id: goal.id for theme in spec.themes for goal in theme.goals}


def from_files(
    spec: PlanSpec,
    figures: FigureSet,
    year: int,
    *,
    finance: Sequence[FinanceRow] = (),
    credits: Sequence[CreditRow] = (),
    activities: Sequence[ActivityRow] = (),
    only: str | None = None,
) -> dict:
    """The report of every goal of the plan (or only the goal ``only``, a key of
    :func:`goal_names`), its indicators evaluated for the plan's gemeente in ``year``."""
    amounts: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for row in finance:
        amounts[row.goal][(row.step, row.part)] = row.amount
    credits_of: dict[str, list[Credit]] = defaultdict(list)
    for row in credits:
        credits_of[row.goal].append(
            Credit(row.project, row.omvang, row.gerealiseerd_tm_vorig_jaar, row.besteding)
        )
    activities_of: dict[str, list[ActivityRow]] = defaultdict(list)
    for row in activities:
        activities_of[row.goal].append(row)
    goals = [
        GoalInput(
            key=goal.id,
            name=goal.name,
            theme=theme.name,
            criteria=goal.criteria,
            indicators=[
                evaluate(spec.indicators[ident], figures, spec.gemeente, year)
                for ident in goal.indicators
                if ident in spec.indicators
            ],
            activities=activities_of[goal.id],
            finance=overview(amounts[goal.id]) if goal.id in amounts else None,
            credits=credits_of[goal.id],
        )
        for theme in spec.themes
        for goal in theme.goals
        if only is None or goal.id == only
    ]
    return report(spec.gemeente, year, goals, spec.name)
