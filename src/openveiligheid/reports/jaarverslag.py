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
from openveiligheid.indicators.engine import (
    FigureSet,
    IndicatorDefinition,
    IndicatorResult,
    evaluate,
    indicator_value,
    propose_judgement,
)
from openveiligheid.policy.finance import Credit, FinanceOverview, overview
from openveiligheid.policy.planfile import PlanSpec

ACTIVITY_KEYS = ("code", "activiteit", "inhoud", "planning", "financien", "risico", "toelichting")
#: How many years the table "Beleidsindicatoren en kengetallen" shows (the reporting year last).
KEY_FIGURE_YEARS = 5


def key_figures(
    definition: IndicatorDefinition, figures: FigureSet, gemeente: str, year: int
) -> dict[str, object]:
    """One indicator of the table "Beleidsindicatoren en kengetallen": its value in each of
    the :data:`KEY_FIGURE_YEARS` years up to ``year`` (``None`` is "nb"), the same for its
    comparison area (NL), the target of ``year`` and the notes of redefined figures."""
    years = list(range(year - KEY_FIGURE_YEARS + 1, year + 1))
    notes: list[str] = []

    def values(area: str) -> list[dict[str, object]]:
        out = []
        for each in years:
            value = indicator_value(definition, figures, area, each)
            if value is not None:
                notes.extend(note for note in value.notes if note not in notes)
            out.append({"jaar": each, "waarde": None if value is None else value.value})
        return out

    target = definition.targets.get(year)
    comparison = definition.comparison_area
    return {
        "indicator": definition.id,
        "naam": definition.name,
        "eenheid": definition.unit,
        "decimalen": definition.decimals,
        "doel": str(target) if target else None,
        "waarden": values(gemeente),
        "vergelijkingsgebied": comparison,
        "vergelijking": values(comparison) if comparison else [],
        "voetnoten": notes,
    }


@dataclass
class GoalInput:
    """Everything the section of one goal shows."""

    key: str
    name: str
    theme: str
    criteria: str = ""
    indicators: list[IndicatorResult] = field(default_factory=list)
    activities: list[ActivityRow] | list[dict[str, str]] = field(default_factory=list)
    finance: FinanceOverview | None = None
    credits: list[Credit] = field(default_factory=list)
    code: str = ""
    description: str = ""
    portfolio_holder: str = ""
    key_figures: list[dict[str, object]] = field(default_factory=list)
    realisation: str = ""
    variance_analysis: str = ""
    #: "doel gehaald": ja / nee / deels, or "" when not judged
    judgement: str = ""
    judgement_note: str = ""
    #: what the indicator verdicts proposed; differs from ``judgement`` when overridden
    proposed: str = ""


def _activity(activity: ActivityRow | dict[str, str]) -> dict[str, str]:
    if isinstance(activity, dict):
        return {key: activity[key] for key in ACTIVITY_KEYS}
    return {key: getattr(activity, key) for key in ACTIVITY_KEYS}


def goal_section(goal: GoalInput) -> dict[str, object]:
    """One element of ``doelen``: ``doel`` is the goal's code when it has one, else its id;
    indicator rows exactly as ``evaluate --format json`` gives them; ``financien`` is ``null``
    when there are no amounts for the goal."""
    return {
        "doel": goal.code or goal.key,
        "id": goal.key,
        "naam": goal.name,
        "thema": goal.theme,
        "omschrijving": goal.description,
        "portefeuillehouder": goal.portfolio_holder,
        "criteria": goal.criteria,
        "toelichting_realisatie": goal.realisation,
        "indicatoren": [result.as_dict() for result in goal.indicators],
        "kengetallen": goal.key_figures,
        "doel_gehaald": {
            "oordeel": goal.judgement,
            "toelichting": goal.judgement_note,
            "voorstel": goal.proposed,
        },
        "activiteiten": [_activity(a) for a in goal.activities],
        "financien": goal.finance.as_dict() if goal.finance else None,
        "verschillenanalyse": goal.variance_analysis,
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
    """How the input files may name each goal of the plan (its id, and its code when it has
    one), mapped to the goal's id."""
    names = {goal.id: goal.id for goal in spec.goals()}
    names.update({goal.code: goal.id for goal in spec.goals() if goal.code})
    return names


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
    :func:`goal_names`), its indicators evaluated for the plan's gemeente in ``year``. Without
    a texts file, "doel gehaald" is the proposal of the indicator verdicts, marked as such."""
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
    only = goal_names(spec).get(only, only) if only else None
    goals = []
    for theme in spec.themes:
        for goal in theme.goals:
            if only is not None and goal.id != only:
                continue
            definitions = [spec.indicators[i] for i in goal.indicators if i in spec.indicators]
            results = [evaluate(d, figures, spec.gemeente, year) for d in definitions]
            goals.append(
                GoalInput(
                    key=goal.id,
                    code=goal.code,
                    name=goal.name,
                    theme=theme.name,
                    description=goal.description,
                    portfolio_holder=goal.portfolio_holder,
                    criteria=goal.criteria,
                    indicators=results,
                    key_figures=[key_figures(d, figures, spec.gemeente, year) for d in definitions],
                    activities=activities_of[goal.id],
                    finance=overview(amounts[goal.id]) if goal.id in amounts else None,
                    credits=credits_of[goal.id],
                    proposed=propose_judgement([r.verdict for r in results]),
                )
            )
    return report(spec.gemeente, year, goals, spec.name)
