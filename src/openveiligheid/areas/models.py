"""Areas: the Netherlands, gemeenten, wijken and buurten of one CBS division (indeling)."""

from __future__ import annotations

import json

from django.db import models

from openveiligheid.accounts.access import gemeente_queryset
from openveiligheid.core.areacodes import BUURT, GEMEENTE, LAND, WIJK

LEVEL_CHOICES = [(LAND, "land"), (GEMEENTE, "gemeente"), (WIJK, "wijk"), (BUURT, "buurt")]


#: The large text fields of an area (its outline and map shapes): deferred by queries that list
#: thousands of areas without drawing them.
AREA_SHAPE_FIELDS = ("boundary", "map_path", "map_path_overview")


class Area(models.Model):
    """An area as CBS defines it in one division year.

    Wijk and buurt codes are reused and redrawn between CBS divisions, so an area is identified
    by its code *and* the division (``indeling``) it belongs to; figures point at one of them.
    """

    code = models.CharField("CBS-code", max_length=10, db_index=True)
    division = models.PositiveSmallIntegerField("indeling (jaar)")
    level = models.CharField("niveau", max_length=10, choices=LEVEL_CHOICES)
    name = models.CharField("naam", max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name="ligt in",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    gemeente_code = models.CharField("gemeentecode", max_length=6, blank=True, db_index=True)
    boundary = models.TextField("grens (GeoJSON-geometrie)", blank=True)
    # Precomputed at import from the boundary (areas/shapes.py): the simplified outline as SVG
    # path data in RD New metres with y flipped, and its bounds in RD metres (y not flipped).
    map_path = models.TextField("kaartvorm (SVG-pad, RD)", blank=True)
    # The same, simplified by 250 m and in units of 100 m (areas/shapes.py OVERVIEW_*), for
    # maps of thousands of areas.
    map_path_overview = models.TextField("overzichtsvorm (SVG-pad, RD in 100 m)", blank=True)
    map_xmin = models.FloatField("kaart x-min (RD)", null=True, blank=True)
    map_ymin = models.FloatField("kaart y-min (RD)", null=True, blank=True)
    map_xmax = models.FloatField("kaart x-max (RD)", null=True, blank=True)
    map_ymax = models.FloatField("kaart y-max (RD)", null=True, blank=True)

    objects = gemeente_queryset("gemeente_code").as_manager()

    class Meta:
        verbose_name = "gebied"
        verbose_name_plural = "gebieden"
        ordering = ["division", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "division"], name="area_code_division_unique")
        ]
        indexes = [  # the wijken or buurten of a gemeente, read from the index alone (they
            # come before the outlines' kilobytes in each row): docs/adr/0023
            models.Index(
                fields=["gemeente_code", "level", "division", "code", "name"],
                name="area_gemeente_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code}, indeling {self.division})"

    @property
    def geometry(self) -> dict | None:
        return json.loads(self.boundary) if self.boundary else None

    @property
    def map_bounds(self) -> tuple[float, float, float, float] | None:
        """``(xmin, ymin, xmax, ymax)`` of the map shape in RD metres, if computed."""
        if self.map_xmin is None:
            return None
        return (self.map_xmin, self.map_ymin, self.map_xmax, self.map_ymax)
