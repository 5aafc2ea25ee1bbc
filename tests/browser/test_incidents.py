"""A work stoppage in a real browser: the officer of a grassroots union opens the case (the
stoppage file appears once the kind is chosen, the enterprise is found by typing its name
without accents), and the province's federation sees it at once in its list, opens it and
downloads its rapid report, which names the enterprise, the workers and their demands."""

import io
import re

import pytest
from docx import Document as Docx
from playwright.sync_api import expect

from binhyen import factories as f
from binhyen.org.scoping import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-Thu-9"


@pytest.fixture
def site(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    gt = f.group_tree()
    firm = f.enterprise(
        gt["cs"], name="Công ty TNHH Giày Hưng Thịnh", workforce=2400, union=gt["cs"]
    )
    f.user("cs-lx", Role.EDITOR, gt["cs"], first_name="Nam", last_name="Lê Văn")
    f.user("ldld-hcm", Role.VIEWER, gt["hcm"], first_name="Hà", last_name="Trần Thị")
    return {"url": live_server.url, "firm": firm, **gt}


def login(page, site, username, then):
    page.goto(f"{site['url']}/tai-khoan/login/?next={then}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(re.escape(then) + "$"))


def test_a_grassroots_officer_opens_a_stoppage_and_the_province_sees_it_with_its_report(
    site, browser, shoot
):
    officer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    officer.set_default_timeout(15000)
    page = officer.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, site, "cs-lx", "/vu-viec/moi/")
    stoppage_file = page.locator("#stoppage-fields")
    page.get_by_label("Loại vụ việc").select_option("toi_pham")
    expect(stoppage_file).to_be_hidden()
    page.get_by_label("Loại vụ việc").select_option("ngung_viec")
    expect(stoppage_file).to_be_visible()
    page.get_by_label("Tên vụ việc").fill("Ngừng việc đòi tăng lương tại Giày Hưng Thịnh")
    page.get_by_label("Bắt đầu lúc").fill("02/12/2026 07:30")
    page.get_by_label("Tóm tắt diễn biến").fill(
        "Khoảng 600 công nhân tổ may không vào ca sáng, tập trung ở sân công ty."
    )
    page.get_by_label("Tìm doanh nghiệp").fill("giay hung thinh")
    option = page.locator("#id_enterprise option", has_text="Giày Hưng Thịnh")
    expect(option).to_have_count(1)
    page.locator("#id_enterprise").select_option(label=option.inner_text().strip())
    page.get_by_label("Số người ngừng việc").fill("600")
    page.get_by_label("Yêu cầu của người lao động").fill("Tăng lương 10%, trả thưởng Tết đúng hạn.")
    page.get_by_label("Tiền lương").check()
    shoot(page, "incident-form-stoppage")
    page.get_by_role("button", name=re.compile("Lưu|Ghi nhận|Thêm")).click()
    page.wait_for_url(re.compile(r"/vu-viec/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ngừng việc đòi tăng lương")
    code = re.search(r"VV-2026-\d{6}", page.content()).group(0)
    expect(page.get_by_text("600 / 2.400 (25%)")).to_be_visible()
    officer.close()

    province = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    province.set_default_timeout(15000)
    page = province.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, site, "ldld-hcm", "/vu-viec/")
    row = page.get_by_role("row").filter(has_text=code)
    expect(row).to_contain_text("Công ty TNHH Giày Hưng Thịnh")
    row.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/vu-viec/\d+/$"))
    shoot(page, "incident-detail-province")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Báo cáo nhanh", re.I)).first.click()
    body = download.value.path().read_bytes()
    text = "\n".join(p.text for p in Docx(io.BytesIO(body)).paragraphs)
    tables = "\n".join(
        c.text for t in Docx(io.BytesIO(body)).tables for r in t.rows for c in r.cells
    )
    assert "BÁO CÁO NHANH" in text
    assert "Công ty TNHH Giày Hưng Thịnh" in text + tables
    assert "600" in text and "Tăng lương 10%" in text
    assert errors == []
    province.close()
