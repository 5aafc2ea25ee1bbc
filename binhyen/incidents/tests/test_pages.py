"""The case pages as people meet them: the list with its filters and totals, a case's page
with its timeline and the moves the reader may make, the forms (a stoppage's file, the
pickers), attachments, deletion, the menu and the home page's overdue panel — each for the
right people, a 404 for everyone else, in a bounded number of queries."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from binhyen import factories as f
from binhyen.incidents import services
from binhyen.incidents.models import Action, ActionKind, Incident, State, Stoppage, Tip
from binhyen.org import services as org_services
from binhyen.org.scoping import Role

NOW = timezone.now


def build_world():
    gt = f.group_tree()
    linh_xuan, tan_thuan = f.area("26794"), f.area("27478")
    firm = f.enterprise(
        gt["cs"],
        ward=linh_xuan,
        workforce=2400,
        union=gt["cs"],
        name="Công ty TNHH Giày Đông Á",
        address="Số 5 đường số 3, KCX Linh Trung",
    )
    people = {
        "cs_editor": f.user(
            "cs-editor", Role.EDITOR, gt["cs"], first_name="Hoa", last_name="Trần Thị"
        ),
        "cs_approver": f.user("cs-approver", Role.APPROVER, gt["cs"]),
        "ward_editor": f.user("lx-editor", Role.EDITOR, gt["ward_union"]),
        "province": f.user("hcm-viewer", Role.VIEWER, gt["hcm"]),
        "mytho": f.user("mt-editor", Role.EDITOR, gt["mt"]),
        "police": f.user("police-lx", Role.POLICE, gt["hcm"], wards=[linh_xuan]),
        "police_other": f.user("police-tt", Role.POLICE, gt["hcm"], wards=[tan_thuan]),
        "sealer": f.user("identity", Role.IDENTITY, gt["hcm"]),
        "stranger": f.user("nobody"),
    }
    # the identity role is held beside a unit role: it reveals, the unit role lets them read
    org_services.assign_role(f.superuser(), people["sealer"], gt["hcm"], Role.VIEWER)
    return dict(gt, firm=firm, linh_xuan=linh_xuan, tan_thuan=tan_thuan, **people)


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


def as_(user):
    c = Client()
    c.force_login(user)
    return c


def stoppage(w, **kw):
    kw.setdefault("started_at", NOW() - datetime.timedelta(hours=3))
    return f.incident(
        w["cs"],
        "ngung_viec",
        actor=w["cs_editor"],
        enterprise=w["firm"],
        title=kw.pop("title", "Ngừng việc đòi tăng lương"),
        stoppage=kw.pop(
            "stoppage",
            {
                "workers_involved": 600,
                "causes": ["tien_luong"],
                "demands": "Tăng lương cơ bản 8%.",
            },
        ),
        **kw,
    )


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.status_code
    return response.content.decode()


# ---------------------------------------------------------------- the list


def test_list_filters_totals_and_scope(world, django_assert_max_num_queries):
    case = stoppage(world)
    theft = f.incident(
        world["cs"], "toi_pham", actor=world["cs_editor"], title="Trộm xe máy ở nhà trọ"
    )
    old = f.incident(
        world["cs"],
        "ma_tuy",
        actor=world["cs_editor"],
        title="Ma túy ở khu trọ",
        started_at=datetime.date(2023, 5, 2),
        ward=world["tan_thuan"],
    )
    c = as_(world["province"])
    with django_assert_max_num_queries(15):
        html = page(c, "/vu-viec/")
    assert case.title in html and theft.title in html and old.title in html
    assert "3 vụ việc" in html and "600 người ngừng việc" in html
    html = page(c, "/vu-viec/?kind=ngung_viec")
    assert case.title in html and theft.title not in html and "1 vụ việc" in html
    html = page(c, "/vu-viec/?q=trom xe")  # accent-free
    assert theft.title in html and case.title not in html
    html = page(c, "/vu-viec/?nam=2023")
    assert old.title in html and case.title not in html
    html = page(c, "/vu-viec/?tu=01/01/2023&den=31/12/2023")
    assert old.title in html and case.title not in html
    html = page(c, f"/vu-viec/?ward={world['tan_thuan'].pk}")
    assert old.title in html and theft.title not in html
    html = page(c, f"/vu-viec/?enterprise={world['firm'].pk}")
    assert case.title in html and theft.title not in html and world["firm"].name in html
    html = page(c, "/vu-viec/?qua_han=1")
    assert old.title in html and case.title not in html  # 2023: long past its deadline
    html = page(c, "/vu-viec/?tu=31/02/2024")
    assert "không hợp lệ" in html and case.title not in html
    # the police liaison of Linh Xuân: the cases of their ward only
    html = page(as_(world["police"]), "/vu-viec/")
    assert case.title in html and theft.title in html and old.title not in html
    assert "Chưa có vụ việc nào" in page(as_(world["mytho"]), "/vu-viec/")


def test_list_is_paginated_and_htmx_gets_the_results_only(world, django_assert_max_num_queries):
    for n in range(3):
        f.incident(world["cs"], actor=world["cs_editor"], title=f"Vụ trộm số {n}")
    c = as_(world["cs_editor"])
    with django_assert_max_num_queries(15):
        response = c.get("/vu-viec/?q=trom", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Vụ trộm số 2" in html and "<html" not in html


# ---------------------------------------------------------------- a case's page


def test_case_page_for_the_unit_the_province_and_the_police(world, django_assert_max_num_queries):
    case = stoppage(world)
    url = f"/vu-viec/{case.pk}/"
    editor = as_(world["cs_editor"])
    with django_assert_max_num_queries(15):
        html = page(editor, url)
    for text in (
        case.code,
        "Công ty TNHH Giày Đông Á",
        "Hồ sơ ngừng việc tập thể",
        "600 / 2.400 (25%)",
        "Tăng lương cơ bản 8%.",
        "Tiếp nhận vụ việc.",
        "Tải báo cáo nhanh",
        "Ghi bước xử lý",
        "Sửa",
        "Xác minh",  # a move the editor may make
    ):
        assert text in html, text
    assert 'value="dong"' not in html  # received → closed is allowed, to approvers only
    province = page(as_(world["province"]), url)
    assert case.code in province and "Ghi bước xử lý" not in province and "/sua/" not in province
    police = page(as_(world["police"]), url)
    assert "Xác nhận của Công an phường" in police and "/sua/" not in police
    assert "Chuyển trạng thái" not in police
    for who in ("mytho", "police_other", "stranger"):
        page(as_(world[who]), url, status=404)


def test_closing_is_for_approvers(world):
    case = stoppage(world)
    approver = page(as_(world["cs_approver"]), f"/vu-viec/{case.pk}/")
    assert 'value="dong"' in approver and 'value="xac_minh"' not in approver
    case = services.move_incident(world["cs_editor"], case, State.HANDLING)
    assert 'value="dong"' not in page(as_(world["cs_approver"]), f"/vu-viec/{case.pk}/")
    response = as_(world["cs_editor"]).post(
        f"/vu-viec/{case.pk}/trang-thai/", {"state": State.RESOLVED, "what": ""}
    )
    assert "Hãy ghi kết quả xử lý hoặc lý do." in response.content.decode()
    response = as_(world["cs_editor"]).post(
        f"/vu-viec/{case.pk}/trang-thai/",
        {"state": State.RESOLVED, "what": "Doanh nghiệp đồng ý tăng lương 6%."},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.RESOLVED
    approver = page(as_(world["cs_approver"]), f"/vu-viec/{case.pk}/")
    assert 'value="dong"' in approver


def test_police_confirms_but_does_not_edit(world):
    case = stoppage(world)
    police = as_(world["police"])
    response = police.post(
        f"/vu-viec/{case.pk}/ghi-buoc/",
        {"what": "Công an phường có mặt, giữ trật tự cổng nhà máy."},
    )
    assert response.status_code == 302
    step = Action.objects.get(incident=case, kind=ActionKind.POLICE)
    assert step.actor == world["police"] and step.authority == "Công an phường"
    html = page(police, f"/vu-viec/{case.pk}/")
    assert "giữ trật tự cổng nhà máy" in html and "Công an phường đã xác nhận" in html
    page(police, f"/vu-viec/{case.pk}/sua/", status=404)
    police.post(f"/vu-viec/{case.pk}/trang-thai/", {"state": State.VERIFYING, "what": "x"})
    case.refresh_from_db()
    assert case.state == State.RECEIVED
    page(as_(world["police_other"]), f"/vu-viec/{case.pk}/ghi-buoc/", status=405)
    response = as_(world["police_other"]).post(
        f"/vu-viec/{case.pk}/ghi-buoc/", {"what": "Không phải địa bàn của tôi."}
    )
    assert response.status_code == 404


# ---------------------------------------------------------------- forms


def _form_data(w, **changes):
    data = {
        "unit": w["cs"].pk,
        "kind": "ngung_viec",
        "title": "Ngừng việc tại Công ty TNHH Giày Đông Á",
        "started_at": timezone.localtime(NOW() - datetime.timedelta(hours=5)).strftime(
            "%d/%m/%Y %H:%M"
        ),
        "summary": "Khoảng 7 giờ sáng công nhân ca 1 không vào xưởng.",
        "enterprise": w["firm"].pk,
        "workers_involved": "900",
        "causes": ["tien_luong", "bua_an"],
        "demands": "Tăng lương, cải thiện bữa ăn ca.",
        "outcome": "chua_co",
    }
    data.update(changes)
    return data


def test_create_a_stoppage_through_the_form(world):
    c = as_(world["cs_editor"])
    html = page(c, "/vu-viec/moi/")
    assert 'id="stoppage-fields"' in html and "incident_form.js" in html
    assert "Công đoàn cơ sở Công ty Giày Linh Xuân" in html
    response = c.post("/vu-viec/moi/", _form_data(world))
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Incident.objects.get()
    assert response["Location"] == f"/vu-viec/{case.pk}/"
    assert case.ward == world["linh_xuan"] and case.stoppage.workers_involved == 900
    assert case.stoppage.workforce == 2400
    assert sorted(c.code for c in case.stoppage.causes.all()) == ["bua_an", "tien_luong"]


def test_bad_input_lands_on_the_fields_and_saves_nothing(world):
    c = as_(world["cs_editor"])
    html = c.post(
        "/vu-viec/moi/", _form_data(world, workers_involved="3000", ended_at="01/01/2020 08:00")
    ).content.decode()
    assert "Thời điểm kết thúc không được trước thời điểm bắt đầu." in html
    assert not Incident.objects.exists()
    html = c.post("/vu-viec/moi/", _form_data(world, workers_involved="3000")).content.decode()
    assert "không được vượt quá tổng số lao động" in html
    html = c.post(
        "/vu-viec/moi/", _form_data(world, enterprise="", ward=world["linh_xuan"].pk)
    ).content.decode()
    assert "hãy chọn doanh nghiệp xảy ra ngừng việc" in html
    html = c.post(
        "/vu-viec/moi/", _form_data(world, unit=world["hcm"].pk)
    ).content.decode()  # not a unit they record for
    assert "ngoài phạm vi" in html
    assert not Incident.objects.exists()


def test_a_case_of_another_kind_in_a_ward(world):
    c = as_(world["cs_editor"])
    response = c.post(
        "/vu-viec/moi/",
        _form_data(
            world,
            kind="toi_pham",
            title="Cướp giật điện thoại",
            enterprise="",
            ward=world["linh_xuan"].pk,
            workers_involved="",
        ),
    )
    assert response.status_code == 302
    case = Incident.objects.get()
    assert case.kind.code == "toi_pham" and not Stoppage.objects.filter(incident=case).exists()
    assert case.ward == world["linh_xuan"]


def test_edit_keeps_the_unit_and_updates_the_file(world):
    case = stoppage(world)
    c = as_(world["cs_editor"])
    html = page(c, f"/vu-viec/{case.pk}/sua/")
    assert "Tăng lương cơ bản 8%." in html and 'value="600"' in html
    response = c.post(
        f"/vu-viec/{case.pk}/sua/",
        _form_data(
            world,
            title=case.title,
            started_at=timezone.localtime(case.started_at).strftime("%d/%m/%Y %H:%M"),
            workers_involved="700",
            dialogue_held="on",
        ),
    )
    assert response.status_code == 302
    case.stoppage.refresh_from_db()
    assert case.stoppage.workers_involved == 700 and case.stoppage.dialogue_held
    page(as_(world["province"]), f"/vu-viec/{case.pk}/sua/", status=404)


def test_pickers_search_what_the_reader_sees(world):
    other = f.enterprise(world["mt"], ward="27478", name="Công ty Cổ phần Dệt Mỹ Tho")
    c = as_(world["cs_editor"])
    html = page(c, "/vu-viec/chon-doanh-nghiep/?enterprise_q=giay dong a")
    assert "Công ty TNHH Giày Đông Á" in html and other.name not in html
    html = page(c, f"/vu-viec/chon-doanh-nghiep/?enterprise_q={world['firm'].tax_code}")
    assert "Công ty TNHH Giày Đông Á" in html
    assert other.name not in page(c, "/vu-viec/chon-doanh-nghiep/?enterprise_q=det my tho")
    html = page(c, f"/vu-viec/phuong-xa/?unit={world['cs'].pk}")
    assert "Phường Linh Xuân" in html and "<select" in html


# ---------------------------------------------------------------- files, delete


def test_attachments_are_served_within_scope(world):
    case = stoppage(world)
    c = as_(world["cs_editor"])
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = c.post(f"/vu-viec/{case.pk}/dinh-kem/", {"file": upload})
    assert response.status_code == 302
    item = case.attachments.get()
    assert "bien-ban.pdf" in page(c, f"/vu-viec/{case.pk}/")
    assert b"".join(as_(world["province"]).get(f"/vu-viec/tep/{item.pk}/").streaming_content)
    page(as_(world["mytho"]), f"/vu-viec/tep/{item.pk}/", status=404)
    bad = SimpleUploadedFile("virus.exe", b"MZ")
    html = c.post(f"/vu-viec/{case.pk}/dinh-kem/", {"file": bad}).content.decode()
    assert "Chỉ nhận tệp" in html
    c.post(f"/vu-viec/tep/{item.pk}/go/")
    page(c, f"/vu-viec/tep/{item.pk}/", status=404)


def test_delete_is_soft_and_for_approvers(world):
    case = stoppage(world)
    page(as_(world["cs_editor"]), f"/vu-viec/{case.pk}/xoa/", status=404)
    approver = as_(world["cs_approver"])
    assert "Xóa vụ việc này?" in page(approver, f"/vu-viec/{case.pk}/xoa/")
    assert approver.post(f"/vu-viec/{case.pk}/xoa/").status_code == 302
    assert Incident.all_objects.get(pk=case.pk).deleted_at is not None
    page(approver, f"/vu-viec/{case.pk}/", status=404)


# ---------------------------------------------------------------- menu and home


def test_menu_offers_cases_and_tips_to_unit_roles_and_police(world):
    for who in ("cs_editor", "province", "police"):
        html = page(as_(world[who]), "/")
        assert 'href="/vu-viec/"' in html and 'href="/vu-viec/tin-bao/"' in html, who
    assert 'href="/vu-viec/"' not in page(as_(world["stranger"]), "/")


def test_home_shows_overdue_cases_and_tips(world, django_assert_max_num_queries):
    late = stoppage(world, started_at=NOW() - datetime.timedelta(days=3))
    stoppage(world, title="Ngừng việc mới", started_at=NOW() - datetime.timedelta(hours=1))
    tip = services.submit_tip(
        ward=world["linh_xuan"],
        what="Có người cho vay nặng lãi ở dãy trọ số 4.",
        happened_on=timezone.localdate(),
    )
    Tip.objects.filter(pk=tip.pk).update(answer_due=NOW() - datetime.timedelta(days=1))
    c = as_(world["province"])
    with django_assert_max_num_queries(15):
        html = page(c, "/")
    assert "Vụ việc, tin báo quá hạn" in html
    assert "1 vụ việc quá hạn" in html and late.code in html and "Ngừng việc mới" not in html
    assert "Quá hạn báo cáo nhanh" in html
    assert "1 tin báo quá hạn trả lời" in html and tip.code in html
    # the police liaison lands on their ward's tips and cases, above their units
    police = page(as_(world["police"]), "/")
    assert "Tin báo và vụ việc trên địa bàn bạn phụ trách" in police
    assert police.index("Tin báo và vụ việc trên địa bàn") < police.index(
        "Đơn vị trên địa bàn phường/xã bạn phụ trách"
    )
    assert "2 vụ việc chưa đóng" in police and tip.code in police
    assert "quá hạn" not in page(as_(world["mytho"]), "/").lower().replace("quá hạn báo", "")


def test_an_editor_links_the_outreach_held_after_the_case(world, django_assert_max_num_queries):
    case = stoppage(world, started_at=NOW() - datetime.timedelta(days=5))
    after = f.activity(
        world["cs"],
        date=timezone.localdate() - datetime.timedelta(days=1),
        title="Tuyên truyền pháp luật lao động sau vụ ngừng việc",
    )
    before = f.activity(world["cs"], date=timezone.localdate() - datetime.timedelta(days=30))
    editor = as_(world["cs_editor"])
    with django_assert_max_num_queries(15):
        html = page(editor, f"/vu-viec/{case.pk}/")
    offered = html.split('id="link-activity"', 1)[1].split("</form>", 1)[0]
    assert after.title in offered and before.title not in offered  # held before the case
    editor.post(f"/vu-viec/{case.pk}/hoat-dong/", {"activity": after.pk})
    assert list(case.activities.all()) == [after]
    html = page(as_(world["province"]), f"/vu-viec/{case.pk}/")
    assert after.title in html and 'id="link-activity"' not in html  # a reader links nothing
    assert "Gắn hoạt động “Tuyên truyền pháp luật lao động" in html  # on the timeline
    # a reader's post changes nothing; the editor unlinks
    as_(world["province"]).post(f"/vu-viec/{case.pk}/hoat-dong/", {"activity": after.pk, "bo": "1"})
    assert case.activities.count() == 1
    editor.post(f"/vu-viec/{case.pk}/hoat-dong/", {"activity": after.pk, "bo": "1"})
    assert case.activities.count() == 0


def test_a_cases_history_shows_who_changed_what(world, django_assert_max_num_queries):
    case = stoppage(world)
    services.update_incident(
        world["cs_editor"], case, title="Ngừng việc đòi tăng lương và thưởng Tết"
    )
    reader = as_(world["province"])
    with django_assert_max_num_queries(15):
        html = page(reader, f"/vu-viec/{case.pk}/lich-su/")
    assert "Ngừng việc đòi tăng lương và thưởng Tết" in html and "Hồ sơ ngừng việc tập thể" in html
    page(as_(world["mytho"]), f"/vu-viec/{case.pk}/lich-su/", status=404)
