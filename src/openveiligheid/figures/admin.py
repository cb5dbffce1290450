from django.contrib import admin

from openveiligheid.core.admin import ReadOnlyAdmin
from openveiligheid.figures.models import Figure, Measure


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    """The label may be edited (it is only shown); the name and whether a measure may be summed
    come from the measure catalogue (``core/measures.py``), which the derivations read too:
    changing them here would let the analyses and the sums disagree."""

    list_display = ["name", "label", "additive", "sensitive"]
    list_filter = ["sensitive"]
    search_fields = ["name", "label"]
    readonly_fields = ["name", "additive"]

    def has_add_permission(self, request) -> bool:
        return False  # measures are created by imports, from the catalogue


@admin.register(Figure)
class FigureAdmin(ReadOnlyAdmin):
    """Figures change only through imports, which keep their provenance."""

    list_display = ["measure", "area", "period", "value", "status", "derived", "import_run"]
    list_filter = ["status", "derived", "area__division", "area__level"]
    search_fields = ["measure__name", "area__code", "area__name"]
    list_select_related = ["measure", "area", "import_run"]
