from django.contrib import admin

from openveiligheid.indicators.models import Indicator, IndicatorTarget
from openveiligheid.policy.models import Goal, Plan, Theme


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0
    fields = ["order", "key", "name"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "gemeente_code", "period", "division", "loaded_at"]
    inlines = [ThemeInline]
    readonly_fields = ["source_text"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["name", "theme"]


class TargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "plan", "better", "per_1000"]
    list_filter = ["plan"]
    inlines = [TargetInline]
