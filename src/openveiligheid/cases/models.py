"""Case registers (issue #10): cases of four registers, the persons they concern, their journal,
their status history and the links between them.

Privacy by design (docs/privacy.md):

- Every read goes through ``Case.objects.visible_to(user)`` or ``Person.objects.visible_to(user)``
  (``cases.access``); nothing else in the code reads these tables for a user.
- A ``Person`` holds the minimum: name and date of birth; a BSN only when the installation has
  a key for it (``OV_BSN_SLEUTEL``), encrypted (``cases.crypto``).
- A case whose retention period has passed is anonymised in place: its person links, journal,
  links and personal fields go, and the row stays as a tombstone (number, register, dates, area,
  categories, outcome), so the yearly counts stay right (``cases.retention``).
"""

from __future__ import annotations

from django.db import models

from openveiligheid.cases.access import CaseQuerySet, PersonQuerySet
from openveiligheid.cases.registers import (
    ESCALATIONS,
    FOLLOW_UPS,
    MEASURE_TYPES,
    OBJECTION_STATUSES,
    OPEN,
    PHENOMENA,
    REGISTERS,
    SIGNAL_SOURCES,
    STATUSES,
    WONINGTYPES,
)


def _choices(values: list[str]) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


class Person(models.Model):
    """Someone a case is about. Shared between registers only through entitled case links."""

    gemeente_code = models.CharField("gemeente", max_length=6, db_index=True)
    name = models.CharField("naam", max_length=200)
    birth_date = models.DateField("geboortedatum", null=True, blank=True)
    bsn_encrypted = models.TextField("BSN (versleuteld)", blank=True)
    created_at = models.DateTimeField("vastgelegd", auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "persoon"
        verbose_name_plural = "personen"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"persoon {self.pk}"  # never the name: this ends up in logs and the audit trail


class Case(models.Model):
    """What every register's case has. The register's own fields are on its subclass."""

    register = models.CharField(
        "register", max_length=20, choices=[(r.key, r.label) for r in REGISTERS.values()]
    )
    number = models.CharField("zaaknummer", max_length=50)
    gemeente_code = models.CharField("gemeente", max_length=6, db_index=True)
    buurt_code = models.CharField("buurt", max_length=10, blank=True)
    wijk_code = models.CharField("wijk", max_length=8, blank=True, db_index=True)
    opened = models.DateField("geopend")
    closed = models.DateField("gesloten", null=True, blank=True)
    status = models.CharField("status", max_length=20, choices=_choices(STATUSES), default=OPEN)
    outcome = models.CharField("reden van afsluiten", max_length=100, blank=True)
    team = models.CharField("team", max_length=100, blank=True)
    anonymised_at = models.DateTimeField("geanonimiseerd", null=True, blank=True)
    import_run = models.ForeignKey(
        "imports.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("vastgelegd", auto_now_add=True)
    updated_at = models.DateTimeField("bijgewerkt", auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "casus"
        verbose_name_plural = "casussen"
        ordering = ["-opened", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["gemeente_code", "register", "number"], name="case_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(closed__isnull=True) | models.Q(closed__gte=models.F("opened")),
                name="case_closed_after_opened",
            ),
        ]
        indexes = [models.Index(fields=["register", "gemeente_code", "opened"])]
        permissions = [(r.codename, f"Register {r.label.lower()}: casussen met persoonsgegevens "
                        "zien en bewerken") for r in REGISTERS.values()]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.register} {self.number}"

    #: Fields of the subclass that hold personal data (blanked when anonymised).
    PERSONAL_FIELDS: tuple[str, ...] = ()


class WoonoverlastCase(Case):
    address = models.CharField("adres", max_length=200, blank=True)
    woningtype = models.CharField("woningtype", max_length=20, choices=_choices(WONINGTYPES))
    partners = models.JSONField("betrokken partners", default=list, blank=True)
    interventions = models.JSONField("interventies", default=list, blank=True)

    PERSONAL_FIELDS = ("address",)

    class Meta:
        verbose_name = "woonoverlastcasus"
        verbose_name_plural = "woonoverlastcasussen"


class SignalCase(Case):
    source = models.CharField("bron", max_length=20, choices=_choices(SIGNAL_SOURCES))
    phenomenon = models.CharField("fenomeen", max_length=30, choices=_choices(PHENOMENA))
    location = models.CharField("locatie", max_length=200, blank=True)
    assessment = models.TextField("weging (weegtafel)", blank=True)
    follow_up = models.CharField("vervolg", max_length=30, choices=_choices(FOLLOW_UPS), blank=True)

    PERSONAL_FIELDS = ("location", "assessment")

    class Meta:
        verbose_name = "signaal ondermijning"
        verbose_name_plural = "signalen ondermijning"


class PgaCase(Case):
    reason = models.TextField("aanleiding", blank=True)
    partners = models.JSONField("deelnemende partners", default=list, blank=True)
    plan = models.TextField("plan van aanpak", blank=True)
    escalation = models.CharField(
        "op- en afschalen", max_length=50, choices=_choices(ESCALATIONS), default=ESCALATIONS[0]
    )
    legal_basis = models.CharField("grondslag (convenant)", max_length=200)

    PERSONAL_FIELDS = ("reason", "plan")

    class Meta:
        verbose_name = "casus persoonsgerichte aanpak"
        verbose_name_plural = "casussen persoonsgerichte aanpak"


class MeasureCase(Case):
    measure_type = models.CharField(
        "soort maatregel", max_length=40, choices=_choices(MEASURE_TYPES)
    )
    decided = models.DateField("besluitdatum")
    duration_days = models.PositiveIntegerField("duur (dagen)", null=True, blank=True)
    subject = models.CharField("object of persoon", max_length=200, blank=True)
    objection = models.CharField(
        "bezwaar en beroep", max_length=30, choices=_choices(OBJECTION_STATUSES), default="geen"
    )

    PERSONAL_FIELDS = ("subject",)

    class Meta:
        verbose_name = "bestuurlijke maatregel"
        verbose_name_plural = "bestuurlijke maatregelen"


#: register key -> the model of its cases.
CASE_MODELS: dict[str, type[Case]] = {
    "woonoverlast": WoonoverlastCase,
    "ondermijning": SignalCase,
    "pga": PgaCase,
    "maatregelen": MeasureCase,
}


class CasePerson(models.Model):
    """That a case concerns a person, and as what (betrokkene, melder, bewoner, eigenaar …)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="persons")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    role = models.CharField("rol in de casus", max_length=50, default="betrokkene")

    class Meta:
        verbose_name = "betrokkene"
        verbose_name_plural = "betrokkenen"
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="case_person_unique")
        ]


class StatusChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField("status", max_length=20, choices=_choices(STATUSES))
    date = models.DateField("datum")
    user_name = models.CharField("door", max_length=255)
    at = models.DateTimeField("vastgelegd", auto_now_add=True)

    class Meta:
        verbose_name = "statuswijziging"
        verbose_name_plural = "statuswijzigingen"
        ordering = ["date", "pk"]


class JournalEntry(models.Model):
    """One line of a case's journal: what was done, when and by whom."""

    KINDS = ["notitie", "actie", "overleg", "interventie", "opschalen", "afschalen"]

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="journal")
    date = models.DateField("datum")
    kind = models.CharField("soort", max_length=20, choices=_choices(KINDS), default="notitie")
    text = models.TextField("wat")
    user_name = models.CharField("door", max_length=255)
    at = models.DateTimeField("vastgelegd", auto_now_add=True)

    class Meta:
        verbose_name = "journaalregel"
        verbose_name_plural = "journaal"
        ordering = ["date", "pk"]


class CaseLink(models.Model):
    """Two related cases (possibly of different registers). Shown only to a user entitled to
    both (``access.visible_links``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_out")
    other = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_in")
    note = models.CharField("toelichting", max_length=200, blank=True)

    class Meta:
        verbose_name = "koppeling"
        verbose_name_plural = "koppelingen"
        constraints = [models.UniqueConstraint(fields=["case", "other"], name="case_link_unique")]
