"""The menu items of the policy cycle: the plan, the jaarverslag and uploading data."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from openveiligheid.accounts.access import VIEW_DASHBOARD
from openveiligheid.accounts.roles import EDIT_FINANCE, EDIT_PLAN, UPLOAD_DATA

#: (label, url name, url namespaces that count as "in this section", permissions: any of them)
PLAN_MENU = [
    ("Plan", "planning:plan", {"planning", "financien"}, (VIEW_DASHBOARD,)),
    ("Jaarverslag", "reports:jaarverslag", {"reports"}, (VIEW_DASHBOARD,)),
    ("Inlezen", "uploads:inlezen", {"uploads"}, (UPLOAD_DATA, EDIT_PLAN, EDIT_FINANCE)),
]


def plan_menu(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"plan_menu": []}
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else None
    items = [
        {"label": label, "url": reverse(name), "current": namespace in sections}
        for label, name, sections, perms in PLAN_MENU
        if any(user.has_perm(perm) for perm in perms)
    ]
    return {"plan_menu": items}
