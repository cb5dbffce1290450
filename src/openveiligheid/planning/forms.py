"""The forms of the plan pages: a goal, the targets of an indicator, an activity and its
status, and the texts and judgement of a goal in a year. Validation only; saving goes
through the ``policy`` services (``views.py``)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from openveiligheid.indicators.models import Indicator
from openveiligheid.indicators.targets import Target, TargetError, parse_target, plain_number
from openveiligheid.policy.models import MOMENTS, STATUS_CHOICES, Goal, GoalYear, Plan
from openveiligheid.policy.planfile import GOAL_CODE

TEXT = {"class": "utrecht-textbox utrecht-textbox--html-input"}
AREA = {"class": "utrecht-textarea", "rows": 4}
SELECT = {"class": "utrecht-select utrecht-select--html-select"}
#: Codes of activities follow the goal codes of the plan file: ``1E``, ``1.7``, ``II.3``.
ACTIVITY_CODE = GOAL_CODE
#: How the status selects name an empty status.
STATUS_OPTIONS = [("", "leeg"), *[(value, label) for value, label in STATUS_CHOICES if value]]
#: The four status columns of the reference documents (I/P/F/R), with their labels.
STATUS_FIELDS = [
    ("inhoud", "Inhoud (I)"),
    ("planning", "Planning (P)"),
    ("financien", "Financiën (F)"),
    ("risico", "Risico's (R)"),
]
JUDGEMENT_OPTIONS = [
    ("ja", "ja"),
    ("nee", "nee"),
    ("deels", "deels"),
    ("", "nog niet beoordeeld"),
]


def _text(label: str, required: bool = False, max_length: int = 255, **kwargs):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"max_length": f"Ten hoogste {max_length} tekens."},
        **kwargs,
    )


def _area(label: str, **kwargs):
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs=AREA), **kwargs)


class GoalForm(forms.Form):
    """Code, name and texts of a goal; the code is checked as the plan file checks it."""

    code = _text(
        "Code",
        max_length=20,
        help_text="Het nummer in de begroting, bijvoorbeeld 7.2.1 of 1E. Mag leeg blijven.",
    )
    name = _text("Naam", required=True)
    description = _area("Omschrijving")
    criteria = _area("Criteria", help_text="Waaraan ziet u dat het doel gehaald is?")
    portfolio_holder = _text("Portefeuillehouder")

    def __init__(self, *args, plan: Plan, goal: Goal, **kwargs):
        self.plan, self.goal = plan, goal
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code:
            return ""
        if not GOAL_CODE.match(code):
            raise ValidationError(
                "Een doelcode bestaat alleen uit letters, cijfers, punten en streepjes "
                "(ten hoogste 20 tekens), bijvoorbeeld 7.2.1."
            )
        other = (
            Goal.objects.filter(theme__plan=self.plan, code=code, removed_at__isnull=True)
            .exclude(pk=self.goal.pk)
            .first()
        )
        if other is not None:
            raise ValidationError(f"De code {code} hoort al bij het doel ‘{other.name}’.")
        return code

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Geef het doel een naam.")
        return name


def target_text(target: Target) -> str:
    """A target as the form shows it: ``< 7,5`` (a decimal comma, no thousands separator, so
    that it reads back the same)."""
    return f"{target.operator} {plain_number(target.threshold).replace('.', ',')}"


class TargetsForm(forms.Form):
    """One text input per year of the plan (``< 80``; empty removes the target), and whether
    the indicator is public."""

    def __init__(self, *args, indicator: Indicator, years: list[int], **kwargs):
        self.indicator, self.years = indicator, years
        super().__init__(*args, **kwargs)
        current = {t.year: t.to_target() for t in indicator.targets.all()}
        for year in years:
            self.fields[self.field_name(year)] = forms.CharField(
                label=f"Streefwaarde {year}",
                required=False,
                max_length=40,
                initial=target_text(current[year]) if year in current else "",
                widget=forms.TextInput(attrs={**TEXT, "size": 12}),
            )
        self.fields["public"] = forms.BooleanField(
            label="Openbaar",
            required=False,
            initial=indicator.public,
            help_text="Een openbare indicator staat op de openbare pagina van het plan, "
            "als die aanstaat.",
            widget=forms.CheckboxInput(
                attrs={"class": "utrecht-checkbox utrecht-checkbox--html-input"}
            ),
        )

    @staticmethod
    def field_name(year: int) -> str:
        return f"jaar_{year}"

    def year_fields(self):
        return [self[self.field_name(year)] for year in self.years]

    def clean(self):
        cleaned = super().clean()
        targets: dict[int, Target | None] = {}
        for year in self.years:
            name = self.field_name(year)
            text = (cleaned.get(name) or "").strip()
            if not text:
                targets[year] = None
                continue
            try:
                targets[year] = parse_target(text)
            except TargetError as error:
                self.add_error(name, f"Streefwaarde {year}: {error}.")
        cleaned["targets"] = targets
        return cleaned


class StatusFields(forms.Form):
    """The reporting moment, the four statuses and the toelichting (shared by both activity
    forms)."""

    moment = forms.ChoiceField(
        label="Rapportagemoment", choices=MOMENTS, widget=forms.Select(attrs=SELECT)
    )
    inhoud = forms.ChoiceField(
        label="Inhoud (I)",
        choices=STATUS_OPTIONS,
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    planning = forms.ChoiceField(
        label="Planning (P)",
        choices=STATUS_OPTIONS,
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    financien = forms.ChoiceField(
        label="Financiën (F)",
        choices=STATUS_OPTIONS,
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    risico = forms.ChoiceField(
        label="Risico's (R)",
        choices=STATUS_OPTIONS,
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    toelichting = _area(
        "Toelichting",
        help_text="Nodig bij oranje of rood: wat loopt er anders dan gepland, "
        "en wat doen we eraan?",
    )

    def status_fields(self):
        return [self[name] for name, _ in STATUS_FIELDS]

    def other_fields(self):
        names = {"moment", "toelichting", *(name for name, _ in STATUS_FIELDS)}
        return [field for field in self if field.name not in names]


class ActivityForm(StatusFields):
    """Rename an activity and record its status at a reporting moment."""

    name = _text("Activiteit", required=True, max_length=500)
    field_order = ["name", "moment"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Geef de activiteit een naam.")
        return name


class NewActivityForm(ActivityForm):
    """A new activity of a goal in a year, with its first status."""

    code = _text(
        "Code",
        required=True,
        max_length=20,
        help_text="Zoals in de begroting of het jaarplan: bijvoorbeeld 1E of 1.7.",
    )
    field_order = ["code", "name", "moment"]

    def __init__(self, *args, goal: Goal, year: int, **kwargs):
        self.goal, self.year = goal, year
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not ACTIVITY_CODE.match(code):
            raise ValidationError(
                "Een activiteitcode bestaat alleen uit letters, cijfers, punten en streepjes "
                "(ten hoogste 20 tekens), bijvoorbeeld 1E of 1.7."
            )
        if self.goal.activities.filter(year=self.year, code=code).exists():
            raise ValidationError(
                f"Dit doel heeft in {self.year} al een activiteit met code {code}."
            )
        return code


class GoalYearForm(forms.Form):
    """The toelichting op realisatie and the judgement "doel gehaald" of a goal in a year."""

    realisation = _area(
        "Toelichting op realisatie", help_text="Wat is er dit jaar gedaan en bereikt?"
    )
    judgement = forms.ChoiceField(
        label="Doel gehaald?",
        choices=JUDGEMENT_OPTIONS,
        required=False,
        widget=forms.RadioSelect(
            attrs={"class": "utrecht-radio-button utrecht-radio-button--html-input"}
        ),
    )
    judgement_note = _area(
        "Toelichting doel gehaald",
        help_text="Waarom is het doel (niet of deels) gehaald? "
        "Nodig als u afwijkt van het voorstel.",
    )

    def clean_judgement(self) -> str:
        value = self.cleaned_data["judgement"]
        if value not in dict(GoalYear.JUDGEMENTS):
            raise ValidationError("Kies ja, nee, deels of nog niet beoordeeld.")
        return value


class HistoryFilterForm(forms.Form):
    soort = forms.ChoiceField(label="Soort", required=False, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["soort"].choices = [("", "alle soorten"), *kinds]
