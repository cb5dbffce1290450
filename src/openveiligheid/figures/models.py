"""Figures: one observation is a measure for an area in a period, with its provenance."""

from __future__ import annotations

from django.db import models

from openveiligheid.accounts.access import AreaBoundQuerySet
from openveiligheid.core.statuses import DEFINITIEF, VOORLOPIG

STATUS_CHOICES = [(DEFINITIEF, "definitief"), (VOORLOPIG, "voorlopig")]


class Measure(models.Model):
    """A quantity that is observed, e.g. ``misdrijven:1.1.1`` or ``inwoners``.

    ``label`` and ``additive`` are copied from the measure catalogue
    (:mod:`openveiligheid.core.measures`) when the measure is first stored
    (:func:`openveiligheid.figures.catalogue.measure_ids`).
    """

    name = models.CharField("naam", max_length=100, unique=True)
    label = models.CharField("omschrijving", max_length=255, blank=True)
    additive = models.BooleanField("optelbaar", default=True)
    sensitive = models.BooleanField(
        "gevoelig",
        default=False,
        help_text="Op openbare pagina's worden waarden 1 tot en met 4 getoond als '< 5'.",
    )

    class Meta:
        verbose_name = "maat"
        verbose_name_plural = "maten"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Figure(models.Model):
    """One figure. The bulk import (:mod:`openveiligheid.figures.bulk`) writes millions at
    once, so the table carries only what readers need: no database-level foreign-key checks
    (PostgreSQL runs one per row and key at commit) and no single-column indexes on
    ``measure`` and ``area`` (the unique key and the area index start with them). The
    references are kept by the writers, which take their keys from the tables they have just
    read, and by Django's ``PROTECT``. See docs/adr/0019-bulk-figures-import.md."""

    measure = models.ForeignKey(
        Measure,
        verbose_name="maat",
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,  # the unique key (measure, area, period) starts with it
    )
    area = models.ForeignKey(
        "areas.Area",
        verbose_name="gebied",
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,  # the index (area, measure, year) starts with it
    )
    period = models.CharField("periode", max_length=10)  # "2022" or "2022-03"
    year = models.PositiveSmallIntegerField("jaar")
    month = models.PositiveSmallIntegerField("maand", null=True, blank=True)
    value = models.FloatField("waarde")
    status = models.CharField("status", max_length=10, choices=STATUS_CHOICES, default=DEFINITIEF)
    derived = models.BooleanField("afgeleid", default=False)
    source = models.CharField("bron", max_length=200, blank=True)
    import_run = models.ForeignKey(
        "imports.ImportRun",
        verbose_name="import",
        on_delete=models.PROTECT,
        related_name="figures",
        db_constraint=False,
    )

    objects = AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = "cijfer"
        verbose_name_plural = "cijfers"
        constraints = [
            models.UniqueConstraint(fields=["measure", "area", "period"], name="figure_unique_key")
        ]
        indexes = [
            models.Index(fields=["area", "measure", "year"], name="figure_area_measure_year")
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.area.code} {self.period}: {self.value:g}"


class Incident(models.Model):
    """A police-registered incident with a location. Never shown individually to the public."""

    incident_id = models.CharField("incidentnummer", max_length=64, unique=True)
    code = models.CharField("incidentsoort", max_length=10, db_index=True)
    label = models.CharField("omschrijving", max_length=100, blank=True)
    reported_at = models.DateTimeField("kennisname")
    committed_at = models.DateTimeField("begin pleegdatum", null=True, blank=True)
    lon = models.FloatField("lengtegraad (WGS84)")
    lat = models.FloatField("breedtegraad (WGS84)")
    cleared = models.BooleanField("opgehelderd", default=False)
    area = models.ForeignKey(
        "areas.Area", verbose_name="buurt", null=True, blank=True, on_delete=models.PROTECT
    )
    import_run = models.ForeignKey(
        "imports.ImportRun", on_delete=models.PROTECT, related_name="incidents"
    )

    class Meta:
        verbose_name = "incident"
        verbose_name_plural = "incidenten"


class FigurePeriod(models.Model):
    """A period that has figures of a measure at one level of a gemeente: the list the pages
    offer (years, months) is kept here by the writers of figures
    (:func:`openveiligheid.figures.periods.refresh_periods`), not scanned from ``Figure``."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    division = models.PositiveSmallIntegerField("indeling (jaar)")
    gemeente_code = models.CharField("gemeentecode", max_length=6)
    level = models.CharField("niveau", max_length=10)
    year = models.PositiveSmallIntegerField("jaar")
    month = models.PositiveSmallIntegerField("maand", null=True, blank=True)

    class Meta:
        verbose_name = "periode met cijfers"
        verbose_name_plural = "perioden met cijfers"
        indexes = [
            models.Index(fields=["measure", "gemeente_code", "level"], name="figureperiod_lookup"),
            models.Index(fields=["gemeente_code", "level", "month"], name="figureperiod_months"),
        ]

    def __str__(self) -> str:
        month = f"-{self.month:02d}" if self.month else ""
        return f"{self.measure} {self.gemeente_code} {self.level} {self.year}{month}"
