"""What every page of the dashboard and the insight app shares: who may open it, and which
plan it shows. The one way a view gets its plan: from the gemeente chosen in the session, as
far as the user may see it (``accounts.access``), never a global."""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from openveiligheid.accounts.access import VIEW_DASHBOARD, may, request_scope
from openveiligheid.policy.models import Plan
from openveiligheid.policy.services import gemeenten_with_plans, plan_for

#: The reason given to the 403 page when a user has a role but no gemeente yet.
NO_GEMEENTE = "no-gemeente"


def dashboard_view(view):
    """Log-in first (redirect), then the dashboard permission and at least one gemeente (403)."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not may(request.user, VIEW_DASHBOARD):
            raise PermissionDenied
        if request_scope(request, prefer=gemeenten_with_plans()).gemeente is None:
            raise PermissionDenied(NO_GEMEENTE)
        return view(request, *args, **kwargs)

    return login_required(checked)


def current_plan(request: HttpRequest) -> Plan | None:
    """The plan of the gemeente chosen in this session, as far as the user may see it."""
    return plan_for(request_scope(request))
