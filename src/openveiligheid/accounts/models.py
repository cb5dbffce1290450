"""Who may see which gemeente: gemeenten, the organisations that work for them, and members.

An installation serves one or more gemeenten. An organisation (a gemeente's own team
"Integrale Veiligheid", or a regional bureau for several gemeenten) works for one or more of
them; its members see the plans and figures of those gemeenten. What a user may *do* comes from
their roles (Django groups with permissions, ``roles.py``); *where* they may do it comes from
their organisations. Shared public data (CBS, police) belong to no gemeente and stay shared.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Gemeente(models.Model):
    code = models.CharField("CBS-code", max_length=6, unique=True)
    name = models.CharField("naam", max_length=255)

    class Meta:
        verbose_name = "gemeente"
        verbose_name_plural = "gemeenten"
        ordering = ["name", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Organisation(models.Model):
    name = models.CharField("naam", max_length=255, unique=True)
    gemeenten = models.ManyToManyField(
        Gemeente, related_name="organisations", verbose_name="gemeenten", blank=True
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="organisations",
        verbose_name="leden",
        blank=True,
    )

    class Meta:
        verbose_name = "organisatie"
        verbose_name_plural = "organisaties"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
