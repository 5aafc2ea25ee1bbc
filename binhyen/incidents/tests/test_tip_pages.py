"""The tip pages: the inbox each side sees (the unit, the ward's police), a tip's page with the
answer and each side's confirmation, conversion to a case, the sealed sender shown to the
holders of the identity role only (and only after they ask), and the officers' tip form."""

import datetime

import pytest
from django.utils import timezone

from binhyen.incidents import services
from binhyen.incidents.models import Action, ActionKind, Channel, Incident, State, Tip

from .test_pages import as_, build_world, page

TODAY = timezone.localdate


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


def named_tip(w, **kw):
    kw.setdefault("ward", w["linh_xuan"])
    return services.submit_tip(
        what=kw.pop("what", "Nhóm người lạ bán ma túy ở dãy trọ cuối hẻm 12."),
        happened_on=TODAY() - datetime.timedelta(days=1),
        anonymous=False,
        reporter_name="Trần Văn Bình",
        reporter_phone="0912345678",
        **kw,
    )


def test_inbox_for_the_unit_and_the_ward_police(world, django_assert_max_num_queries):
    tip = named_tip(world)
    other = named_tip(world, ward=world["tan_thuan"], what="Tín dụng đen ở khu trọ Tân Thuận.")
    c = as_(world["province"])
    with django_assert_max_num_queries(15):
        html = page(c, "/vu-viec/tin-bao/")
    assert tip.code in html and other.code in html and "2 tin báo" in html
    html = page(as_(world["police"]), "/vu-viec/tin-bao/")
    assert tip.code in html and other.code not in html
    assert other.code not in page(c, f"/vu-viec/tin-bao/?ward={world['linh_xuan'].pk}")
    assert tip.code not in page(c, "/vu-viec/tin-bao/?q=tin dung den")
    assert tip.code in page(c, f"/vu-viec/tin-bao/?channel={Channel.PORTAL}")
    Tip.objects.filter(pk=other.pk).update(answer_due=timezone.now() - datetime.timedelta(hours=1))
    html = page(c, "/vu-viec/tin-bao/?qua_han=1")
    assert other.code in html and tip.code not in html and "Quá hạn trả lời" in html
    assert "Chưa có tin báo nào trong phạm vi" in page(as_(world["mytho"]), "/vu-viec/tin-bao/")
    page(as_(world["mytho"]), f"/vu-viec/tin-bao/{tip.pk}/", status=404)
    page(as_(world["police_other"]), f"/vu-viec/tin-bao/{tip.pk}/", status=404)


def test_the_old_portal_inbox_follows_to_the_new_one(world):
    tip = named_tip(world)
    c = as_(world["police"])
    response = c.get("/cong-thong-tin/quan-tri/tin-bao/")
    assert response.status_code == 302 and response["Location"] == "/vu-viec/tin-bao/"
    response = c.get(f"/cong-thong-tin/quan-tri/tin-bao/{tip.pk}/")
    assert response["Location"] == f"/vu-viec/tin-bao/{tip.pk}/"


def test_sealed_sender_is_never_in_the_page_but_for_a_holder_who_asks(
    world, django_assert_max_num_queries
):
    tip = named_tip(world)
    url = f"/vu-viec/tin-bao/{tip.pk}/"
    for who in ("ward_editor", "province", "police"):
        html = page(as_(world[who]), url)
        assert "Trần Văn Bình" not in html and "0912345678" not in html, who
        assert "Có danh tính (được niêm phong)" in html
        assert "Xem danh tính người báo tin" not in html
        assert as_(world[who]).post(f"{url}danh-tinh/").status_code == 404
    sealer = as_(world["sealer"])
    with django_assert_max_num_queries(15):
        html = page(sealer, url)
    assert "Trần Văn Bình" not in html and "Xem danh tính người báo tin</button>" in html
    assert not Action.objects.filter(tip=tip, kind=ActionKind.REVEAL).exists()
    html = sealer.post(f"{url}danh-tinh/").content.decode()
    assert "Trần Văn Bình" in html and "0912345678" in html
    step = Action.objects.get(tip=tip, kind=ActionKind.REVEAL)
    assert step.actor == world["sealer"]
    # shown once: the next visit is sealed again, and the others see that it was read
    assert "Trần Văn Bình" not in page(sealer, url)
    assert "Xem danh tính người báo tin" in page(as_(world["ward_editor"]), url)  # the step
    assert "Trần Văn Bình" not in page(as_(world["ward_editor"]), url)


def test_anonymous_tip_has_nothing_to_reveal(world):
    tip = services.submit_tip(
        ward=world["linh_xuan"], what="Đánh nhau ở quán nhậu đầu hẻm.", happened_on=TODAY()
    )
    html = page(as_(world["sealer"]), f"/vu-viec/tin-bao/{tip.pk}/")
    assert "Ẩn danh" in html and "Xem danh tính người báo tin</button>" not in html


def test_answer_and_each_side_confirms(world):
    tip = named_tip(world)
    url = f"/vu-viec/tin-bao/{tip.pk}/"
    unit = as_(world["ward_editor"])
    editor_html = page(unit, url)
    assert "Trả lời, chuyển trạng thái" in editor_html and "Xác nhận của đơn vị" in editor_html
    response = unit.post(
        f"{url}tra-loi/",
        {"state": State.VERIFYING, "public_note": "Đã chuyển Công an phường xác minh."},
    )
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.state == State.VERIFYING and tip.answered_at is not None
    unit.post(f"{url}xac-nhan/", {"what": "Cán bộ công đoàn đã gặp chủ nhà trọ."})
    police = as_(world["police"])
    html = page(police, url)
    assert "Xác nhận của Công an phường" in html and "Trả lời, chuyển trạng thái" not in html
    police.post(f"{url}xac-nhan/", {"what": "Đã kiểm tra hành chính dãy trọ, lập biên bản."})
    tip.refresh_from_db()
    assert tip.unit_confirmed_at and tip.police_confirmed_at
    html = page(unit, url)
    assert "Đã kiểm tra hành chính dãy trọ" in html and "Cán bộ công đoàn đã gặp" in html
    # the police liaison does not answer for the unit
    police.post(f"{url}tra-loi/", {"state": State.CLOSED, "public_note": "x"})
    tip.refresh_from_db()
    assert tip.state == State.VERIFYING


def test_convert_a_tip_to_a_case(world):
    tip = named_tip(world, place="Hẻm 12, khu phố 3")
    c = as_(world["ward_editor"])
    html = page(c, f"/vu-viec/tin-bao/{tip.pk}/")
    assert f"/vu-viec/moi/?tip={tip.pk}" in html
    form = page(c, f"/vu-viec/moi/?tip={tip.pk}")
    assert "Nhóm người lạ bán ma túy" in form and "Hẻm 12, khu phố 3" in form
    assert f'value="{tip.pk}"' in form
    response = c.post(
        f"/vu-viec/moi/?tip={tip.pk}",
        {
            "unit": world["ward_union"].pk,
            "kind": "ma_tuy",
            "title": "Bán ma túy ở dãy trọ hẻm 12",
            "started_at": (TODAY() - datetime.timedelta(days=1)).strftime("%d/%m/%Y 20:00"),
            "summary": tip.what,
            "ward": world["linh_xuan"].pk,
            "place": tip.place,
            "tip": tip.pk,
            "outcome": "chua_co",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    case = Incident.objects.get()
    assert case.tip == tip
    html = page(c, f"/vu-viec/tin-bao/{tip.pk}/")
    assert case.code in html and "Chuyển thành vụ việc" in html  # the timeline step
    assert f"/vu-viec/moi/?tip={tip.pk}" not in html
    assert tip.code in page(c, f"/vu-viec/{case.pk}/")
    # the police and the province see the tip but may not convert it
    page(as_(world["police"]), f"/vu-viec/moi/?tip={tip.pk}", status=404)


def test_an_officer_sends_a_tip_with_their_identity_sealed(world):
    c = as_(world["cs_editor"])
    html = page(c, "/vu-viec/tin-bao/gui/")
    assert "Phường Linh Xuân" in html and "Thành phố Hồ Chí Minh" in html
    response = c.post(
        "/vu-viec/tin-bao/gui/",
        {
            "province": world["linh_xuan"].province_id,
            "ward": world["linh_xuan"].pk,
            "what": "Công nhân bị nhóm cho vay nặng lãi đe dọa.",
            "happened_on": TODAY().strftime("%d/%m/%Y"),
            "reporter_phone": "0987654321",
        },
    )
    assert response.status_code == 302
    tip = Tip.objects.get()
    assert tip.channel == Channel.OFFICER and not tip.anonymous and tip.sealed_sender
    assert "Hoa" not in tip.sealed_sender
    html = page(as_(world["province"]), f"/vu-viec/tin-bao/{tip.pk}/")
    assert "Hoa" not in html and "0987654321" not in html
    html = as_(world["sealer"]).post(f"/vu-viec/tin-bao/{tip.pk}/danh-tinh/").content.decode()
    assert "Hoa" in html and "0987654321" in html
    bad = c.post(
        "/vu-viec/tin-bao/gui/",
        {
            "province": world["linh_xuan"].province_id,
            "ward": world["linh_xuan"].pk,
            "what": "ngắn",
            "happened_on": TODAY().strftime("%d/%m/%Y"),
        },
    ).content.decode()
    assert "Hãy mô tả sự việc (ít nhất 10 ký tự)." in bad
    assert Tip.objects.count() == 1
    html = page(c, f"/vu-viec/phuong-xa/?province={world['linh_xuan'].province_id}")
    assert "Phường Linh Xuân" in html
