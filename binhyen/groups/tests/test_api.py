"""/api/v1/groups, members, boarding houses, cameras and stats: scope, filters, masks, errors."""

from binhyen import factories as f
from binhyen.core import periods
from binhyen.groups.models import Group, GroupMember
from binhyen.org.scoping import Role


def names(body):
    return sorted(item["name"] for item in body["items"])


def test_group_list_shape_and_scope(world, api_as):
    client = api_as(f.user(role=Role.VIEWER, unit=world["hcm"]))
    body = client.get("/api/v1/groups").json()
    assert set(body) == {"count", "items"}
    assert body["count"] == 3
    item = next(i for i in body["items"] if i["code"] == "NT-A")
    assert item["kind"] == "nha_tro" and item["unit"] == "G-HCM-LT-CS1"
    assert item["ward"] == "26794" and item["ward_name"] == "Phường Linh Xuân"
    assert item["leader"] == "Trần Thị Lan"
    assert item["members"] == 2  # Phạm Thị Hoa left in 2022


def test_group_filters(world, api_as):
    client = api_as(f.superuser())
    assert names(client.get("/api/v1/groups", {"kind": "du_luan_xa_hoi"}).json()) == [
        "Tổ dư luận xã hội Tân Thuận"
    ]
    # A legacy ward code is mapped: Phường Linh Trung is now part of Phường Linh Xuân.
    assert names(client.get("/api/v1/groups", {"ward": "26800"}).json()) == [
        "Tổ tự quản khu trọ Linh Trung",
        "Tổ tự quản khu trọ Linh Xuân",
    ]
    assert names(client.get("/api/v1/groups", {"unit": "G-TG"}).json()) == [
        "Tổ tự quản khu trọ Mỹ Tho"
    ]
    active = client.get("/api/v1/groups", {"unit": "G-HCM", "active_on": "2023-06-30"}).json()
    assert names(active) == ["Tổ dư luận xã hội Tân Thuận", "Tổ tự quản khu trọ Linh Xuân"]
    assert names(client.get("/api/v1/groups", {"q": "linh xuan"}).json()) == [
        "Tổ tự quản khu trọ Linh Xuân"
    ]


def test_bad_filters_are_422_in_vietnamese(world, api_as):
    client = api_as(f.superuser())
    response = client.get("/api/v1/groups", {"ward": "99999"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "ward", "message": "Không có phường, xã mã “99999”."}
    ]
    response = client.get("/api/v1/groups", {"active_on": "31/12/2023"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "active_on"


def test_out_of_scope_group_and_unit_are_404(world, api_as):
    client = api_as(f.user(role=Role.VIEWER, unit=world["mt"]))
    assert client.get(f"/api/v1/groups/{world['a'].pk}").status_code == 404
    assert client.get(f"/api/v1/groups/{world['a'].pk}/members").status_code == 404
    response = client.get("/api/v1/groups/stats", {"unit": "G-HCM", "date": "2023-12-31"})
    assert response.status_code == 404
    assert "G-HCM" in response.json()["detail"]
    assert client.get("/api/v1/groups", {"unit": "G-HCM"}).status_code == 404


def test_members_are_masked_except_for_the_managing_units_editors(world, api_as):
    url = f"/api/v1/groups/{world['a'].pk}/members"
    editor = api_as(f.user(role=Role.EDITOR, unit=world["cs"])).get(url).json()
    viewer = api_as(f.user(role=Role.VIEWER, unit=world["hcm"])).get(url).json()
    police = api_as(f.user(role=Role.POLICE, unit=None, wards=[f.area("26794")])).get(url).json()
    lan = {
        b: next(i for i in body["items"] if i["full_name"] == "Trần Thị Lan")
        for b, body in (("editor", editor), ("viewer", viewer), ("police", police))
    }
    assert (lan["editor"]["phone"], lan["editor"]["id_number"]) == ("0912345612", "079201012345")
    assert (lan["viewer"]["phone"], lan["viewer"]["id_number"]) == ("09******12", "07********45")
    assert lan["police"]["phone"] == "09******12"
    assert "0912345612" not in str(viewer)


def test_member_list_filters_by_date(world, api_as):
    url = f"/api/v1/groups/{world['a'].pk}/members"
    body = api_as(f.superuser()).get(url, {"active_on": "2022-06-01"}).json()
    assert sorted(i["full_name"] for i in body["items"]) == ["Lê Văn Hùng", "Trần Thị Lan"]


def test_create_group_maps_a_legacy_ward(world, api_as):
    client = api_as(f.user(role=Role.EDITOR, unit=world["hcm"]))
    response = client.post(
        "/api/v1/groups",
        {
            "kind": "nha_tro",
            "name": "Tổ tự quản khu trọ Bến Nghé",
            "unit": "G-HCM",
            "ward": "26740",
            "founded": "2024-03-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    # 26740 is both the legacy Phường Bến Nghé and the 2025 Phường Sài Gòn: the 2025 one wins.
    assert response.json()["ward_name"] == "Phường Sài Gòn"


def test_create_group_in_another_province_is_422_and_saves_nothing(world, api_as):
    client = api_as(f.superuser())
    before = Group.all_objects.count()
    response = client.post(
        "/api/v1/groups",
        {
            "kind": "nha_tro",
            "name": "Tổ lạc tỉnh",
            "unit": "G-HCM",
            "ward": "00004",
            "founded": "2024-03-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "ward" and "không thuộc Thành phố Hồ Chí Minh" in error["message"]
    assert Group.all_objects.count() == before


def test_adding_a_member_who_leaves_before_joining_is_422(world, api_as):
    client = api_as(f.user(role=Role.EDITOR, unit=world["cs"]))
    response = client.post(
        f"/api/v1/groups/{world['a'].pk}/members",
        {
            "full_name": "Võ Thị Sáu",
            "joined": "2024-05-01",
            "left": "2024-04-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "left", "message": "Ngày rời tổ không được trước ngày vào tổ."}
    ]
    ok = client.post(
        f"/api/v1/groups/{world['a'].pk}/members",
        {
            "full_name": "Võ Thị Sáu",
            "joined": "2024-05-01",
            "phone": "0977 000 111",
        },
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["phone"] == "0977000111"


def test_viewer_cannot_add_members_or_edit(world, api_as):
    client = api_as(f.user(role=Role.VIEWER, unit=world["hcm"]))
    response = client.post(
        f"/api/v1/groups/{world['a'].pk}/members",
        {"full_name": "Người Lạ", "joined": "2024-05-01"},
        content_type="application/json",
    )
    assert response.status_code == 403  # seen but not editable: an honest refusal
    patched = client.patch(
        f"/api/v1/groups/{world['a'].pk}", {"name": "Đổi tên"}, content_type="application/json"
    )
    assert patched.status_code == 403
    outsider = api_as(f.user(role=Role.EDITOR, unit=world["mt"]))
    response = outsider.patch(
        f"/api/v1/groups/{world['a'].pk}", {"name": "Đổi tên"}, content_type="application/json"
    )
    assert response.status_code == 404  # unseen: nothing confirmed
    assert not GroupMember.objects.filter(full_name="Người Lạ").exists()
    assert Group.objects.get(pk=world["a"].pk).name == "Tổ tự quản khu trọ Linh Xuân"


def test_stats_endpoint_shape(world, api_as):
    body = (
        api_as(f.superuser())
        .get("/api/v1/groups/stats", {"unit": "G-HCM", "date": "2021-06-30"})
        .json()
    )
    assert body == {
        "groups": 3,
        "members": 4,
        "wards": 2,
        "boarding_houses": 1,
        "resident_workers": 45,
        "cameras_working": 1,
        "by_kind": {
            "nha_tro": {"groups": 2, "members": 3, "wards": 1},
            "xe_om": {"groups": 0, "members": 0, "wards": 0},
            "du_luan_xa_hoi": {"groups": 1, "members": 1, "wards": 1},
            "nong_cot": {"groups": 0, "members": 0, "wards": 0},
            "khac": {"groups": 0, "members": 0, "wards": 0},
        },
    }


def test_boarding_houses_mask_landlord_phone(world, api_as):
    viewer = (
        api_as(f.user(role=Role.VIEWER, unit=world["hcm"])).get("/api/v1/boarding-houses").json()
    )
    editor = (
        api_as(f.user(role=Role.EDITOR, unit=world["cs"])).get("/api/v1/boarding-houses").json()
    )
    assert viewer["items"][0]["landlord_phone"] == "09******66"
    assert editor["items"][0]["landlord_phone"] == "0933445566"
    assert editor["items"][0]["group"] == world["a"].pk
    assert editor["items"][0]["resident_workers"] == 45


def test_cameras_list_state_on_a_date(world, api_as):
    client = api_as(f.superuser())
    body = client.get("/api/v1/cameras", {"ward": "26794"}).json()
    assert body["count"] == 1 and body["items"][0]["state"] == "hoat_dong"
    assert body["items"][0]["location_from_ward"] is True
    before = client.get("/api/v1/cameras", {"active_on": "2020-06-30"}).json()
    assert before["count"] == 0


def test_group_list_queries_are_bounded(world, api_as, django_assert_max_num_queries):
    client = api_as(f.superuser())
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/groups").json()
    assert body["count"] == 4


def test_dates_in_the_stats_default_to_today(world, api_as):
    body = api_as(f.superuser()).get("/api/v1/groups/stats", {"unit": "G-HCM"}).json()
    assert body["groups"] == 2  # the Linh Trung group closed in 2022
    assert periods.today().year >= 2025
