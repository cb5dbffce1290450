"""A plan file into the database by key, and the database back into a plan file.

Reloading a plan updates the plan, its themes, goals and indicators by their ``id``; a theme
or goal that is no longer in the file is *marked* removed (``removed_at``), never deleted, so
the activities, money and texts that hang off it stay and come back when it returns.
Indicators are definitions of the file: one that left it is deleted with its targets (adopted
reports keep their own copy of every number). :func:`plan_yaml` writes the plan as it is now,
web edits included, in the format :func:`~openveiligheid.policy.planfile.read_plan` reads:
load → export → load changes nothing.
"""

from __future__ import annotations

import yaml

from django.db.models import Prefetch
from django.utils import timezone

from openveiligheid.indicators.models import Indicator, IndicatorTarget
from openveiligheid.policy.models import Goal, Plan, Theme
from openveiligheid.policy.planfile import PlanSpec

#: Indicator fields a plan file sets, with their defaults (not written on export when default).
INDICATOR_DEFAULTS = {"better": "lager", "decimals": 1}


def store_plan(spec: PlanSpec, file_name: str) -> tuple[Plan, dict[str, list[str]]]:
    """Create or update the plan of ``spec``; returns it and what changed in its goals:
    ``{"toegevoegd": [...], "verwijderd": [...], "teruggezet": [...]}`` (goal ids)."""
    plan, _ = Plan.objects.update_or_create(
        gemeente_code=spec.gemeente,
        name=spec.name,
        defaults={
            "period": spec.period,
            "division": spec.division,
            "description": spec.description,
            "public": spec.public,
            "source_file": file_name,
            "source_text": spec.text,
        },
    )
    indicators = _store_indicators(plan, spec)
    return plan, _store_themes(plan, spec, indicators)


def _store_indicators(plan: Plan, spec: PlanSpec) -> dict[str, Indicator]:
    stored: dict[str, Indicator] = {}
    for order, (key, definition) in enumerate(spec.indicators.items()):
        indicator, _ = Indicator.objects.update_or_create(
            plan=plan,
            key=key,
            defaults={
                "name": definition.name,
                "measures": list(definition.measures),
                "reported": definition.reported or "",
                "per_1000": definition.per_1000 or "",
                "better": definition.better,
                "decimals": definition.decimals,
                "comparison_area": definition.comparison_area or "",
                "unit": definition.unit,
                "note": spec.indicator_notes.get(key, ""),
                "source": spec.indicator_sources.get(key, ""),
                "public": key in spec.public_indicators,
                "order": order,
            },
        )
        indicator.targets.all().delete()
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(
                indicator=indicator, year=year, operator=t.operator, threshold=t.threshold
            )
            for year, t in definition.targets.items()
        )
        stored[key] = indicator
    plan.indicators.exclude(key__in=list(stored)).delete()
    return stored


def _store_themes(
    plan: Plan, spec: PlanSpec, indicators: dict[str, Indicator]
) -> dict[str, list[str]]:
    now = timezone.now()
    goals = {goal.key: goal for goal in Goal.objects.filter(theme__plan=plan)}
    changes: dict[str, list[str]] = {"toegevoegd": [], "verwijderd": [], "teruggezet": []}
    seen_themes, seen_goals = [], []
    for theme_order, theme_spec in enumerate(spec.themes):
        theme, _ = Theme.objects.update_or_create(
            plan=plan,
            key=theme_spec.id,
            defaults={
                "name": theme_spec.name,
                "description": theme_spec.description,
                "order": theme_order,
                "removed_at": None,
            },
        )
        seen_themes.append(theme.pk)
        for goal_order, goal_spec in enumerate(theme_spec.goals):
            goal = goals.get(goal_spec.id)
            if goal is None:
                goal = Goal(key=goal_spec.id)
                changes["toegevoegd"].append(goal_spec.id)
            elif goal.removed_at is not None:
                changes["teruggezet"].append(goal_spec.id)
            goal.theme = theme
            goal.code = goal_spec.code
            goal.name = goal_spec.name
            goal.description = goal_spec.description
            goal.criteria = goal_spec.criteria
            goal.portfolio_holder = goal_spec.portfolio_holder
            goal.order = goal_order
            goal.removed_at = None
            goal.save()
            goal.indicators.set([indicators[k] for k in goal_spec.indicators if k in indicators])
            seen_goals.append(goal.pk)
    gone = Goal.objects.filter(theme__plan=plan, removed_at__isnull=True).exclude(pk__in=seen_goals)
    changes["verwijderd"] = sorted(gone.values_list("key", flat=True))
    gone.update(removed_at=now)
    plan.themes.filter(removed_at__isnull=True).exclude(pk__in=seen_themes).update(removed_at=now)
    return changes


def current_themes(plan: Plan) -> list[Theme]:
    """The plan's themes that are in it now, each with ``current_goals`` (in order, with their
    indicators prefetched)."""
    goals = Goal.objects.filter(removed_at__isnull=True).prefetch_related("indicators")
    return list(
        plan.themes.filter(removed_at__isnull=True).prefetch_related(
            Prefetch("goals", queryset=goals, to_attr="current_goals")
        )
    )


def plan_document(plan: Plan) -> dict:
    """The plan as the mapping a plan file holds (keys in the file's order)."""
    document: dict = {"gemeente": plan.gemeente_code, "naam": plan.name}
    if plan.period:
        document["periode"] = plan.period
    if plan.division:
        document["indeling"] = plan.division
    if plan.description:
        document["omschrijving"] = plan.description
    if plan.public:
        document["openbaar"] = True
    document["indicatoren"] = [
        _indicator_document(indicator)
        for indicator in plan.indicators.order_by("order", "pk").prefetch_related("targets")
    ]
    document["themas"] = [_theme_document(theme) for theme in current_themes(plan)]
    return document


def goal_changes(before: dict | None, after: dict) -> tuple[int, int, int]:
    """``(new, changed, removed)``: how the goals of two :func:`plan_document` mappings differ
    (``before`` ``None``: every goal is new). A goal that moved to another theme is changed;
    one that came back after it was removed is new."""
    old, new = _goals_of(before or {}), _goals_of(after)
    changed = sum(1 for key in new.keys() & old.keys() if new[key] != old[key])
    return len(new.keys() - old.keys()), changed, len(old.keys() - new.keys())


def _goals_of(document: dict) -> dict[str, tuple[str, dict]]:
    return {
        goal["id"]: (theme["id"], goal)
        for theme in document.get("themas", [])
        for goal in theme["doelen"]
    }


def _indicator_document(indicator: Indicator) -> dict:
    item: dict = {"id": indicator.key, "naam": indicator.name}
    if indicator.reported:
        item["waarde"] = indicator.reported
    else:
        item["som"] = list(indicator.measures)
    optional = {
        "per_1000": indicator.per_1000,
        "vergelijk": indicator.comparison_area,
        "eenheid": indicator.unit,
        "toelichting": indicator.note,
        "bron": indicator.source,
    }
    item.update({key: value for key, value in optional.items() if value})
    if indicator.better != INDICATOR_DEFAULTS["better"]:
        item["beter"] = indicator.better
    if indicator.decimals != INDICATOR_DEFAULTS["decimals"]:
        item["decimalen"] = indicator.decimals
    if indicator.public:
        item["openbaar"] = True
    targets = sorted(indicator.targets.all(), key=lambda t: t.year)
    if targets:
        item["doelen"] = {t.year: str(t.to_target()) for t in targets}
    return item


def _theme_document(theme: Theme) -> dict:
    item: dict = {"id": theme.key, "naam": theme.name}
    if theme.description:
        item["omschrijving"] = theme.description
    item["doelen"] = []
    for goal in theme.current_goals:
        entry: dict = {"id": goal.key}
        if goal.code:
            entry["code"] = goal.code
        entry["naam"] = goal.name
        optional = {
            "omschrijving": goal.description,
            "criteria": goal.criteria,
            "portefeuillehouder": goal.portfolio_holder,
        }
        entry.update({key: value for key, value in optional.items() if value})
        keys = [i.key for i in sorted(goal.indicators.all(), key=lambda i: (i.order, i.pk))]
        if keys:
            entry["indicatoren"] = keys
        item["doelen"].append(entry)
    return item


def plan_yaml(plan: Plan) -> str:
    """The plan as a plan file (UTF-8 text)."""
    header = f"# Plan {plan.name}, geëxporteerd uit Open Veiligheid\n"
    body = yaml.safe_dump(
        plan_document(plan), allow_unicode=True, sort_keys=False, width=100, indent=2
    )
    return header + body
