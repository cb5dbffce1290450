"""The retention job (``openveiligheid registers bewaartermijn``, daily; AVG art. 5(1)(e)).

A closed case is kept for its register's period (``settings.CASE_RETENTION_YEARS``, years after
closing; default and legal basis in ``registers.py``). The day after that period ends, the case
is anonymised *in place*:

- its person links, journal, status history and links to other cases (both directions) are
  deleted, and so is every person no longer linked to any case;
- the register's personal fields (``PERSONAL_FIELDS``: address, location, assessment, reason,
  plan, object or person) are blanked, and the free-text closing reason (``outcome``) is reduced
  to its category (``outcome_category``);
- ``anonymised_at`` is set. What stays is the *tombstone*: zaaknummer, register, gemeente, wijk
  and buurt, dates, status, categories (woningtype, bron, fenomeen, soort maatregel …) and the
  closing reason's category, so that the yearly counts stay right. Tombstones are counted, never
  shown (``CaseQuerySet.visible_to`` leaves them out).

Open cases never expire. One run is one transaction, together with its audit record: either
everything expired is gone and logged, or nothing changed. A second run the same day finds
nothing (anonymised cases are not candidates again).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openveiligheid.audit.models import AuditEvent
from openveiligheid.audit.services import record
from openveiligheid.cases.models import (
    CASE_MODELS,
    Case,
    CaseLink,
    CasePerson,
    JournalEntry,
    Person,
    StatusChange,
)
from openveiligheid.cases.registers import REGISTERS

#: The audit record of a run: its object and purpose.
AUDIT_OBJECT = "bewaartermijn"
AUDIT_PURPOSE = "bewaartermijn (AVG art. 5 lid 1 sub e)"

#: Categories a closing reason is reduced to in a tombstone. A reason that is one of these, or
#: starts with one ("opgelost na mediation"), keeps the category; any other text may hold
#: names or circumstances and becomes ``OTHER_OUTCOME``.
OUTCOME_CATEGORIES = [
    "opgelost",
    "overlast gestopt",
    "verhuisd",
    "doorverwezen",
    "overgedragen",
    "afgeschaald",
    "maatregel opgelegd",
    "maatregel afgerond",
    "geen vervolg",
    "geen grond",
    "ingetrokken",
    "overleden",
]
OTHER_OUTCOME = "overig"

#: Most case numbers per register the summary names (the audit record names all of them).
SUMMARY_LIMIT = 50


def retention_years(register: str) -> int:
    """Years after closing that a case of ``register`` is kept (setting, else the default)."""
    years = settings.CASE_RETENTION_YEARS.get(register, REGISTERS[register].retention_years)
    if years < 0:
        raise ValueError(
            f"De bewaartermijn van het register '{register}' is negatief ({years} jaar); "
            f"stel OV_BEWAARTERMIJN_{register.upper()} in op 0 of meer jaren."
        )
    return years


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole years; 29 February becomes 28 February in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def kept_until(register: str, closed: dt.date | None) -> dt.date | None:
    """The last day a case closed on ``closed`` is kept; None while it is open (open cases
    never expire). It is anonymised by the first run after this day."""
    if closed is None:
        return None
    return add_years(closed, retention_years(register))


def outcome_category(outcome: str) -> str:
    """What a tombstone keeps of a closing reason: its category, never free text."""
    text = " ".join(outcome.split()).lower()
    if not text:
        return ""
    for category in OUTCOME_CATEGORIES:
        if text == category or text.startswith(category + " "):
            return category
    return OTHER_OUTCOME


@dataclass
class RetentionResult:
    """What a run anonymised (or, in a dry run, would anonymise)."""

    today: dt.date
    dry_run: bool
    #: register -> labels ``<zaaknummer> (<gemeente>)`` of the cases anonymised, every register
    cases: dict[str, list[str]] = field(default_factory=lambda: {key: [] for key in REGISTERS})
    persons_deleted: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {register: len(labels) for register, labels in self.cases.items()}

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def audit_detail(self) -> dict:
        """The details of the run's audit record: per register the count and case numbers."""
        return {
            "datum": self.today.isoformat(),
            "registers": {
                register: {
                    "bewaartermijn_jaren": retention_years(register),
                    "aantal": len(labels),
                    "zaaknummers": labels,
                }
                for register, labels in self.cases.items()
            },
            "personen_verwijderd": self.persons_deleted,
        }

    def summary(self) -> str:
        """A Dutch report of the run, for the terminal and the worker's log."""
        counts = ", ".join(f"{register} {count}" for register, count in self.counts.items())
        if self.dry_run:
            lines = [
                f"Proef, er is niets gewijzigd. Op {self.today:%Y-%m-%d} zouden {self.total} "
                f"casus(sen) worden geanonimiseerd ({counts}) en {self.persons_deleted} "
                "perso(o)n(en) worden verwijderd."
            ]
        else:
            lines = [
                f"Bewaartermijn verwerkt op {self.today:%Y-%m-%d}: {self.total} casus(sen) "
                f"geanonimiseerd ({counts}); {self.persons_deleted} perso(o)n(en) verwijderd."
            ]
        for register, labels in self.cases.items():
            if labels:
                shown = ", ".join(labels[:SUMMARY_LIMIT])
                more = len(labels) - SUMMARY_LIMIT
                lines.append(f"- {register}: {shown}" + (f" … en nog {more}" if more > 0 else ""))
        return "\n".join(lines)


def expired(today: dt.date) -> dict[str, list[tuple[int, str]]]:
    """Per register the (pk, label) of closed, not yet anonymised cases kept until before
    ``today``."""
    found: dict[str, list[tuple[int, str]]] = {key: [] for key in REGISTERS}
    for register in REGISTERS:
        years = retention_years(register)
        # A coarse filter in the database (a superset), then the exact rule per case.
        latest = add_years(today, -years)
        rows = (
            Case.objects.filter(register=register, anonymised_at__isnull=True)
            .filter(closed__isnull=False, closed__lte=latest)
            .order_by("gemeente_code", "number")
            .values_list("pk", "number", "gemeente_code", "closed")
        )
        found[register] = [
            (pk, f"{number} ({gemeente})")
            for pk, number, gemeente, closed in rows
            if add_years(closed, years) < today
        ]
    return found


def chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    """``ids`` in slices, so that no query has more parameters than SQLite allows."""
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def orphaned_persons(case_ids: list[int]) -> list[int]:
    """Persons linked to these cases and to no other case: they go with the cases' links."""
    expiring = set(case_ids)
    linked: set[int] = set()
    for part in chunks(case_ids):
        rows = CasePerson.objects.filter(case_id__in=part).values_list("person_id", flat=True)
        linked.update(rows)
    elsewhere: set[int] = set()
    for part in chunks(sorted(linked)):
        rows = CasePerson.objects.filter(person_id__in=part).values_list("person_id", "case_id")
        elsewhere.update(person for person, case in rows if case not in expiring)
    return sorted(linked - elsewhere)


def anonymise(register: str, case_ids: list[int], now: dt.datetime) -> None:
    """Turn these cases of ``register`` into tombstones (call inside a transaction)."""
    model = CASE_MODELS[register]
    blanks = {name: "" for name in model.PERSONAL_FIELDS}
    for part in chunks(case_ids):
        CasePerson.objects.filter(case_id__in=part).delete()
        JournalEntry.objects.filter(case_id__in=part).delete()
        StatusChange.objects.filter(case_id__in=part).delete()
        CaseLink.objects.filter(Q(case_id__in=part) | Q(other_id__in=part)).delete()
        model.objects.filter(pk__in=part).update(**blanks, anonymised_at=now, updated_at=now)
        reduced: dict[str, list[int]] = defaultdict(list)
        for pk, outcome in Case.objects.filter(pk__in=part).values_list("pk", "outcome"):
            category = outcome_category(outcome)
            if category != outcome:
                reduced[category].append(pk)
        for category, pks in reduced.items():
            Case.objects.filter(pk__in=pks).update(outcome=category)


def apply_retention(today: dt.date | None = None, dry_run: bool = False) -> RetentionResult:
    """Anonymise every case whose retention period ended before ``today`` (default: today),
    delete the persons left without a case, and record the run in the audit log (also when
    nothing expired). ``dry_run`` reports what would go and changes and records nothing."""
    today = today or timezone.localdate()
    with transaction.atomic():
        found = expired(today)
        result = RetentionResult(today, dry_run)
        result.cases = {register: [label for _, label in rows] for register, rows in found.items()}
        case_ids = [pk for rows in found.values() for pk, _ in rows]
        persons = orphaned_persons(case_ids)
        result.persons_deleted = len(persons)
        if dry_run:
            return result
        now = timezone.now()
        for register, rows in found.items():
            anonymise(register, [pk for pk, _ in rows], now)
        for part in chunks(persons):
            Person.objects.filter(pk__in=part).delete()
        record(AuditEvent.RETENTION, AUDIT_OBJECT, purpose=AUDIT_PURPOSE, **result.audit_detail())
    return result
