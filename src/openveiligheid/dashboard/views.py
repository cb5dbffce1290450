"""The pages. Views stay thin: data are shaped in :mod:`openveiligheid.dashboard.services`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from openveiligheid.accounts.roles import VIEW_DASHBOARD
from openveiligheid.dashboard import services
from openveiligheid.indicators.models import Indicator
from openveiligheid.policy.services import active_plan


def dashboard_view(view):
    """Log-in first (redirect), then the dashboard permission (403 without it)."""
    return login_required(permission_required(VIEW_DASHBOARD, raise_exception=True)(view))


@dashboard_view
def overzicht(request: HttpRequest) -> HttpResponse:
    plan = active_plan()
    if plan is None:
        return render(request, "dashboard/geen_plan.html")
    year_filter = services.parse_year(request.GET.get(services.YEAR_PARAMETER))
    context = {
        "plan": plan,
        "year_filter": year_filter,
        "overview": services.overview(plan, year_filter.year),
    }
    return render(request, "dashboard/overzicht.html", context)


@dashboard_view
def indicator_detail(request: HttpRequest, key: str) -> HttpResponse:
    plan = active_plan()
    indicator = get_object_or_404(Indicator.objects.filter(plan=plan), key=key)
    year_filter = services.parse_year(request.GET.get(services.YEAR_PARAMETER))
    context = {
        "plan": plan,
        "year_filter": year_filter,
        "detail": services.indicator_detail(plan, indicator, year_filter.year),
    }
    return render(request, "dashboard/indicator.html", context)
