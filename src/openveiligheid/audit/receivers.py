"""What the audit log hears by itself: log-ins (success, failure, log-out) and role changes,
whether they happen on the pages, in the admin or in a command."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed

from openveiligheid.audit.models import AuditEvent
from openveiligheid.audit.services import PURPOSE_RIGHTS, record
from openveiligheid.core.addresses import client_address

PURPOSE_ACCESS = "toegang tot Open Veiligheid"


def on_login(sender, request, user, **kwargs) -> None:
    record(AuditEvent.LOGIN, f"gebruiker {user.get_username()}", user=user,
           purpose=PURPOSE_ACCESS, adres=client_address(request))  # fmt: skip


def on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(AuditEvent.LOGOUT, f"gebruiker {user.get_username()}", user=user,
               purpose=PURPOSE_ACCESS, adres=client_address(request))  # fmt: skip


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    attempted = str(credentials.get("username", ""))[:150]
    record(AuditEvent.LOGIN_FAILED, f"gebruiker {attempted}", user_name=attempted or "?",
           purpose=PURPOSE_ACCESS, adres=client_address(request))  # fmt: skip


def on_roles_changed(sender, instance, action, pk_set, model, **kwargs) -> None:
    """A user's groups (roles) changed, from either side of the relation."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    user_model = get_user_model()
    if isinstance(instance, user_model):
        names = model.objects.filter(pk__in=pk_set or []).values_list("name", flat=True)
        users, roles = [instance], sorted(names)
    else:
        users, roles = list(user_model.objects.filter(pk__in=pk_set or [])), [instance.name]
    change = {"post_add": "erbij", "post_remove": "eraf", "post_clear": "alle rollen eraf"}[action]
    for user in users:
        record(AuditEvent.ROLES, f"gebruiker {user.get_username()}", purpose=PURPOSE_RIGHTS,
               wijziging=change, rollen=roles)  # fmt: skip


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="audit-login")
    user_logged_out.connect(on_logout, dispatch_uid="audit-logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit-login-failed")
    m2m_changed.connect(
        on_roles_changed, sender=get_user_model().groups.through, dispatch_uid="audit-roles"
    )
