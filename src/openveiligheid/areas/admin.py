from django.contrib import admin

from openveiligheid.areas.models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "division", "gemeente_code"]
    list_filter = ["division", "level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    readonly_fields = ["boundary"]
