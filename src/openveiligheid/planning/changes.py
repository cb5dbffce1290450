"""The change history as the pages show it: one row per change with its fields in Dutch,
amounts in euros, on the goal page, the money page, the targets page and ``/plan/wijzigingen/``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from openveiligheid.core.numbers import format_number
from openveiligheid.policy.finance import PART_LABELS, STEP_LABELS
from openveiligheid.policy.history import changes_of
from openveiligheid.policy.models import Change, Goal, Plan

EMPTY = "leeg"
NOT_ENTERED = "niet ingevuld"  #: an amount that was not filled in

FIELD_LABELS = {
    "code": "code",
    "name": "naam",
    "description": "omschrijving",
    "criteria": "criteria",
    "portfolio_holder": "portefeuillehouder",
    "removed_at": "verwijderd op",
    "public": "openbaar",
    "moment": "rapportagemoment",
    "inhoud": "inhoud",
    "planning": "planning",
    "financien": "financiën",
    "risico": "risico's",
    "toelichting": "toelichting",
    "realisation": "toelichting op realisatie",
    "variance_analysis": "verschillenanalyse",
    "judgement": "doel gehaald",
    "judgement_note": "toelichting doel gehaald",
}
CREDIT_FIELD_LABELS = {
    "omvang": "omvang krediet",
    "gerealiseerd_tm_vorig_jaar": "gerealiseerd t/m vorig jaar",
    "besteding": "bestedingen",
}


@dataclass
class ChangeRow:
    change: Change
    fields: list[tuple[str, str, str]]  #: (label, old, new)
    link: str | None = None
    what: str = ""  #: the heading, when not the change's own description

    @property
    def title(self) -> str:
        return self.what or self.change.description


def euro(amount: int) -> str:
    """A whole-euro amount in Dutch notation, as the jaarverslag writes it: ``1.962.937``."""
    return format_number(amount, 0)


def change_rows(
    changes: Iterable[Change], links: dict[tuple[str, str], str] | None = None
) -> list[ChangeRow]:
    return [
        ChangeRow(change, field_rows(change), (links or {}).get((change.kind, change.object_key)))
        for change in changes
    ]


def field_rows(change: Change, only: set[str] | None = None) -> list[tuple[str, str, str]]:
    """(label, old, new) per changed field, in Dutch; amounts in euros."""
    rows = []
    for name, values in sorted((change.fields or {}).items()):
        if only is not None and name not in only:
            continue
        old, new = (list(values) + ["", ""])[:2] if isinstance(values, list) else ("", "")
        label, amounts = field_label(change.kind, name)
        if amounts:
            old, new = _amount_text(str(old)), _amount_text(str(new))
        rows.append((label, str(old) or EMPTY, str(new) or EMPTY))
    return rows


def field_label(kind: str, name: str) -> tuple[str, bool]:
    """A changed field in Dutch, and whether its values are amounts."""
    if kind == "financien":
        step, _, part = name.partition(" ")
        if step in STEP_LABELS and part in PART_LABELS:
            return f"{STEP_LABELS[step]}, {PART_LABELS[part].lower()}", True
        return name, True
    if kind == "krediet":
        project, sep, field = name.rpartition(": ")
        if sep and field in CREDIT_FIELD_LABELS:
            return f"{project}: {CREDIT_FIELD_LABELS[field]}", True
        return f"krediet {name}", False
    return FIELD_LABELS.get(name, name), False


def _amount_text(value: str) -> str:
    if value == "":
        return NOT_ENTERED
    try:
        return euro(int(value))
    except ValueError:
        return value


def money_changes(plan: Plan, goal: Goal, year: int) -> list[ChangeRow]:
    """The changes of the goal's money in ``year``, newest first: amounts, credits and the
    verschillenanalyse (the other texts of the goal are shown on the goal's own page)."""
    key = f"{goal.key}/{year}"
    changes = list(changes_of(plan, "financien", key)) + list(changes_of(plan, "krediet", key))
    texts = [c for c in changes_of(plan, "tekst", key) if "variance_analysis" in (c.fields or {})]
    rows = [ChangeRow(change, field_rows(change)) for change in changes]
    rows += [
        ChangeRow(c, field_rows(c, only={"variance_analysis"}), what="verschillenanalyse gewijzigd")
        for c in texts
    ]
    return sorted(rows, key=lambda row: (row.change.at, row.change.pk), reverse=True)
