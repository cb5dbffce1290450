"""The worker's record: each run of a scheduled job, and the worker's heartbeat."""

from __future__ import annotations

from django.db import models


class JobRun(models.Model):
    OK, FAILED = "gelukt", "mislukt"

    name = models.CharField("taak", max_length=50, db_index=True)
    started_at = models.DateTimeField("begonnen")
    finished_at = models.DateTimeField("klaar")
    status = models.CharField("status", max_length=10, choices=[(OK, OK), (FAILED, FAILED)])
    message = models.TextField("melding", blank=True)

    class Meta:
        verbose_name = "taakuitvoering"
        verbose_name_plural = "taakuitvoeringen"
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class WorkerBeat(models.Model):
    """One row per worker process (host and pid): when it was last awake."""

    host = models.CharField("machine", max_length=255)
    pid = models.PositiveIntegerField("proces")
    seen_at = models.DateTimeField("laatst gezien", db_index=True)

    class Meta:
        verbose_name = "hartslag van de werker"
        verbose_name_plural = "hartslagen van de werker"
        constraints = [models.UniqueConstraint(fields=["host", "pid"], name="worker_beat_unique")]
