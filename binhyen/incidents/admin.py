"""The Django admin for superusers: read and audit cases and tips, edit the reference lists
(kinds with their deadlines, stoppage causes). Cases and tips change through the site's pages
(and so through services.py), so here they are read-only; a tip's sealed sender is in no
list, form or history view of the admin (reading it is the identity role's, on the tip's
page, and each reading is logged)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Action, Attachment, Incident, IncidentKind, StoppageCause, Tip


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReferenceAdmin(admin.ModelAdmin):
    ordering = ["order", "code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []  # reports and imports rely on the codes

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IncidentKind)
class IncidentKindAdmin(ReferenceAdmin):
    list_display = ["name", "code", "report_hours", "resolve_days", "order"]


@admin.register(StoppageCause)
class StoppageCauseAdmin(ReferenceAdmin):
    list_display = ["name", "code", "order"]


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "kind", "state", "started_at", "unit", "ward"]
    list_filter = ["kind", "state"]
    search_fields = ["code", "title"]
    list_select_related = ["kind", "unit", "ward"]
    raw_id_fields = ["unit", "ward", "enterprise", "boarding_house", "tip"]

    def get_queryset(self, request):
        return Incident.all_objects.all()


@admin.register(Tip)
class TipAdmin(ReadOnlyAdmin):
    list_display = ["code", "channel", "state", "unit", "ward", "happened_on", "anonymous"]
    list_filter = ["state", "channel", "anonymous"]
    search_fields = ["code"]
    list_select_related = ["unit", "ward"]
    exclude = ["sealed_sender"]  # never shown here, even to a superuser
    raw_id_fields = ["unit", "ward"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Tip._meta.fields if f.name not in ("sealed_sender", "id")]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "incident", "tip", "actor_name", "what"]
    list_filter = ["kind"]
    list_select_related = ["incident", "tip"]
    raw_id_fields = ["incident", "tip", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attachment)
class AttachmentAdmin(ActionAdmin):
    list_display = ["name", "incident", "size", "uploaded_at", "deleted_at"]
    list_filter = []
    list_select_related = ["incident"]
    raw_id_fields = ["incident", "uploaded_by"]
