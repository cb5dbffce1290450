"""Uploading files in the web (issue #11, part 6). Thin: the form picks a kind, and
``uploads.services.upload`` hands the file to the import service the command line uses.

- Every page needs a log-in (redirect), the dashboard permission and a gemeente
  (``ui.pages.dashboard_view``), and at least one kind of file the user may upload (403):
  figures, areas, boundaries and incidents with ``imports.add_importrun`` (analist), the plan
  and activities with ``policy.bewerken`` (beleidsadviseur), money and credits with
  ``policy.financien_bewerken`` (controller). Posting a kind one may not upload is a 403.
- After an upload the browser is sent to the run's report (post/redirect/get). A user sees
  only their own runs: another user's run is a 404, as one that does not exist.
- With ``OV_TAKEN=database`` the upload is a background task: the browser is sent to the
  task's page (``/inlezen/taak/<id>/``), which shows how far it is (steps done of total; the
  import itself, then the analyses per gemeente) and has a button to cancel it (POST, CSRF;
  owner only). When it is done, that page sends the browser on to the run's report.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from openveiligheid.accounts.access import request_scope
from openveiligheid.accounts.roles import UPLOAD_DATA
from openveiligheid.core.errors import count_text
from openveiligheid.imports.models import ImportRun
from openveiligheid.jobs.models import BackgroundTask
from openveiligheid.jobs.tasks import cancel, queued_in_database
from openveiligheid.ui.pages import current_plan, dashboard_view
from openveiligheid.uploads.forms import UploadForm, max_size_text
from openveiligheid.uploads.services import (
    KINDS_BY_KEY,
    RUN_KIND_LABELS,
    UPLOAD_TASK,
    Kind,
    allowed_kinds,
    submit_upload,
    upload,
)

PER_PAGE = 25
#: The warnings of the last uploads, by run id, kept in the session for the report page.
WARNINGS_KEY = "uploads_waarschuwingen"
WARNINGS_KEPT = 10
WARNINGS_PER_RUN = 500
#: At most this many problems are listed on the report page (the rest are counted).
PROBLEMS_SHOWN = 500
#: The services speak of the command's options; what they are called on the upload page.
OPTION_HINTS = {
    "--vervang-alles": "Op deze pagina is --vervang-alles het vinkje „Sta toe dat dit bestand "
    "meer eerder ingelezen cijfers of incidenten verwijdert dan het brengt”.",
    "--indeling": "Op deze pagina is --indeling het veld „Gebiedsindeling (jaar)”.",
    "--nullen-weggelaten": "Op deze pagina is --nullen-weggelaten het vinkje „Het bestand "
    "laat nullen weg”.",
    "import_boundaries": "Op deze pagina leest u buurtgrenzen in als „Gebiedsgrenzen”.",
}


def _kinds(request: HttpRequest) -> list[Kind]:
    """The kinds this user may upload for the chosen gemeente; none is a 403."""
    gemeente = request_scope(request).gemeente
    kinds = allowed_kinds(request.user, gemeente.code if gemeente else None)
    if not kinds:
        raise PermissionDenied
    return kinds


@dashboard_view
@require_http_methods(["GET", "POST"])
def inlezen(request: HttpRequest) -> HttpResponse:
    kinds = _kinds(request)
    gemeente = request_scope(request).gemeente
    plan = current_plan(request)
    if request.method == "POST":
        chosen = request.POST.get("soort", "")
        if chosen in KINDS_BY_KEY and KINDS_BY_KEY[chosen] not in kinds:
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES, kinds=kinds)
        if form.is_valid():
            if form.kind.needs_plan and plan is None:
                form.add_error(
                    "soort",
                    f"De gemeente {gemeente.name} heeft nog geen plan; lees eerst een plan in.",
                )
            else:
                upload_of = (
                    form.kind,
                    form.cleaned_data["bestand"],
                    form.options(),
                    request.user,
                    plan,
                    gemeente.code,
                )
                if queued_in_database():
                    return redirect("uploads:taak", pk=submit_upload(*upload_of).pk)
                outcome = upload(*upload_of)
                if outcome.run is not None:
                    _keep_warnings(request, outcome.run.pk, outcome.warnings)
                    return redirect("uploads:resultaat", pk=outcome.run.pk)
                form.add_error(None, "Het inlezen is mislukt zonder verslag; meld dit aan beheer.")
    else:
        form = UploadForm(kinds=kinds)
    recent = ImportRun.objects.filter(user=request.user).order_by("-started_at", "-pk")[:5]
    running = BackgroundTask.objects.filter(
        owner=request.user,
        kind=UPLOAD_TASK,
        status__in=[BackgroundTask.QUEUED, BackgroundTask.RUNNING],
    ).order_by("created_at", "pk")
    return render(
        request,
        "uploads/inlezen.html",
        {
            "form": form,
            "plan": plan,
            "gemeente": gemeente,
            "max_size": max_size_text(),
            "figure_options": any(k.permission == UPLOAD_DATA for k in kinds),
            "year_options": any("jaar" in k.options for k in kinds),
            "recent": [_row(run) for run in recent],
            "running": list(running),
            "queued": queued_in_database(),
        },
    )


@dashboard_view
@require_http_methods(["GET"])
def resultaat(request: HttpRequest, pk: int) -> HttpResponse:
    _kinds(request)
    run = get_object_or_404(ImportRun, pk=pk, user=request.user)
    problems = run.errors if isinstance(run.errors, list) else []
    listed = [p for p in problems if not (isinstance(p, dict) and p.get("more"))]
    warnings = request.session.get(WARNINGS_KEY, {}).get(str(run.pk), [])
    return render(
        request,
        "uploads/resultaat.html",
        {
            "run": run,
            "row": _row(run),
            "plan": current_plan(request),
            "problems": listed[:PROBLEMS_SHOWN],
            "problems_hidden": _hidden(problems, len(listed[:PROBLEMS_SHOWN])),
            "warnings": warnings,
            "hints": _hints(run, problems),
            "counters": [
                (label, getattr(run, name))
                for name, label in [
                    ("read", "gelezen"),
                    ("created", "nieuw"),
                    ("updated", "bijgewerkt"),
                    ("deleted", "vervallen"),
                    ("rejected", "afgewezen"),
                    ("derived", "afgeleid"),
                ]
            ],
        },
    )


def _task(request: HttpRequest, pk: int) -> BackgroundTask:
    """The user's own upload task; another user's is a 404, as one that does not exist."""
    return get_object_or_404(BackgroundTask, pk=pk, owner=request.user, kind=UPLOAD_TASK)


def _state(record: BackgroundTask) -> dict:
    """How far an upload task is, as the page and its JSON say it. The percentage counts
    steps that are done (the import, then each gemeente's analyses); it is only given while
    the number of steps is known, never made up."""
    children = list(record.children.values_list("status", flat=True))
    pending = sum(status not in BackgroundTask.FINISHED for status in children)
    finished = record.finished and not pending
    done, total = record.steps_done, max(record.steps_total, 1 + len(children))
    if record.status == BackgroundTask.QUEUED:
        ahead = BackgroundTask.objects.filter(
            status=BackgroundTask.QUEUED, created_at__lt=record.created_at
        ).count()
        text = f"Wacht op een werker ({ahead} taak/taken eerder in de rij)."
    elif record.status == BackgroundTask.RUNNING:
        text = f"Bezig: {record.step or 'inlezen'}."
        if record.cancel_requested_at:
            text += " Afbreken is gevraagd."
    elif pending:
        text = (
            f"Ingelezen; de analyses per gemeente lopen nog: {len(children) - pending} van "
            f"{len(children)} klaar."
        )
    else:
        text = record.message
    percent = None
    if not finished and (record.status != BackgroundTask.RUNNING or total > 1):
        percent = int(100 * min(done, total) / total)
    verder = ""
    if finished and record.import_run_id is not None:
        verder = reverse("uploads:resultaat", args=[record.import_run_id])
    return {
        "status": record.status,
        "klaar": finished,
        "tekst": text,
        "procent": percent,
        "stappen_klaar": min(done, total),
        "stappen": total,
        "verder": verder,
    }


@dashboard_view
@never_cache
@require_http_methods(["GET"])
def taak(request: HttpRequest, pk: int) -> HttpResponse:
    _kinds(request)
    record = _task(request, pk)
    state = _state(record)
    if state["klaar"] and state["verder"] and record.status != BackgroundTask.CANCELLED:
        _keep_warnings(request, record.import_run_id, record.result.get("waarschuwingen", []))
        return redirect(state["verder"])
    return render(
        request,
        "uploads/taak.html",
        {"task": record, "state": state, "plan": current_plan(request)},
    )


@dashboard_view
@never_cache
@require_http_methods(["GET"])
def taak_stand(request: HttpRequest, pk: int) -> JsonResponse:
    _kinds(request)
    return JsonResponse(_state(_task(request, pk)))


@dashboard_view
@require_http_methods(["POST"])
def afbreken(request: HttpRequest, pk: int) -> HttpResponse:
    _kinds(request)
    record = _task(request, pk)
    messages.info(request, cancel(record, request.user))
    return redirect("uploads:taak", pk=record.pk)


@dashboard_view
@require_http_methods(["GET"])
def geschiedenis(request: HttpRequest) -> HttpResponse:
    _kinds(request)
    runs = ImportRun.objects.filter(user=request.user).order_by("-started_at", "-pk")
    page = Paginator(runs, PER_PAGE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "uploads/geschiedenis.html",
        {
            "page": page,
            "rows": [_row(run) for run in page.object_list],
            "plan": current_plan(request),
        },
    )


def _row(run: ImportRun) -> dict:
    return {
        "run": run,
        "kind": RUN_KIND_LABELS.get(run.kind, run.kind),
        "status_class": {
            ImportRun.SUCCEEDED: "ok",
            ImportRun.SKIPPED: "skipped",
            ImportRun.FAILED: "failed",
        }.get(run.status, "busy"),
    }


def _hidden(problems: list, shown: int) -> str:
    """How many problems of a run are not shown ("" if none): the listed ones beyond the page
    and those the import only counted (``core.errors.MoreProblems``)."""
    total = sum(int(p.get("more", 1)) if isinstance(p, dict) else 1 for p in problems)
    return count_text(total - shown) if total > shown else ""


def _hints(run: ImportRun, problems: list) -> list[str]:
    texts = [run.message] + [str(p.get("message", "")) for p in problems if isinstance(p, dict)]
    return [hint for option, hint in OPTION_HINTS.items() if any(option in t for t in texts)]


def _keep_warnings(request: HttpRequest, pk: int, warnings: list[str]) -> None:
    kept = dict(request.session.get(WARNINGS_KEY, {}))
    if not warnings and str(pk) not in kept:
        return
    kept[str(pk)] = warnings[:WARNINGS_PER_RUN]
    request.session[WARNINGS_KEY] = dict(list(kept.items())[-WARNINGS_KEPT:])
