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
    measure = models.ForeignKey(Measure, verbose_name="maat", on_delete=models.PROTECT)
    area = models.ForeignKey("areas.Area", verbose_name="gebied", on_delete=models.PROTECT)
    period = models.CharField("periode", max_length=10)  # "2022" or "2022-03"
    year = models.PositiveSmallIntegerField("jaar")
    month = models.PositiveSmallIntegerField("maand", null=True, blank=True)
    value = models.FloatField("waarde")
    status = models.CharField("status", max_length=10, choices=STATUS_CHOICES, default=DEFINITIEF)
    derived = models.BooleanField("afgeleid", default=False)
    source = models.CharField("bron", max_length=200, blank=True)
    import_run = models.ForeignKey(
        "imports.ImportRun", verbose_name="import", on_delete=models.PROTECT, related_name="figures"
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
