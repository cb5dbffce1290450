"""What a case officer does with a case, as plain functions: open one, look at it, write in its
journal, change its status, add a person, link two cases, search. Each one goes through
``Case.objects.visible_to(user)`` (``access.py``) and writes the audit log (``audit``):
reads of person data carry the purpose the user chose (doelbinding).

The audit object of a case is ``casus <register> <zaaknummer> (<gemeente>)``; of a person,
``persoon <id>``: never a name, so the log itself holds no more person data than needed.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from openveiligheid.audit.models import AuditEvent
from openveiligheid.audit.services import record
from openveiligheid.cases.access import may_see_register
from openveiligheid.cases.crypto import bsn_enabled, encrypt_bsn, is_valid_bsn
from openveiligheid.cases.models import (
    CASE_MODELS,
    Case,
    CaseLink,
    CasePerson,
    JournalEntry,
    Person,
    StatusChange,
)
from openveiligheid.cases.registers import AFGESLOTEN, PURPOSES, STATUSES


def audit_object(case: Case) -> str:
    return f"casus {case.register} {case.number} ({case.gemeente_code})"


def person_object(person: Person) -> str:
    return f"persoon {person.pk}"


def check_purpose(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValidationError(f"Kies een doel uit de lijst: {', '.join(PURPOSES)}.")
    return purpose


def specific(case: Case) -> Case:
    """The register's own model of ``case`` (with its own fields)."""
    model = CASE_MODELS[case.register]
    return case if isinstance(case, model) else model.objects.get(pk=case.pk)


def view_case(user, pk: int, purpose: str) -> Case:
    """The case ``pk`` for ``user``, recorded as read with ``purpose``; ``Case.DoesNotExist``
    when the user may not see it (the same answer as a case that does not exist)."""
    check_purpose(purpose)
    case = specific(Case.objects.visible_to(user).get(pk=pk))
    record(AuditEvent.CASE_VIEWED, audit_object(case), user=user, purpose=purpose)
    return case


def view_person(user, pk: int, purpose: str) -> Person:
    check_purpose(purpose)
    person = Person.objects.visible_to(user).get(pk=pk)
    record(AuditEvent.PERSON_VIEWED, person_object(person), user=user, purpose=purpose)
    return person


def _require(user, register: str, gemeente_code: str) -> None:
    if not may_see_register(user, register, gemeente_code):
        raise PermissionDenied(f"Geen toegang tot het register {register} van {gemeente_code}.")


@transaction.atomic
def open_case(user, register: str, gemeente_code: str, **fields) -> Case:
    """A new case of ``register``; ``fields`` are the register model's fields."""
    _require(user, register, gemeente_code)
    model = CASE_MODELS[register]
    case = model(register=register, gemeente_code=gemeente_code, **fields)
    case.full_clean()
    case.save()
    StatusChange.objects.create(
        case=case, status=case.status, date=case.opened, user_name=_name(user)
    )
    record(AuditEvent.CASE_CREATED, audit_object(case), user=user, purpose="casusbehandeling")
    return case


def _name(user) -> str:
    return user.get_username() if getattr(user, "is_authenticated", False) else "cli"


def _changeable(user, case: Case) -> Case:
    """``case`` again, through the user's visible cases (a stale or forged id gets nothing)."""
    return specific(Case.objects.visible_to(user).get(pk=case.pk))


@transaction.atomic
def add_journal(user, case: Case, text: str, kind: str = "notitie", date=None) -> JournalEntry:
    case = _changeable(user, case)
    text = text.strip()
    if not text:
        raise ValidationError("Schrijf op wat er is gedaan.")
    if kind not in JournalEntry.KINDS:
        raise ValidationError(
            f"Onbekende soort '{kind}'; kies uit {', '.join(JournalEntry.KINDS)}."
        )
    entry = JournalEntry.objects.create(
        case=case, date=date or dt.date.today(), kind=kind, text=text, user_name=_name(user)
    )
    record(
        AuditEvent.CASE_CHANGED,
        audit_object(case),
        user=user,
        purpose="casusbehandeling",
        wijziging="journaalregel toegevoegd",
        soort=kind,
    )
    return entry


@transaction.atomic
def set_status(user, case: Case, status: str, date=None, outcome: str = "") -> Case:
    case = _changeable(user, case)
    if status not in STATUSES:
        raise ValidationError(f"Onbekende status '{status}'; kies uit {', '.join(STATUSES)}.")
    date = date or dt.date.today()
    if date < case.opened:
        raise ValidationError("De datum ligt vóór de datum waarop de casus is geopend.")
    case.status = status
    case.closed = date if status == AFGESLOTEN else None
    case.outcome = outcome if status == AFGESLOTEN else ""
    case.full_clean()
    case.save()
    StatusChange.objects.create(case=case, status=status, date=date, user_name=_name(user))
    record(
        AuditEvent.CASE_CHANGED,
        audit_object(case),
        user=user,
        purpose="casusbehandeling",
        wijziging="status",
        status=status,
    )
    return case


@transaction.atomic
def add_person(
    user, case: Case, name: str, birth_date=None, bsn: str = "", role: str = "betrokkene"
) -> Person:
    case = _changeable(user, case)
    bsn = bsn.strip()
    if bsn and not bsn_enabled():
        raise ValidationError("BSN's worden in deze installatie niet opgeslagen (geen sleutel).")
    if bsn and not is_valid_bsn(bsn):
        raise ValidationError("Dit is geen geldig BSN (negen cijfers die de elfproef doorstaan).")
    person = Person.objects.create(
        gemeente_code=case.gemeente_code,
        name=name.strip(),
        birth_date=birth_date,
        bsn_encrypted=encrypt_bsn(bsn) if bsn else "",
    )
    CasePerson.objects.create(case=case, person=person, role=role)
    record(
        AuditEvent.CASE_CHANGED,
        audit_object(case),
        user=user,
        purpose="casusbehandeling",
        wijziging="persoon toegevoegd",
        persoon=person.pk,
    )
    return person


@transaction.atomic
def link_cases(user, case: Case, other: Case, note: str = "") -> CaseLink:
    """Link two cases; the user must be entitled to both."""
    case, other = _changeable(user, case), _changeable(user, other)
    if case.pk == other.pk:
        raise ValidationError("Een casus kan niet aan zichzelf worden gekoppeld.")
    link, _ = CaseLink.objects.get_or_create(case=case, other=other, defaults={"note": note})
    record(
        AuditEvent.CASE_CHANGED,
        audit_object(case),
        user=user,
        purpose="casusbehandeling",
        wijziging="gekoppeld",
        aan=audit_object(other),
    )
    return link


def search(user, query: str, register: str | None = None, purpose: str = "casusbehandeling"):
    """Cases whose number, or a person's name, contains ``query``; recorded with the query's
    length, not its text (it may be a name)."""
    check_purpose(purpose)
    query = query.strip()
    found = Case.objects.visible_to(user)
    if register:
        found = found.filter(register=register)
    if query:
        found = found.filter(number__icontains=query) | found.filter(
            persons__person__name__icontains=query
        )
    record(
        AuditEvent.SEARCHED,
        f"register {register or 'alle'}",
        user=user,
        purpose=purpose,
        zoekterm_lengte=len(query),
    )
    return found.distinct().order_by("-opened", "number")
