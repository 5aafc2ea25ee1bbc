"""The public portal in a real browser: home, search without diacritics, an article, text size
kept across pages, the calendar week by week, a tip sent and followed by its code, and an
editor publishing an article that then appears on the home page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from binhyen.portal import captcha, services
from binhyen.portal.models import Article, DayPart, week_start
from binhyen.portal.tests import helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _reseed_kinds():
    """A transactional test empties every table, the kinds seeded by migrations included."""
    import importlib

    from django.apps import apps

    for module in (
        "binhyen.org.migrations.0002_unit_kinds",
        "binhyen.groups.migrations.0002_group_kinds",
    ):
        importlib.import_module(module).seed(apps, None)


@pytest.fixture
def site(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    cache.clear()
    _reseed_kinds()
    w = helpers.world()
    editor = w["users"]["editor"]
    helpers.article(
        w["hcm"],
        "Đẩy mạnh phòng, chống tội phạm trong công nhân khu nhà trọ",
        category_name="Phòng chống tội phạm",
        featured=True,
        cover=helpers.image_file(size=(1200, 675)),
        cover_caption="Tổ tự quản họp định kỳ",
        cover_alt="Công nhân họp tổ tự quản",
        body="<p>Các tổ tự quản khu nhà trọ họp mỗi tuần.</p><h2>Kết quả</h2><p>Nhiều vụ việc được báo kịp thời.</p>",
    )
    for i, title in enumerate(
        (
            "Hội thi tìm hiểu pháp luật lao động",
            "Giải bóng đá công nhân",
            "Tập huấn cán bộ công đoàn",
        )
    ):
        helpers.article(
            w["hcm"],
            title,
            category_name="Tin tức - Sự kiện" if i else "Pháp luật",
            cover=helpers.image_file(size=(800, 450), colour=(60 + 40 * i, 120, 90)),
        )
    monday = week_start(timezone.localdate())
    for offset, part, hour, text in (
        (0, DayPart.MORNING, 8, "Họp giao ban Thường trực"),
        (2, DayPart.AFTERNOON, 14, "Kiểm tra tổ tự quản khu nhà trọ"),
        (8, DayPart.MORNING, 8, "Hội nghị sơ kết tuần sau"),
    ):
        services.save_schedule_entry(
            editor,
            w["hcm"],
            day=monday + datetime.timedelta(days=offset),
            part=part,
            start=datetime.time(hour, 0),
            content=text,
            host="Chủ tịch LĐLĐ",
            place="Hội trường A",
            participants="Thường trực, các ban",
        )
    w["url"] = live_server.url
    return w


def test_home_search_and_article(site, page, shoot):
    page.goto(site["url"] + "/cong-thong-tin/")
    assert "Liên đoàn Lao động Thành phố Hồ Chí Minh" in page.title()
    assert page.get_by_role("heading", name="Tin nổi bật").is_visible()
    assert page.get_by_text("Phong trào bằng số liệu").is_visible()
    shoot(page, "home")
    page.get_by_role("searchbox", name="Tìm tin bài").fill("phong chong toi pham")
    page.get_by_role("searchbox", name="Tìm tin bài").press("Enter")
    page.wait_for_url(re.compile(r"/tin-tuc/\?q="))
    assert "1 tin bài" in page.get_by_role("status").inner_text()
    page.get_by_role(
        "link", name="Đẩy mạnh phòng, chống tội phạm trong công nhân khu nhà trọ"
    ).click()
    page.wait_for_url(re.compile(r"/tin-tuc/day-manh-phong-chong-toi-pham"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Đẩy mạnh phòng")
    assert page.locator("figcaption").inner_text() == "Tổ tự quản họp định kỳ"
    assert re.search(
        r"Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ Nhật", page.locator(".article-meta").inner_text()
    )
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Sao chép liên kết").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Đã sao chép liên kết.")
    assert page.evaluate("navigator.clipboard.readText()") == page.url
    shoot(page, "article")
    assert page.js_errors == []


def test_text_size_persists_across_pages(site, page):
    page.goto(site["url"] + "/cong-thong-tin/")
    base = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_role("button", name="Phóng to").click()
    page.get_by_role("button", name="Phóng to").click()
    bigger = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert bigger == pytest.approx(base * 1.25)
    page.get_by_role("link", name="Lịch công tác").first.click()
    page.wait_for_url(re.compile(r"/lich-cong-tac/"))
    page.wait_for_load_state()
    assert page.evaluate(
        "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    ) == pytest.approx(bigger)
    page.get_by_role("button", name="Thu nhỏ").click()
    assert page.evaluate("document.documentElement.dataset.textScale") == "112.5"
    page.get_by_role("button", name="Cỡ chữ mặc định").click()
    page.reload()
    assert page.evaluate(
        "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    ) == pytest.approx(base)


def test_keyboard_reaches_the_content_first(site, page):
    page.goto(site["url"] + "/cong-thong-tin/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Bỏ qua, đến nội dung chính"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "noi-dung"


def test_calendar_week_by_week(site, page, shoot):
    page.goto(site["url"] + "/lich-cong-tac/")
    table = page.get_by_role("table")
    for day in ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"):
        assert day in table.inner_text()
    assert "Họp giao ban Thường trực" in table.inner_text()
    shoot(page, "calendar")
    this_week = page.locator("#week-heading").inner_text()
    page.get_by_role("link", name="Tuần sau »").click()
    expect(page.locator("#week-heading")).not_to_have_text(this_week)
    expect(page.get_by_role("table")).to_contain_text("Hội nghị sơ kết tuần sau")
    next_week = page.locator("#week-heading").inner_text()
    page.get_by_role("link", name="« Tuần trước").click()
    expect(page.locator("#week-heading")).to_have_text(this_week)
    page.get_by_role("link", name="« Tuần trước").click()
    expect(page.locator("#week-heading")).not_to_have_text(this_week)
    assert page.locator("#week-heading").inner_text() != next_week
    expect(page.get_by_role("table")).not_to_contain_text("Họp giao ban Thường trực")
    page.get_by_role("link", name="Tuần này").click()
    expect(page.locator("#week-heading")).to_have_text(this_week)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải lịch tuần (PDF)").click()
    assert download.value.suggested_filename.startswith("lich-cong-tac-ldld-tp-ho-chi-minh-")


def test_send_a_tip_and_follow_it_by_code(site, page):
    page.goto(site["url"] + "/tin-bao/?muc=ldld-tp-ho-chi-minh")
    page.get_by_label("Phường/xã nơi xảy ra").select_option(label="Phường Linh Xuân")
    page.get_by_label("Ngày xảy ra").fill(
        (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    )
    page.get_by_label("Nội dung sự việc").fill(
        "Có người lạ cho vay nặng lãi, đe doạ công nhân ở dãy trọ cuối hẻm."
    )
    assert page.get_by_label("Họ và tên").is_hidden()  # anonymous by default
    question = page.locator("label[for=id_captcha]").inner_text()
    answer = captcha.answer_of(page.locator("input[name=captcha_token]").get_attribute("value"))
    page.get_by_label(question, exact=True).fill(answer)  # the question is the box's label
    page.get_by_role("button", name="Gửi tin báo").click()
    code = page.locator("[data-receipt-code]").inner_text().strip()
    assert re.fullmatch(r"TB-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    page.get_by_role("link", name="Tra cứu tin báo").first.click()
    page.get_by_label("Mã tiếp nhận").fill(code)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator("[data-tip-status]")).to_have_text("Tiếp nhận")
    assert "Công đoàn phường Linh Xuân" in page.get_by_role("region").inner_text()


def test_editor_publishes_an_article_that_appears_on_home(site, page):
    from binhyen import factories as f
    from binhyen.org.scoping import Role

    chief = f.user(
        "chu-bien", Role.ADMIN, site["tree"]["hcm"], first_name="Hà", last_name="Trần Thị"
    )
    page.goto(site["url"] + "/tai-khoan/login/?next=/cong-thong-tin/quan-tri/")
    page.locator("input[name=username]").fill("chu-bien")
    page.locator("input[name=password]").fill("mat-khau-Thu-9")
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/cong-thong-tin/quan-tri/$"))
    page.get_by_role("link", name=re.compile("Viết bài mới")).first.click()
    # editor.js puts its toolbar and editable area over the <textarea> once the page has
    # loaded; a locator resolved before that would point at the textarea it then hides.
    expect(page.get_by_role("toolbar", name="Định dạng nội dung")).to_be_visible()
    page.get_by_role("textbox", name="Tiêu đề").fill("Ra mắt tổ tự quản mới ở phường Linh Xuân")
    page.get_by_label("Tóm tắt").fill("Tổ tự quản thứ ba của phường ra mắt trong tuần.")
    page.get_by_label("Chuyên mục").select_option(label="Tin tức - Sự kiện")
    editor = page.get_by_role("textbox", name="Nội dung")
    editor.click()
    page.keyboard.type("Tổ gồm mười hai thành viên. ")
    page.get_by_role("button", name="Chữ đậm").click()
    page.keyboard.type("Ra mắt ngày thứ Bảy.")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("[data-article-status]")).to_have_text("Bản nháp")
    page.get_by_role("button", name="Duyệt đăng").click()
    expect(page.locator("[data-article-status]")).to_have_text("Đã duyệt đăng")
    article = Article.objects.get(title="Ra mắt tổ tự quản mới ở phường Linh Xuân")
    assert "<b>Ra mắt ngày thứ Bảy.</b>" in article.body or "<strong>" in article.body
    assert article.approved_by == chief
    page.goto(site["url"] + "/cong-thong-tin/")
    page.get_by_role("link", name="Ra mắt tổ tự quản mới ở phường Linh Xuân").first.click()
    assert "Tổ gồm mười hai thành viên." in page.locator(".article-body").inner_text()
