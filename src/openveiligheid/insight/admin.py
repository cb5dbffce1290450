"""The analysis runs in the admin: when, with which parameters, how long. Read-only."""

from django.contrib import admin

from openveiligheid.insight.models import AnalysisRun


@admin.register(AnalysisRun)
class AnalysisRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "kind", "division", "message", "seconds"]
    list_filter = ["kind", "division"]
    readonly_fields = ["kind", "division", "started_at", "seconds", "parameters", "message"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
