"""Tips on the portal: the form with its offline captcha, routing to the ward's union, the
receipt code and the follow-up by code (the state and the unit's answer, never the content),
and who may read them (unit editors, the ward's police liaison) in the incidents app's inbox,
where the old portal inbox now leads. The inbox itself: binhyen/incidents/tests/
test_tip_pages.py. Flooding: test_tip_flood.py."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from binhyen import factories as f
from binhyen.incidents import seal, services
from binhyen.incidents.models import State, Tip
from binhyen.portal import captcha

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def _form(client, **params):
    page = client.get("/tin-bao/", params).content.decode()
    token = re.search(r'name="captcha_token" value="([^"]+)"', page).group(1)
    return page, token


def _post(client, token, answer=None, **fields):
    data = {
        "muc": "ldld-tp-ho-chi-minh",
        "tinh": "79",
        "ward": f.area("26794").pk,
        "place": "Hẻm 12",
        "happened_on": YESTERDAY.isoformat(),
        "happened_time": "21:30",
        "what": "Nhóm người lạ bán ma tuý ở dãy trọ cuối hẻm.",
        "anonymous": "on",
        "captcha": str(captcha.answer_of(token) if answer is None else answer),
        "captcha_token": token,
    }
    data.update(fields)
    return client.post("/tin-bao/", data)


def test_form_offers_the_wards_of_the_province_and_a_question(w, client):
    page, token = _form(client, muc="ldld-tp-ho-chi-minh")
    assert "Phường Linh Xuân" in page
    assert re.search(r'<label class="form-label required" for="id_captcha">[^<]+[?.]', page)
    assert captcha.answer_of(token)
    options = client.get("/tin-bao/phuong-xa/", {"tinh": "82"}).content.decode()
    assert "Phường Mỹ Tho" in options and "Phường Linh Xuân" not in options


def test_tip_is_routed_to_the_ward_union_and_followed_by_code(w, client):
    _page, token = _form(client)
    response = _post(client, token)
    page = response.content.decode()
    tip = Tip.objects.get()
    assert tip.unit == w["tree"]["ward_union"]
    assert tip.code in page and "Đã nhận tin báo" in page
    assert re.fullmatch(r"TB-[A-Z2-9]{4}-[A-Z2-9]{4}", tip.code)
    assert (tip.anonymous, tip.sealed_sender, tip.happened_time) == (
        True,
        "",
        datetime.time(21, 30),
    )
    assert tip.source == "Liên đoàn Lao động Thành phố Hồ Chí Minh"
    services.answer_tip(
        w["users"]["ward_editor"],
        tip,
        state=State.TRANSFERRED,
        public_note="Đã chuyển Công an phường.",
    )
    follow = client.post(
        "/tin-bao/tra-cuu/", {"code": tip.code.lower().replace("-", " ")}
    ).content.decode()
    assert "Đã chuyển Công an phường" in follow
    assert "Chuyển cơ quan chức năng" in follow  # the state's label
    assert "Nhóm người lạ" not in follow  # the code shows progress, not the content
    missing = client.post("/tin-bao/tra-cuu/", {"code": "TB-AAAA-AAAA"}).content.decode()
    assert "Không tìm thấy tin báo" in missing


def test_named_tip_keeps_name_and_phone_sealed(w, client):
    _page, token = _form(client)
    _post(client, token, anonymous="", reporter_name="Trần Văn Bình", reporter_phone="0912.345.678")
    tip = Tip.objects.get()
    assert not tip.anonymous and "Bình" not in tip.sealed_sender
    assert seal.unseal(tip.sealed_sender) == {
        "name": "Trần Văn Bình",
        "phone": "0912345678",
        "user": None,
    }


def test_wrong_or_reused_captcha_is_refused(w, client):
    _page, token = _form(client)
    page = _post(client, token, answer="1").content.decode()  # no question's answer is 1
    assert "Câu trả lời kiểm tra chưa đúng" in page
    assert not Tip.objects.exists()
    # a wrong answer spent the token: the right one no longer helps, a new question does
    assert "đã được dùng" in _post(client, token).content.decode()
    _page, token = _form(client)
    _post(client, token)
    assert Tip.objects.count() == 1
    _page, token = _form(client)
    assert (
        "không hợp lệ"
        in _post(client, token + "x", answer=captcha.answer_of(token)).content.decode()
    )
    assert Tip.objects.count() == 1


def test_messages_name_the_fields(w, client):
    _page, token = _form(client)
    page = _post(
        client,
        token,
        what="ngắn",
        happened_on=(timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
        anonymous="",
    ).content.decode()
    assert "Hãy mô tả sự việc (ít nhất 10 ký tự)." in page
    assert "Ngày xảy ra không được sau hôm nay." in page
    assert "Hãy nhập họ tên, hoặc chọn gửi ẩn danh." in page
    assert not Tip.objects.exists()


def test_ward_without_a_union_goes_to_the_province_federation(w):
    tip = services.submit_tip(
        ward=f.area("27478"), what="Cháy nhỏ ở khu trọ Tân Thuận.", happened_on=YESTERDAY
    )
    assert tip.unit == w["tree"]["hcm"]


def test_scoping_editors_of_the_unit_and_police_of_the_ward(w, client_as):
    lx = services.submit_tip(
        ward=f.area("26794"), what="Trộm xe ở Linh Xuân.", happened_on=YESTERDAY
    )
    tt = services.submit_tip(
        ward=f.area("27478"), what="Tín dụng đen ở Tân Thuận.", happened_on=YESTERDAY
    )
    u = w["users"]
    assert set(Tip.objects.visible_to(u["ward_editor"])) == {lx}
    assert set(Tip.objects.visible_to(u["police"])) == {lx}
    assert set(Tip.objects.visible_to(u["editor"])) == {lx, tt}  # the city federation's subtree
    assert set(Tip.objects.visible_to(u["mt_editor"])) == set()
    assert not Tip.objects.visible_to(u["stranger"]).exists()
    police = client_as(u["police"])
    # the old portal inbox leads to the incidents app's
    assert police.get("/cong-thong-tin/quan-tri/tin-bao/", follow=True).redirect_chain == [
        ("/vu-viec/tin-bao/", 302)
    ]
    assert "Trộm xe ở Linh Xuân" in police.get("/vu-viec/tin-bao/").content.decode()
    assert police.get(f"/vu-viec/tin-bao/{tt.pk}/").status_code == 404
    assert police.get(f"/vu-viec/tin-bao/{lx.pk}/").status_code == 200
    with pytest.raises(ValidationError):
        services.answer_tip(u["police"], lx, state=State.HANDLING)
    stranger = client_as(u["mt_editor"])
    assert stranger.get(f"/vu-viec/tin-bao/{lx.pk}/").status_code == 404


def test_editor_answers_through_the_page(w, client_as):
    tip = services.submit_tip(
        ward=f.area("26794"), what="Trộm xe ở Linh Xuân.", happened_on=YESTERDAY
    )
    c = client_as(w["users"]["ward_editor"])
    c.post(
        f"/vu-viec/tin-bao/{tip.pk}/tra-loi/",
        {"state": State.HANDLING, "public_note": "Đang xử lý <b>khẩn</b>"},
    )
    tip.refresh_from_db()
    assert tip.state == State.HANDLING
    follow = client_as(w["users"]["stranger"]).post("/tin-bao/tra-cuu/", {"code": tip.code})
    html = follow.content.decode()
    # the markup typed is dropped when stored (core.markup), its words kept
    assert tip.public_note == "Đang xử lý khẩn"
    assert "Đang xử lý khẩn" in html and "<b>khẩn" not in html
    assert tip.history.filter(history_user=w["users"]["ward_editor"]).exists()
