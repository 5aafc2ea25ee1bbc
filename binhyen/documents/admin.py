"""The Django admin for superusers: the reference lists (document types, outside issuers) are
edited here; documents and targets are read here and changed through the site's pages (and so
through services.py), which keep the links, the copies and the audit trail consistent."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Document, DocumentType, Issuer, Target, TargetAssignment


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "abbreviation", "is_plan", "position"]
    list_editable = ["position"]
    search_fields = ["name", "code", "abbreviation"]

    def has_delete_permission(self, request, obj=None):
        return False  # documents point at their type; the parser's codes name these rows


@admin.register(Issuer)
class IssuerAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "short_name", "position"]
    list_editable = ["position"]
    search_fields = ["name", "code", "aliases", "search_text"]
    exclude = ["search_text"]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "issued_on", "unit", "shared", "deleted_at"]
    list_filter = ["doc_type", "shared", "year"]
    search_fields = ["symbol", "number", "search_text"]
    list_select_related = ["doc_type", "unit"]

    def get_queryset(self, request):
        return Document.all_objects.select_related("doc_type", "unit")


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "plan", "indicator", "period", "value", "applies_to"]
    list_select_related = ["plan", "plan__doc_type"]


@admin.register(TargetAssignment)
class TargetAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["target", "unit", "indicator", "period", "value"]
    list_select_related = ["target", "unit"]
    raw_id_fields = ["target", "unit"]
