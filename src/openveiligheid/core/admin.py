"""What the admin's read-only lists share: rows that change only through the application."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Listed and viewed, never added or changed in the admin (imports, analyses, figures).

    ``deletable`` says whether an administrator may still delete rows (e.g. a wrong import's
    figures); the audit log is never deletable."""

    deletable = True

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.deletable and super().has_delete_permission(request, obj)
