"""Indicators of a plan and their yearly targets; computed by :mod:`indicators.engine`."""

from __future__ import annotations

from django.db import models

from openveiligheid.accounts.access import gemeente_queryset
from openveiligheid.indicators.engine import HOGER, LAGER, IndicatorDefinition
from openveiligheid.indicators.targets import OPERATORS, Target


class Indicator(models.Model):
    plan = models.ForeignKey("policy.Plan", on_delete=models.CASCADE, related_name="indicators")
    goals = models.ManyToManyField("policy.Goal", related_name="indicators", blank=True)
    key = models.SlugField("id", max_length=100)
    name = models.CharField("naam", max_length=255)
    measures = models.JSONField("som van maten", default=list, blank=True)
    reported = models.CharField("gerapporteerde maat", max_length=100, blank=True)
    per_1000 = models.CharField("per 1.000 van", max_length=100, blank=True)
    better = models.CharField(
        "beter is", max_length=6, choices=[(LAGER, "lager"), (HOGER, "hoger")]
    )
    decimals = models.PositiveSmallIntegerField("decimalen", default=1)
    comparison_area = models.CharField("vergelijkingsgebied", max_length=10, blank=True)
    unit = models.CharField("eenheid", max_length=50, blank=True)
    note = models.TextField("toelichting", blank=True)
    source = models.CharField("bron", max_length=255, blank=True)
    public = models.BooleanField("openbaar", default=False)
    order = models.PositiveSmallIntegerField("volgorde", default=0)

    objects = gemeente_queryset("plan__gemeente_code").as_manager()

    class Meta:
        verbose_name = "indicator"
        verbose_name_plural = "indicatoren"
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="indicator_unique_key")]

    def __str__(self) -> str:
        return self.name

    def to_definition(self) -> IndicatorDefinition:
        return IndicatorDefinition(
            id=self.key,
            name=self.name,
            measures=tuple(self.measures),
            reported=self.reported or None,
            per_1000=self.per_1000 or None,
            better=self.better,
            decimals=self.decimals,
            comparison_area=self.comparison_area or None,
            targets={t.year: Target(t.operator, t.threshold) for t in self.targets.all()},
            unit=self.unit,
        )


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField("jaar")
    operator = models.CharField("vergelijking", max_length=2, choices=[(o, o) for o in OPERATORS])
    threshold = models.FloatField("grens")

    objects = gemeente_queryset("indicator__plan__gemeente_code").as_manager()

    def to_target(self) -> Target:
        return Target(self.operator, self.threshold)

    class Meta:
        verbose_name = "streefwaarde"
        verbose_name_plural = "streefwaarden"
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {Target(self.operator, self.threshold)}"
