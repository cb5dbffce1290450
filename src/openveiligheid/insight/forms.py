"""The form of the meeting's agreements: rows of wie / wat / vóór wanneer, and free notes."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory

AGREEMENTS_PREFIX = "afspraak"
EMPTY_ROWS = 2  #: empty rows below the agreements, for new ones
MAX_AGREEMENTS = 40


class AgreementForm(forms.Form):
    wie = forms.CharField(label="Wie", max_length=200, required=False)
    wat = forms.CharField(
        label="Wat",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    wanneer = forms.DateField(
        label="Vóór wanneer",
        required=False,
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Vul een datum in, bijvoorbeeld 15-09-2017."},
    )

    def clean(self):
        data = super().clean()
        if (data.get("wie") or data.get("wanneer")) and not (data.get("wat") or "").strip():
            self.add_error("wat", "Vul in wat er is afgesproken.")
        return data

    def agreement(self) -> dict | None:
        """The row as stored, or None for an empty row."""
        data = self.cleaned_data
        wat = (data.get("wat") or "").strip()
        if not wat:
            return None
        day = data.get("wanneer")
        return {
            "wie": (data.get("wie") or "").strip(),
            "wat": wat,
            "wanneer": day.isoformat() if day else "",
        }


AgreementFormSet = formset_factory(
    AgreementForm, extra=EMPTY_ROWS, max_num=MAX_AGREEMENTS, validate_max=True
)


class NotesForm(forms.Form):
    text = forms.CharField(
        label="Overige notities",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def agreement_forms(data=None, current=None) -> tuple:
    """The formset and the notes form, bound to ``data`` or filled from the current version."""
    initial = [
        {"wie": a.get("wie", ""), "wat": a.get("wat", ""), "wanneer": a.get("wanneer") or None}
        for a in (current.agreements if current else [])
    ]
    if data is not None:  # bound: what was posted counts, not the current version
        initial = None
    agreements = AgreementFormSet(data, initial=initial, prefix=AGREEMENTS_PREFIX)
    notes = NotesForm(data, initial={"text": current.text if current else ""})
    return agreements, notes
