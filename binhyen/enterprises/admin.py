"""The Django admin for superusers: read and audit enterprises and edit their reference lists.
Every change to an enterprise goes through the site's pages (and so through services.py), so
here an enterprise is read-only; the codes of the reference lists are fixed (reports and
imports rely on them)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Enterprise, Industry, Ownership


class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    ordering = ["order", "code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Ownership, ReferenceAdmin)
admin.site.register(Industry, ReferenceAdmin)


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "tax_code", "ownership", "industry", "ward", "workforce", "unit"]
    list_filter = ["ownership", "industry"]
    search_fields = ["name", "tax_code", "search_text"]
    list_select_related = ["ownership", "industry", "ward", "unit"]
    raw_id_fields = ["ward", "union", "unit"]

    def get_queryset(self, request):
        return Enterprise.all_objects.all()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
