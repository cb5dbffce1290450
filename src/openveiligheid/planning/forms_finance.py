"""The forms of the money pages: the grid of amounts of a goal's financial overview (with the
verschillenanalyse) and the credits of a goal in a year.

Amounts are typed as in the reference documents (``1.962.937``, ``-138.825``) and read by the
same parser as the CSV files (``imports.parsers.goalcsv.parse_amount``), so a form and a file
accept and refuse exactly the same amounts, with the same Dutch message.
"""

from __future__ import annotations

from django import forms

from openveiligheid.core.numbers import format_number
from openveiligheid.imports.parsers.goalcsv import parse_amount
from openveiligheid.policy.finance import PART_LABELS, PARTS, STEP_LABELS, STEPS
from openveiligheid.policy.yearwork import CreditInput

#: The longest text an amount field takes (``-1.000.000.000.000`` has 18 characters).
AMOUNT_LENGTH = 30
#: The longest project name a credit can have (``policy.models.Credit.project``).
PROJECT_LENGTH = 255


def euro_text(amount: int | None) -> str:
    """An amount as the form shows it again: ``1.962.937``; nothing for ``None``."""
    return "" if amount is None else format_number(amount, 0)


class AmountInput(forms.TextInput):
    """A text input for a whole-euro amount: a numeric keyboard on a phone, but room for the
    dots and the minus sign of Dutch notation (``type="number"`` would refuse them)."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(
            {
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "amount-input",
                **(attrs or {}),
            }
        )


class AmountField(forms.CharField):
    """A whole-euro amount in Dutch notation; empty is ``empty_value`` (not entered)."""

    widget = AmountInput

    def __init__(self, *, empty_amount: int | None = None, **kwargs) -> None:
        kwargs.setdefault("required", False)
        self.empty_amount = empty_amount
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", str(AMOUNT_LENGTH))

    def prepare_value(self, value):
        if isinstance(value, int):
            return euro_text(value)
        return value

    def to_python(self, value) -> int | None:
        text = super().to_python(value)
        if not text:
            return self.empty_amount
        if len(text) > AMOUNT_LENGTH:
            raise forms.ValidationError("Dit is te lang voor een bedrag.", code="amount")
        try:
            return parse_amount(text)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="amount") from error

    def has_changed(self, initial, data) -> bool:
        """Compare amounts, not texts: ``1.000`` is ``1000``, and empty is ``empty_amount``."""
        try:
            before = initial if isinstance(initial, int) else self.to_python(initial)
            return before != self.to_python(data)
        except forms.ValidationError:
            return True


def cell_name(step: str, part: str) -> str:
    return f"{step}__{part}"


class AmountsForm(forms.Form):
    """Four steps × four parts, and the verschillenanalyse. An empty cell is "not entered" (it
    counts as 0 in the overview and removes an amount entered before)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for step in STEPS:
            for part in PARTS:
                self.fields[cell_name(step, part)] = AmountField(
                    label=f"{PART_LABELS[part]}, {STEP_LABELS[step].lower()}"
                )
        self.fields["variance_analysis"] = forms.CharField(
            label="Verschillenanalyse",
            required=False,
            strip=True,
            widget=forms.Textarea(attrs={"rows": 8, "class": "utrecht-textarea"}),
            help_text=(
                "Financiële toelichting: waarom de jaarrekening afwijkt van de begroting "
                "(voordelig of nadelig)."
            ),
        )

    @classmethod
    def initial_from(cls, amounts: dict[tuple[str, str], int], variance: str) -> dict:
        initial: dict[str, object] = {
            cell_name(step, part): euro_text(amount) for (step, part), amount in amounts.items()
        }
        initial["variance_analysis"] = variance
        return initial

    def grid(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """The rows of the grid: (step, label, the bound fields of the four parts)."""
        return [
            (step, STEP_LABELS[step], [self[cell_name(step, part)] for part in PARTS])
            for step in STEPS
        ]

    def cells(self) -> dict[tuple[str, str], int | None]:
        """Every cell, keyed ``(step, part)``, as ``policy.yearwork.save_amounts`` takes it."""
        return {
            (step, part): self.cleaned_data[cell_name(step, part)]
            for step in STEPS
            for part in PARTS
        }


class CreditForm(forms.Form):
    """One credit: a project and its three amounts (empty is 0)."""

    project = forms.CharField(label="Project", max_length=PROJECT_LENGTH, required=True)
    omvang = AmountField(label="Omvang krediet t/m dit jaar", empty_amount=0)
    gerealiseerd_tm_vorig_jaar = AmountField(label="Gerealiseerd t/m vorig jaar", empty_amount=0)
    besteding = AmountField(label="Bestedingen dit jaar", empty_amount=0)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].error_messages["required"] = "Vul de naam van het project in."
        self.fields["project"].widget.attrs.update({"autocomplete": "off"})

    def to_input(self) -> CreditInput:
        data = self.cleaned_data
        return CreditInput(
            project=data["project"],
            omvang=data["omvang"],
            gerealiseerd_tm_vorig_jaar=data["gerealiseerd_tm_vorig_jaar"],
            besteding=data["besteding"],
        )


class BaseCreditFormSet(forms.BaseFormSet):
    """The credits of a goal in a year; a project may appear only once."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        """Name the row in every label ("Project, rij 2"): the labels are read one by one."""
        super().add_fields(form, index)
        if forms.formsets.DELETION_FIELD_NAME in form.fields:
            form.fields[forms.formsets.DELETION_FIELD_NAME].label = "Verwijderen"
        if index is not None:
            for field in form.fields.values():
                field.label = f"{field.label}, rij {index + 1}"

    def clean(self) -> None:
        super().clean()
        seen: dict[str, str] = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            project = form.cleaned_data.get("project")
            if not project:
                continue
            name = " ".join(project.split()).casefold()
            if name in seen:
                form.add_error(
                    "project",
                    f"Het project '{project}' staat er al; elk project komt één keer voor "
                    "(pas de bestaande rij aan).",
                )
            else:
                seen[name] = project

    def credits(self) -> list[CreditInput]:
        """The credits to keep: filled-in rows that are not marked for removal."""
        return [
            form.to_input()
            for form in self.forms
            if form.has_changed()
            and not self._should_delete_form(form)
            and form.cleaned_data.get("project")
        ]


def credit_formset(extra: int = 1):
    return forms.formset_factory(
        CreditForm,
        formset=BaseCreditFormSet,
        extra=extra,
        can_delete=True,
        can_delete_extra=False,
        max_num=200,
        validate_max=True,
    )


def mark_errors(form: forms.Form) -> None:
    """Let assistive technology find each field's error: ``aria-invalid`` and a reference to
    the message (``<id>-fout``) on every field that has one."""
    for name in form.errors:
        if name not in form.fields:
            continue
        bound = form[name]
        bound.field.widget.attrs.update(
            {"aria-invalid": "true", "aria-describedby": f"{bound.auto_id}-fout"}
        )


def error_summary(forms_: list[forms.Form]) -> list[dict[str, str]]:
    """Every field error of ``forms_`` as (anchor, label, message), in page order."""
    summary = []
    for form in forms_:
        for name, errors in form.errors.items():
            if name not in form.fields:
                summary.extend({"anchor": "", "label": "", "message": e} for e in errors)
                continue
            bound = form[name]
            summary.extend(
                {"anchor": bound.auto_id, "label": str(bound.label), "message": error}
                for error in errors
            )
    return summary
