"""The right of access (AVG art. 15): everything held about one person, as one JSON document
(``openveiligheid registers inzage --persoon ID``).

This is an administrator's command, run for a request the gemeente has received and checked
(identity of the requester): it reads every register, not only those of one user
(``visible_to`` is for users of the application). The export holds

- the person record (name, date of birth; the BSN decrypted when the installation has a key);
- every case the person is linked to, in any register: its fields, the person's role in it,
  the legal basis and retention of its register, the status history, the journal and the
  numbers of linked cases (never other persons' names: art. 15 lid 4);
- the audit records about those cases and this person: who looked at or changed the data,
  when and for which purpose (the recipients of art. 15 lid 1 sub c).

Making it is itself recorded in the audit log (``inzageverzoek``, object ``persoon <id>``).
Before handing it over, the FG or a jurist reads the journal for data about third parties.
"""

from __future__ import annotations

import json

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openveiligheid.audit.models import AuditEvent
from openveiligheid.audit.services import actor_name, as_row, record
from openveiligheid.cases.crypto import bsn_enabled, decrypt_bsn
from openveiligheid.cases.models import Case, CasePerson, Person
from openveiligheid.cases.registers import REGISTERS
from openveiligheid.cases.retention import kept_until, retention_years
from openveiligheid.cases.services import audit_object, check_purpose, person_object, specific

DEFAULT_PURPOSE = "inzageverzoek (AVG art. 15)"

RIGHTS = (
    "U kunt de gemeente vragen onjuiste gegevens te verbeteren (art. 16 AVG), gegevens te "
    "wissen (art. 17 AVG) of de verwerking te beperken (art. 18 AVG), en bezwaar maken tegen de "
    "verwerking (art. 21 AVG). U kunt een klacht indienen bij de Autoriteit Persoonsgegevens "
    "(art. 77 AVG)."
)

#: Fields every case has, in the order of the export (the register's own fields follow).
_CASE_FIELDS = {
    "number": "zaaknummer",
    "gemeente_code": "gemeente",
    "wijk_code": "wijk",
    "buurt_code": "buurt",
    "opened": "geopend",
    "closed": "gesloten",
    "status": "status",
    "outcome": "reden van afsluiten",
    "team": "team",
}


def export_person(person_pk: int, user=None, purpose: str = DEFAULT_PURPOSE) -> dict:
    """Everything held about person ``person_pk``; ``LookupError`` when there is no such
    person (any more). Recorded as ``inzageverzoek`` with ``purpose``."""
    check_purpose(purpose)
    with transaction.atomic():
        person = Person.objects.filter(pk=person_pk).first()
        if person is None:
            raise LookupError(
                f"Er is geen persoon met nummer {person_pk}. Controleer het nummer; van een "
                "persoon wiens casussen na de bewaartermijn zijn geanonimiseerd, is niets meer "
                "vastgelegd."
            )
        links = list(
            CasePerson.objects.filter(person=person)
            .select_related("case")
            .order_by("case__register", "case__opened", "case__number")
        )
        cases = [_case(specific(link.case), link.role, person) for link in links]
        objects = [person_object(person)] + [case["audit_object"] for case in cases]
        runs = sorted({link.case.import_run_id for link in links if link.case.import_run_id})
        export = {
            "inzage": {
                "persoon": person.pk,
                "gemaakt": timezone.localtime().isoformat(timespec="seconds"),
                "door": actor_name(user),
                "doel": purpose,
                "grondslag": "art. 15 AVG (recht van inzage)",
                "toelichting": (
                    "Alles wat Open Veiligheid over deze persoon vastlegt, in alle registers. "
                    "Controleer vóór verstrekking het journaal op gegevens over anderen "
                    "(art. 15 lid 4 AVG)."
                ),
                "rechten": RIGHTS,
            },
            "persoon": _person(person),
            "casussen": cases,
            "auditregels": _audit_rows(objects, person.pk, runs),
        }
        export["ontvangers"] = sorted({row["wie"] for row in export["auditregels"]})
        record(
            AuditEvent.SUBJECT_ACCESS,
            person_object(person),
            user=user,
            purpose=purpose,
            casussen=[case["audit_object"] for case in cases],
        )
    return export


def render_export(export: dict) -> str:
    """The export as indented UTF-8 JSON (what ``registers inzage`` writes)."""
    return json.dumps(export, ensure_ascii=False, indent=2, default=str) + "\n"


def _person(person: Person) -> dict:
    return {
        "nummer": person.pk,
        "naam": person.name,
        "geboortedatum": _iso(person.birth_date),
        "gemeente": person.gemeente_code,
        "vastgelegd": timezone.localtime(person.created_at).isoformat(timespec="seconds"),
        **_bsn(person),
    }


def _bsn(person: Person) -> dict:
    if not person.bsn_encrypted:
        note = (
            "Er is geen BSN vastgelegd."
            if bsn_enabled()
            else "Deze installatie slaat geen BSN's op (geen sleutel OV_BSN_SLEUTEL)."
        )
        return {"bsn": None, "bsn_toelichting": note}
    if not bsn_enabled():
        return {
            "bsn": None,
            "bsn_toelichting": "Er is een BSN versleuteld vastgelegd, maar de sleutel "
            "(OV_BSN_SLEUTEL) ontbreekt in deze installatie; vraag de beheerder.",
        }
    return {"bsn": decrypt_bsn(person.bsn_encrypted), "bsn_toelichting": "ontsleuteld"}


def _case(case: Case, role: str, person: Person) -> dict:
    register = REGISTERS[case.register]
    until = kept_until(case.register, case.closed)
    others = CasePerson.objects.filter(case=case).exclude(person=person).count()
    return {
        "register": register.key,
        "register_naam": register.label,
        "audit_object": audit_object(case),
        **{label: _value(getattr(case, name)) for name, label in _CASE_FIELDS.items()},
        "rol_van_persoon": role,
        "gegevens": _own_fields(case),
        "andere_betrokkenen": others,
        "bron": _source(case),
        "grondslag": register.legal_basis,
        "bewaartermijn": {
            "jaren_na_afsluiten": retention_years(case.register),
            "bewaard_tot": _iso(until),
            "toelichting": register.retention_basis
            if until
            else "De casus is open; de bewaartermijn begint bij het afsluiten.",
        },
        "statusgeschiedenis": [
            {"status": change.status, "datum": _iso(change.date), "door": change.user_name}
            for change in case.status_changes.order_by("date", "pk")
        ],
        "journaal": [
            {
                "datum": _iso(entry.date),
                "soort": entry.kind,
                "wat": entry.text,
                "door": entry.user_name,
            }
            for entry in case.journal.order_by("date", "pk")
        ],
        "gekoppelde_casussen": _linked(case),
    }


def _own_fields(case: Case) -> dict:
    """The register's own fields, by their Dutch names."""
    own = {}
    for model_field in type(case)._meta.local_fields:
        if model_field.name.endswith("_ptr"):
            continue
        own[str(model_field.verbose_name)] = _value(getattr(case, model_field.attname))
    return own


def _linked(case: Case) -> list[dict]:
    """Register and number of every case linked to ``case``, either direction."""
    ids = set(case.links_out.values_list("other_id", flat=True)) | set(
        case.links_in.values_list("case_id", flat=True)
    )
    rows = Case.objects.filter(pk__in=ids).order_by("register", "number")
    return [
        {"register": other.register, "zaaknummer": other.number, "gemeente": other.gemeente_code}
        for other in rows
    ]


def _source(case: Case) -> str:
    if case.import_run_id is None:
        return "ingevoerd in Open Veiligheid"
    run = case.import_run
    return f"ingelezen uit {run.file_name} op {timezone.localtime(run.started_at):%Y-%m-%d}"


def _audit_rows(objects: list[str], person_pk: int, import_runs: list[int]) -> list[dict]:
    """Audit records about these objects, naming this person in their details, or of the
    imports the cases came from (who delivered the data: art. 15 lid 1 sub g)."""
    about = Q(object__in=objects) | Q(detail__persoon=person_pk)
    if import_runs:
        about |= Q(action=AuditEvent.REGISTER_IMPORTED, detail__import_run__in=import_runs)
    found = AuditEvent.objects.filter(about)
    return [as_row(event) for event in found.order_by("at", "pk")]


def _value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None
