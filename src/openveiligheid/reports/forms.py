"""The form of the jaarverslag pages: vaststellen (freezing a year)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone


class AdoptForm(forms.Form):
    """Vaststellen: the date of the council's decision is optional (it may follow later in
    the minutes), but when given it lies after the year and not in the future."""

    adopted_on = forms.DateField(
        label="Datum van het raadsbesluit",
        required=False,
        help_text="De dag waarop de raad het jaarverslag heeft vastgesteld, bijvoorbeeld "
        "2024-06-27 of 27-06-2024.",
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
        widget=forms.DateInput(
            attrs={"class": "utrecht-textbox utrecht-textbox--html-input", "type": "date"},
            format="%Y-%m-%d",
        ),
        error_messages={"invalid": "Vul een datum in, bijvoorbeeld 27-06-2024."},
    )

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def clean_adopted_on(self) -> dt.date | None:
        day = self.cleaned_data.get("adopted_on")
        if day is None:
            return None
        if day.year <= self.year:
            raise forms.ValidationError(
                f"De raad stelt het jaarverslag {self.year} vast na afloop van dat jaar; "
                f"kies een datum in {self.year + 1} of later."
            )
        if day > timezone.localdate():
            raise forms.ValidationError("De datum van het raadsbesluit ligt in de toekomst.")
        return day
