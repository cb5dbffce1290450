"""Who changed what in a plan, and when: one :class:`~openveiligheid.policy.models.Change` per
save, readable per object, and one line in the audit log.

``kind`` and ``object_key`` name the object as its page does: ``("doel", "7.2.1")``,
``("indicator", "woninginbraak")``, ``("activiteit", "<goal>/<year>/<code>")``,
``("financien", "<goal>/<year>")``, ``("tekst", "<goal>/<year>")``, ``("plan", <name>)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db.models import Model, QuerySet

from openveiligheid.audit.context import current_user
from openveiligheid.audit.models import AuditEvent
from openveiligheid.audit.services import actor_name, record
from openveiligheid.policy.models import Change, Plan

Diff = dict[str, list[str]]


def field_changes(before: Mapping[str, object], after: Mapping[str, object]) -> Diff:
    """``{field: [old, new]}`` for the fields whose value differs (as text)."""
    return {
        name: [_text(before.get(name)), _text(value)]
        for name, value in after.items()
        if _text(before.get(name)) != _text(value)
    }


def values_of(instance: Model, fields: Iterable[str]) -> dict[str, object]:
    return {name: getattr(instance, name) for name in fields}


def record_change(
    plan: Plan, kind: str, object_key: str, description: str, fields: Diff, user=None
) -> Change:
    """Store the change and append it to the audit log. Callers record only what changed
    (``field_changes``); an event without fields (a freeze, a removal) is recorded as such."""
    user = user if user is not None else current_user()
    change = Change.objects.create(
        plan=plan,
        kind=kind,
        object_key=object_key[:120],
        description=description[:500],
        fields=fields,
        user_name=actor_name(user),
    )
    record(
        AuditEvent.PLAN_CHANGED,
        f"{plan.name} ({plan.gemeente_code}): {kind} {object_key}",
        user=user,
        purpose="beleid vastleggen",
        wat=description[:200],
        velden=sorted(fields),
    )
    return change


def changes_of(plan: Plan, kind: str | None = None, object_key: str | None = None) -> QuerySet:
    """The changes of a plan, newest first; of one object when ``kind`` and ``object_key``
    are given (a key ending in ``/`` matches every object under it)."""
    changes = plan.changes.all()
    if kind:
        changes = changes.filter(kind=kind)
    if object_key:
        if object_key.endswith("/"):
            changes = changes.filter(object_key__startswith=object_key)
        else:
            changes = changes.filter(object_key=object_key)
    return changes


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return str(value)
