"""The Django admin for superusers: read and audit groups, members, houses and cameras. Every
change goes through the site's pages (and so through services.py), so here nothing is added,
changed or deleted; phones and ID numbers stay off the lists."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    BoardingHouse,
    BoardingHouseCoverage,
    Camera,
    CameraState,
    Group,
    GroupKind,
    GroupMember,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GroupKind)
class GroupKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "short_name", "order"]
    readonly_fields = ["code"]  # reports and imports rely on the codes

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "kind", "unit", "ward", "founded", "closed", "deleted_at"]
    list_filter = ["kind", "closed"]
    search_fields = ["code", "search_text"]
    list_select_related = ["kind", "unit", "ward"]

    def get_queryset(self, request):
        return Group.all_objects.select_related("kind", "unit", "ward")


@admin.register(GroupMember)
class GroupMemberAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "role", "group", "joined", "left"]
    list_filter = ["role"]
    search_fields = ["search_text"]
    list_select_related = ["group"]
    exclude = ["phone", "id_number"]


@admin.register(BoardingHouse)
class BoardingHouseAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "ward", "rooms", "resident_workers", "cooperative"]
    search_fields = ["search_text"]
    list_select_related = ["ward"]
    exclude = ["landlord_phone"]


@admin.register(BoardingHouseCoverage)
class CoverageAdmin(ReadOnlyAdmin):
    list_display = ["house", "group", "start", "end"]
    list_select_related = ["house", "group"]


@admin.register(Camera)
class CameraAdmin(ReadOnlyAdmin):
    list_display = ["place", "ward", "funder_kind", "cost", "installed", "state"]
    list_filter = ["state", "funder_kind", "police_can_view"]
    search_fields = ["search_text"]
    list_select_related = ["ward"]


@admin.register(CameraState)
class CameraStateAdmin(ReadOnlyAdmin):
    list_display = ["camera", "state", "since"]
    list_select_related = ["camera"]
