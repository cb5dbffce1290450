"""The public pages (no log-in): the adopted jaarverslagen of a gemeente's plans that are
switched to public (``Plan.public``), with only the indicators marked openbaar and small counts
of gevoelig measures suppressed (``reports.public``).

Anything not switched on answers the same "niet gevonden" as what does not exist: a plan that
is not public, a year that is not adopted, an unknown gemeente."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from openveiligheid.accounts.services import gemeente_name
from openveiligheid.figures.models import Measure
from openveiligheid.policy.models import Plan
from openveiligheid.reports.models import AdoptedReport
from openveiligheid.reports.public import COUNT, RATE, Sensitive, public_blocks
from openveiligheid.reports.views import as_page, title_and_body


def indicator_rules(plan: Plan) -> tuple[set[str], dict[str, Sensitive]]:
    """The keys of the plan's indicators that are openbaar now, and those of them counted
    from a gevoelig measure."""
    sensitive_measures = set(Measure.objects.filter(sensitive=True).values_list("name", flat=True))
    public: set[str] = set()
    sensitive: dict[str, Sensitive] = {}
    for indicator in plan.indicators.filter(public=True):
        public.add(indicator.key)
        numerator = (indicator.reported,) if indicator.reported else tuple(indicator.measures)
        if any(measure in sensitive_measures for measure in numerator):
            kind = RATE if indicator.per_1000 else COUNT
            sensitive[indicator.key] = Sensitive(kind, numerator)
    return public, sensitive


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/openbaar_niet_gevonden.html", status=404)


@require_GET
def plan(request: HttpRequest, gemeente: str) -> HttpResponse:
    plans = list(Plan.objects.filter(gemeente_code=gemeente, public=True).order_by("name"))
    if not plans:
        return _not_found(request)
    adopted = AdoptedReport.objects.filter(plan__in=plans).order_by("-year")
    listed = [
        {"plan": each, "years": [a.year for a in adopted if a.plan_id == each.pk]} for each in plans
    ]
    context = {"gemeente": gemeente, "gemeente_name": gemeente_name(gemeente), "plans": listed}
    return render(request, "reports/openbaar_plan.html", context)


@require_GET
def jaarverslag(request: HttpRequest, gemeente: str, year: int) -> HttpResponse:
    adopted = list(
        AdoptedReport.objects.filter(
            plan__gemeente_code=gemeente, plan__public=True, year=year
        ).select_related("plan")
    )
    if not adopted:
        return _not_found(request)
    sections = []
    for report in adopted:
        public, sensitive = indicator_rules(report.plan)
        title, body = title_and_body(public_blocks(report.content, public, sensitive))
        sections.append({"adopted": report, "title": title, "blocks": as_page(body)})
    context = {
        "gemeente": gemeente,
        "gemeente_name": gemeente_name(gemeente),
        "year": year,
        "sections": sections,
    }
    return render(request, "reports/openbaar_jaarverslag.html", context)
