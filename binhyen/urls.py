"""Top-level routes: the web pages of each app, the API, auth and the Django admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("binhyen.api.urls")),
    path("hoat-dong/", include("binhyen.activities.urls")),
    path("mo-hinh/", include("binhyen.groups.urls")),
    path("", include("binhyen.org.urls")),
]
