"""Administering the tree through the API: create, edit, move, close, merge — and bad input
that gets a Vietnamese 422 naming the field, with nothing saved."""

import datetime

import pytest

from binhyen import factories as f
from binhyen.org.models import AreaLevel, Unit, UnitEvent, UnitEventKind
from binhyen.org.scoping import Role

D = datetime.date
OUT_OF_SCOPE = "Đơn vị không tồn tại hoặc nằm ngoài phạm vi bạn được quản trị."


@pytest.fixture
def admin(tree):
    return f.user(username="admin-hcm", role=Role.ADMIN, unit=tree["hcm"])


@pytest.fixture
def client(admin, api_as):
    return api_as(admin)


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def assert_rejected(response, field, message=None):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"].startswith("Dữ liệu không hợp lệ")
    assert field in body["detail"]
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert field in fields, body
    if message:
        assert fields[field] == message
    return fields[field]


def snapshot():
    return list(Unit.objects.order_by("pk").values()), UnitEvent.objects.count()


NEW_UNIT = {
    "code": "HCM-Q9-CS2",
    "name": "Công đoàn cơ sở Công ty TNHH Giày Việt",
    "kind": "cd_co_so",
    "parent": "HCM-Q9",
    "province": "79",
    "ward": "26740",
    "valid_from": "2018-03-01",
    "enterprise_name": "Công ty TNHH Giày Việt",
    "ownership": "fdi",
    "workforce": 1200,
    "members": 1100,
}


def test_create_unit(client, admin, areas):
    response = post(client, "/api/v1/units", NEW_UNIT)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["code"], body["parent"], body["depth"], body["kind"]) == (
        "HCM-Q9-CS2",
        "HCM-Q9",
        4,
        "cd_co_so",
    )
    assert (body["province"], body["ward"], body["ownership"], body["members"]) == (
        "79",
        "26740",
        "fdi",
        1100,
    )
    unit = Unit.objects.get(code="HCM-Q9-CS2")
    assert unit.ward.level == AreaLevel.WARD  # today's Phường Sài Gòn, not the legacy Bến Nghé
    assert unit.history.first().history_user == admin
    assert unit.events.get().kind == UnitEventKind.CREATED


def test_a_unit_closed_before_the_reform_gets_the_legacy_areas(client, areas):
    response = post(client, "/api/v1/units", {**NEW_UNIT, "valid_to": "2020-12-31"})
    assert response.status_code == 201, response.content
    unit = Unit.objects.get(code="HCM-Q9-CS2")
    assert (unit.province.level, unit.ward.level) == (
        AreaLevel.LEGACY_PROVINCE,
        AreaLevel.LEGACY_WARD,
    )
    assert unit.ward.name == "Phường Bến Nghé"


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"code": "HCM-Q9"}, "code", None),  # duplicate code
        ({"parent": "KHONG-CO"}, "parent", OUT_OF_SCOPE),  # unknown parent
        ({"parent": "TG-MT"}, "parent", OUT_OF_SCOPE),  # parent beside the admin's subtree
        ({"kind": "to_tu_quan"}, "kind", "Không có loại đơn vị mã “to_tu_quan”."),
        ({"kind": "ldld_tinh"}, "kind", None),  # a province federation under a district one
        ({"ward": "99999"}, "ward", None),
        ({"province": "99"}, "province", None),
        ({"valid_to": "2017-01-01"}, "valid_to", "Ngày kết thúc không được trước ngày thành lập."),
        ({"members": 5000}, "members", "Số đoàn viên không được lớn hơn số lao động."),
        ({"code": "hcm q9 cs2"}, "code", None),
        ({"ownership": "tu_nhan"}, "ownership", None),
        ({"valid_from": "01/03/2018"}, "valid_from", None),
        ({"name": None}, "name", None),
    ],
)
def test_create_rejects_bad_input_and_saves_nothing(client, areas, change, field, message):
    before = snapshot()
    response = post(client, "/api/v1/units", {**NEW_UNIT, **change})
    assert_rejected(response, field, message)
    assert snapshot() == before


def test_a_viewer_cannot_create(tree, api_as, areas):
    viewer = f.user(role=Role.VIEWER, unit=tree["hcm"])
    before = snapshot()
    assert_rejected(post(api_as(viewer), "/api/v1/units", NEW_UNIT), "parent", OUT_OF_SCOPE)
    assert snapshot() == before


def test_patch_changes_only_what_is_sent(client, admin, tree):
    response = client.patch(
        "/api/v1/units/HCM-Q9-CS1",
        {"short_name": "CĐCS Điện tử SG", "workforce": 800},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    unit = Unit.objects.get(code="HCM-Q9-CS1")
    assert (unit.name, unit.short_name, unit.workforce) == (
        "Công đoàn cơ sở Công ty Điện tử Sài Gòn",
        "CĐCS Điện tử SG",
        800,
    )
    assert unit.history.first().history_user == admin


def test_patch_bad_input(client, tree):
    before = snapshot()

    def patch(body):
        return client.patch("/api/v1/units/HCM-Q9-CS1", body, content_type="application/json")

    assert_rejected(patch({"workforce": 10, "members": 20}), "members")
    assert_rejected(patch({"kind": "khong-co"}), "kind")
    assert_rejected(patch({"workforce": -1}), "workforce", "Phải lớn hơn hoặc bằng 0.")
    assert snapshot() == before


def test_patch_out_of_scope_is_404_and_viewer_is_refused(tree, api_as):
    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    response = api_as(admin).patch(
        "/api/v1/units/TG-MT", {"name": "X"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy đơn vị “TG-MT” trong phạm vi của bạn."}
    viewer = f.user(role=Role.VIEWER, unit=tree["hcm"])
    response = api_as(viewer).patch(
        "/api/v1/units/HCM-Q9", {"name": "X"}, content_type="application/json"
    )
    # The viewer sees the unit, so a 403 confirms nothing new; it is not a data error (422).
    assert response.status_code == 403
    assert response.json() == {"detail": "Bạn không có quyền thực hiện thao tác này."}
    assert Unit.objects.get(code="HCM-Q9").name == "Liên đoàn Lao động Quận 9"


def test_move_unit(client, tree):
    response = post(
        client, "/api/v1/units/HCM-Q9-CS1/move", {"parent": "HCM-TD", "date": "2021-01-01"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["parent"] == "HCM-TD"
    unit = Unit.objects.get(code="HCM-Q9-CS1")
    assert unit.path.startswith(tree["td"].path)
    event = unit.events.get(kind=UnitEventKind.MOVED)
    assert (event.date, event.old_parent, event.new_parent) == (
        D(2021, 1, 1),
        tree["q9"],
        tree["td"],
    )


def test_move_that_makes_a_cycle_is_refused(tree, api_as):
    root_admin = f.user(role=Role.ADMIN, unit=tree["root"])
    before = snapshot()
    response = post(
        api_as(root_admin), "/api/v1/units/HCM/move", {"parent": "HCM-Q9", "date": "2022-01-01"}
    )
    assert_rejected(
        response, "parent", "Không thể chuyển đơn vị vào chính nó hoặc đơn vị cấp dưới của nó."
    )
    assert snapshot() == before


@pytest.mark.parametrize("parent", ["KHONG-CO", "TG-MT"])
def test_move_to_unknown_or_unseen_parent_is_refused_alike(client, tree, parent):
    before = snapshot()
    response = post(
        client, "/api/v1/units/HCM-Q9-CS1/move", {"parent": parent, "date": "2022-01-01"}
    )
    assert_rejected(response, "parent", OUT_OF_SCOPE)
    assert snapshot() == before


def test_move_of_an_unseen_unit_is_404(client, tree):
    response = post(
        client, "/api/v1/units/TG-MT-CS1/move", {"parent": "HCM-TD", "date": "2022-01-01"}
    )
    assert response.status_code == 404
    assert "detail" in response.json()


def test_close_unit(client, tree):
    response = post(
        client, "/api/v1/units/HCM-Q9-CS1/close", {"date": "2022-12-31", "successor": "HCM-TD-CS1"}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["valid_to"], response.json()["successor"]) == (
        "2022-12-31",
        "HCM-TD-CS1",
    )
    assert Unit.objects.get(code="HCM-Q9-CS1").events.filter(kind=UnitEventKind.CLOSED).exists()


def test_close_bad_input(client, tree):
    before = snapshot()
    url = "/api/v1/units/HCM-Q9-CS1/close"
    assert_rejected(
        post(client, url, {"date": "2010-01-01"}),
        "date",
        "Ngày kết thúc không được trước ngày thành lập đơn vị.",
    )
    assert_rejected(
        post(client, url, {"date": "2022-12-31", "successor": "TG-MT-CS1"}),
        "successor",
        OUT_OF_SCOPE,
    )
    assert_rejected(
        post(client, url, {"date": "2022-12-31", "successor": "HCM-Q9-CS1"}), "successor"
    )
    # A unit with open children cannot close; the message names the unit (its code).
    assert_rejected(post(client, "/api/v1/units/HCM-Q9/close", {"date": "2022-12-31"}), "code")
    assert_rejected(post(client, url, {}), "date", "Thiếu giá trị bắt buộc.")
    assert snapshot() == before


def test_merge_q9_into_thu_duc(client, tree):
    response = post(client, "/api/v1/units/HCM-Q9/merge", {"into": "HCM-TD", "date": "2021-01-01"})
    assert response.status_code == 200, response.content
    assert (response.json()["valid_to"], response.json()["successor"]) == ("2020-12-31", "HCM-TD")
    assert Unit.objects.get(code="HCM-Q9-CS1").parent == tree["td"]


@pytest.mark.parametrize("into", ["KHONG-CO", "TG-MT", "HCM-Q9-CS1"])
def test_merge_bad_target_is_refused(client, tree, into):
    before = snapshot()
    response = post(client, "/api/v1/units/HCM-Q9/merge", {"into": into, "date": "2021-01-01"})
    assert_rejected(response, "into")
    assert snapshot() == before


def test_merge_on_a_day_before_the_unit_opened_saves_nothing(client, tree):
    before = snapshot()
    response = post(client, "/api/v1/units/HCM-Q9/merge", {"into": "HCM-TD", "date": "2010-01-01"})
    assert_rejected(response, "date")
    assert snapshot() == before
