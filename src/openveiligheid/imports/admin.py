from django.contrib import admin

from openveiligheid.core.admin import ReadOnlyAdmin
from openveiligheid.imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    """Import runs are a log: readable, never edited by hand."""

    deletable = False

    list_display = [
        "started_at",
        "file_name",
        "dataset",
        "status",
        "created",
        "updated",
        "rejected",
        "user_name",
    ]
    list_filter = ["status", "kind", "dataset"]
    search_fields = ["file_name", "dataset", "sha256"]
