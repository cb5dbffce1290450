"""Adopted (frozen) jaarverslag sections: ADR 0017.

When the council has adopted the annual report, the year is frozen: the whole report object
(``reports.jaarverslag.report``, every number and text) is stored as it was, with who froze it
and when. It never changes afterwards; the page compares it with today's figures.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openveiligheid.accounts.access import gemeente_queryset


class AdoptedReport(models.Model):
    plan = models.ForeignKey("policy.Plan", on_delete=models.PROTECT, related_name="adopted")
    year = models.PositiveSmallIntegerField("verslagjaar")
    #: the report object exactly as the pages and files draw it
    content = models.JSONField("inhoud")
    adopted_on = models.DateField("vastgesteld door de raad op", null=True, blank=True)
    frozen_at = models.DateTimeField("bevroren op", auto_now_add=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    frozen_by_name = models.CharField("bevroren door", max_length=255)

    objects = gemeente_queryset("plan__gemeente_code").as_manager()

    class Meta:
        verbose_name = "vastgesteld jaarverslag"
        verbose_name_plural = "vastgestelde jaarverslagen"
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="adopted_report_unique")
        ]
        permissions = [("vaststellen", "Een verslagjaar vaststellen (bevriezen)")]

    def __str__(self) -> str:
        return f"{self.plan} {self.year}"
