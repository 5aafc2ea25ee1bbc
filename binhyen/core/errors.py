"""The error pages a person sees when DEBUG is off (400, 403, CSRF failure, 404, 500): in
Vietnamese, in the site's layout, with a way back. Addresses under /api/ answer the API's JSON
instead, as the API's own handlers do (binhyen/core/api.py).

400, 403 and 404 render with the request, so a signed-in person keeps the menu. The 500 page
renders with nothing but its reference: no request context, so neither request.user nor the
session nor any query is touched (the fault may be the database itself), and if even that
fails a fixed page goes out. The reference is written to the log with the exception, so a
person who reports "mã tra cứu 3FA9-C21B-77D0" leads straight to the traceback.
"""

import logging
import secrets

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger("binhyen.core.errors")

API_PREFIX = "/api/"
# The public portal's own addresses; a 404 there keeps the portal's layout (its editors'
# pages under /cong-thong-tin/quan-tri/ use the site's).
PORTAL_PREFIXES = ("/cong-thong-tin/", "/tin-tuc/", "/lich-cong-tac/", "/tin-bao/")
PORTAL_EDITOR_PREFIX = "/cong-thong-tin/quan-tri/"

FALLBACK_500 = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Lỗi máy chủ · Bình Yên</title></head>
<body><main><h1>Lỗi máy chủ</h1>
<p>Đã xảy ra lỗi ngoài ý muốn. Sự cố đã được ghi lại; hãy thử lại sau ít phút.</p>
<p>Mã tra cứu: <strong>{reference}</strong></p>
<p><a href="/">Về trang chủ</a></p></main></body></html>"""


# The words of the 400, 403, CSRF and 404 pages (one template, errors/page.html).
PAGES = {
    "400": (
        400,
        gettext_lazy("Yêu cầu không hợp lệ"),
        (
            gettext_lazy(
                "Máy chủ không xử lý được yêu cầu này vì nó không đúng dạng hoặc không được phép."
            ),
            gettext_lazy("Hãy kiểm tra lại địa chỉ, hoặc mở lại trang từ trình đơn rồi thử lại."),
        ),
    ),
    "403": (
        403,
        gettext_lazy("Không có quyền truy cập"),
        (
            gettext_lazy("Bạn không có quyền xem trang này hoặc thực hiện thao tác này."),
            gettext_lazy(
                "Nếu công việc cần đến, hãy đề nghị quản trị viên của đơn vị phân công vai trò phù hợp."
            ),
        ),
    ),
    "csrf": (
        403,
        gettext_lazy("Không gửi được biểu mẫu"),
        (
            gettext_lazy(
                "Mã bảo vệ (CSRF) của biểu mẫu đã hết hạn hoặc không khớp, nên dữ liệu chưa được lưu."
            ),
            gettext_lazy(
                "Thường là do trang đã mở quá lâu, bạn vừa đăng nhập hoặc đăng xuất ở một thẻ khác, "
                "hoặc trình duyệt chặn cookie của trang này."
            ),
            gettext_lazy(
                "Hãy tải lại trang có biểu mẫu rồi gửi lại. Nếu vẫn không được, hãy cho phép cookie "
                "đối với trang này."
            ),
        ),
    ),
    "404": (
        404,
        gettext_lazy("Không tìm thấy trang"),
        (
            gettext_lazy(
                "Địa chỉ này không có trên Bình Yên, hoặc nội dung đã bị xoá hay nằm ngoài phạm vi "
                "bạn được xem."
            ),
            gettext_lazy("Hãy kiểm tra lại địa chỉ, hoặc tìm từ trình đơn phía trên."),
        ),
    ),
}


def _page(request, name):
    code, heading, lines = PAGES[name]
    return render(
        request, "errors/page.html", {"code": code, "heading": heading, "lines": lines}, status=code
    )


def _is_api(request):
    return request.path.startswith(API_PREFIX)


def _json(detail, status, **extra):
    return JsonResponse(
        {"detail": detail, **extra}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def new_reference():
    """12 hex digits in three groups, easy to read out over the phone: 3FA9-C21B-77D0."""
    raw = secrets.token_hex(6).upper()
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def bad_request(request, exception=None):
    if _is_api(request):
        return _json(_("Yêu cầu không hợp lệ."), 400)
    return _page(request, "400")


def permission_denied(request, exception=None):
    if _is_api(request):
        return _json(_("Bạn không có quyền thực hiện thao tác này."), 403)
    return _page(request, "403")


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW. Django has already logged the reason (in English, for the
    operator); the person reads what to do."""
    if _is_api(request):
        return _json(_("Thiếu hoặc sai mã CSRF. Hãy tải lại trang rồi thử lại."), 403)
    return _page(request, "csrf")


def page_not_found(request, exception=None):
    if _is_api(request):
        return _json(_("Không có địa chỉ API này."), 404)
    portal = request.path.startswith(PORTAL_PREFIXES) and not request.path.startswith(
        PORTAL_EDITOR_PREFIX
    )
    if portal:
        return render(request, "errors/404_portal.html", status=404)
    return _page(request, "404")


def server_error(request):
    """handler500: called inside Django's `except` around the failed view or middleware, so
    the exception is still the current one for the log."""
    reference = new_reference()
    request.error_reference = reference
    logger.error("Server error %s on %s %s", reference, request.method, request.path, exc_info=True)
    if _is_api(request):
        return _json(
            _("Lỗi máy chủ. Sự cố đã được ghi lại; hãy thử lại sau."), 500, reference=reference
        )
    try:
        html = render_to_string("errors/500.html", {"reference": reference})
    except Exception:
        logger.exception("The 500 page %s could not be rendered", reference)
        html = FALLBACK_500.format(reference=escape(reference))
    return HttpResponseServerError(html)


class SkipReportedServerErrors(logging.Filter):
    """On the `django.request` logger: drop Django's own "Internal Server Error" record of a
    failure server_error() has already logged, traceback and reference together."""

    def filter(self, record):
        request = getattr(record, "request", None)
        return not (
            getattr(record, "status_code", None) == 500 and hasattr(request, "error_reference")
        )
