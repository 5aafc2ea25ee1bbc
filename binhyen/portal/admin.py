"""Django admin for the portal (system administrators; editors use the portal's own pages)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Article, Category, OldSlug, PortalSection, ScheduleEntry, SiteCounter


@admin.register(PortalSection)
class PortalSectionAdmin(SimpleHistoryAdmin):
    list_display = ("title", "slug", "unit", "order", "is_active")
    raw_id_fields = ("unit",)


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ("name", "section", "order")
    list_filter = ("section",)


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ("title", "section", "category", "status", "publish_at", "view_count")
    list_filter = ("section", "status")
    search_fields = ("search_text",)
    readonly_fields = ("slug", "view_count", "approved_by", "approved_at", "body")
    raw_id_fields = ("category", "created_by")


@admin.register(OldSlug)
class OldSlugAdmin(admin.ModelAdmin):
    list_display = ("slug", "article", "created_at")
    raw_id_fields = ("article",)


@admin.register(ScheduleEntry)
class ScheduleEntryAdmin(SimpleHistoryAdmin):
    list_display = ("day", "part", "start", "content", "section")
    list_filter = ("section",)
    date_hierarchy = "day"


@admin.register(SiteCounter)
class SiteCounterAdmin(admin.ModelAdmin):
    list_display = ("name", "value", "updated_at")
