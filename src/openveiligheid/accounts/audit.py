"""Changes to who sees which gemeente go into the audit log, from the admin and the commands
alike: members and gemeenten of an organisation."""

from __future__ import annotations

from django.db.models.signals import m2m_changed

from openveiligheid.accounts.models import Organisation
from openveiligheid.audit.models import AuditEvent
from openveiligheid.audit.services import PURPOSE_RIGHTS, record

CHANGES = {"post_add": "erbij", "post_remove": "eraf", "post_clear": "alle eraf"}


def _organisations(instance, model, pk_set) -> list[Organisation]:
    if isinstance(instance, Organisation):
        return [instance]
    return list(Organisation.objects.filter(pk__in=pk_set or []))


def _names(instance, model, pk_set, label) -> list[str]:
    if not isinstance(instance, Organisation):
        return [label(instance)]
    return sorted(label(item) for item in model.objects.filter(pk__in=pk_set or []))


def on_members_changed(sender, instance, action, pk_set, model, **kwargs) -> None:
    if action in CHANGES:
        users = _names(instance, model, pk_set, lambda user: user.get_username())
        for organisation in _organisations(instance, model, pk_set):
            record(AuditEvent.MEMBERS, f"organisatie {organisation.name}",
                   purpose=PURPOSE_RIGHTS,
                   wijziging=CHANGES[action], leden=users)  # fmt: skip


def on_gemeenten_changed(sender, instance, action, pk_set, model, **kwargs) -> None:
    if action in CHANGES:
        codes = _names(instance, model, pk_set, lambda gemeente: gemeente.code)
        for organisation in _organisations(instance, model, pk_set):
            record(AuditEvent.GEMEENTEN, f"organisatie {organisation.name}",
                   purpose=PURPOSE_RIGHTS,
                   wijziging=CHANGES[action], gemeenten=codes)  # fmt: skip


def connect() -> None:
    m2m_changed.connect(
        on_members_changed, sender=Organisation.members.through, dispatch_uid="audit-members"
    )
    m2m_changed.connect(
        on_gemeenten_changed,
        sender=Organisation.gemeenten.through,
        dispatch_uid="audit-gemeenten",
    )
