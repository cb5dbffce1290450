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
from openveiligheid.policy.history import record_change
from openveiligheid.policy.models import Plan
from openveiligheid.policy.planfile import PlanSpec, read_plan, unknown_measures
from openveiligheid.policy.planload import plan_document, store_plan


def read_plan_file(
    path: Path | str, *, text: str | None = None, data: bytes | None = None
) -> PlanSpec:
    """The checked plan of a file (``text``, else the bytes ``data``, else the file): the YAML
    read and every measure it uses known. Stores nothing."""
    path = Path(path)
    if text is None:
        data = read_input_file(path, data)
    spec = read_plan(path, text, data)
    known = set(Measure.objects.values_list("name", flat=True))
    problems = unknown_measures(spec, known, path.name)
    if problems:
        raise InputError(problems)
    return spec


def save_plan(spec: PlanSpec, file_name: str, user=None) -> Plan:
    """Store a plan read by :func:`read_plan_file` (see :func:`load_plan`)."""
    with transaction.atomic():
        ensure_gemeente(spec.gemeente)
        earlier = Plan.objects.filter(gemeente_code=spec.gemeente, name=spec.name).first()
        before = plan_document(earlier) if earlier else None
        plan, goals = store_plan(spec, file_name)
        if before == plan_document(plan):
            return plan  # the same plan again (also after web edits it overwrote: none)
        record_change(
            plan,
            "plan",
            plan.name,
            f"planbestand {file_name} ingelezen",
            {key: [", ".join(ids), ""] for key, ids in goals.items() if ids},
            user,
        )
        record(
            AuditEvent.PLAN,
            f"plan {plan.name} ({plan.gemeente_code})",
            user=user,
            purpose="beleid vastleggen",
            bestand=file_name,
            sha256=hashlib.sha256(spec.text.encode("utf-8")).hexdigest(),
            indicatoren=len(spec.indicators),
            **{f"doelen_{key}": ids for key, ids in goals.items() if ids},
        )
    return plan


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
