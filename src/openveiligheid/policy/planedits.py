"""Changing a stored plan from the web: a goal's texts, removing and restoring a goal, the
targets of an indicator. Each change is one transaction with its
:class:`~openveiligheid.policy.models.Change` (``policy.history``); the pages only check
permission, read forms and say what happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from openveiligheid.indicators.models import Indicator, IndicatorTarget
from openveiligheid.indicators.targets import Target
from openveiligheid.policy.history import field_changes, record_change, values_of
from openveiligheid.policy.models import Goal, Theme

#: The texts of a goal that can be edited in the web.
GOAL_FIELDS = ("code", "name", "description", "criteria", "portfolio_holder")


class GoalCodeTaken(ValueError):
    """A removed goal cannot come back: another goal of the plan has its code now."""

    def __init__(self, goal: Goal):
        super().__init__(
            f"Doel ‘{goal.name}’ kan niet terug: de code {goal.code} hoort nu bij een ander "
            "doel. Geef dat doel eerst een andere code."
        )


def moment_text(moment: dt.datetime) -> str:
    """A moment as the change history shows it: ``12 maart 2024 14:05``."""
    return date_format(timezone.localtime(moment), "j F Y H:i")


def edit_goal(goal: Goal, values: Mapping[str, object], user) -> bool:
    """Store new texts of a goal (:data:`GOAL_FIELDS`); False when nothing differs."""
    diff = field_changes(values_of(goal, GOAL_FIELDS), values)
    if not diff:
        return False
    with transaction.atomic():
        for name, value in values.items():
            setattr(goal, name, value)
        goal.save()
        record_change(goal.theme.plan, "doel", goal.key, f"doel {goal.label} gewijzigd", diff, user)
    return True


def remove_goal(goal: Goal, user) -> None:
    """Take a goal out of the plan; its activities, money and texts stay (see ADR 0005)."""
    now = timezone.now()
    with transaction.atomic():
        goal.removed_at = now
        goal.save(update_fields=["removed_at"])
        record_change(
            goal.theme.plan,
            "doel",
            goal.key,
            f"doel {goal.label} verwijderd",
            {"removed_at": ["", moment_text(now)]},
            user,
        )


def restore_goal(goal: Goal, user) -> None:
    """Bring a removed goal back, with its theme if that left the plan too.

    Raises :class:`GoalCodeTaken` when another goal of the plan has its code now."""
    plan = goal.theme.plan
    taken = Goal.objects.filter(theme__plan=plan, code=goal.code, removed_at__isnull=True)
    if goal.code and taken.exists():
        raise GoalCodeTaken(goal)
    removed_at = goal.removed_at
    with transaction.atomic():
        goal.removed_at = None
        goal.save(update_fields=["removed_at"])
        # a goal under a theme that left the plan brings its theme back, or it stays unseen
        Theme.objects.filter(pk=goal.theme_id).update(removed_at=None)
        record_change(
            plan,
            "doel",
            goal.key,
            f"doel {goal.label} teruggezet",
            {"removed_at": [moment_text(removed_at) if removed_at else "", ""]},
            user,
        )


def save_targets(
    indicator: Indicator, targets: Mapping[int, Target | None], public: bool, user
) -> bool:
    """Store the targets per year (``None`` removes that year's) and the openbaar flag;
    False when nothing differs."""
    before = {str(t.year): str(t.to_target()) for t in indicator.targets.all()}
    before["public"] = indicator.public
    after = dict(before)
    with transaction.atomic():
        for year, target in targets.items():
            if target is None:
                IndicatorTarget.objects.filter(indicator=indicator, year=year).delete()
                after.pop(str(year), None)
            else:
                IndicatorTarget.objects.update_or_create(
                    indicator=indicator,
                    year=year,
                    defaults={"operator": target.operator, "threshold": target.threshold},
                )
                after[str(year)] = str(target)
        if indicator.public != public:
            indicator.public = public
            indicator.save(update_fields=["public"])
        after["public"] = indicator.public
        diff = field_changes(before, after)
        diff.update({year: [before[year], ""] for year in before if year not in after})
        if diff:
            description = f"streefwaarden van {indicator.name} gewijzigd"
            record_change(indicator.plan, "indicator", indicator.key, description, diff, user)
    return bool(diff)
