"""The safety plan: plan → themes → goals. Indicators live in the ``indicators`` app.

Activities, their status and budgets per goal follow in a later issue; a goal is where they
will hang.
"""

from __future__ import annotations

from django.db import models

from openveiligheid.accounts.access import gemeente_queryset


class Plan(models.Model):
    gemeente_code = models.CharField("gemeente", max_length=6)
    name = models.CharField("naam", max_length=255)
    period = models.CharField("planperiode", max_length=20, blank=True)
    division = models.PositiveSmallIntegerField("gebiedsindeling", null=True, blank=True)
    description = models.TextField("omschrijving", blank=True)
    source_file = models.CharField("planbestand", max_length=255, blank=True)
    source_text = models.TextField("YAML-tekst", blank=True)
    loaded_at = models.DateTimeField("ingelezen", auto_now=True)

    objects = gemeente_queryset("gemeente_code").as_manager()

    class Meta:
        verbose_name = "plan"
        verbose_name_plural = "plannen"
        ordering = ["-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["gemeente_code", "name"], name="plan_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    key = models.SlugField("id", max_length=100)
    name = models.CharField("naam", max_length=255)
    description = models.TextField("omschrijving", blank=True)
    order = models.PositiveSmallIntegerField("volgorde", default=0)

    objects = gemeente_queryset("plan__gemeente_code").as_manager()

    class Meta:
        verbose_name = "thema"
        verbose_name_plural = "thema's"
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="theme_unique_key")]

    def __str__(self) -> str:
        return self.name


class Goal(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="goals")
    key = models.SlugField("id", max_length=100)
    name = models.CharField("naam", max_length=255)
    criteria = models.TextField("criteria", blank=True)
    order = models.PositiveSmallIntegerField("volgorde", default=0)

    objects = gemeente_queryset("theme__plan__gemeente_code").as_manager()

    class Meta:
        verbose_name = "doel"
        verbose_name_plural = "doelen"
        ordering = ["theme", "order"]
        constraints = [models.UniqueConstraint(fields=["theme", "key"], name="goal_unique_key")]

    def __str__(self) -> str:
        return self.name
