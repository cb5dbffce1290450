"""Import runs: the record of every file that was read, successful or not."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    PENDING, RUNNING, SUCCEEDED, FAILED, SKIPPED = (
        "pending",
        "running",
        "succeeded",
        "failed",
        "skipped",
    )
    STATUS_CHOICES = [
        (PENDING, "wacht"),
        (RUNNING, "bezig"),
        (SUCCEEDED, "gelukt"),
        (FAILED, "mislukt"),
        (SKIPPED, "al ingelezen"),
    ]

    dataset = models.CharField("dataset", max_length=100, db_index=True)
    kind = models.CharField("soort", max_length=30)  # figures, areas, boundaries, incidents
    format = models.CharField("formaat", max_length=30, blank=True)
    file_name = models.CharField("bestandsnaam", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    division = models.PositiveSmallIntegerField("indeling", null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="gebruiker",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    user_name = models.CharField("gebruikersnaam", max_length=150, blank=True)
    status = models.CharField("status", max_length=10, choices=STATUS_CHOICES, default=PENDING)
    started_at = models.DateTimeField("begonnen", auto_now_add=True)
    finished_at = models.DateTimeField("klaar", null=True, blank=True)
    read = models.PositiveIntegerField("gelezen", default=0)
    created = models.PositiveIntegerField("nieuw", default=0)
    updated = models.PositiveIntegerField("bijgewerkt", default=0)
    deleted = models.PositiveIntegerField("vervallen", default=0)
    rejected = models.PositiveIntegerField("afgewezen", default=0)
    derived = models.PositiveIntegerField("afgeleid", default=0)
    zeros_omitted = models.BooleanField(
        "nullen weggelaten",
        default=False,
        help_text="Het bestand liet nullen weg: ontbrekende waarden zijn bij de optellingen als "
        "0 geteld (--nullen-weggelaten).",
    )
    message = models.TextField("melding", blank=True)
    errors = models.JSONField("foutenrapport", default=list, blank=True)
    host = models.CharField("machine", max_length=255, blank=True)
    pid = models.PositiveIntegerField("proces", null=True, blank=True)

    class Meta:
        verbose_name = "import"
        verbose_name_plural = "imports"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.dataset}, {self.get_status_display()})"
