"""The monitor and the method explanations. Thin: data come from :mod:`insight.monitor`."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from openveiligheid.insight.monitor import monitor
from openveiligheid.ui.pages import current_plan, dashboard_view

#: slug -> (title, explanation fragment, one-line summary)
METHODS = {
    "ebsmoothing": (
        "Empirical Bayes-afvlakking",
        "insight/uitleg/_ebsmoothing.html",
        "Cijfers per 1.000 inwoners van kleine gebieden, minder afhankelijk van toeval.",
    ),
    "hotspots": (
        "Hotspots en coldspots (Getis-Ord Gi*)",
        "insight/uitleg/_hotspots.html",
        "Groepen buurten met samen opvallend hoge of lage cijfers.",
    ),
    "ruimte-tijd": (
        "Hotspots door de tijd",
        "insight/uitleg/_spacetime.html",
        "Blijvende, opkomende, voormalige en wisselende hotspots over de jaren.",
    ),
    "raster": (
        "Raster en dichtheid van meldingen",
        "insight/uitleg/_grid.html",
        "Meldingen met een plaats, geteld in vakken van 250 bij 250 meter.",
    ),
    "signalering": (
        "Signalering (vroegtijdig waarschuwen)",
        "insight/uitleg/_signalering.html",
        "Wanneer een maandcijfer hoger is dan je op grond van eerdere jaren mag verwachten.",
    ),
}


@dashboard_view
def monitor_page(request: HttpRequest) -> HttpResponse:
    plan = current_plan(request)
    if plan is None:
        return render(request, "dashboard/geen_plan.html")
    shown = monitor(plan.gemeente_code, request.GET.get("periode"))
    return render(request, "insight/monitor.html", {"plan": plan, "monitor": shown})


@dashboard_view
def methods(request: HttpRequest) -> HttpResponse:
    items = [(slug, title, summary) for slug, (title, _, summary) in METHODS.items()]
    context = {"plan": current_plan(request), "methods": items}
    return render(request, "insight/methoden.html", context)


@dashboard_view
def method(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in METHODS:
        raise Http404("Deze methode bestaat niet.")
    title, fragment, _ = METHODS[slug]
    context = {"plan": current_plan(request), "title": title, "fragment": fragment}
    return render(request, "insight/methode.html", context)
