"""The Django admin for superusers: the reference lists are edited here (codes stay stable: an
obsolete item is made inactive, never deleted). Activities are written through the site's
pages, the API or an import (services.py); here they are read only."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Activity, ActivityKind, Attachment, Audience, Channel, ImportBatch, Topic


class ReferenceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "position", "active"]
    list_editable = ["position", "active"]
    list_filter = ["active"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        # Templates, the API and old imports use the code: it never changes once saved.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActivityKind)
class ActivityKindAdmin(ReferenceAdmin):
    list_display = [*ReferenceAdmin.list_display, "counts_sessions"]


admin.site.register(Topic, ReferenceAdmin)
admin.site.register(Audience, ReferenceAdmin)
admin.site.register(Channel, ReferenceAdmin)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "date",
        "unit",
        "kind",
        "sessions",
        "attendances",
        "deleted_at",
        "page",
    ]
    list_filter = ["kind", "deleted_at"]
    search_fields = ["title", "unit__code", "search_text"]
    list_select_related = ["unit", "kind"]
    date_hierarchy = "date"
    show_full_result_count = False  # millions of rows: no second COUNT(*)

    def get_queryset(self, request):
        return Activity.all_objects.all()

    @admin.display(description=_("Trang hoạt động"))
    def page(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Mở"))


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "file_name",
        "created_at",
        "created_by",
        "source",
        "rows_created",
        "rows_skipped",
    ]
    list_filter = ["source"]
    list_select_related = ["created_by"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "activity", "content_type", "size", "uploaded_at", "removed_at"]
    list_select_related = ["activity"]
    raw_id_fields = ["activity"]
