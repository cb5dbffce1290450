"""The jaarverslag pages: the section of a year (whole plan or one goal), its downloads, and
vaststellen (freezing the year). Thin: the report object comes from ``database.plan_report``
or from the adopted snapshot, the blocks from ``document.blocks``; this module only chooses
which and draws the blocks into the page."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from openveiligheid.accounts.roles import ADOPT_REPORT
from openveiligheid.accounts.services import gemeente_name
from openveiligheid.core.errors import InputError
from openveiligheid.indicators.services import plan_period
from openveiligheid.policy.models import Plan
from openveiligheid.policy.planload import current_themes
from openveiligheid.policy.yearwork import default_year
from openveiligheid.reports import render_docx, render_json, render_md
from openveiligheid.reports.adoption import adopt, differences
from openveiligheid.reports.database import plan_report
from openveiligheid.reports.document import Block, Heading, Notes, Paragraph, Table, blocks
from openveiligheid.reports.forms import AdoptForm
from openveiligheid.reports.models import AdoptedReport
from openveiligheid.ui.pages import current_plan, dashboard_view

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: fmt -> (content type, renderer of the report object)
FORMATS = {
    "docx": (DOCX, render_docx.render),
    "md": ("text/markdown; charset=utf-8", render_md.render),
    "json": ("application/json; charset=utf-8", render_json.render),
}
#: How many years before today the year selector offers for a plan without a period.
YEARS_WITHOUT_PERIOD = 5


# -- which report ------------------------------------------------------------------------------


def report_years(plan: Plan, adopted: set[int]) -> list[int]:
    """The years the selector offers, newest first: the plan's years that are not in the
    future (or the last few years for a plan without a period), and every adopted year."""
    this_year = timezone.localdate().year
    period = plan_period(plan)
    if period:
        years = {year for year in period if year <= this_year}
    else:
        years = set(range(this_year - YEARS_WITHOUT_PERIOD + 1, this_year + 1))
    return sorted(years | adopted, reverse=True)


def report_year(plan: Plan, adopted: set[int]) -> int:
    """The newest adopted year, else the plan's default year (``yearwork.default_year``)."""
    return max(adopted) if adopted else default_year(plan)


def _year(text: str | None) -> int | None:
    try:
        return int(text or "")
    except ValueError:
        return None


@dataclass
class Selection:
    """What the page shows: a year, the whole plan or one goal, adopted or today's."""

    plan: Plan
    year: int
    years: list[int]
    goal: str  #: the goal's id, "" for the whole plan
    goals: list[tuple[str, str]]  #: (id, label) to choose from
    adopted: AdoptedReport | None
    current: bool  #: today's figures asked for (``?actueel=1``) although the year is adopted

    @property
    def frozen(self) -> bool:
        return self.adopted is not None and not self.current

    def query(self, **extra) -> str:
        params = {"jaar": self.year}
        if self.goal:
            params["doel"] = self.goal
        if self.current and self.adopted:
            params["actueel"] = 1
        params.update(extra)
        return urlencode(params)

    def report(self) -> dict:
        """The report object shown: the adopted snapshot, or built from today's data."""
        if self.frozen:
            return only_goal(self.adopted.content, self.goal)
        return plan_report(self.plan, self.year, self.goal or None)


def only_goal(report: dict, goal: str) -> dict:
    """The report object with only the goal whose id is ``goal`` ("" keeps all)."""
    if not goal:
        return report
    return {**report, "doelen": [g for g in report["doelen"] if g["id"] == goal]}


def select(request: HttpRequest, plan: Plan) -> Selection:
    """The selection of the query string; an unknown year gives the default, an unknown goal
    a 404."""
    adopted_reports = {a.year: a for a in AdoptedReport.objects.filter(plan=plan)}
    years = report_years(plan, set(adopted_reports))
    year = _year(request.GET.get("jaar"))
    if year not in years:
        year = report_year(plan, set(adopted_reports))
    adopted = adopted_reports.get(year)
    current = request.GET.get("actueel") == "1"
    if adopted is not None and not current:
        goals = [(g["id"], f"{g['doel']} {g['naam']}") for g in adopted.content["doelen"]]
        names = {g["doel"]: g["id"] for g in adopted.content["doelen"]}
    else:
        goals, names = [], {}
        for theme in current_themes(plan):
            for goal in theme.current_goals:
                goals.append((goal.key, f"{goal.code} {goal.name}" if goal.code else goal.name))
                if goal.code:
                    names[goal.code] = goal.key
    names.update({key: key for key, _ in goals})
    asked = request.GET.get("doel", "")
    if asked and asked not in names:
        raise Http404("Dit doel staat niet in het plan.")
    return Selection(plan, year, years, names.get(asked, ""), goals, adopted, current)


# -- blocks into the page ----------------------------------------------------------------------


def as_page(parts: list[Block]) -> list[dict]:
    """The blocks as plain dicts for the template ``reports/_blocks.html`` (no markup here:
    the template escapes every text)."""
    out: list[dict] = []
    label = ""
    for block in parts:
        if isinstance(block, Heading):
            label = block.text
            out.append({"kind": "heading", "level": min(block.level, 6), "text": block.text})
        elif isinstance(block, Paragraph):
            out.append({"kind": "paragraph", "text": block.text})
        elif isinstance(block, Notes):
            out.append({"kind": "notes", "items": list(block.items)})
        elif isinstance(block, Table):
            out.append({"kind": "table", **_table(block, block.caption or label)})
    return out


def _table(table: Table, label: str) -> dict:
    rows = []
    for number, row in enumerate(table.rows):
        cells = [
            {
                "text": text,
                "numeric": column in table.numeric,
                "status": text if column in table.statuses and text else "",
                "row_header": column == 0 and bool(text) and not table.statuses,
            }
            for column, text in enumerate(row)
        ]
        rows.append({"total": number in table.totals, "cells": cells})
    headings = [
        {"text": text, "numeric": column in table.numeric}
        for column, text in enumerate(table.headings)
    ]
    return {"caption": table.caption, "label": label, "headings": headings, "rows": rows}


def title_and_body(parts: list[Block]) -> tuple[str, list[Block]]:
    """The document's title (its first heading) and the blocks after it."""
    if parts and isinstance(parts[0], Heading) and parts[0].level == 1:
        return parts[0].text, parts[1:]
    return "Jaarverslag", parts


# -- the pages ---------------------------------------------------------------------------------


def may_adopt(request: HttpRequest, selection: Selection) -> bool:
    return (
        request.user.has_perm(ADOPT_REPORT)
        and selection.adopted is None
        and selection.year < timezone.localdate().year
    )


@dashboard_view
def jaarverslag(request: HttpRequest) -> HttpResponse:
    plan = current_plan(request)
    if plan is None:
        return render(request, "dashboard/geen_plan.html")
    selection = select(request, plan)
    report = selection.report()
    title, body = title_and_body(blocks(report))
    changes = None
    if selection.frozen:
        changes = differences(report, plan_report(plan, selection.year, selection.goal or None))
    context = {
        "plan": plan,
        "selection": selection,
        "title": title,
        "blocks": as_page(body),
        "changes": changes,
        "downloads": [
            (fmt, reverse("reports:download", kwargs={"fmt": fmt}) + "?" + selection.query())
            for fmt in FORMATS
        ],
        "may_adopt": may_adopt(request, selection),
        "current_query": selection.query(actueel=1),
        "adopted_query": selection.query(),
    }
    return render(request, "reports/jaarverslag.html", context)


def file_name(plan: Plan, selection: Selection, fmt: str) -> str:
    """``jaarverslag-<gemeente>-<jaar>[-<doel>][-actueel].<fmt>``."""
    parts = ["jaarverslag", slugify(gemeente_name(plan.gemeente_code)) or plan.gemeente_code]
    parts.append(str(selection.year))
    if selection.goal:
        parts.append(slugify(selection.goal))
    if selection.current and selection.adopted:
        parts.append("actueel")
    return "-".join(parts) + f".{fmt}"


@dashboard_view
def download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("Onbekend formaat")
    plan = current_plan(request)
    if plan is None:
        raise Http404("Er is nog geen plan ingelezen.")
    selection = select(request, plan)
    content_type, render_report = FORMATS[fmt]
    response = HttpResponse(render_report(selection.report()), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name(plan, selection, fmt)}"'
    return response


def refusal(plan: Plan, year: int) -> str:
    """Why ``year`` cannot be adopted now, or ""."""
    this_year = timezone.localdate().year
    if year >= this_year:
        return (
            f"Het jaar {year} is nog niet voorbij: een jaarverslag wordt vastgesteld na afloop "
            "van het jaar."
        )
    if AdoptedReport.objects.filter(plan=plan, year=year).exists():
        return (
            f"Het jaarverslag {year} is al vastgesteld; een vastgesteld jaar verandert niet meer."
        )
    return ""


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


@dashboard_view
@require_http_methods(["GET", "POST"])
def vaststellen(request: HttpRequest, year: int) -> HttpResponse:
    if not request.user.has_perm(ADOPT_REPORT):
        raise PermissionDenied
    plan = current_plan(request)
    if plan is None:
        raise Http404("Er is nog geen plan ingelezen.")
    adopted = {a.year for a in AdoptedReport.objects.filter(plan=plan)}
    if year not in report_years(plan, adopted) and year < timezone.localdate().year:
        raise Http404("Dit jaar hoort niet bij het plan.")
    back = reverse("reports:jaarverslag") + f"?jaar={year}"
    reason = refusal(plan, year)
    form = AdoptForm(request.POST if request.method == "POST" else None, year=year)
    if request.method == "POST":
        if reason:
            messages.error(request, reason)
            return redirect(back)
        if form.is_valid():
            try:
                adopt(plan, year, request.user, form.cleaned_data["adopted_on"])
            except InputError as error:
                messages.error(request, " ".join(_sentence(p.message) for p in error.problems))
                return redirect(back)
            messages.success(request, f"Het jaarverslag {year} is vastgesteld en bevroren.")
            return redirect(back)
    context = {"plan": plan, "year": year, "form": form, "reason": reason, "back": back}
    return render(request, "reports/vaststellen.html", context)
