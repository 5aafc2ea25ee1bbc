"""Django admin for API tokens: list and revoke; tokens are issued by `binhyen token`."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    search_fields = ("user__username", "name", "prefix")
    readonly_fields = ("user", "prefix", "created_at", "last_used_at", "revoked")
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked")
    actions = ["revoke"]

    def has_add_permission(self, request):
        # The key must be shown exactly once to its owner: `binhyen token USERNAME` does that.
        return False

    @admin.action(description=_("Thu hồi các token đã chọn"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked=False):
            services.revoke_token(token, actor=request.user)
        self.message_user(request, _("Đã thu hồi."))
