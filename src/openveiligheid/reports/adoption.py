"""Vaststellen: freezing a plan's jaarverslag of one year (ADR 0017).

:func:`adopt` stores the whole report object as it is now; :func:`differences` compares a
frozen object with today's, number by number and text by text, so the page can say what
changed since (a corrected figure, an edited text) while the frozen report stays as adopted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from openveiligheid.audit.models import AuditEvent
from openveiligheid.audit.services import actor_name, record
from openveiligheid.core.errors import InputError, InputProblem
from openveiligheid.core.numbers import format_number
from openveiligheid.policy.history import record_change
from openveiligheid.policy.models import Plan
from openveiligheid.reports.database import plan_report
from openveiligheid.reports.models import AdoptedReport


def adopt(plan: Plan, year: int, user, adopted_on: dt.date | None = None) -> AdoptedReport:
    """Freeze ``year`` of ``plan``. A year is frozen once; a second attempt is refused."""
    content = plan_report(plan, year)
    try:
        with transaction.atomic():
            adopted = AdoptedReport.objects.create(
                plan=plan,
                year=year,
                content=content,
                adopted_on=adopted_on,
                frozen_by=user if getattr(user, "is_authenticated", False) else None,
                frozen_by_name=actor_name(user),
            )
    except IntegrityError:
        message = f"het jaarverslag {year} van {plan.name} is al vastgesteld"
        raise InputError([InputProblem("vaststellen", message)]) from None
    record_change(plan, "plan", f"jaarverslag/{year}", f"jaarverslag {year} vastgesteld", {}, user)
    record(
        AuditEvent.REPORT_ADOPTED,
        f"jaarverslag {year} van {plan.name} ({plan.gemeente_code})",
        user=user,
        purpose="verantwoording",
        doelen=len(content["doelen"]),
        raadsbesluit=str(adopted_on or ""),
    )
    return adopted


@dataclass(frozen=True)
class Difference:
    """One value that differs between the adopted report and today's."""

    where: str  #: e.g. "Doel 7.2.1 › Beleidsindicatoren › Woninginbraken › 2022"
    adopted: str
    now: str


def differences(adopted: dict, current: dict) -> list[Difference]:
    """Every leaf value (number or text) that differs, named by goal and place; goals that
    were added or removed since are one difference each."""
    out: list[Difference] = []
    old = {goal["id"]: goal for goal in adopted["doelen"]}
    new = {goal["id"]: goal for goal in current["doelen"]}
    for key in old.keys() | new.keys():
        label = f"Doel {(old.get(key) or new[key])['doel']}"
        if key not in new:
            out.append(Difference(label, "in het verslag", "niet meer in het plan"))
        elif key not in old:
            out.append(Difference(label, "niet in het verslag", "nieuw in het plan"))
        else:
            _compare(label, old[key], new[key], out)
    return sorted(out, key=lambda d: d.where)


#: Keys of a goal whose values are not part of what was adopted (the proposal may move).
IGNORED = {"voorstel"}


def _compare(where: str, old: object, new: object, out: list[Difference]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old.keys() | new.keys():
            if key not in IGNORED:
                _compare(f"{where} › {_name(key, old.get(key) or new.get(key))}",
                         old.get(key), new.get(key), out)  # fmt: skip
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            _compare(f"{where} › {_item_name(a, index)}", a, b, out)
    elif old != new:
        out.append(Difference(where, _shown(old), _shown(new)))


def _name(key: str, _value: object) -> str:
    return key.replace("_", " ")


def _item_name(item: object, index: int) -> str:
    if isinstance(item, dict):
        for key in ("naam", "name", "project", "code", "jaar"):
            if item.get(key) not in (None, ""):
                return str(item[key])
    return str(index + 1)


def _shown(value: object) -> str:
    """A value as the page writes it: numbers in Dutch notation (up to 4 decimals, as the
    engine keeps them), "nb" for a missing one."""
    if value is None:
        return "nb"
    if isinstance(value, list):
        return f"{len(value)} regel(s)"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int | float):
        text = format_number(value, 4)
        return text.rstrip("0").rstrip(",") if "," in text else text
    return str(value)
