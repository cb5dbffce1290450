"""The header's links to the registers and the audit log, for the users who may open them."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from openveiligheid.cases.access import entitled_registers
from openveiligheid.cases.views import may_read_audit


def case_menu(request: HttpRequest) -> dict:
    """The link "Registers" for users with a register role, "Auditlog" for the FG."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"case_menu": []}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    items = []
    if entitled_registers(user):
        in_registers = current.startswith("cases:") and not current.startswith("cases:auditlog")
        items.append(
            {"label": "Registers", "url": reverse("cases:registers"), "current": in_registers}
        )
    if may_read_audit(user):
        in_audit = current.startswith("cases:auditlog")
        items.append({"label": "Auditlog", "url": reverse("cases:auditlog"), "current": in_audit})
    return {"case_menu": items}
