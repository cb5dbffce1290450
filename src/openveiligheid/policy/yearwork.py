"""What a municipality records per goal and year: activities with their I/P/F/R status,
money (amounts and credits), the texts and the judgement "doel gehaald".

Every function here saves through one path and records a :class:`~.models.Change`; the web
forms and the CSV imports (``policy.yearimports``) both call them. Amounts are whole euros.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from openveiligheid.audit.context import current_user
from openveiligheid.audit.services import actor_name
from openveiligheid.core.csvfiles import safe_text
from openveiligheid.imports.parsers.activiteiten import COLUMNS as ACTIVITY_COLUMNS
from openveiligheid.imports.parsers.activiteiten import STATUS_COLUMNS, unexplained
from openveiligheid.indicators.engine import IndicatorResult, evaluate, propose_judgement
from openveiligheid.indicators.services import plan_division, plan_figures, plan_period
from openveiligheid.policy.history import field_changes, record_change, values_of
from openveiligheid.policy.models import (
    Activity,
    ActivityStatus,
    Credit,
    FinanceAmount,
    Goal,
    GoalYear,
    Plan,
)

DEFAULT_MOMENT = "jaarrekening"


def goal_names(plan: Plan) -> dict[str, str]:
    """How files and forms may name each goal of the plan (its id, and its code when it has
    one), mapped to the goal's id. Removed goals are not named."""
    names: dict[str, str] = {}
    for key, code in Goal.objects.filter(theme__plan=plan, removed_at__isnull=True).values_list(
        "key", "code"
    ):
        names[key] = key
        if code:
            names[code] = key
    return names


def goal_by_key(plan: Plan, key: str) -> Goal:
    return Goal.objects.select_related("theme__plan").get(theme__plan=plan, key=key)


# -- activities ------------------------------------------------------------------------------
@dataclass(frozen=True)
class StatusInput:
    inhoud: str = ""
    planning: str = ""
    financien: str = ""
    risico: str = ""
    toelichting: str = ""

    def warnings(self) -> list[str]:
        """An oranje or rood status without a toelichting is allowed, with a warning."""
        statuses = {column: getattr(self, column) for column in STATUS_COLUMNS}
        return [
            f"{column}: status {status} zonder toelichting"
            for column, status in unexplained(statuses, self.toelichting)
        ]


def save_activity(
    goal: Goal, year: int, code: str, name: str, order: int | None = None, user=None
) -> Activity:
    """Create the activity ``code`` of the goal in ``year``, or rename it."""
    activity = Activity.objects.filter(goal=goal, year=year, code=code).first()
    before = values_of(activity, ["name"]) if activity else {}
    if activity is None:
        if order is None:
            order = Activity.objects.filter(goal=goal, year=year).count()
        activity = Activity.objects.create(goal=goal, year=year, code=code, name=name, order=order)
        description = f"activiteit {code} toegevoegd"
    else:
        activity.name = name
        if order is not None:
            activity.order = order
        activity.save()
        description = f"activiteit {code} gewijzigd"
    diff = field_changes(before, {"name": name})
    if diff:
        record_change(goal.plan, "activiteit", activity_key(activity), description, diff, user)
    return activity


def activity_key(activity: Activity) -> str:
    return f"{activity.goal.key}/{activity.year}/{activity.code}"


def set_status(
    activity: Activity, status: StatusInput, moment: str = DEFAULT_MOMENT, user=None
) -> ActivityStatus | None:
    """Record the activity's status at a reporting moment (a new history row), unless it is
    the same as the current one at that moment. Returns the new row, else ``None``."""
    current = activity.current_status()
    new = {column: getattr(status, column) for column in (*STATUS_COLUMNS, "toelichting")}
    if current is not None and current.moment == moment and values_of(current, new) == new:
        return None
    user = user if user is not None else current_user()
    row = ActivityStatus.objects.create(
        activity=activity, moment=moment, recorded_by=actor_name(user), **new
    )
    before = values_of(current, new) if current else {}
    diff = field_changes(before, new)
    if current is None or current.moment != moment:
        diff["moment"] = [current.moment if current else "", moment]
    record_change(
        activity.goal.plan,
        "activiteit",
        activity_key(activity),
        f"status van activiteit {activity.code} ({moment})",
        diff,
        user,
    )
    return row


def activities_csv(plan: Plan, year: int) -> bytes:
    """The activities of every current goal of the plan in ``year`` with their current status,
    in the import format (``docs/data-formats/activiteiten.md``): ``;``-separated, UTF-8 with
    BOM for spreadsheets; texts that a spreadsheet would run as a formula get a leading ``'``.
    Importing the file again changes nothing."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(ACTIVITY_COLUMNS)
    goals = Goal.objects.filter(theme__plan=plan, removed_at__isnull=True).order_by(
        "theme__order", "order"
    )
    for goal in goals:
        for row in activity_rows(goal, year):
            cells = [goal.code or goal.key, *(row[c] for c in ACTIVITY_COLUMNS[1:])]
            writer.writerow([safe_text(cell) for cell in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def activity_rows(goal: Goal, year: int) -> list[dict[str, str]]:
    """The activities table of a goal: code, activiteit and the current statuses."""
    rows = []
    activities = goal.activities.filter(year=year).prefetch_related("statuses")
    for activity in activities:
        statuses = list(activity.statuses.all())  # newest first (Meta.ordering)
        current = statuses[0] if statuses else None
        row = {"code": activity.code, "activiteit": activity.name}
        for column in (*STATUS_COLUMNS, "toelichting"):
            row[column] = getattr(current, column) if current else ""
        rows.append(row)
    return rows


# -- money -----------------------------------------------------------------------------------
def finance_amounts(goal: Goal, year: int) -> dict[tuple[str, str], int]:
    """The entered amounts of a goal's overview, keyed ``(step, part)``."""
    return {
        (step, part): amount
        for step, part, amount in goal.amounts.filter(year=year).values_list(
            "step", "part", "amount"
        )
    }


def save_amounts(
    goal: Goal, year: int, amounts: Mapping[tuple[str, str], int | None], user=None
) -> None:
    """Set the goal's amounts for ``year`` (keys ``(step, part)``; ``None`` removes one)."""
    before = finance_amounts(goal, year)
    with transaction.atomic():
        for (step, part), amount in amounts.items():
            if amount is None:
                FinanceAmount.objects.filter(goal=goal, year=year, step=step, part=part).delete()
            else:
                FinanceAmount.objects.update_or_create(
                    goal=goal, year=year, step=step, part=part, defaults={"amount": amount}
                )
        after = finance_amounts(goal, year)
        diff = field_changes(
            {f"{s} {p}": v for (s, p), v in before.items()},
            {f"{s} {p}": after.get((s, p)) for (s, p) in set(before) | set(after)},
        )
        if diff:
            record_change(
                goal.plan, "financien", f"{goal.key}/{year}", "financiën gewijzigd", diff, user
            )


def default_year(plan: Plan, today: dt.date | None = None) -> int:
    """The year the plan's pages open on: the last year of the plan period that is not in
    the future, else (no period, or a period still to come) last year. The activities, the
    money and the jaarverslag all use it (the latter two after their own stored years)."""
    today = today or timezone.localdate()
    past = [year for year in (plan_period(plan) or []) if year <= today.year]
    return past[-1] if past else today.year - 1


@dataclass(frozen=True)
class CreditInput:
    project: str
    omvang: int
    gerealiseerd_tm_vorig_jaar: int
    besteding: int


CREDIT_FIELDS = ("omvang", "gerealiseerd_tm_vorig_jaar", "besteding")


def save_credits(goal: Goal, year: int, credits: Sequence[CreditInput], user=None) -> None:
    """Make the goal's credits of ``year`` exactly ``credits`` (by project)."""
    with transaction.atomic():
        old = {c.project: c for c in goal.credits.filter(year=year)}
        diff: dict[str, list[str]] = {}
        for credit in credits:
            values = {name: getattr(credit, name) for name in CREDIT_FIELDS}
            before = values_of(old[credit.project], CREDIT_FIELDS) if credit.project in old else {}
            Credit.objects.update_or_create(
                goal=goal, year=year, project=credit.project, defaults=values
            )
            diff.update(
                {f"{credit.project}: {k}": v for k, v in field_changes(before, values).items()}
            )
        for project in set(old) - {c.project for c in credits}:
            old[project].delete()
            diff[f"{project}"] = ["krediet", "verwijderd"]
        if diff:
            record_change(
                goal.plan, "krediet", f"{goal.key}/{year}", "kredieten gewijzigd", diff, user
            )


# -- texts and doel gehaald ------------------------------------------------------------------
GOAL_YEAR_FIELDS = ("realisation", "variance_analysis", "judgement", "judgement_note")


def goal_year(goal: Goal, year: int) -> GoalYear:
    """The texts of a goal in a year (an unsaved empty one when nothing was entered)."""
    return GoalYear.objects.filter(goal=goal, year=year).first() or GoalYear(goal=goal, year=year)


def save_goal_year(
    goal: Goal, year: int, values: Mapping[str, str], proposed: str = "", user=None
) -> GoalYear:
    """Save the texts and judgement of a goal in ``year``; ``proposed`` is what the indicator
    verdicts proposed, kept so that an override stays visible."""
    current = goal_year(goal, year)
    before = values_of(current, GOAL_YEAR_FIELDS) if current.pk else {}
    for name in GOAL_YEAR_FIELDS:
        if name in values:
            setattr(current, name, values[name])
    new_proposal = "judgement" in values and current.proposed != proposed
    if new_proposal:
        current.proposed = proposed
    diff = field_changes(before, values_of(current, GOAL_YEAR_FIELDS))
    if not diff and not new_proposal:
        return current  # nothing changed: no row, no history line
    current.save()
    if diff:
        record_change(
            goal.plan, "tekst", f"{goal.key}/{year}", f"teksten en oordeel {year}", diff, user
        )
    return current


def goal_proposal(goal: Goal, year: int) -> tuple[str, list[IndicatorResult]]:
    """What the indicator verdicts of ``goal`` propose for "doel gehaald" in ``year``, and the
    results it rests on (shown beside the judgement form)."""
    plan = goal.plan
    indicators = list(goal.indicators.prefetch_related("targets"))
    figures = plan_figures(plan, indicators)
    division, period = plan_division(plan), plan_period(plan)
    results = [
        evaluate(
            i.to_definition(),
            figures,
            plan.gemeente_code,
            year,
            division=division,
            plan_years=period,
        )
        for i in indicators
    ]
    return propose_judgement([r.verdict for r in results]), results
