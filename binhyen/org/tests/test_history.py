"""The history pages: who changed what on a unit, its assignments and a person's account."""

import datetime

import pytest

from binhyen import factories as f
from binhyen.org import services
from binhyen.org.scoping import Role

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tree):
    return f.user(
        username="quan-tri-tp",
        role=Role.ADMIN,
        unit=tree["hcm"],
        first_name="Lan",
        last_name="Trần Thị",
    )


def rows(response):
    """(who, what, [(label, before, after)]) of each history line on the page."""
    return [
        (e.who.username if e.who else None, str(e.label), e.changes)
        for e in response.context["page_obj"]
    ]


def test_history_shows_who_and_before_after(client, tree, admin):
    services.update_unit(admin, tree["q9"], name="LĐLĐ Quận 9 (mới)", workforce=None)
    services.update_unit(admin, tree["q9"], short_name="Q9")
    client.force_login(admin)
    response = client.get("/don-vi/HCM-Q9/lich-su/")
    lines = rows(response)
    assert lines[0][0] == "quan-tri-tp" and lines[0][2] == [("Tên viết tắt", "—", "Q9")]
    assert lines[1][2] == [("Tên đơn vị", "Liên đoàn Lao động Quận 9", "LĐLĐ Quận 9 (mới)")]
    body = response.content.decode()
    assert "Trần Thị Lan" in body  # who, by full name in Vietnamese order
    assert (
        'Liên đoàn Lao động Quận 9</span> → <span class="diff-new"><span class="visually-hidden">sau: </span>LĐLĐ Quận 9 (mới)'
        in body
    )


def test_history_of_an_edit_made_through_the_page(client, tree, admin):
    client.force_login(admin)
    client.post(
        "/don-vi/HCM-Q9-CS1/sua/",
        {
            "code": "HCM-Q9-CS1",
            "name": "Công đoàn cơ sở Công ty Điện tử Sài Gòn",
            "kind": f.kind("cd_co_so").pk,
            "valid_from": "01/01/2015",
            "workforce": "1250",
            "members": "1100",
            "ownership": "ngoai_nha_nuoc",
        },
    )
    lines = rows(client.get("/don-vi/HCM-Q9-CS1/lich-su/"))
    assert lines[0][0] == "quan-tri-tp"
    assert ("Số lao động", "—", "1.250") in lines[0][2]
    assert ("Loại hình sở hữu", "—", "Ngoài nhà nước") in lines[0][2]


def test_moves_and_parents_are_named_only_inside_the_scope(client, tree, admin):
    services.move_unit(admin, tree["cs1"], tree["td"], D(2021, 1, 1))
    viewer = f.user(role=Role.VIEWER, unit=tree["td"])
    client.force_login(viewer)
    response = client.get("/don-vi/HCM-Q9-CS1/lich-su/")
    assert (
        "Đơn vị cấp trên",
        "(ngoài phạm vi của bạn)",
        "Liên đoàn Lao động Thành phố Thủ Đức",
    ) in rows(response)[0][2]
    assert "Quận 9" not in response.content.decode()


def test_assignment_history_is_for_admins_only(client, tree, admin):
    officer = f.user(username="can-bo-q9", role=Role.EDITOR, unit=tree["q9"])
    assignment = officer.assignments.get()
    services.revoke_assignment(admin, assignment)
    client.force_login(admin)
    lines = rows(client.get("/don-vi/HCM-Q9/lich-su/"))
    revoked = [line for line in lines if line[1] == "Phân công: can-bo-q9 — Nhập liệu"]
    assert revoked[0][0] == "quan-tri-tp" and revoked[0][2] == [("Đang hiệu lực", "Có", "Không")]
    viewer = f.user(role=Role.VIEWER, unit=tree["hcm"])
    client.force_login(viewer)
    body = client.get("/don-vi/HCM-Q9/lich-su/").content.decode()
    assert "can-bo-q9" not in body
    assert "Lịch sử phân công người dùng chỉ hiện với quản trị viên của đơn vị." in body


def test_user_history_page(client, tree, admin):
    officer = f.user(username="can-bo-q9", role=Role.EDITOR, unit=tree["q9"])
    services.assign_role(
        f.superuser(), officer, tree["mt"], Role.VIEWER
    )  # outside the admin's scope
    client.force_login(admin)
    response = client.get("/nguoi-dung/can-bo-q9/lich-su/")
    labels = [line[1] for line in rows(response)]
    assert "Phân công: can-bo-q9 — Nhập liệu" in labels
    assert "Tài khoản can-bo-q9" in labels
    assert "Phân công: can-bo-q9 — Xem" not in labels  # the Mỹ Tho role lies outside the scope
    assert "Mỹ Tho" not in response.content.decode()


def test_user_history_is_404_outside_the_scope(client, tree, admin):
    f.user(username="can-bo-tg", role=Role.EDITOR, unit=tree["tg"])
    client.force_login(admin)
    assert client.get("/nguoi-dung/can-bo-tg/lich-su/").status_code == 404
    assert client.get("/nguoi-dung/khong-ton-tai/lich-su/").status_code == 404
    client.force_login(f.user(role=Role.EDITOR, unit=tree["hcm"]))
    assert client.get("/nguoi-dung/quan-tri-tp/lich-su/").status_code == 404


def test_history_is_paginated_within_15_queries(client, tree, admin, django_assert_max_num_queries):
    for n in range(60):
        services.update_unit(admin, tree["q9"], short_name=f"Q9-{n}")
    for _n in range(5):
        f.user(role=Role.EDITOR, unit=tree["q9"])
    client.force_login(admin)
    with django_assert_max_num_queries(15):
        response = client.get("/don-vi/HCM-Q9/lich-su/")
    page = response.context["page_obj"]
    assert len(page.object_list) == 50 and page.paginator.count == 61 + 5
    assert "Trang 1/2" in response.content.decode()
    with django_assert_max_num_queries(15):
        second = client.get("/don-vi/HCM-Q9/lich-su/?page=2")
    assert rows(second)[-1][2][0][0] == "Mã đơn vị"  # the oldest line is the creation
