"""The plan in the web: the plan with its goals, one goal with its indicators, activities, texts
and judgement per year, and the forms that change them. Thin views over the ``policy``
services; every save records a :class:`~openveiligheid.policy.models.Change`.

Reading needs the dashboard permission for the gemeente chosen in the session
(``ui.pages.dashboard_view``); editing needs ``policy.bewerken`` (:data:`EDIT_PLAN`) for the
plan's gemeente as well (403). A goal or indicator that is not in the user's current plan is
a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from openveiligheid.accounts.access import may
from openveiligheid.accounts.roles import EDIT_PLAN
from openveiligheid.core.numbers import format_number
from openveiligheid.indicators.engine import GEEN_GEGEVENS
from openveiligheid.indicators.formatting import VERDICT_DISPLAY, format_target
from openveiligheid.indicators.models import Indicator
from openveiligheid.indicators.services import plan_period
from openveiligheid.planning.changes import change_rows
from openveiligheid.planning.forms import (
    STATUS_FIELDS,
    ActivityForm,
    GoalForm,
    GoalYearForm,
    HistoryFilterForm,
    NewActivityForm,
    TargetsForm,
)
from openveiligheid.policy.history import changes_of, values_of
from openveiligheid.policy.models import (
    Activity,
    Change,
    Credit,
    FinanceAmount,
    Goal,
    GoalYear,
    Plan,
)
from openveiligheid.policy.planedits import (
    GOAL_FIELDS,
    GoalCodeTaken,
    edit_goal,
    remove_goal,
    restore_goal,
    save_targets,
)
from openveiligheid.policy.planload import current_themes, plan_yaml
from openveiligheid.policy.yearwork import (
    DEFAULT_MOMENT,
    StatusInput,
    activities_csv,
    default_year,
    goal_proposal,
    goal_year,
    save_activity,
    save_goal_year,
    set_status,
)
from openveiligheid.ui.pages import current_plan, dashboard_view

YEAR_PARAMETER = "jaar"
#: Years a URL or ``?jaar=`` may name at all.
FIRST_YEAR, LAST_YEAR = 1990, 2100
#: Kinds of changes that belong to one goal (object key ``<goal>/...``).
GOAL_KINDS = ("activiteit", "financien", "krediet", "tekst")
KINDS = [
    ("plan", "plan"),
    ("doel", "doel"),
    ("indicator", "indicator en streefwaarden"),
    ("activiteit", "activiteit"),
    ("tekst", "teksten en doel gehaald"),
    ("financien", "financiën"),
    ("krediet", "kredieten"),
]
#: How a changed field is named on the pages.
JUDGEMENT_WORDS = {"ja": "ja", "nee": "nee", "deels": "deels", "": "nog niet beoordeeld"}
STATUS_SYMBOLS = {"groen": "●", "oranje": "▲", "rood": "■", "": "–"}


# -- shared helpers ----------------------------------------------------------------------------
def _plan(request: HttpRequest) -> Plan:
    """The plan of the chosen gemeente; 404 when that gemeente has none."""
    plan = current_plan(request)
    if plan is None:
        raise Http404("Deze gemeente heeft nog geen plan.")
    return plan


def _may_edit(request: HttpRequest, plan: Plan) -> bool:
    return may(request.user, EDIT_PLAN, plan.gemeente_code)


def _editable_plan(request: HttpRequest) -> Plan:
    """The current plan, for a user who may edit it: else 403 (before anything is looked up)."""
    plan = current_plan(request)
    if plan is None:
        if not request.user.has_perm(EDIT_PLAN):
            raise PermissionDenied
        raise Http404("Deze gemeente heeft nog geen plan.")
    if not _may_edit(request, plan):
        raise PermissionDenied
    return plan


def _goal(request: HttpRequest, plan: Plan, key: str) -> Goal:
    goals = Goal.objects.visible_to(request.user).select_related("theme__plan")
    return get_object_or_404(goals, theme__plan=plan, key=key)


def _indicator(request: HttpRequest, plan: Plan, key: str) -> Indicator:
    indicators = Indicator.objects.visible_to(request.user).prefetch_related("targets")
    return get_object_or_404(indicators, plan=plan, key=key)


def _check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("Dit jaar bestaat hier niet.")
    return year


@dataclass(frozen=True)
class WorkingYear:
    year: int
    default: int
    choices: list[int]
    error: str = ""


def working_year(request: HttpRequest, plan: Plan) -> WorkingYear:
    """The year chosen with ``?jaar=`` (checked), else the default."""
    default = default_year(plan)
    period = plan_period(plan)
    choices = list(period) if period else list(range(default - 4, default + 2))
    asked = request.GET.get(YEAR_PARAMETER, "").strip()
    year, error = default, ""
    if asked:
        if asked.isdigit() and FIRST_YEAR <= int(asked) <= LAST_YEAR:
            year = int(asked)
        else:
            error = f"‘{asked[:20]}’ is geen jaar; u ziet {default}."
    if year not in choices:
        choices = sorted({*choices, year})
    return WorkingYear(year, default, choices, error)


def _with_year(url: str, year: int) -> str:
    return f"{url}?{YEAR_PARAMETER}={year}"


def _finance_url(goal: Goal, year: int) -> str:
    """The money page of the goal (namespace ``financien``)."""
    return _with_year(reverse("financien:doel", kwargs={"key": goal.key}), year)


def goal_changes(plan: Plan, goal: Goal):
    """The changes of a goal: to the goal itself and to what hangs off it per year."""
    own = changes_of(plan, "doel", goal.key)
    under = changes_of(plan, None, f"{goal.key}/").filter(kind__in=GOAL_KINDS)
    return (own | under).order_by("-at", "-pk")


def _status_badges(values) -> list[dict]:
    return [
        {
            "label": label.split(" (")[0],
            "value": getattr(values, name, "") if values else "",
            "symbol": STATUS_SYMBOLS.get(getattr(values, name, "") if values else "", "–"),
        }
        for name, label in STATUS_FIELDS
    ]


def _verdict_rows(results) -> list[dict]:
    """The indicator results a proposal for "doel gehaald" rests on, as the pages show them."""
    return [
        {
            "result": result,
            "verdict": VERDICT_DISPLAY.get(result.verdict, VERDICT_DISPLAY[GEEN_GEGEVENS]),
            "value": format_number(result.value, result.decimals),
            "target": format_target(result.target),
        }
        for result in results
    ]


def _kept_counts(goal: Goal) -> dict[str, int]:
    return {
        "activities": Activity.objects.filter(goal=goal).count(),
        "amounts": FinanceAmount.objects.filter(goal=goal).count(),
        "credits": Credit.objects.filter(goal=goal).count(),
        "texts": GoalYear.objects.filter(goal=goal).count(),
        "indicators": goal.indicators.count(),
    }


def _not_found_if_removed(goal: Goal) -> None:
    if goal.removed_at is not None:
        raise Http404("Dit doel is verwijderd; zet het eerst terug.")


# -- the plan ----------------------------------------------------------------------------------
@dashboard_view
def plan_page(request: HttpRequest) -> HttpResponse:
    plan = current_plan(request)
    if plan is None:
        return render(request, "dashboard/geen_plan.html")
    year = working_year(request, plan)
    removed = (
        Goal.objects.filter(theme__plan=plan, removed_at__isnull=False)
        .select_related("theme")
        .order_by("-removed_at")
    )
    context = {
        "plan": plan,
        "working": year,
        "themes": current_themes(plan),
        "removed": removed,
        "can_edit": _may_edit(request, plan),
    }
    return render(request, "planning/plan.html", context)


@dashboard_view
def export(request: HttpRequest) -> HttpResponse:
    plan = _plan(request)
    response = HttpResponse(
        plan_yaml(plan).encode("utf-8"), content_type="application/yaml; charset=utf-8"
    )
    name = slugify(plan.name)[:80] or "plan"
    response["Content-Disposition"] = f'attachment; filename="{name}.yaml"'
    return response


@dashboard_view
def activities_export(request: HttpRequest) -> HttpResponse:
    """The activities of the working year as CSV, in the format the upload reads."""
    plan = _plan(request)
    year = working_year(request, plan).year
    response = HttpResponse(activities_csv(plan, year), content_type="text/csv; charset=utf-8")
    name = slugify(plan.name)[:60] or "plan"
    response["Content-Disposition"] = f'attachment; filename="activiteiten-{name}-{year}.csv"'
    return response


@dashboard_view
def changes_page(request: HttpRequest) -> HttpResponse:
    plan = _plan(request)
    form = HistoryFilterForm(request.GET or None, kinds=KINDS)
    kind = form.cleaned_data["soort"] if form.is_valid() else ""
    changes = changes_of(plan, kind or None)
    page = Paginator(changes, 50).get_page(request.GET.get("pagina"))
    goals = dict(Goal.objects.filter(theme__plan=plan).values_list("key", "pk"))
    indicators = set(plan.indicators.values_list("key", flat=True))
    links = {}
    for change in page.object_list:
        target = _change_link(change, goals, indicators)
        if target:
            links[(change.kind, change.object_key)] = target
    context = {
        "plan": plan,
        "form": form,
        "kind": kind,
        "page": page,
        "rows": change_rows(page.object_list, links),
    }
    return render(request, "planning/wijzigingen.html", context)


def _change_link(change: Change, goals: dict, indicators: set) -> str | None:
    if change.kind == "doel" and change.object_key in goals:
        return reverse("planning:doel", kwargs={"key": change.object_key})
    if change.kind == "indicator" and change.object_key in indicators:
        return reverse("planning:streefwaarden", kwargs={"key": change.object_key})
    if change.kind in GOAL_KINDS:
        parts = change.object_key.split("/")
        if parts[0] in goals and len(parts) > 1 and parts[1].isdigit():
            return _with_year(reverse("planning:doel", kwargs={"key": parts[0]}), int(parts[1]))
    return None


# -- one goal ----------------------------------------------------------------------------------
@dashboard_view
def goal_page(request: HttpRequest, key: str) -> HttpResponse:
    plan = _plan(request)
    goal = _goal(request, plan, key)
    year = working_year(request, plan)
    period = plan_period(plan)
    indicators = list(goal.indicators.prefetch_related("targets").order_by("order", "pk"))
    target_years = sorted(set(period or []) | {t.year for i in indicators for t in i.targets.all()})
    indicator_rows = [
        {
            "indicator": indicator,
            "targets": [
                format_target(str(t.to_target())) if t else "–"
                for t in (
                    next((t for t in indicator.targets.all() if t.year == y), None)
                    for y in target_years
                )
            ],
        }
        for indicator in indicators
    ]
    activities = list(
        goal.activities.filter(year=year.year)
        .prefetch_related("statuses")
        .order_by("order", "code")
    )
    activity_rows = []
    for activity in activities:
        statuses = list(activity.statuses.all())
        current = statuses[0] if statuses else None
        activity_rows.append(
            {"activity": activity, "status": current, "badges": _status_badges(current)}
        )
    texts = goal_year(goal, year.year)
    proposal, results = goal_proposal(goal, year.year)
    verdicts = _verdict_rows(results)
    context = {
        "plan": plan,
        "goal": goal,
        "working": year,
        "target_years": target_years,
        "indicator_rows": indicator_rows,
        "activity_rows": activity_rows,
        "texts": texts,
        "judgement": JUDGEMENT_WORDS.get(texts.judgement, texts.judgement)
        if texts.judgement
        else "",
        "proposal": proposal,
        "proposal_word": JUDGEMENT_WORDS.get(proposal, proposal),
        "stored_proposal_word": JUDGEMENT_WORDS.get(texts.proposed, texts.proposed),
        "differs": texts.overridden,
        "verdicts": verdicts,
        "finance_url": _finance_url(goal, year.year),
        "history": change_rows(goal_changes(plan, goal)[:100]),
        "can_edit": _may_edit(request, plan),
    }
    return render(request, "planning/doel.html", context)


def _back_to_goal(goal: Goal, year: int | None = None):
    url = reverse("planning:doel", kwargs={"key": goal.key})
    return redirect(_with_year(url, year) if year else url)


@dashboard_view
def goal_edit(request: HttpRequest, key: str) -> HttpResponse:
    plan = _editable_plan(request)
    goal = _goal(request, plan, key)
    _not_found_if_removed(goal)
    initial = values_of(goal, GOAL_FIELDS)
    form = GoalForm(request.POST or None, initial=initial, plan=plan, goal=goal)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in GOAL_FIELDS}
        if edit_goal(goal, values, request.user):
            messages.success(request, f"Doel {goal.label} is opgeslagen.")
        else:
            messages.info(request, "Er is niets gewijzigd.")
        return _back_to_goal(goal)
    context = {"plan": plan, "goal": goal, "form": form}
    return render(request, "planning/doel_bewerken.html", context)


@dashboard_view
def goal_remove(request: HttpRequest, key: str) -> HttpResponse:
    plan = _editable_plan(request)
    goal = _goal(request, plan, key)
    if goal.removed_at is not None:
        messages.info(request, f"Doel {goal.label} was al verwijderd.")
        return redirect("planning:plan")
    if request.method == "POST":
        remove_goal(goal, request.user)
        messages.success(
            request,
            f"Doel {goal.label} ‘{goal.name}’ is verwijderd. Activiteiten, geld en teksten "
            "blijven bewaard; u kunt het doel terugzetten.",
        )
        return redirect("planning:plan")
    context = {"plan": plan, "goal": goal, "kept": _kept_counts(goal)}
    return render(request, "planning/doel_verwijderen.html", context)


@dashboard_view
@require_POST
def goal_restore(request: HttpRequest, key: str) -> HttpResponse:
    plan = _editable_plan(request)
    goal = _goal(request, plan, key)
    if goal.removed_at is None:
        messages.info(request, f"Doel {goal.label} staat al in het plan.")
        return _back_to_goal(goal)
    try:
        restore_goal(goal, request.user)
    except GoalCodeTaken as exc:
        messages.error(request, str(exc))
        return redirect("planning:plan")
    messages.success(request, f"Doel {goal.label} ‘{goal.name}’ staat weer in het plan.")
    return _back_to_goal(goal)


# -- targets of an indicator -------------------------------------------------------------------
@dashboard_view
def targets_edit(request: HttpRequest, key: str) -> HttpResponse:
    plan = _editable_plan(request)
    indicator = _indicator(request, plan, key)
    period = plan_period(plan)
    years = sorted(set(period or []) | {t.year for t in indicator.targets.all()})
    if not years:
        years = [default_year(plan)]
    form = TargetsForm(request.POST or None, indicator=indicator, years=years)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        if save_targets(indicator, cleaned["targets"], cleaned["public"], request.user):
            messages.success(request, f"De streefwaarden van ‘{indicator.name}’ zijn opgeslagen.")
        else:
            messages.info(request, "Er is niets gewijzigd.")
        return redirect("planning:streefwaarden", key=indicator.key)
    context = {
        "plan": plan,
        "indicator": indicator,
        "form": form,
        "goals": indicator.goals.filter(removed_at__isnull=True),
        "history": change_rows(changes_of(plan, "indicator", indicator.key)[:100]),
    }
    return render(request, "planning/streefwaarden.html", context)


# -- activities --------------------------------------------------------------------------------
def _status_input(cleaned: dict) -> StatusInput:
    return StatusInput(
        **{name: cleaned.get(name, "") for name, _ in STATUS_FIELDS},
        toelichting=cleaned.get("toelichting", "").strip(),
    )


def _warn(request: HttpRequest, status: StatusInput) -> None:
    warnings = status.warnings()
    if warnings:
        messages.warning(
            request, "Let op: " + "; ".join(warnings) + ". Vul een toelichting aan als dat kan."
        )


@dashboard_view
def activity_new(request: HttpRequest, key: str, year: int) -> HttpResponse:
    plan = _editable_plan(request)
    goal = _goal(request, plan, key)
    _not_found_if_removed(goal)
    _check_year(year)
    form = NewActivityForm(
        request.POST or None, initial={"moment": DEFAULT_MOMENT}, goal=goal, year=year
    )
    if request.method == "POST" and form.is_valid():
        status = _status_input(form.cleaned_data)
        with transaction.atomic():
            activity = save_activity(
                goal, year, form.cleaned_data["code"], form.cleaned_data["name"], user=request.user
            )
            set_status(activity, status, form.cleaned_data["moment"], request.user)
        messages.success(request, f"Activiteit {activity.code} is toegevoegd aan {year}.")
        _warn(request, status)
        return _back_to_goal(goal, year)
    context = {"plan": plan, "goal": goal, "year": year, "form": form}
    return render(request, "planning/activiteit_nieuw.html", context)


@dashboard_view
def activity_page(request: HttpRequest, key: str, year: int, code: str) -> HttpResponse:
    plan = _editable_plan(request)
    goal = _goal(request, plan, key)
    _check_year(year)
    activity = get_object_or_404(
        Activity.objects.visible_to(request.user), goal=goal, year=year, code=code
    )
    current = activity.current_status()
    initial = {"name": activity.name, "moment": current.moment if current else DEFAULT_MOMENT}
    if current:
        initial.update({name: getattr(current, name) for name, _ in STATUS_FIELDS})
        initial["toelichting"] = current.toelichting
    form = ActivityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        status = _status_input(form.cleaned_data)
        with transaction.atomic():
            renamed = form.cleaned_data["name"] != activity.name
            save_activity(goal, year, activity.code, form.cleaned_data["name"], user=request.user)
            row = set_status(activity, status, form.cleaned_data["moment"], request.user)
        if row or renamed:
            messages.success(request, f"Activiteit {activity.code} is opgeslagen.")
        else:
            messages.info(request, "Er is niets gewijzigd.")
        _warn(request, status)
        return redirect(activity_url(activity))
    history = [
        {"status": status, "badges": _status_badges(status)} for status in activity.statuses.all()
    ]
    context = {
        "plan": plan,
        "goal": goal,
        "year": year,
        "activity": activity,
        "form": form,
        "history": history,
    }
    return render(request, "planning/activiteit.html", context)


def activity_url(activity: Activity) -> str:
    return reverse(
        "planning:activiteit",
        kwargs={"key": activity.goal.key, "year": activity.year, "code": activity.code},
    )


# -- texts and doel gehaald --------------------------------------------------------------------
@dashboard_view
def judgement_edit(request: HttpRequest, key: str, year: int) -> HttpResponse:
    plan = _editable_plan(request)
    goal = _goal(request, plan, key)
    _not_found_if_removed(goal)
    _check_year(year)
    current = goal_year(goal, year)
    proposal, results = goal_proposal(goal, year)
    judged = bool(current.pk and current.judgement)
    initial = {
        "realisation": current.realisation,
        "judgement": current.judgement if judged else proposal,
        "judgement_note": current.judgement_note,
    }
    form = GoalYearForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {
            "realisation": form.cleaned_data["realisation"].strip(),
            "judgement": form.cleaned_data["judgement"],
            "judgement_note": form.cleaned_data["judgement_note"].strip(),
        }
        saved = save_goal_year(goal, year, values, proposed=proposal, user=request.user)
        text = f"Teksten en oordeel van doel {goal.label} over {year} zijn opgeslagen."
        if saved.overridden:
            text += (
                f" Het oordeel ({JUDGEMENT_WORDS[saved.judgement]}) wijkt af van het voorstel "
                f"({JUDGEMENT_WORDS.get(saved.proposed, saved.proposed)})."
            )
        messages.success(request, text)
        return _back_to_goal(goal, year)
    verdicts = _verdict_rows(results)
    context = {
        "plan": plan,
        "goal": goal,
        "year": year,
        "form": form,
        "proposal": proposal,
        "proposal_word": JUDGEMENT_WORDS.get(proposal, proposal),
        "judged": judged,
        "verdicts": verdicts,
    }
    return render(request, "planning/oordeel.html", context)
