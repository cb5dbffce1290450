from django.contrib import admin

from openveiligheid.imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Import runs are a log: readable, never edited by hand."""

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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
