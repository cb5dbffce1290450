"""The dashboard has no tables of its own; this model only carries its permissions."""

from __future__ import annotations

from django.db import models


class DashboardAccess(models.Model):
    """No table (``managed = False``): the named permission ``dashboard.bekijken``."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("bekijken", "Mag het veiligheidsdashboard, de kaart en de monitor bekijken"),
        ]
        verbose_name = "toegang tot het dashboard"
