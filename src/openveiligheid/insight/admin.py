"""The analysis runs in the admin: when, with which parameters, how long. Read-only."""

from django.contrib import admin

from openveiligheid.core.admin import ReadOnlyAdmin
from openveiligheid.insight.models import AnalysisRun


@admin.register(AnalysisRun)
class AnalysisRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "kind", "division", "message", "seconds"]
    list_filter = ["kind", "division"]
    readonly_fields = ["kind", "division", "started_at", "seconds", "parameters", "message"]
