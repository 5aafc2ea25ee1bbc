"""The Django admin for superusers. Tree structure changes go through the site's pages (and
so through services.py); here a unit's own facts can be edited, again through the service."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Area, Assignment, Unit, UnitEvent, UnitKind


@admin.register(UnitKind)
class UnitKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "short_name", "rank", "is_grassroots", "is_legacy"]
    list_filter = ["rank", "is_grassroots", "is_legacy"]
    search_fields = ["name", "code"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "province", "valid_to", "successor"]
    list_filter = ["level"]
    search_fields = ["name", "code", "search_text"]
    list_select_related = ["province", "successor"]
    raw_id_fields = ["parent", "province", "successor"]

    def has_delete_permission(self, request, obj=None):
        return False  # units and old records point at areas


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["kind", "valid_to"]
    search_fields = ["code", "name", "search_text"]
    list_select_related = ["kind", "parent"]
    raw_id_fields = ["province", "ward"]
    readonly_fields = ["parent", "path", "depth", "valid_to", "successor"]
    fields = [
        "code",
        "name",
        "short_name",
        "kind",
        "parent",
        "province",
        "ward",
        "valid_from",
        "valid_to",
        "successor",
        "enterprise_name",
        "ownership",
        "workforce",
        "members",
        "path",
        "depth",
    ]

    def has_add_permission(self, request):
        return False  # new units get their path and dated event from services.create_unit

    def has_delete_permission(self, request, obj=None):
        return False  # units are closed, never deleted

    def save_model(self, request, obj, form, change):
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.UNIT_FIELDS
        }
        try:
            services.update_unit(request.user, obj, **changes)
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)


@admin.register(UnitEvent)
class UnitEventAdmin(admin.ModelAdmin):
    list_display = ["unit", "kind", "date", "old_parent", "new_parent", "successor", "created_by"]
    list_filter = ["kind"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["unit", "old_parent", "new_parent", "successor", "created_by"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False  # events are written by the services that change the tree

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "unit", "role", "active", "created_at"]
    list_filter = ["role", "active"]
    search_fields = ["user__username", "unit__name", "unit__code"]
    list_select_related = ["user", "unit"]
    raw_id_fields = ["user", "unit"]
    filter_horizontal = ["wards"]
    actions = ["revoke_selected"]

    def get_readonly_fields(self, request, obj=None):
        # an assignment is never edited in place: revoke it and assign again
        return ["user", "unit", "role", "wards", "active", "note"] if obj else ["active"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead, so history keeps who held what

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            created = services.assign_role(
                request.user,
                obj.user,
                obj.unit,
                obj.role,
                wards=list(form.cleaned_data.get("wards") or []),
                note=obj.note,
            )
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)
            return
        obj.pk = created.pk

    def save_related(self, request, form, formsets, change):
        pass  # wards are set by services.assign_role

    @admin.action(description=_("Thu hồi các phân công đã chọn"))
    def revoke_selected(self, request, queryset):
        for assignment in queryset.filter(active=True):
            services.revoke_assignment(request.user, assignment)
