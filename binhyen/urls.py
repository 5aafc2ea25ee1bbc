"""Top-level routes: the web pages of each app, the API, auth and the Django admin."""

from django.contrib import admin
from django.urls import include, path

from binhyen.ops import health

# Vietnamese error pages in the site's layout (JSON under /api/); CSRF_FAILURE_VIEW in settings.
handler400 = "binhyen.core.errors.bad_request"
handler403 = "binhyen.core.errors.permission_denied"
handler404 = "binhyen.core.errors.page_not_found"
handler500 = "binhyen.core.errors.server_error"

urlpatterns = [
    # load balancers' probes (no login, no session, no cache): liveness and readiness
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # login, logout (POST), password change and reset; templates in templates/registration/
    path("tai-khoan/", include("django.contrib.auth.urls")),
    path("api/v1/", include("binhyen.api.urls")),
    path("van-ban/", include("binhyen.documents.urls")),
    # a plan's figures, target progress and target forms read the engine: reporting serves them
    path("van-ban/", include("binhyen.reporting.plan_urls")),
    path("hoat-dong/", include("binhyen.activities.urls")),
    path("mo-hinh/", include("binhyen.groups.urls")),
    path("vu-viec/", include("binhyen.incidents.urls")),
    path("vu-viec/", include("binhyen.incidents.io_urls")),
    path("doanh-nghiep/", include("binhyen.enterprises.urls")),
    path("thi-dua/khen-thuong/", include("binhyen.emulation.award_urls")),
    path("thi-dua/", include("binhyen.emulation.urls")),
    path("tong-hop/", include("binhyen.reporting.urls")),
    path("tong-hop/", include("binhyen.reports.urls")),
    path("viec-nen/", include("binhyen.ops.urls")),
    path("", include("binhyen.org.urls")),
    # The public portal owns its own readable top-level paths (/tin-tuc/…, /lich-cong-tac/…).
    path("", include("binhyen.portal.urls")),
]
