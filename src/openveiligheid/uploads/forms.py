"""The upload form: a kind of file (only those the user may upload), the file, and the few
choices that kind needs, named as the command line names them."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings

from openveiligheid.core.numbers import format_number
from openveiligheid.core.textfiles import MB
from openveiligheid.policy.models import MOMENTS
from openveiligheid.policy.yearwork import DEFAULT_MOMENT
from openveiligheid.uploads.services import Kind, Options

#: The fields that only some kinds use (``Kind.options``).
OPTION_FIELDS = {
    "indeling",
    "periode",
    "dataset",
    "vervang_alles",
    "nullen_weggelaten",
    "jaar",
    "moment",
}


def max_size_text() -> str:
    """The largest file, in MB, in Dutch notation (``500 MB``; a tiny limit in bytes)."""
    size = settings.MAX_INPUT_BYTES
    if size < MB:
        return f"{format_number(size, 0)} bytes"
    return f"{format_number(size / MB, 0 if size % MB == 0 else 1)} MB"


class KindSelect(forms.RadioSelect):
    """Radio buttons that know their kind (its description and documentation), for the
    template (``choice.data.kind``)."""

    kinds: dict[str, Kind] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["kind"] = self.kinds.get(str(value))
        return option


class UploadForm(forms.Form):
    soort = forms.ChoiceField(label="Soort bestand", widget=KindSelect)
    bestand = forms.FileField(label="Bestand")
    indeling = forms.IntegerField(
        label="Gebiedsindeling (jaar)",
        required=False,
        min_value=1900,
        max_value=2200,
        help_text="Bij cijfers, incidenten en grenzen: standaard de nieuwste indeling (of die "
        "in het bestand staat). Bij een gebiedenlijst verplicht.",
    )
    periode = forms.CharField(
        label="Periode",
        required=False,
        max_length=20,
        help_text="Alleen bij CBS-tabellen zonder kolom Perioden (zoals 85984NED): het jaar, "
        "bijvoorbeeld 2024.",
    )
    dataset = forms.CharField(
        label="Naam van de dataset",
        required=False,
        max_length=60,
        help_text="Alleen bij cijfers; standaard volgt de naam uit het formaat.",
    )
    vervang_alles = forms.BooleanField(
        label="Sta toe dat dit bestand meer eerder ingelezen cijfers of incidenten verwijdert "
        "dan het brengt",
        required=False,
        help_text="Alleen bij cijfers en incidenten. Zonder dit vinkje wordt zo'n bestand "
        "geweigerd.",
    )
    nullen_weggelaten = forms.BooleanField(
        label="Het bestand laat nullen weg",
        required=False,
        help_text="Alleen bij cijfers, zoals landelijke exports die een gebied zonder meldingen "
        "niet noemen: ontbrekende buurten en maanden tellen dan als 0 mee in de jaar-, wijk- "
        "en gemeentetotalen.",
    )
    jaar = forms.IntegerField(
        label="Jaar",
        required=False,
        min_value=1900,
        max_value=2200,
        help_text="Bij activiteiten, financiën en kredieten: het jaar waarover het bestand gaat.",
    )
    moment = forms.ChoiceField(
        label="Rapportagemoment",
        required=False,
        choices=MOMENTS,
        initial=DEFAULT_MOMENT,
        help_text="Bij activiteiten: het moment waarop de status geldt.",
    )

    def __init__(self, *args, kinds: list[Kind], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = {kind.key: kind for kind in kinds}
        self.fields["soort"].choices = [(kind.key, kind.label) for kind in kinds]
        self.fields["soort"].widget.kinds = self.kinds
        used = {name for kind in kinds for name in kind.options}
        for name in OPTION_FIELDS - used:
            del self.fields[name]
        if len(kinds) == 1:
            self.fields["soort"].initial = kinds[0].key
        if "jaar" in self.fields:
            self.fields["jaar"].initial = dt.date.today().year - 1
        self.fields["bestand"].help_text = f"Eén bestand van hoogstens {max_size_text()}."

    def clean(self):
        cleaned = super().clean()
        kind = self.kinds.get(cleaned.get("soort", ""))
        if kind is None:
            return cleaned
        for name in kind.required:
            if cleaned.get(name) in (None, ""):
                label = self.fields[name].label.lower()
                self.add_error(name, f"Vul bij {kind.label.lower()} ook {label} in.")
        return cleaned

    @property
    def kind(self) -> Kind:
        return self.kinds[self.cleaned_data["soort"]]

    def options(self) -> Options:
        """The choices that the chosen kind uses; the others are ignored."""
        used = set(self.kind.options)
        value = {name: self.cleaned_data.get(name) for name in used}
        return Options(
            indeling=value.get("indeling"),
            periode=(value.get("periode") or "").strip() or None,
            dataset=(value.get("dataset") or "").strip() or None,
            vervang_alles=bool(value.get("vervang_alles")),
            nullen_weggelaten=bool(value.get("nullen_weggelaten")),
            jaar=value.get("jaar"),
            moment=value.get("moment") or None,
        )
