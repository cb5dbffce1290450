"""Stored results of the analyses: computed after each import, read by the pages.

Pages never run the statistics themselves (``import esda`` alone takes seconds); they read
these tables. Each row belongs to an :class:`AnalysisRun`, which says when and with which
parameters it was computed. A new run for the same scope replaces the old rows.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from openveiligheid.accounts.access import AreaBoundQuerySet, GemeenteQuerySet
from openveiligheid.core.periods import MONTH_NAMES


class AnalysisRun(models.Model):
    HOTSPOTS, SPACE_TIME, SIGNALS, GRID = "hotspots", "ruimte-tijd", "signalering", "raster"
    KIND_CHOICES = [
        (HOTSPOTS, "hotspots (Gi*)"),
        (SPACE_TIME, "ruimte-tijdklassen"),
        (SIGNALS, "signalering"),
        (GRID, "raster en dichtheid"),
    ]

    kind = models.CharField("soort", max_length=20, choices=KIND_CHOICES)
    division = models.PositiveSmallIntegerField("indeling", null=True)
    #: the one gemeente this run recomputed after an import; empty: the whole division
    gemeente_code = models.CharField("gemeente", max_length=6, blank=True, default="")
    started_at = models.DateTimeField("gestart", auto_now_add=True)
    seconds = models.FloatField("duur (s)", default=0)
    parameters = models.JSONField("parameters", default=dict)
    message = models.TextField("samenvatting", blank=True)

    class Meta:
        verbose_name = "analyse"
        verbose_name_plural = "analyses"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%d-%m-%Y %H:%M}"


class HotspotResult(models.Model):
    """EB-smoothed rate, Gi* and Local Moran's I of one area for one measure and period."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="hotspots")
    measure = models.ForeignKey("figures.Measure", on_delete=models.CASCADE)
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE)
    objects = AreaBoundQuerySet.as_manager()
    period = models.CharField("periode", max_length=10)
    count = models.FloatField(null=True)
    population = models.FloatField(null=True)
    rate = models.FloatField(null=True)
    smoothed_rate = models.FloatField(null=True)
    rate_lower = models.FloatField(null=True)
    rate_upper = models.FloatField(null=True)
    gi_z = models.FloatField(null=True)
    p_value = models.FloatField("pseudo-p (permutaties)", null=True)
    p_norm = models.FloatField("p (normale verdeling)", null=True)
    p_fdr = models.FloatField("p na FDR-correctie", null=True)
    hotspot_class = models.CharField(max_length=20, blank=True)
    confidence = models.FloatField(null=True)
    lisa_z = models.FloatField("Local Moran z", null=True)
    lisa_p_fdr = models.FloatField("Local Moran p na FDR-correctie", null=True)
    lisa_class = models.CharField("cluster of uitschieter", max_length=20, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "area", "period"], name="hotspot_measure_area_period"
            )
        ]


class SpaceTimeResult(models.Model):
    """The space-time class (Chainey 2020) of one area for one measure over the years."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="space_time")
    measure = models.ForeignKey("figures.Measure", on_delete=models.CASCADE)
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE)
    objects = AreaBoundQuerySet.as_manager()
    code = models.CharField(max_length=30)
    label = models.CharField(max_length=60)
    hot_periods = models.PositiveSmallIntegerField()
    cold_periods = models.PositiveSmallIntegerField()
    periods = models.PositiveSmallIntegerField()
    first_period = models.CharField(max_length=10)
    last_period = models.CharField(max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measure", "area"], name="spacetime_measure_area")
        ]


class Signal(models.Model):
    """Early warning for one series (measure x area) in one period."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="signals")
    measure = models.ForeignKey("figures.Measure", on_delete=models.CASCADE)
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE)
    objects = AreaBoundQuerySet.as_manager()
    period = models.CharField("periode", max_length=10, db_index=True)
    observed = models.FloatField()
    year_before = models.FloatField("zelfde periode een jaar eerder", null=True)
    expected = models.FloatField()
    threshold = models.FloatField()
    p_value = models.FloatField(null=True)
    p_adjusted = models.FloatField(null=True)
    alarm = models.BooleanField(default=False, db_index=True)
    method = models.CharField(max_length=30)
    since = models.PositiveSmallIntegerField(null=True)
    unusual = models.CharField(max_length=60, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "area", "period"], name="signal_measure_area_period"
            )
        ]


class GridCell(models.Model):
    """An aggregated grid cell of incidents: never a point, only counts and density."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="cells")
    measure = models.ForeignKey("figures.Measure", on_delete=models.CASCADE)
    gemeente_code = models.CharField(max_length=6)
    period = models.CharField(max_length=10)
    cell_id = models.CharField(max_length=40)
    area_name = models.CharField("buurt (midden van het vak)", max_length=200, blank=True)
    map_path = models.TextField()
    map_xmin = models.FloatField()
    map_ymin = models.FloatField()
    map_xmax = models.FloatField()
    map_ymax = models.FloatField()
    count = models.PositiveIntegerField()
    density = models.FloatField()
    gi_z = models.FloatField(null=True)
    p_fdr = models.FloatField(null=True)
    hotspot_class = models.CharField(max_length=20, blank=True)
    confidence = models.FloatField(null=True)


class MeetingNote(models.Model):
    """What the two-weekly meeting with the police agreed for one period, as one version.

    Never overwritten: each save is a new row with the next ``version``; the newest is the
    current text, the others are the history ("eerdere versies")."""

    gemeente_code = models.CharField("gemeente", max_length=6)
    period = models.CharField("periode", max_length=10)  # "2017-08-28" (two weeks) or "2017-08"
    version = models.PositiveIntegerField("versie")
    #: [{"wie": …, "wat": …, "wanneer": "2017-09-15" or ""}], in the order entered
    agreements = models.JSONField("afspraken", default=list, blank=True)
    text = models.TextField("overige notities", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="vastgelegd door",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by_name = models.CharField("naam van wie vastlegde", max_length=150, blank=True)
    created_at = models.DateTimeField("vastgelegd op", auto_now_add=True)

    objects = GemeenteQuerySet.as_manager()

    class Meta:
        verbose_name = "afspraken overleg politie"
        verbose_name_plural = "afspraken overleg politie"
        ordering = ["gemeente_code", "period", "-version"]
        default_permissions = ("view",)
        permissions = [
            ("afspraken_bewerken", "Afspraken van het overleg met de politie vastleggen"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["gemeente_code", "period", "version"], name="meetingnote_version"
            )
        ]
        indexes = [models.Index(fields=["gemeente_code", "period"], name="meetingnote_period")]

    def __str__(self) -> str:
        return f"{self.gemeente_code} {self.period} versie {self.version}"

    @property
    def rows(self) -> list[dict[str, str]]:
        """The agreements with their deadline in Dutch words ("15 september 2017")."""
        return [
            {**row, "wanneer_tekst": _day_words(row.get("wanneer", ""))} for row in self.agreements
        ]


def _day_words(text: str) -> str:
    try:
        day = dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return ""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
