"""The site's Content-Security-Policy in a real browser: the API docs (Swagger UI) and the pages
whose templates used to carry inline scripts and styles work under it, and the browser reports
no violation."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from binhyen import factories as f
from binhyen.groups.models import Group
from binhyen.org.scoping import Role
from binhyen.reporting import targets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Registered before any page script runs (by the browser itself, so the policy does not apply).
WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


@pytest.fixture
def site(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    cache.clear()
    gt = f.group_tree()
    group = f.group(gt["cs"], name="Tổ tự quản khu trọ Kiểm Thử", ward=f.area("26794"))
    f.group(
        gt["cs"], name="Tổ dư luận xã hội Phường Bên", ward=f.area("26794"), kind="du_luan_xa_hoi"
    )
    f.member(group, full_name="Trần Thị Lan", phone="0912345678")
    directive = f.document(gt["hcm"], type_code="chi_thi", issued_on=datetime.date(2022, 1, 10))
    plan = f.document(gt["hcm"], implements=[directive], issued_on=datetime.date(2022, 2, 1))
    f.document(gt["ward_union"], implements=[plan], issued_on=datetime.date(2022, 3, 1))
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
    f.user("quan-tri-tinh", Role.ADMIN, gt["hcm"])
    return dict(gt, group=group, directive=directive, plan=plan, url=live_server.url)


@pytest.fixture
def signed_in(site, page):
    page.add_init_script(WATCH_VIOLATIONS)
    page.goto(site["url"] + "/tai-khoan/login/")
    page.locator("input[name=username]").fill("quan-tri-tinh")
    page.locator("input[name=password]").fill("mat-khau-Thu-9")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
    return page


def _no_violation(page):
    assert page.evaluate("window.__csp") == []
    assert page.js_errors == []


def test_api_docs_render_under_the_policy(site, page):
    page.add_init_script(WATCH_VIOLATIONS)
    page.goto(site["url"] + "/api/v1/docs")
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    assert operations.count() > 10
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/groups/{pk}/members").first
    ).to_be_visible()
    first = operations.first
    first.locator(".opblock-summary").click()
    expect(first.locator(".opblock-body")).to_be_visible()  # React handles the click: scripts run
    _no_violation(page)


def test_confirmation_before_deleting_a_group(site, signed_in):
    page = signed_in
    url = f"{site['url']}/mo-hinh/{site['group'].pk}/"
    page.goto(url)
    delete = page.get_by_role("button", name="Xoá tổ khỏi danh sách")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    delete.click()
    page.wait_for_timeout(300)
    assert asked == ["Xoá tổ này khỏi danh sách? Bản ghi vẫn được lưu để đối chiếu."]
    assert (
        page.url == url
        and Group.objects.filter(pk=site["group"].pk, deleted_at__isnull=True).exists()
    )
    page.once("dialog", lambda dialog: dialog.accept())
    delete.click()
    page.wait_for_url(re.compile(r"/mo-hinh/$"))
    expect(page.get_by_role("alert").first).to_contain_text("Đã xoá Tổ tự quản khu trọ Kiểm Thử")
    _no_violation(page)


def test_bars_indents_and_map_legend_come_from_data_attributes(site, signed_in):
    page = signed_in
    page.goto(f"{site['url']}/van-ban/{site['plan'].pk}/tien-do/")
    bar = page.locator(".progress-bar").first
    assert bar.evaluate("e => e.style.width") == "25%"
    height = page.locator(".progress").first.evaluate("e => parseFloat(getComputedStyle(e).height)")
    assert height == pytest.approx(9.6, abs=0.1)  # .6rem from app.css
    page.goto(f"{site['url']}/van-ban/{site['directive'].pk}/chuoi-thuc-hien/")
    margins = page.locator("ol.chain > li").evaluate_all(
        "items => items.map(e => getComputedStyle(e).marginLeft)"
    )
    assert margins == ["8px", "24px"]  # .5rem, 1.5rem
    page.goto(f"{site['url']}/mo-hinh/ban-do/?unit=G-HCM")
    expect(page.locator(".legend-swatch").first).to_be_visible()
    assert page.locator(".ward-map > svg").evaluate("e => getComputedStyle(e).display") == "block"
    _no_violation(page)


def test_htmx_search_works_without_eval_or_inline_style(site, signed_in):
    page = signed_in
    page.goto(site["url"] + "/mo-hinh/")
    results = page.locator("#group-results")
    expect(results).to_contain_text("Tổ dư luận xã hội Phường Bên")
    page.get_by_role("searchbox", name="Tên tổ").fill("kiem thu")
    expect(results).not_to_contain_text("Tổ dư luận xã hội Phường Bên")
    expect(results).to_contain_text("Tổ tự quản khu trọ Kiểm Thử")
    _no_violation(page)
    assert page.evaluate("document.querySelectorAll('head style').length") == 0  # htmx added none


def test_error_page_leads_back(site, signed_in):
    page = signed_in
    page.goto(site["url"] + "/mo-hinh/")
    page.goto(site["url"] + "/mo-hinh/999999/", referer=site["url"] + "/mo-hinh/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    page.get_by_role("link", name="Quay lại trang trước").click()
    page.wait_for_url(re.compile(r"/mo-hinh/$"))
    _no_violation(page)
