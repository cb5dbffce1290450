from django.contrib import admin

from openveiligheid.core.admin import ReadOnlyAdmin
from openveiligheid.figures.models import Figure, Measure


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["name", "label", "additive"]
    search_fields = ["name", "label"]


@admin.register(Figure)
class FigureAdmin(ReadOnlyAdmin):
    """Figures change only through imports, which keep their provenance."""

    list_display = ["measure", "area", "period", "value", "status", "derived", "import_run"]
    list_filter = ["status", "derived", "area__division", "area__level"]
    search_fields = ["measure__name", "area__code", "area__name"]
    list_select_related = ["measure", "area", "import_run"]
