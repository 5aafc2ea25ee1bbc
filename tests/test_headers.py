"""Every response carries the site's one Content-Security-Policy (no inline script or style, no
eval, no other origin), every page is written so that it works under it, and whatever may hold
personal data (pages for a signed-in person, exports, the API) is not kept by a browser's or a
proxy's cache."""

import datetime
import re

import pytest

from binhyen import factories as f
from binhyen.core.security import CONTENT_SECURITY_POLICY
from binhyen.portal.tests import helpers
from binhyen.reporting import targets

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.I)


@pytest.fixture
def site(db):
    w = helpers.world()
    gt = w["tree"]
    group = f.group(gt["cs"], name="Tổ tự quản khu trọ Kiểm Thử", ward=f.area("26794"))
    f.member(group, full_name="Trần Thị Riêng Tư", phone="0912345678")
    directive = f.document(gt["hcm"], type_code="chi_thi", issued_on=datetime.date(2022, 1, 10))
    plan = f.document(gt["hcm"], implements=[directive], issued_on=datetime.date(2022, 2, 1))
    f.document(
        gt["ward_union"], implements=[plan], issued_on=datetime.date(2022, 3, 1)
    )  # second level
    targets.set_target(
        f.superuser(),
        plan,
        indicator="activity.sessions[kind=tuyen_truyen]",
        period="2022",
        value=4,
        applies_to="grassroots",
        description="Ít nhất 4 cuộc",
    )
    f.activity(gt["cs"], date=datetime.date(2022, 4, 2), sessions=1)
    return dict(w, group=group, directive=directive, plan=plan)


def _pages(site):
    """address → status, for a signed-in superuser: each kind of page, export and answer."""
    g, plan = site["group"], site["plan"]
    return {
        "/": 200,
        "/don-vi/": 200,
        "/don-vi/G-HCM/": 200,  # assignments with their "Thu hồi" confirmation
        "/hoat-dong/": 200,
        "/hoat-dong/xuat-excel/": 200,
        "/mo-hinh/": 200,
        f"/mo-hinh/{g.pk}/": 200,  # members, and the "Xoá tổ" confirmation
        f"/mo-hinh/{g.pk}/xuat-thanh-vien/": 200,
        "/mo-hinh/ban-do/?unit=G-HCM": 200,  # the map's legend and styles
        f"/van-ban/{plan.pk}/": 200,  # targets with their "Xóa" confirmation
        f"/van-ban/{plan.pk}/tien-do/": 200,  # progress bars
        f"/van-ban/{site['directive'].pk}/chuoi-thuc-hien/": 200,  # the indented chain
        "/tong-hop/": 200,
        "/cong-thong-tin/quan-tri/": 200,
        "/cong-thong-tin/": 200,
        "/api/v1/": 200,
        f"/api/v1/groups/{g.pk}/members": 200,
        "/api/v1/docs": 200,
        "/api/v1/khong-co-dia-chi-nay": 404,
        "/khong-co-trang-nay/": 404,
        "/admin/": 200,
    }


def _html(response):
    return response.get("Content-Type", "").startswith("text/html")


def test_every_response_carries_the_policy_and_every_page_obeys_it(site, client):
    client.force_login(f.superuser())
    for url, status in _pages(site).items():
        response = client.get(url)
        assert response.status_code == status, url
        csp = response["Content-Security-Policy"]
        assert csp == CONTENT_SECURITY_POLICY, url
        assert (
            "script-src 'self'" in csp and "style-src 'self'" in csp and "object-src 'none'" in csp
        )
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert (
            response["X-Content-Type-Options"] == "nosniff"
            and response["X-Frame-Options"] == "DENY"
        )
        assert "camera=()" in response["Permissions-Policy"]
        if _html(response) and not url.startswith("/admin/"):
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html))
            assert not HANDLER.search(html), (url, HANDLER.search(html))
            assert not STYLE.search(html), (url, STYLE.search(html))


def test_what_the_templates_wrote_inline_now_travels_as_data(site, client):
    client.force_login(f.superuser())
    progress = client.get(f"/van-ban/{site['plan'].pk}/tien-do/").content.decode()
    assert 'data-width="25"' in progress  # 1 of 4 sessions
    chain = client.get(f"/van-ban/{site['directive'].pk}/chuoi-thuc-hien/").content.decode()
    assert 'data-indent="0.5"' in chain and 'data-indent="1.5"' in chain
    group = client.get(f"/mo-hinh/{site['group'].pk}/").content.decode()
    assert 'data-confirm="Xoá tổ này khỏi danh sách? Bản ghi vẫn được lưu để đối chiếu."' in group
    assert "binhyen/app.js" in group


def test_anonymous_pages_too(site, client):
    for url, status in {
        "/tai-khoan/login/": 200,
        "/cong-thong-tin/": 200,
        "/tin-tuc/": 200,
        "/khong-co-trang-nay/": 404,
        "/api/v1/docs": 200,
        "/static/binhyen/app.css": 200,
    }.items():
        response = client.get(url)
        assert response.status_code == status, url
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url


def test_personal_data_is_never_stored(site, client):
    client.force_login(f.superuser())
    g = site["group"]
    for url in (
        f"/mo-hinh/{g.pk}/",
        f"/mo-hinh/{g.pk}/xuat-thanh-vien/",
        f"/api/v1/groups/{g.pk}/members",
        "/hoat-dong/xuat-excel/",
        "/",
        "/cong-thong-tin/",
        "/khong-co-trang-nay/",
    ):
        response = client.get(url)
        assert response["Cache-Control"] == "no-store", url
        assert response["Pragma"] == "no-cache", url
    page = client.get(f"/mo-hinh/{g.pk}/").content.decode()
    assert "Trần Thị Riêng Tư" in page  # the page the header protects does hold the member


def test_the_api_is_never_stored_even_with_a_token(site, client):
    from binhyen.api.services import issue_token

    _token, key = issue_token(f.superuser(), name="thử")
    response = client.get(
        f"/api/v1/groups/{site['group'].pk}/members", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 200 and response.json()["items"]
    assert response["Cache-Control"] == "no-store"


def test_static_files_and_public_images_keep_their_caching(site, client):
    client.force_login(f.superuser())
    for url in ("/static/binhyen/app.css", "/api/v1/docs/assets/swagger-ui.css"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.get("Cache-Control", ""), url
        assert "public" in response["Cache-Control"], url


def test_an_anonymous_public_page_is_not_marked_no_store(site, client):
    response = client.get("/cong-thong-tin/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_portals_uploaded_images_keep_their_stricter_sandbox(site, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "portal").mkdir()
    (tmp_path / "portal" / "anh.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    response = client.get("/media/portal/anh.png")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "public, max-age=86400"
