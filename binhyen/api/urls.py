"""The REST API under /api/v1/: one NinjaAPI, one router per app."""

from django.urls import path
from ninja import NinjaAPI

from binhyen.activities.api import router as activities_router
from binhyen.groups.api import router as groups_router
from binhyen.org.api import router as org_router

api = NinjaAPI(title="Bình Yên API", version="1", urls_namespace="api")
api.add_router("/", org_router)
api.add_router("/", activities_router)
api.add_router("/", groups_router)

urlpatterns = [path("", api.urls)]
