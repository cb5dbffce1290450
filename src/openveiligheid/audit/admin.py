from django.contrib import admin

from openveiligheid.audit.models import AuditEvent
from openveiligheid.core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only, also for administrators."""

    deletable = False

    list_display = ["at", "user_name", "action", "object", "purpose"]
    list_filter = ["action"]
    search_fields = ["user_name", "object"]
    date_hierarchy = "at"
