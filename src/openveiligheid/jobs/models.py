"""The worker's record: each run of a scheduled job, the worker's heartbeat, and the background
tasks on the task queue."""

from __future__ import annotations

from django.conf import settings
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


class BackgroundTask(models.Model):
    """One piece of background work (an upload, the analyses of one gemeente after an import):
    what it is, whose it is, how far it got and how it ended. The task queue (django-tasks;
    ADR 0020) carries only this row's id; progress, cancelling and recovery read and write it.
    """

    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = (
        "wacht",
        "bezig",
        "gelukt",
        "mislukt",
        "afgebroken",
    )
    STATUS_CHOICES = [(s, s) for s in (QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED)]
    FINISHED = (SUCCEEDED, FAILED, CANCELLED)

    kind = models.CharField("soort", max_length=20, db_index=True)
    label = models.CharField("omschrijving", max_length=300)
    arguments = models.JSONField("gegevens", default=dict, blank=True)
    #: an uploaded file, kept until the task has run (a worker may run on another machine)
    payload = models.BinaryField("bestand", blank=True, default=b"")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="van",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="volgt op",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    status = models.CharField(
        "status", max_length=10, choices=STATUS_CHOICES, default=QUEUED, db_index=True
    )
    steps_done = models.PositiveIntegerField("stappen klaar", default=0)
    steps_total = models.PositiveIntegerField("stappen", default=1)
    step = models.CharField("nu", max_length=200, blank=True)
    cancel_requested_at = models.DateTimeField("afbreken gevraagd", null=True, blank=True)
    cancel_requested_by = models.CharField("afbreken gevraagd door", max_length=150, blank=True)
    attempts = models.PositiveSmallIntegerField("pogingen", default=0)
    host = models.CharField("machine", max_length=255, blank=True)
    pid = models.PositiveIntegerField("proces", null=True, blank=True)
    worker = models.CharField("werker", max_length=64, blank=True)
    queue_id = models.CharField("id in de wachtrij", max_length=64, blank=True)
    import_run = models.ForeignKey(
        "imports.ImportRun",
        verbose_name="import",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("aangemaakt", auto_now_add=True)
    started_at = models.DateTimeField("begonnen", null=True, blank=True)
    finished_at = models.DateTimeField("klaar", null=True, blank=True)
    message = models.TextField("melding", blank=True)
    result = models.JSONField("uitkomst", default=dict, blank=True)

    class Meta:
        verbose_name = "achtergrondtaak"
        verbose_name_plural = "achtergrondtaken"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED
