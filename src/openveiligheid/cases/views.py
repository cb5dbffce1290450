"""The register pages and the FG's audit-log page. Thin: every read of case data goes through
``Case.objects.visible_to(user)`` or the audited functions of ``cases.services``.

- Register pages need a log-in (redirect) and a role in a register (403); a page of one register
  needs that register's role (403). A case or person the user may not see is a 404, the same
  answer as one that does not exist.
- Person data are shown only after the user has chosen a purpose (doelbinding): without a valid
  ``?doel=`` a case or person page shows the question and nothing else.
- The audit log needs the permission ``audit.bekijken`` through a role (the FG); every look at
  it and every export of it is itself recorded.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from openveiligheid.accounts.access import granted_permissions, request_scope
from openveiligheid.accounts.services import gemeente_name
from openveiligheid.areas.services import area_names
from openveiligheid.audit import services as audit
from openveiligheid.audit.models import AuditEvent
from openveiligheid.cases import services
from openveiligheid.cases.access import (
    case_gemeenten,
    entitled_registers,
    may_see_register,
    visible_links,
)
from openveiligheid.cases.crypto import decrypt_bsn
from openveiligheid.cases.forms import (
    CASE_FORMS,
    AuditFilterForm,
    CaseFilterForm,
    CaseForm,
    JournalForm,
    LinkForm,
    PersonForm,
    PurposeForm,
    SearchForm,
    StatusForm,
)
from openveiligheid.cases.models import CASE_MODELS, Case, CasePerson, Person
from openveiligheid.cases.registers import PURPOSES, REGISTERS, Register
from openveiligheid.core.csvfiles import safe_text
from openveiligheid.ui.pages import NO_GEMEENTE

PER_PAGE = 25
AUDIT_PER_PAGE = 50
#: The purpose recorded when the FG reads or exports the audit log.
FG_PURPOSE = PURPOSES[-1]
#: The prefix of each action form on a case page (form fields get unique ids).
PREFIXES = {"journaal": "journaal", "status": "status", "persoon": "persoon", "koppeling": "kop"}


# --- who may open what ----------------------------------------------------------------------------


def case_view(view):
    """Log-in first (redirect), then a role in at least one register (403)."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not entitled_registers(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(checked)


def register_view(view):
    """A page of one register: the role of that register (403); an unknown register is a 404.
    The view gets the ``Register`` instead of its key."""

    @functools.wraps(view)
    def checked(request: HttpRequest, register: str, *args, **kwargs) -> HttpResponse:
        if register not in REGISTERS:
            raise Http404("Dit register bestaat niet.")
        if not may_see_register(request.user, register):
            raise PermissionDenied
        return view(request, REGISTERS[register], *args, **kwargs)

    return case_view(checked)


def may_read_audit(user) -> bool:
    """Whether ``user`` may read the audit log: ``audit.bekijken`` through a role or their own
    permissions, never through being a superuser (as with case data, ``cases.access``)."""
    return "bekijken" in granted_permissions(user, "audit")


def audit_view(view):
    """Log-in first (redirect), then the FG's permission to read the audit log (403)."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not may_read_audit(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(checked)


def case_gemeente(request: HttpRequest) -> str:
    """The gemeente whose register a page shows: the one chosen in the header when the user
    works for it, else the first they work for (a 403 when there is none)."""
    own = case_gemeenten(request.user)
    chosen = request_scope(request).gemeente_code
    if chosen in own:
        return chosen
    if not own:
        raise PermissionDenied(NO_GEMEENTE)
    return sorted(own)[0]


# --- small helpers ------------------------------------------------------------------------------


def case_url(pk: int, doel: str | None = None) -> str:
    url = reverse("cases:casus", kwargs={"pk": pk})
    return f"{url}?{urlencode({'doel': doel})}" if doel else url


def person_url(pk: int, doel: str | None = None, **extra) -> str:
    url = reverse("cases:persoon", kwargs={"pk": pk})
    query = {"doel": doel, **extra} if doel else extra
    return f"{url}?{urlencode(query)}" if query else url


def add_errors(form: Form, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: on the field it names when the form has
    that field, else above the form. A duplicate case number goes to the number field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        for item in errors:
            if item.code == "unique_together" and "number" in form.fields:
                form.add_error("number", "Dit zaaknummer bestaat al in dit register.")
            elif field in form.fields and field != NON_FIELD_ERRORS:
                form.add_error(field, item)
            else:
                form.add_error(None, item)


def _display(value) -> object:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return value


def register_facts(case: Case) -> list[tuple[str, object]]:
    """(label, value) of the register's own fields of ``case`` (the subclass's fields)."""
    model = CASE_MODELS[case.register]
    facts = []
    for field in model._meta.get_fields(include_parents=False):
        if not getattr(field, "concrete", False) or field.one_to_one:
            continue
        facts.append((str(field.verbose_name).capitalize(), _display(getattr(case, field.name))))
    return facts


def export_fields(register: str) -> list:
    """The fields of a register's export: everything except person data (the subclass's
    ``PERSONAL_FIELDS``) and bookkeeping."""
    model = CASE_MODELS[register]
    skipped = {"id", "created_at", "updated_at", "anonymised_at", "import_run", "register"}
    return [
        field
        for field in model._meta.concrete_fields
        if not field.one_to_one
        and field.name not in skipped
        and field.name not in model.PERSONAL_FIELDS
    ]


# --- the registers ------------------------------------------------------------------------------


@case_view
def registers(request: HttpRequest) -> HttpResponse:
    """The registers the user works in, with their number of open cases."""
    gemeente = case_gemeente(request)
    visible = Case.objects.visible_to(request.user).filter(gemeente_code=gemeente)
    open_counts = dict(
        visible.filter(closed__isnull=True)
        .values_list("register")
        .annotate(n=Count("pk"))
        .order_by()
    )
    entitled = entitled_registers(request.user)
    rows = [
        {"register": register, "open": open_counts.get(register.key, 0)}
        for register in REGISTERS.values()
        if register.key in entitled
    ]
    context = {"rows": rows, "gemeente": gemeente_name(gemeente)}
    return render(request, "cases/registers.html", context)


@register_view
@require_http_methods(["GET", "POST"])
def case_list(request: HttpRequest, register: Register) -> HttpResponse:
    """The register's cases (no person data), filtered by status; POST searches (audited). The
    search is a POST so that a name never ends up in an address, a browser history or a log."""
    gemeente = case_gemeente(request)
    cases = Case.objects.visible_to(request.user).filter(
        register=register.key, gemeente_code=gemeente
    )
    search_form = SearchForm(request.POST if request.method == "POST" else None)
    searched = request.method == "POST" and search_form.is_valid()
    if searched:
        found = services.search(request.user, search_form.cleaned_data["zoek"], register.key)
        cases = found.filter(gemeente_code=gemeente)
    filter_form = CaseFilterForm(request.GET)
    status = filter_form.cleaned_data.get("status") if filter_form.is_valid() else ""
    if status:
        cases = cases.filter(status=status)
    page = Paginator(cases.order_by("-opened", "number"), PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    wijken = area_names(case.wijk_code for case in page)
    rows = [(case, wijken.get(case.wijk_code, "")) for case in page]
    context = {
        "register": register,
        "gemeente": gemeente_name(gemeente),
        "page": page,
        "rows": rows,
        "status": status,
        "filter_form": filter_form,
        "search_form": search_form,
        "searched": searched,
    }
    return render(request, "cases/lijst.html", context)


@register_view
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest, register: Register) -> HttpResponse:
    """Open a new case of the register, for the gemeente chosen in the header."""
    gemeente = case_gemeente(request)
    form_class: type[CaseForm] = CASE_FORMS[register.key]
    form = form_class(request.POST or None, gemeente_code=gemeente)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(request.user, register.key, gemeente, **form.case_fields())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Casus {case.number} is geopend.")
            return redirect(case_url(case.pk, PURPOSES[0]))
    no_buurten = len(form.fields["buurt"].choices) <= 1
    context = {
        "register": register,
        "gemeente": gemeente_name(gemeente),
        "form": form,
        "no_buurten": no_buurten,
    }
    return render(request, "cases/nieuw.html", context)


# --- one case -------------------------------------------------------------------------------------


def purpose_page(request: HttpRequest, what: str, action: str) -> HttpResponse:
    """The question "with which purpose?" and nothing else of the case or person."""
    question = {
        "casus": "Met welk doel opent u deze casus?",
        "persoon": "Met welk doel opent u de gegevens van deze persoon?",
    }[what]
    form = PurposeForm(request.GET if "doel" in request.GET else None, question=question)
    return render(request, "cases/doel.html", {"form": form, "what": what, "action": action})


@case_view
@require_http_methods(["GET"])
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    doel = PurposeForm.valid_purpose(request.GET.get("doel"))
    if doel is None:
        if not Case.objects.visible_to(request.user).filter(pk=pk).exists():
            raise Http404("Deze casus bestaat niet, of u mag hem niet zien.")
        return purpose_page(request, "casus", case_url(pk))
    return case_page(request, pk, doel)


def case_page(
    request: HttpRequest, pk: int, doel: str, bound: dict[str, Form] | None = None
) -> HttpResponse:
    """The case, read through ``services.view_case`` (audited with ``doel``), with the forms of
    its actions (``bound``: the one just posted, with its errors)."""
    try:
        case = services.view_case(request.user, pk, doel)
    except Case.DoesNotExist:
        raise Http404("Deze casus bestaat niet, of u mag hem niet zien.") from None
    bound = bound or {}
    action_forms = {
        "journaal": bound.get("journaal") or JournalForm(prefix=PREFIXES["journaal"]),
        "status": bound.get("status") or StatusForm(prefix=PREFIXES["status"]),
        "persoon": bound.get("persoon") or PersonForm(prefix=PREFIXES["persoon"]),
        "koppeling": bound.get("koppeling") or LinkForm(prefix=PREFIXES["koppeling"]),
    }
    wijk = area_names([case.wijk_code]).get(case.wijk_code, "")
    buurt = area_names([case.buurt_code]).get(case.buurt_code, "")
    persons = case.persons.select_related("person").order_by("person__name", "person__pk")
    context = {
        "case": case,
        "register": REGISTERS[case.register],
        "doel": doel,
        "wijk": wijk,
        "buurt": buurt,
        "facts": register_facts(case),
        "persons": [(link, person_url(link.person_id, doel)) for link in persons],
        "statuses": case.status_changes.all(),
        "journal": case.journal.all(),
        "links": [(other, case_url(other.pk, doel)) for other in visible_links(case, request.user)],
        "forms": action_forms,
    }
    return render(request, "cases/casus.html", context, status=400 if bound else 200)


def case_action(name: str, form_class: type[Form], done: str):
    """A POST view of one action on a case: ``apply(user, case, cleaned_data)`` is given to
    the decorator's result. Afterwards back to the case page, with the purpose kept."""

    def decorate(apply):
        @case_view
        @require_POST
        @functools.wraps(apply)
        def action(request: HttpRequest, pk: int) -> HttpResponse:
            case = Case.objects.visible_to(request.user).filter(pk=pk).first()
            if case is None:
                raise Http404("Deze casus bestaat niet, of u mag hem niet zien.")
            doel = PurposeForm.valid_purpose(request.POST.get("doel"))
            form = form_class(request.POST, prefix=PREFIXES[name])
            if form.is_valid():
                try:
                    apply(request.user, case, form.cleaned_data)
                except ValidationError as error:
                    add_errors(form, error)
                else:
                    messages.success(request, done)
                    return redirect(case_url(pk, doel))
            if doel is None:  # no purpose chosen: show nothing of the case, only what failed
                for error in form.errors.values():
                    messages.error(request, " ".join(error))
                return redirect(case_url(pk))
            return case_page(request, pk, doel, {name: form})

        return action

    return decorate


@case_action("journaal", JournalForm, "De journaalregel is toegevoegd.")
def add_journal(user, case: Case, data: dict) -> None:
    services.add_journal(user, case, data["text"], kind=data["kind"], date=data["date"])


@case_action("status", StatusForm, "De status is gewijzigd.")
def change_status(user, case: Case, data: dict) -> None:
    services.set_status(
        user, case, data["status"], date=data["date"], outcome=data["outcome"].strip()
    )


@case_action("persoon", PersonForm, "De persoon is toegevoegd.")
def add_person(user, case: Case, data: dict) -> None:
    services.add_person(
        user,
        case,
        data["name"],
        birth_date=data["birth_date"],
        bsn=data.get("bsn", ""),
        role=data["role"],
    )


@case_action("koppeling", LinkForm, "De casussen zijn gekoppeld.")
def link_case(user, case: Case, data: dict) -> None:
    """Link to another case by its number: only a case the user may see is found."""
    number = data["number"].strip()
    others = list(Case.objects.visible_to(user).filter(number=number).exclude(pk=case.pk)[:2])
    if not others:
        raise ValidationError(f"Geen casus met zaaknummer {number} gevonden die u mag zien.")
    if len(others) > 1:
        raise ValidationError(
            f"Zaaknummer {number} komt in meer dan één register voor; koppel vanuit de andere "
            "casus."
        )
    services.link_cases(user, case, others[0], note=data["note"].strip())


# --- one person -----------------------------------------------------------------------------------


def mask_bsn(bsn: str) -> str:
    return "•" * 6 + bsn[-3:] if bsn else ""


@case_view
@require_http_methods(["GET"])
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A person (name, date of birth, BSN masked unless asked for) and the cases the user may
    see; read through ``services.view_person`` (audited with the purpose)."""
    doel = PurposeForm.valid_purpose(request.GET.get("doel"))
    if doel is None:
        if not Person.objects.visible_to(request.user).filter(pk=pk).exists():
            raise Http404("Deze persoon bestaat niet, of u mag hem niet zien.")
        return purpose_page(request, "persoon", person_url(pk))
    try:
        person = services.view_person(request.user, pk, doel)
    except Person.DoesNotExist:
        raise Http404("Deze persoon bestaat niet, of u mag hem niet zien.") from None
    show_bsn = request.GET.get("bsn") == "tonen" and bool(person.bsn_encrypted)
    if show_bsn:
        audit.record(
            AuditEvent.PERSON_VIEWED,
            services.person_object(person),
            user=request.user,
            purpose=doel,
            bsn="getoond",
        )
    bsn = decrypt_bsn(person.bsn_encrypted) if person.bsn_encrypted else ""
    visible = Case.objects.visible_to(request.user)
    links = (
        CasePerson.objects.filter(person=person, case__in=visible)
        .select_related("case")
        .order_by("-case__opened", "case__number")
    )
    context = {
        "person": person,
        "doel": doel,
        "bsn": bsn if show_bsn else mask_bsn(bsn),
        "bsn_shown": show_bsn,
        "bsn_url": person_url(pk, doel, bsn="tonen"),
        "cases": [
            (link, REGISTERS[link.case.register], case_url(link.case_id, doel)) for link in links
        ],
    }
    return render(request, "cases/persoon.html", context)


# --- export ---------------------------------------------------------------------------------------


def cases_csv(register: str, cases: QuerySet) -> bytes:
    """The cases as CSV (``;``, UTF-8 with BOM for spreadsheets), without person data, every
    text cell neutralised against formulas."""
    fields = export_fields(register)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(field.verbose_name) for field in fields])
    for case in cases:
        row = []
        for field in fields:
            value = getattr(case, field.name)
            if isinstance(value, list):
                value = ", ".join(str(item) for item in value)
            row.append("" if value is None else safe_text(str(value)))
        writer.writerow(row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@register_view
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest, register: Register) -> HttpResponse:
    """GET: choose the purpose. POST: the CSV of the register's cases of the chosen gemeente,
    recorded in the audit log with that purpose."""
    gemeente = case_gemeente(request)
    form = PurposeForm(request.POST or None, question="Met welk doel exporteert u dit register?")
    if request.method == "POST" and form.is_valid():
        visible = Case.objects.visible_to(request.user).filter(
            register=register.key, gemeente_code=gemeente
        )
        model = CASE_MODELS[register.key]
        cases = model.objects.filter(pk__in=visible.values("pk")).order_by("opened", "number")
        body = cases_csv(register.key, cases)
        audit.record(
            AuditEvent.EXPORTED,
            f"register {register.key} ({gemeente})",
            user=request.user,
            purpose=form.cleaned_data["doel"],
            formaat="csv",
            aantal=cases.count(),
        )
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        name = f"{register.key}-{gemeente}-{dt.date.today():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    context = {"register": register, "gemeente": gemeente_name(gemeente), "form": form}
    return render(request, "cases/export.html", context)


# --- the audit log (FG) -------------------------------------------------------------------------


def audit_filters(request: HttpRequest) -> tuple[AuditFilterForm, dict]:
    """The filter form of the audit log and its filled-in values (none when invalid)."""
    form = AuditFilterForm(request.GET or None)
    if not form.is_bound or not form.is_valid():
        return form, {}
    return form, {key: value for key, value in form.cleaned_data.items() if value}


def _audit_detail(filters: dict) -> dict:
    return {key: str(value) for key, value in filters.items()}


def shown_row(event: AuditEvent) -> dict:
    """An exported row (``audit.services.as_row``) with the time readable: date and time."""
    row = audit.as_row(event)
    return row | {"wanneer": row["wanneer"][:19].replace("T", " ")}


@audit_view
@require_http_methods(["GET"])
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first, filtered and paginated, with the hash chain checked."""
    form, filters = audit_filters(request)
    audit.record(
        AuditEvent.AUDIT_VIEWED,
        "auditlog",
        user=request.user,
        purpose=FG_PURPOSE,
        **_audit_detail(filters),
    )
    # the newest whole check and the rows after it; the whole chain when there is none yet or
    # when the FG asks for it (the link on the page)
    whole = None if request.GET.get("controle") == "volledig" else audit.newest_check()
    checked, breaks = audit.verify_chain(since=whole)
    checked_after = checked if whole is not None else None
    if whole is None and not breaks:
        whole = audit.newest_check()
    found = audit.events(
        filters.get("sinds"), filters.get("gebruiker"), filters.get("actie"), newest_first=True
    )
    page = Paginator(found, AUDIT_PER_PAGE).get_page(request.GET.get("pagina"))
    context = {
        "form": form,
        "page": page,
        "rows": [shown_row(event) for event in page],
        "checked": checked,
        "whole": whole,
        "checked_after": checked_after,
        "breaks": breaks[:20],
        "break_count": len(breaks),
        "query": urlencode({k: v for k, v in request.GET.items() if k != "pagina"}),
    }
    return render(request, "cases/auditlog.html", context)


@audit_view
@require_http_methods(["GET"])
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The (filtered) audit log as CSV or JSON, oldest first: the keys of
    ``openveiligheid audit --format``."""
    if fmt not in {"csv", "json"}:
        raise Http404("Kies csv of json.")
    _form, filters = audit_filters(request)
    audit.record(
        AuditEvent.AUDIT_VIEWED,
        "auditlog",
        user=request.user,
        purpose=FG_PURPOSE,
        formaat=fmt,
        **_audit_detail(filters),
    )
    events = audit.events(filters.get("sinds"), filters.get("gebruiker"), filters.get("actie"))
    rows = [audit.as_row(event) for event in events.iterator(chunk_size=2000)]
    body = audit.render(rows, fmt)
    mime = "text/csv; charset=utf-8" if fmt == "csv" else "application/json; charset=utf-8"
    response = HttpResponse(body.encode("utf-8"), content_type=mime)
    name = f"auditlog-{dt.date.today():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
