"""The forms of the register pages: opening a case (one form per register, with its own fields),
the actions on a case (journal, status, person, link), the purpose (doelbinding), the list's
filter and the audit log's filter. Choices come from ``registers.py``; buurten are checked
against the area register of the case's gemeente."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from openveiligheid.areas.models import Area
from openveiligheid.audit.models import AuditEvent
from openveiligheid.cases.crypto import bsn_enabled
from openveiligheid.cases.models import JournalEntry
from openveiligheid.cases.registers import (
    AFGESLOTEN,
    ESCALATIONS,
    FOLLOW_UPS,
    HUISVERBOD,
    HUISVERBOD_DAYS,
    HUISVERBOD_MAX_DAYS,
    INTERVENTIONS,
    MAATREGELEN,
    MEASURE_TYPES,
    OBJECTION_STATUSES,
    ONDERMIJNING,
    PGA,
    PHENOMENA,
    PURPOSES,
    REGISTERS,
    SIGNAL_SOURCES,
    STATUSES,
    WONINGTYPES,
    WOONOVERLAST,
)
from openveiligheid.core.areacodes import BUURT

#: Roles a person can have in a case (free to extend; stored as text).
PERSON_ROLES = [
    "betrokkene",
    "bewoner",
    "melder",
    "eigenaar",
    "verhuurder",
    "pleger",
    "slachtoffer",
]

TEXT = {"class": "utrecht-textbox utrecht-textbox--html-input"}
DATE = {"class": "utrecht-textbox utrecht-textbox--html-input", "type": "date"}
#: without the ``--html-textarea`` modifier, whose ``:invalid`` style marks an empty required
#: field red before anything was typed
AREA = {"class": "utrecht-textarea", "rows": 3}
SELECT = {"class": "utrecht-select utrecht-select--html-select"}


def _choices(values: list[str], blank: str | None = None) -> list[tuple[str, str]]:
    options = [(value, value) for value in values]
    return [("", blank), *options] if blank is not None else options


def _text(label: str, required: bool = False, max_length: int = 200, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.TextInput(attrs=TEXT),
        **kwargs,
    )


def _area(label: str, required: bool = False, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs=AREA), **kwargs
    )


def _date(label: str, required: bool = True, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        **kwargs,
    )


def _choice(
    label: str, values: list[str], required: bool = True, blank: str = "(alle)", **kwargs
) -> forms.ChoiceField:
    """A select of ``values``; an optional one starts with ``blank``."""
    return forms.ChoiceField(
        label=label,
        choices=_choices(values, None if required else blank),
        required=required,
        widget=forms.Select(attrs=SELECT),
        **kwargs,
    )


def _several(label: str, values: list[str]) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=_choices(values),
        required=False,
        widget=forms.CheckboxSelectMultiple(
            attrs={"class": "utrecht-checkbox utrecht-checkbox--html-input"}
        ),
    )


def split_list(text: str) -> list[str]:
    """``"politie, corporatie"`` -> ``["politie", "corporatie"]`` (empty parts dropped)."""
    return [part.strip() for part in text.split(",") if part.strip()]


class PurposeForm(forms.Form):
    """The purpose a user chooses before person data are shown (doelbinding)."""

    doel = _choice("Doel", PURPOSES)

    def __init__(self, *args, question: str = "Met welk doel opent u deze gegevens?", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doel"].label = question

    @classmethod
    def valid_purpose(cls, value: str | None) -> str | None:
        return value if value in PURPOSES else None


# --- opening a case -------------------------------------------------------------------------------


def buurt_choices(gemeente_code: str) -> list[tuple[str, str]]:
    """The buurten of ``gemeente_code`` in the area register (newest name of each code)."""
    names: dict[str, str] = {}
    rows = Area.objects.filter(gemeente_code=gemeente_code, level=BUURT).order_by("division")
    for code, name in rows.values_list("code", "name"):
        names[code] = name
    ordered = sorted(names.items(), key=lambda item: (item[1].lower(), item[0]))
    return [("", "(kies een buurt)")] + [(code, f"{name} ({code})") for code, name in ordered]


def wijk_of_buurt(buurt_code: str) -> str:
    """The wijk of a buurt, as the newest division of the area register has it."""
    area = (
        Area.objects.filter(code=buurt_code, level=BUURT)
        .select_related("parent")
        .order_by("-division")
        .first()
    )
    if area is None:
        return ""
    return area.parent.code if area.parent else "WK" + buurt_code[2:8]


class CaseForm(forms.Form):
    """What every register's new case has. Subclasses add the register's own fields."""

    register: str = ""
    buurt_required = False
    #: fields stored as a list (comma-separated text or several checkboxes)
    LIST_FIELDS: tuple[str, ...] = ()

    number = _text("Zaaknummer", required=True, max_length=50)
    opened = _date("Geopend op", initial=dt.date.today)
    buurt = forms.ChoiceField(label="Buurt", required=False, widget=forms.Select(attrs=SELECT))
    team = _text("Team", max_length=100, help_text="Het team dat de casus behandelt.")

    def __init__(self, *args, gemeente_code: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.gemeente_code = gemeente_code
        self.fields["buurt"].choices = buurt_choices(gemeente_code)
        self.fields["buurt"].required = self.buurt_required

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip()

    def clean_opened(self) -> dt.date:
        opened = self.cleaned_data["opened"]
        if opened > dt.date.today():
            raise ValidationError("De datum van openen ligt in de toekomst.")
        return opened

    def case_fields(self) -> dict:
        """The keyword arguments of ``services.open_case`` (model field -> value)."""
        data = dict(self.cleaned_data)
        buurt = data.pop("buurt", "") or ""
        data["buurt_code"] = buurt
        data["wijk_code"] = wijk_of_buurt(buurt) if buurt else ""
        for name in self.LIST_FIELDS:
            value = data.get(name)
            data[name] = split_list(value) if isinstance(value, str) else list(value or [])
        return data


class WoonoverlastForm(CaseForm):
    register = WOONOVERLAST
    buurt_required = True
    LIST_FIELDS = ("partners", "interventions")

    address = _text("Adres")
    woningtype = _choice("Woningtype", WONINGTYPES)
    partners = _text("Betrokken partners", help_text="Gescheiden door komma's.")
    interventions = _several("Interventies", INTERVENTIONS)


class SignalForm(CaseForm):
    register = ONDERMIJNING

    source = _choice("Bron", SIGNAL_SOURCES)
    phenomenon = _choice("Fenomeen", PHENOMENA)
    location = _text("Locatie")
    assessment = _area("Weging (weegtafel)")
    follow_up = _choice("Vervolg", FOLLOW_UPS, required=False, blank="(nog niet besloten)")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opened"].label = "Ontvangen op"


class PgaForm(CaseForm):
    register = PGA
    LIST_FIELDS = ("partners",)

    reason = _area("Aanleiding")
    partners = _text("Deelnemende partners", help_text="Gescheiden door komma's.")
    plan = _area("Plan van aanpak", help_text="De afgesproken acties.")
    escalation = _choice("Op- en afschalen", ESCALATIONS)
    legal_basis = _text("Grondslag (convenant)", required=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].initial = REGISTERS[PGA].legal_basis


class MeasureForm(CaseForm):
    register = MAATREGELEN

    measure_type = _choice("Soort maatregel", MEASURE_TYPES)
    decided = _date("Besluitdatum")
    duration_days = forms.IntegerField(
        label="Duur (dagen)",
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs=TEXT),
        help_text=(
            f"Een tijdelijk huisverbod duurt {HUISVERBOD_DAYS} dagen (leeg laten) en kan worden "
            f"verlengd tot ten hoogste {HUISVERBOD_MAX_DAYS}."
        ),
    )
    subject = _text("Object of persoon")
    objection = _choice("Bezwaar en beroep", OBJECTION_STATUSES)

    def clean(self) -> dict:
        data = super().clean()
        days = data.get("duration_days")
        if data.get("measure_type") == HUISVERBOD and not days:
            data["duration_days"] = HUISVERBOD_DAYS
        elif data.get("measure_type") == HUISVERBOD and days > HUISVERBOD_MAX_DAYS:
            self.add_error(
                "duration_days",
                f"Een tijdelijk huisverbod duurt ten hoogste {HUISVERBOD_MAX_DAYS} dagen.",
            )
        decided, opened = data.get("decided"), data.get("opened")
        if decided and opened and decided < opened:
            self.add_error("decided", "De besluitdatum ligt vóór de datum van openen.")
        return data


#: register key -> the form that opens a case of it.
CASE_FORMS: dict[str, type[CaseForm]] = {
    form.register: form for form in (WoonoverlastForm, SignalForm, PgaForm, MeasureForm)
}


# --- actions on a case ----------------------------------------------------------------------------


class JournalForm(forms.Form):
    date = _date("Datum", initial=dt.date.today)
    kind = _choice("Soort", JournalEntry.KINDS)
    text = _area("Wat is er gedaan?", required=True)


class StatusForm(forms.Form):
    status = _choice("Nieuwe status", STATUSES)
    date = _date("Datum", initial=dt.date.today)
    outcome = _text(
        "Reden van afsluiten", max_length=100, help_text="Alleen bij afsluiten, en dan verplicht."
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("status") == AFGESLOTEN and not data.get("outcome", "").strip():
            self.add_error("outcome", "Geef de reden van afsluiten.")
        return data


class PersonForm(forms.Form):
    name = _text("Naam", required=True)
    birth_date = _date("Geboortedatum", required=False)
    role = _choice("Rol in de casus", PERSON_ROLES)
    bsn = _text("BSN", max_length=9, help_text="Alleen als het echt nodig is.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not bsn_enabled():
            del self.fields["bsn"]


class LinkForm(forms.Form):
    number = _text("Zaaknummer van de andere casus", required=True, max_length=50)
    note = _text("Toelichting")


# --- lists and the audit log ------------------------------------------------------------------


class CaseFilterForm(forms.Form):
    status = _choice("Status", STATUSES, required=False)


class SearchForm(forms.Form):
    zoek = _text(
        "Zoeken op zaaknummer of naam",
        required=True,
        max_length=100,
        help_text="Elke zoekopdracht wordt vastgelegd in het auditlog.",
    )


class AuditFilterForm(forms.Form):
    sinds = _date("Sinds", required=False)
    gebruiker = _text("Gebruiker", max_length=255)
    actie = _choice("Actie", AuditEvent.ACTIONS, required=False)
