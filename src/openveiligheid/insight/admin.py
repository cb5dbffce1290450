"""The analysis runs and the meeting's agreements in the admin: read-only (the agreements are
kept with their history and only written through the monitor)."""

from django.contrib import admin

from openveiligheid.core.admin import ReadOnlyAdmin
from openveiligheid.insight.models import AnalysisRun, MeetingNote


@admin.register(AnalysisRun)
class AnalysisRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "kind", "division", "message", "seconds"]
    list_filter = ["kind", "division"]
    readonly_fields = ["kind", "division", "started_at", "seconds", "parameters", "message"]


@admin.register(MeetingNote)
class MeetingNoteAdmin(ReadOnlyAdmin):
    deletable = False  # the history of what was agreed is never edited
    list_display = ["gemeente_code", "period", "version", "created_by_name", "created_at"]
    list_filter = ["gemeente_code"]
    readonly_fields = [
        "gemeente_code", "period", "version", "agreements", "text", "created_by",
        "created_by_name", "created_at",
    ]  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)
