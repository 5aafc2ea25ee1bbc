"""Security of the public pages: a Content-Security-Policy without inline scripts, the usual
headers, and no inline <script> or on…= handler anywhere in the rendered pages."""

import re

import pytest
from django.utils import timezone

from binhyen.portal import services

from . import helpers

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


@pytest.fixture
def pages(w):
    a = helpers.article(w["hcm"], "Tin an ninh trật tự", featured=True)
    services.save_schedule_entry(
        w["users"]["editor"],
        w["hcm"],
        day=timezone.localdate(),
        part="sang",
        content="Họp giao ban",
    )
    return [
        "/cong-thong-tin/",
        "/cong-thong-tin/ldld-tp-my-tho/",
        a.get_absolute_url(),
        a.get_absolute_url() + "/ban-in",
        "/tin-tuc/?q=an+ninh",
        "/lich-cong-tac/",
        "/cong-thong-tin/ldld-tp-ho-chi-minh/chuyen-muc/phap-luat/",
        "/tin-bao/",
        "/tin-bao/tra-cuu/",
    ]


def test_public_pages_carry_a_strict_policy_and_no_inline_script(client, pages):
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        csp = response["Content-Security-Policy"]
        assert (
            "script-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp
        )
        assert "frame-ancestors 'none'" in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not HANDLER.search(html), url
        assert "http://" not in html.replace("http://testserver", "") or url.endswith("ban-in"), url


def test_editor_pages_carry_the_policy_too(w, client_as):
    response = client_as(w["users"]["editor"]).get("/cong-thong-tin/quan-tri/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not INLINE_SCRIPT.search(response.content.decode())


def test_pages_have_landmarks_and_labels(client, pages):
    html = client.get("/tin-bao/").content.decode()
    assert '<main id="noi-dung"' in html and "<header" in html and "<footer" in html
    assert 'href="#noi-dung"' in html  # skip link
    assert '<label class="form-label required" for="id_what">' in html
    assert 'lang="vi"' in html
    home = client.get("/cong-thong-tin/").content.decode()
    assert 'aria-label="Cỡ chữ"' in home and "Phóng to" in home and "Thu nhỏ" in home
    imgs = re.findall(r"<img[^>]*>", home)
    assert all("alt=" in img for img in imgs)
