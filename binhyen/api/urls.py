"""The REST API under /api/v1/: one NinjaAPI, one router per app, JSON errors everywhere."""

from django.http import JsonResponse
from django.urls import path, re_path, reverse
from ninja import NinjaAPI

from binhyen.activities.api import router as activities_router
from binhyen.core.api import (
    Renderer,
    describe_errors,
    install_error_handlers,
    json_method_errors,
    read_only,
    unknown_path,
)
from binhyen.documents.api import router as documents_router
from binhyen.enterprises.api import router as enterprises_router
from binhyen.groups.api import router as groups_router
from binhyen.incidents.api import router as incidents_router
from binhyen.org.api import router as org_router
from binhyen.portal.api import router as portal_router
from binhyen.reporting.api import router as reporting_router
from binhyen.reports.api import router as reports_router

from . import docs
from .auth import API_AUTH


class BinhYenAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The description, with the errors every operation can answer (common.ERRORS)."""
        return describe_errors(
            super().get_openapi_schema(*args, **kwargs), self.renderer.media_type
        )


api = BinhYenAPI(
    title="Bình Yên API",
    version="1",
    description=(
        "API của Bình Yên. Xác thực bằng `Authorization: Bearer <token>` "
        "(tạo token: `binhyen token TÊN_ĐĂNG_NHẬP`) hoặc phiên đăng nhập của trang web. "
        "Mọi lỗi trả về JSON có trường `detail` bằng tiếng Việt."
    ),
    urls_namespace="api",
    auth=API_AUTH,
    docs=docs.LocalSwagger(),
    docs_decorator=read_only,
    renderer=Renderer(),
)
install_error_handlers(api)
api.add_router("/", org_router)
api.add_router("/", activities_router)
api.add_router("/", groups_router)
api.add_router("/", enterprises_router)
api.add_router("/", incidents_router)
api.add_router("/", reporting_router)
api.add_router("/", documents_router)
api.add_router("/", portal_router)
api.add_router("/", reports_router)


@read_only
def index(request, **kwargs):
    """What /api/v1/ itself answers: where the description and the docs are."""
    return JsonResponse(
        {
            "name": api.title,
            "version": api.version,
            "openapi": reverse("api:openapi-json"),
            "docs": reverse("api:openapi-view"),
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _patterns():
    patterns, _app_name, _namespace = api.urls
    for pattern in patterns:
        if pattern.name == "api-root":
            # ninja's root view raises an English HTML 404; keep its name (ninja reverses it).
            pattern.callback = index
        else:
            pattern.callback = json_method_errors(pattern.callback)
    return patterns


app_name = "api"
urlpatterns = [
    *_patterns(),
    path("docs/assets/<str:name>", docs.asset, name="docs-asset"),
    re_path(r"^", unknown_path),
]
