from django.contrib import admin

from openveiligheid.indicators.models import Indicator, IndicatorTarget
from openveiligheid.policy.models import Goal, Plan, Theme


class GemeenteBoundAdmin(admin.ModelAdmin):
    """Lists only the rows of the gemeenten the user may see, with the admin's own permission."""

    def get_queryset(self, request):
        permission = f"{self.opts.app_label}.view_{self.opts.model_name}"
        return super().get_queryset(request).visible_to(request.user, permission)


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0
    fields = ["order", "key", "name"]


@admin.register(Plan)
class PlanAdmin(GemeenteBoundAdmin):
    list_display = ["name", "gemeente_code", "period", "division", "loaded_at"]
    inlines = [ThemeInline]
    readonly_fields = ["source_text"]


@admin.register(Goal)
class GoalAdmin(GemeenteBoundAdmin):
    list_display = ["name", "theme"]


class TargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(GemeenteBoundAdmin):
    list_display = ["name", "key", "plan", "better", "per_1000"]
    search_fields = ["name", "key", "plan__name"]
    inlines = [TargetInline]
