"""The monitor and the method explanations. Thin: data come from :mod:`insight.monitor`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from openveiligheid.accounts.access import may
from openveiligheid.accounts.roles import EDIT_MEETING_NOTES
from openveiligheid.insight.forms import agreement_forms
from openveiligheid.insight.monitor import (
    NoteConflict,
    available_periods,
    monitor,
    notes_of,
    parse_key,
    save_notes,
)
from openveiligheid.ui.pages import current_plan, dashboard_view

#: May record the agreements of the meeting with the police (``MeetingNote``).
EDIT_NOTES = EDIT_MEETING_NOTES

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
    shown = monitor(plan.gemeente_code, request.GET.get("periode"), request.GET.get("onderwerp"))
    return _render_monitor(request, plan, shown)


def _render_monitor(request, plan, shown, forms=None, status: int = 200) -> HttpResponse:
    notes = notes_of(plan.gemeente_code, shown.period) if shown.period else None
    can_edit = shown.period is not None and may(request.user, EDIT_NOTES, plan.gemeente_code)
    if can_edit and forms is None:
        forms = agreement_forms(current=notes.current)
    context = {
        "plan": plan,
        "monitor": shown,
        "notes": notes,
        "can_edit": can_edit,
        "agreement_forms": forms[0] if can_edit else None,
        "notes_form": forms[1] if can_edit else None,
    }
    return render(request, "insight/monitor.html", context, status=status)


def _monitor_url(period: str) -> str:
    return f"{reverse('insight:monitor')}?{urlencode({'periode': period})}#afspraken"


@dashboard_view
@require_POST
def notes_save(request: HttpRequest, periode: str) -> HttpResponse:
    """Store the agreements of one period as a new version (POST, then back to the page)."""
    plan = current_plan(request)
    if plan is None or not may(request.user, EDIT_NOTES, plan.gemeente_code):
        raise PermissionDenied
    key = parse_key(periode)
    if key is None or key not in available_periods(plan.gemeente_code):
        raise Http404("Voor deze periode zijn er geen cijfers.")
    current = notes_of(plan.gemeente_code, key.text).current
    agreements, notes = agreement_forms(request.POST, current)
    if not agreements.management_form.is_valid():
        messages.error(request, "Het formulier was onvolledig; er is niets opgeslagen.")
        return redirect(_monitor_url(key.text))
    if not (agreements.is_valid() and notes.is_valid()):
        messages.error(request, "De afspraken zijn niet opgeslagen: verbeter de fouten hieronder.")
        shown = monitor(plan.gemeente_code, key.text)
        return _render_monitor(request, plan, shown, (agreements, notes), status=400)
    rows = [row for form in agreements for row in [form.agreement()] if row]
    try:
        saved = save_notes(
            plan.gemeente_code, key.text, rows, notes.cleaned_data["text"], request.user
        )
    except NoteConflict:
        messages.error(
            request,
            "Iemand anders heeft de afspraken net tegelijk opgeslagen; er is niets opgeslagen. "
            "Bekijk de nieuwste versie en probeer het opnieuw.",
        )
        return redirect(_monitor_url(key.text))
    if saved is None:
        messages.info(request, "Er is niets gewijzigd.")
    else:
        messages.success(
            request, f"De afspraken van {key.label} zijn opgeslagen (versie {saved.version})."
        )
    return redirect(_monitor_url(key.text))


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
