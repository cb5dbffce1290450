"""The pages. Views stay thin: data are shaped in the modules next to this one."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from openveiligheid.accounts.access import VIEW_DASHBOARD, choose, may, request_scope
from openveiligheid.dashboard import downloads, services
from openveiligheid.dashboard.kaart import MapChoice, map_page, sort_headers
from openveiligheid.dashboard.profiel import area_profile, find_area
from openveiligheid.dashboard.vergelijken import ComparisonChoice, comparison
from openveiligheid.indicators.models import Indicator
from openveiligheid.insight.monitor import latest_signals
from openveiligheid.insight.results import area_hotspots, stored_analysis
from openveiligheid.ui.maps import outline_legend
from openveiligheid.ui.pages import current_plan, dashboard_view
from openveiligheid.ui.paging import page_links


def _plan_or_page(request: HttpRequest):
    plan = current_plan(request)
    if plan is None:
        return None, render(request, "dashboard/geen_plan.html")
    return plan, None


@dashboard_view
def overzicht(request: HttpRequest) -> HttpResponse:
    plan, page = _plan_or_page(request)
    if page:
        return page
    year_filter = services.parse_year(request.GET.get(services.YEAR_PARAMETER))
    theme = request.GET.get("thema", "")
    context = {
        "plan": plan,
        "year_filter": year_filter,
        "overview": services.overview(plan, year_filter.year, theme),
        "signals": latest_signals(plan.gemeente_code),
    }
    return render(request, "dashboard/overzicht.html", context)


def _indicator(request: HttpRequest, key: str):
    plan = current_plan(request)
    visible = Indicator.objects.visible_to(request.user).filter(plan=plan)
    return plan, get_object_or_404(visible, key=key)


@dashboard_view
def indicator_detail(request: HttpRequest, key: str) -> HttpResponse:
    plan, indicator = _indicator(request, key)
    year_filter = services.parse_year(request.GET.get(services.YEAR_PARAMETER))
    choice = MapChoice.from_query(request.GET)
    detail = services.indicator_detail(plan, indicator, year_filter.year, choice)
    context = {
        "plan": plan,
        "year_filter": year_filter,
        "detail": detail,
        "headers": sort_headers(request.GET, choice.sort, choice.descending, "#gebieden"),
        "pages": page_links(request.GET, detail.area_table, "#gebieden"),
        "download_query": request.GET.urlencode(),
    }
    return render(request, "dashboard/indicator.html", context)


@dashboard_view
def indicator_download(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "xlsx"}:
        raise Http404("Onbekend formaat")
    plan, indicator = _indicator(request, key)
    year_filter = services.parse_year(request.GET.get(services.YEAR_PARAMETER))
    choice = MapChoice.from_query(request.GET)
    detail = services.indicator_detail(plan, indicator, year_filter.year, choice)
    if fmt == "csv":
        body, mime = downloads.as_csv(detail), "text/csv; charset=utf-8"
    else:
        body = downloads.as_xlsx(detail)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=mime)
    name = f"{indicator.key}-{detail.level}-{detail.area_year or 'alle'}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@dashboard_view
def kaart(request: HttpRequest) -> HttpResponse:
    plan, page = _plan_or_page(request)
    if page:
        return page
    choice = MapChoice.from_query(request.GET)
    shown = map_page(plan, choice, stored_analysis)
    context = {
        "plan": plan,
        "page": shown,
        "gemeente": services.area_names({plan.gemeente_code}).get(plan.gemeente_code, ""),
        "headers": sort_headers(request.GET, shown.sort, shown.descending),
        "pages": page_links(request.GET, shown.table),
        "outline_legend": outline_legend(shown.outlines),
        "min_population": settings.MIN_POPULATION_FOR_RATE,
    }
    return render(request, "dashboard/kaart.html", context)


@dashboard_view
def gebied(request: HttpRequest, code: str) -> HttpResponse:
    area = find_area(code, request.GET.get("indeling", ""))
    if area is None or not may(request.user, VIEW_DASHBOARD, area.gemeente_code):
        raise Http404("Dit gebied bestaat niet.")
    if area.gemeente_code != request_scope(request).gemeente_code:
        choose(request, area.gemeente_code)  # a link to another of the user's gemeenten
    plan, page = _plan_or_page(request)
    if page:
        return page
    profile = area_profile(plan, area)
    profile.hotspots = area_hotspots(area)
    context = {"plan": plan, "profile": profile}
    return render(request, "dashboard/gebied.html", context)


@dashboard_view
def vergelijken(request: HttpRequest) -> HttpResponse:
    plan, page = _plan_or_page(request)
    if page:
        return page
    choice = ComparisonChoice.from_query(request.GET)
    context = {"plan": plan, "comparison": comparison(plan, choice)}
    return render(request, "dashboard/vergelijken.html", context)
