"""The error pages with DEBUG off: Vietnamese, in the site's layout with its navigation and a way
back, JSON under /api/, and a 500 that shows a reference also written to the log with the
exception, rendered without touching the database.

This module is also the URLconf of its tests (pytest.mark.urls): the site's own routes plus
one that fails, and the site's handlers."""

import logging
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import include, path

from binhyen import factories as f
from binhyen.core import errors
from binhyen.urls import handler400, handler403, handler404, handler500  # noqa: F401  (this URLconf's)


class Broken(Exception):
    pass


def _boom(request):
    raise Broken("hỏng có chủ ý")


urlpatterns = [
    path("loi-thu/", _boom),
    path("api/loi-thu/", _boom),
    path("", include("binhyen.urls")),
]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]

LAYOUT = (
    '<nav class="navbar',
    'href="#main"',
    "Bình Yên — phong trào phòng, chống tội phạm",
    "<footer",
)
REFERENCE = re.compile(
    r'<code class="error-reference">([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})</code>'
)


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def _page(response, status):
    assert response.status_code == status
    html = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    for part in LAYOUT:
        assert part in html, part
    assert 'lang="vi"' in html
    assert 'href="/">Về trang chủ</a>' in html and "Quay lại trang trước" in html
    assert "Content-Security-Policy" in response.headers
    return html


def test_not_found(client):
    html = _page(client.get("/khong-co-trang-nay/"), 404)
    assert "<title>Không tìm thấy trang · Bình Yên</title>" in html
    assert "Địa chỉ này không có trên Bình Yên" in html and "Not Found" not in html
    assert "Đăng nhập" in html  # the way in, for someone not signed in


def test_not_found_signed_in_keeps_the_menu(client):
    client.force_login(f.user())
    html = _page(client.get("/van-ban/999999/"), 404)
    assert 'href="/van-ban/"' in html and "Đăng xuất" in html


def test_not_found_on_the_portal_keeps_the_portal_layout(client):
    response = client.get("/tin-tuc/khong-co-tin-nay")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<body class="portal">' in html and "Gửi tin báo" in html
    assert (
        "Không tìm thấy trang" in html
        and 'href="/cong-thong-tin/">Về trang chủ cổng thông tin</a>' in html
    )


def test_bad_request(client):
    html = _page(client.get("/", HTTP_HOST="may-la.example"), 400)  # a host not allowed
    assert "Yêu cầu không hợp lệ" in html and "Bad Request" not in html


def test_forbidden(client):
    staff = User.objects.create_user(
        "nhan-vien", is_staff=True
    )  # may open the admin, no model rights
    client.force_login(staff)
    html = _page(client.get("/admin/auth/user/"), 403)
    assert "Không có quyền truy cập" in html and "403 Forbidden" not in html


def test_csrf_failure():
    client = Client(enforce_csrf_checks=True)
    html = _page(client.post("/tai-khoan/login/", {"username": "a", "password": "b"}), 403)
    assert "Không gửi được biểu mẫu" in html and "Mã bảo vệ (CSRF)" in html
    assert "CSRF verification failed" not in html


def test_server_error_shows_a_reference_that_is_in_the_log(client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR):
        response = client.get("/loi-thu/")
    html = _page(response, 500)
    assert "Lỗi máy chủ" in html and "Server Error" not in html
    reference = REFERENCE.search(html).group(1)
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert len(logged) == 1 and logged[0].name == "binhyen.core.errors"
    assert logged[0].exc_info[0] is Broken  # the traceback is in the same record
    assert "GET /loi-thu/" in logged[0].getMessage()
    # Django's own "Internal Server Error" record of the same failure is not logged twice
    assert not [
        r for r in caplog.records if r.name == "django.request" and r.levelno >= logging.ERROR
    ]
    again = REFERENCE.search(client.get("/loi-thu/").content.decode()).group(1)
    assert again != reference


def test_server_error_page_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/bat-ky/")
    try:
        raise Broken("cơ sở dữ liệu không trả lời")
    except Broken:
        with django_assert_num_queries(0):
            response = errors.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500 and "Lỗi máy chủ" in html and REFERENCE.search(html)
    assert '<nav class="navbar' in html and "Đăng xuất" not in html


def test_server_error_page_falls_back_when_even_the_template_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("template")

    monkeypatch.setattr(errors, "render_to_string", broken)
    try:
        raise Broken("x")
    except Broken:
        response = errors.server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500 and "Lỗi máy chủ" in html
    assert re.search(r"Mã tra cứu: <strong>[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}</strong>", html)


def test_under_api_errors_stay_json(client, caplog):
    client.raise_request_exception = False
    response = client.get("/api/loi-thu/")
    assert response.status_code == 500
    body = response.json()
    assert body["detail"].startswith("Lỗi máy chủ") and re.fullmatch(
        r"[0-9A-F-]{14}", body["reference"]
    )
    assert any(body["reference"] in r.getMessage() for r in caplog.records)
    assert client.get("/api/khong-co/").json() == {"detail": "Không có địa chỉ API này."}
    assert client.get("/api/v1/khong-co/").json() == {"detail": "Không có địa chỉ API này."}


def test_english_error_page(client, english):
    client.cookies["django_language"] = "en"
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "Back to home" in html
