"""Money per goal: the financial overview of a goal in a year as the Zwolle annual report shows
it (with the credits, the verschillenanalyse and the history of changes), and the forms where a
controller enters the amounts and the credits.

Thin views over ``policy.yearwork`` (saving, with a recorded change) and ``policy.finance`` (the
one computation of the overview). Who may do what:

- every page: log-in (redirect), the dashboard permission and a gemeente (403), a goal of the
  plan of the chosen gemeente (else 404, also for a user of another gemeente);
- the forms: also ``policy.financien_bewerken`` for the plan's gemeente (the controller; 403).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from openveiligheid.accounts.access import may
from openveiligheid.accounts.roles import EDIT_FINANCE
from openveiligheid.indicators.services import plan_period
from openveiligheid.planning.changes import euro, money_changes
from openveiligheid.planning.forms_finance import (
    AmountsForm,
    credit_formset,
    error_summary,
    mark_errors,
)
from openveiligheid.policy.finance import (
    PART_LABELS,
    PARTS,
    ROW_LABELS,
    Credit,
    overview,
)
from openveiligheid.policy.models import Goal, Plan
from openveiligheid.policy.yearwork import (
    default_year,
    finance_amounts,
    goal_by_key,
    goal_year,
    save_amounts,
    save_credits,
    save_goal_year,
)
from openveiligheid.ui.pages import current_plan, dashboard_view

#: The rows of the overview, labelled as in the reference document (and the jaarverslag).
OVERVIEW_ROWS = tuple((name, label, total) for name, (label, total) in ROW_LABELS.items())
CREDIT_COLUMNS = ("omvang", "gerealiseerd_tm_vorig_jaar", "besteding", "restant")
#: How many empty credit rows a page may be asked to show (``?rijen=``).
MAX_EXTRA_ROWS = 10


# --- the goal, the year and who may edit ----------------------------------------------------------


def _plan_and_goal(request: HttpRequest, key: str) -> tuple[Plan, Goal]:
    """The goal ``key`` of the plan of the chosen gemeente; a 404 for any other goal."""
    plan = current_plan(request)
    if plan is None:
        raise Http404("Geen plan voor deze gemeente.")
    try:
        return plan, goal_by_key(plan, key)
    except Goal.DoesNotExist:
        raise Http404("Dit doel staat niet in het plan.") from None


def may_edit_finance(user, plan: Plan) -> bool:
    return may(user, EDIT_FINANCE, plan.gemeente_code)


def _editable(request: HttpRequest, key: str, year: int) -> tuple[Plan, Goal]:
    """The goal to edit: the plan's (404), the controller's permission (403), a goal still in
    the plan (404) and a year of the plan (404)."""
    plan, goal = _plan_and_goal(request, key)
    if not may_edit_finance(request.user, plan):
        raise PermissionDenied
    if goal.removed_at is not None:
        raise Http404("Dit doel is uit het plan verwijderd; de bedragen zijn alleen te lezen.")
    if year not in goal_years(plan, goal):
        raise Http404("Dit jaar hoort niet bij het plan.")
    return plan, goal


def goal_years(plan: Plan, goal: Goal) -> list[int]:
    """The years a goal's money can be shown and entered for: the plan period and every year
    with amounts or credits (or, for a plan without a period, the last five years)."""
    years = set(plan_period(plan) or ())
    years |= set(goal.amounts.values_list("year", flat=True))
    years |= set(goal.credits.values_list("year", flat=True))
    if not years:
        this_year = dt.date.today().year
        years = set(range(this_year - 4, this_year + 1))
    return sorted(years)


def money_year(plan: Plan, goal: Goal, years: list[int]) -> int:
    """The latest year with money entered; else the plan's default year (``yearwork``)."""
    entered = set(goal.amounts.values_list("year", flat=True)) | set(
        goal.credits.values_list("year", flat=True)
    )
    if entered:
        return max(entered)
    year = default_year(plan)
    return year if year in years else years[-1]


def chosen_year(text: str | None, plan: Plan, goal: Goal, years: list[int]) -> int:
    try:
        year = int(text or "")
    except ValueError:
        return money_year(plan, goal, years)
    return year if year in years else money_year(plan, goal, years)


def goal_page_url(goal: Goal, year: int) -> str:
    """The goal's own page in the plan (in ``year``)."""
    url = reverse("planning:doel", kwargs={"key": goal.key})
    return f"{url}?{urlencode({'jaar': year})}"


def overview_url(goal: Goal, year: int) -> str:
    return f"{reverse('financien:doel', kwargs={'key': goal.key})}?{urlencode({'jaar': year})}"


# --- what the overview page shows ----------------------------------------------------------------


def overview_rows(amounts: dict[tuple[str, str], int]) -> tuple[list[dict], str]:
    """The rows of the Zwolle table with the amounts written out, and the saldo."""
    result = overview(amounts)
    rows = []
    for name, label, total in OVERVIEW_ROWS:
        values = getattr(result, name)
        cells = []
        for part in PARTS:
            amount = getattr(values, part)
            verdict = ""
            if name == "resultaat" and amount:
                verdict = "voordelig" if amount > 0 else "nadelig"
            cells.append({"text": euro(amount), "verdict": verdict, "part": PART_LABELS[part]})
        rows.append({"key": name, "label": label, "total": total, "cells": cells})
    return rows, euro(result.saldo)


def credit_rows(goal: Goal, year: int) -> tuple[list[dict], dict | None]:
    credits = [
        Credit(c.project, c.omvang, c.gerealiseerd_tm_vorig_jaar, c.besteding)
        for c in goal.credits.filter(year=year).order_by("project")
    ]
    rows = [
        {"project": c.project, "cells": [euro(getattr(c, k)) for k in CREDIT_COLUMNS]}
        for c in credits
    ]
    if not credits:
        return rows, None
    total = {"cells": [euro(sum(getattr(c, k) for c in credits)) for k in CREDIT_COLUMNS]}
    return rows, total


def _page_context(request: HttpRequest, plan: Plan, goal: Goal, year: int) -> dict:
    return {
        "plan": plan,
        "goal": goal,
        "year": year,
        "goal_url": goal_page_url(goal, year),
        "overview_url": overview_url(goal, year),
        "may_edit": may_edit_finance(request.user, plan) and goal.removed_at is None,
    }


# --- the pages ---------------------------------------------------------------------------------


@dashboard_view
@require_http_methods(["GET", "HEAD"])
def goal_finance(request: HttpRequest, key: str) -> HttpResponse:
    """The financial overview, the credits, the verschillenanalyse and the history."""
    plan, goal = _plan_and_goal(request, key)
    years = goal_years(plan, goal)
    year = chosen_year(request.GET.get("jaar"), plan, goal, years)
    amounts = finance_amounts(goal, year)
    rows, saldo = overview_rows(amounts)
    credits, credit_total = credit_rows(goal, year)
    context = _page_context(request, plan, goal, year)
    context.update(
        {
            "years": years,
            "entered": bool(amounts),
            "rows": rows,
            "saldo": saldo,
            "credits": credits,
            "credit_total": credit_total,
            "variance_analysis": goal_year(goal, year).variance_analysis,
            "changes": money_changes(plan, goal, year),
        }
    )
    return render(request, "planning/financien.html", context)


@dashboard_view
@require_http_methods(["GET", "HEAD", "POST"])
def edit_amounts(request: HttpRequest, key: str, year: int) -> HttpResponse:
    """The grid of amounts and the verschillenanalyse; saved all at once or not at all."""
    plan, goal = _editable(request, key, year)
    before = finance_amounts(goal, year)
    variance = goal_year(goal, year).variance_analysis
    if request.method == "POST":
        form = AmountsForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["variance_analysis"]
            with transaction.atomic():
                save_amounts(goal, year, form.cells(), user=request.user)
                if text != variance:
                    save_goal_year(goal, year, {"variance_analysis": text}, user=request.user)
            if finance_amounts(goal, year) != before or text != variance:
                messages.success(
                    request, f"De bedragen van doel {goal.label} voor {year} zijn opgeslagen."
                )
            else:
                messages.info(request, "Er is niets gewijzigd.")
            return redirect(overview_url(goal, year))
        mark_errors(form)
        status = 400
    else:
        form = AmountsForm(initial=AmountsForm.initial_from(before, variance))
        status = 200
    context = _page_context(request, plan, goal, year)
    context.update({"form": form, "errors": error_summary([form]) if form.is_bound else []})
    return render(request, "planning/financien_bewerken.html", context, status=status)


def _removed(formset, form) -> bool:
    return hasattr(form, "cleaned_data") and formset._should_delete_form(form)


@dashboard_view
@require_http_methods(["GET", "HEAD", "POST"])
def edit_credits(request: HttpRequest, key: str, year: int) -> HttpResponse:
    """The credits of the goal in the year: change, add and remove rows; a project once."""
    plan, goal = _editable(request, key, year)
    initial = [
        {
            "project": c.project,
            "omvang": c.omvang,
            "gerealiseerd_tm_vorig_jaar": c.gerealiseerd_tm_vorig_jaar,
            "besteding": c.besteding,
        }
        for c in goal.credits.filter(year=year).order_by("project")
    ]
    try:
        extra = min(max(int(request.GET.get("rijen", "1")), 1), MAX_EXTRA_ROWS)
    except ValueError:
        extra = 1
    formset_class = credit_formset(extra)
    if request.method == "POST":
        formset = formset_class(request.POST, initial=initial, prefix="krediet")
        if formset.is_valid():
            credits = formset.credits()
            before = initial
            save_credits(goal, year, credits, user=request.user)
            after = [
                {
                    "project": c.project,
                    "omvang": c.omvang,
                    "gerealiseerd_tm_vorig_jaar": c.gerealiseerd_tm_vorig_jaar,
                    "besteding": c.besteding,
                }
                for c in goal.credits.filter(year=year).order_by("project")
            ]
            if after != before:
                messages.success(
                    request, f"De kredieten van doel {goal.label} voor {year} zijn opgeslagen."
                )
            else:
                messages.info(request, "Er is niets gewijzigd.")
            if "nog_een" in request.POST:
                return redirect(reverse("financien:kredieten", args=[goal.key, year]))
            return redirect(overview_url(goal, year))
        shown = [form for form in formset.forms if not _removed(formset, form)]
        for form in shown:
            mark_errors(form)
        errors = [
            {"anchor": "", "label": "", "message": message} for message in formset.non_form_errors()
        ] + error_summary(shown)
        status = 400
    else:
        formset = formset_class(initial=initial, prefix="krediet")
        errors = []
        status = 200
    context = _page_context(request, plan, goal, year)
    context.update(
        {
            "formset": formset,
            "errors": errors,
            "more_rows": min(extra + 1, MAX_EXTRA_ROWS),
            "extra": extra,
            "max_rows": MAX_EXTRA_ROWS,
        }
    )
    return render(request, "planning/financien_kredieten.html", context, status=status)
