"""Loading a plan file into the database, and reading back the plan a user sees."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.db import transaction
from django.db.models import QuerySet

from openveiligheid.accounts.access import Scope
from openveiligheid.accounts.models import Gemeente, Organisation
from openveiligheid.areas.models import Area
from openveiligheid.audit.models import AuditEvent
from openveiligheid.audit.services import record
from openveiligheid.core.errors import InputError
from openveiligheid.figures.models import Measure
from openveiligheid.imports.services import read_input_file
from openveiligheid.indicators.models import Indicator, IndicatorTarget
from openveiligheid.policy.models import Goal, Plan, Theme
from openveiligheid.policy.planfile import PlanSpec, read_plan, unknown_measures


def load_plan(
    path: Path | str, *, text: str | None = None, data: bytes | None = None, user=None
) -> Plan:
    """Validate a plan file and store it, replacing an earlier plan with the same name.

    Every measure the plan uses must be known (imported before), except ``extern:`` measures,
    which the municipality reports itself. Errors name the YAML line; nothing is stored then.
    """
    path = Path(path)
    if text is None:
        data = read_input_file(path, data)
    spec = read_plan(path, text, data)
    known = set(Measure.objects.values_list("name", flat=True))
    problems = unknown_measures(spec, known, path.name)
    if problems:
        raise InputError(problems)
    with transaction.atomic():
        ensure_gemeente(spec.gemeente)
        Plan.objects.filter(gemeente_code=spec.gemeente, name=spec.name).delete()
        plan = Plan.objects.create(
            gemeente_code=spec.gemeente,
            name=spec.name,
            period=spec.period,
            division=spec.division,
            description=spec.description,
            source_file=path.name,
            source_text=spec.text,
        )
        indicators = _save_indicators(plan, spec)
        _save_themes(plan, spec, indicators)
        record(
            AuditEvent.PLAN,
            f"plan {plan.name} ({plan.gemeente_code})",
            user=user,
            purpose="beleid vastleggen",
            bestand=path.name,
            sha256=hashlib.sha256(spec.text.encode("utf-8")).hexdigest(),
            indicatoren=len(indicators),
        )
    return plan


def _save_indicators(plan: Plan, spec: PlanSpec) -> dict[str, Indicator]:
    saved: dict[str, Indicator] = {}
    for order, (key, definition) in enumerate(spec.indicators.items()):
        indicator = Indicator.objects.create(
            plan=plan,
            key=key,
            name=definition.name,
            measures=list(definition.measures),
            reported=definition.reported or "",
            per_1000=definition.per_1000 or "",
            better=definition.better,
            decimals=definition.decimals,
            comparison_area=definition.comparison_area or "",
            unit=definition.unit,
            note=spec.indicator_notes.get(key, ""),
            source=spec.indicator_sources.get(key, ""),
            order=order,
        )
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(
                indicator=indicator, year=year, operator=t.operator, threshold=t.threshold
            )
            for year, t in definition.targets.items()
        )
        saved[key] = indicator
    return saved


def _save_themes(plan: Plan, spec: PlanSpec, indicators: dict[str, Indicator]) -> None:
    for theme_order, theme_spec in enumerate(spec.themes):
        theme = Theme.objects.create(
            plan=plan,
            key=theme_spec.id,
            name=theme_spec.name,
            description=theme_spec.description,
            order=theme_order,
        )
        for goal_order, goal_spec in enumerate(theme_spec.goals):
            goal = Goal.objects.create(
                theme=theme,
                key=goal_spec.id,
                name=goal_spec.name,
                criteria=goal_spec.criteria,
                order=goal_order,
            )
            goal.indicators.set(
                [indicators[key] for key in goal_spec.indicators if key in indicators]
            )


def plan_for(scope: Scope) -> Plan | None:
    """The plan shown to ``scope.user`` for the chosen gemeente: its most recently loaded one."""
    if scope.gemeente_code is None:
        return None
    return (
        Plan.objects.visible_to(scope.user)
        .of_gemeente(scope.gemeente_code)
        .order_by("-loaded_at", "-pk")
        .first()
    )


def gemeenten_with_plans() -> QuerySet:
    """The CBS codes of the gemeenten that have a plan (the default choice prefers these).

    Lazy: used as a subquery, it costs nothing on a request whose gemeente is already chosen."""
    return Plan.objects.values_list("gemeente_code", flat=True).distinct()


def ensure_gemeente(code: str) -> Gemeente:
    """The gemeente of a plan, with an organisation working for it (both made if missing).

    A new gemeente gets its name from the area register (else its code) and an organisation
    "Gemeente <naam>" without members: who may see it is granted explicitly
    (``openveiligheid organisatie``, or the admin).
    """
    gemeente = Gemeente.objects.filter(code=code).first()
    if gemeente is None:
        area = Area.objects.filter(code=code).order_by("-division").first()
        gemeente = Gemeente.objects.create(code=code, name=area.name if area else code)
    if not gemeente.organisations.exists():
        organisation, _ = Organisation.objects.get_or_create(name=f"Gemeente {gemeente.name}")
        organisation.gemeenten.add(gemeente)
    return gemeente
