"""Reading the union tree through the API: /me, the unit list and a unit, always in scope."""

from binhyen import factories as f
from binhyen.org import services
from binhyen.org.models import Unit
from binhyen.org.scoping import Role


def codes(response):
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


def test_me_lists_roles_with_units_and_wards(tree, areas, api_as):
    user = f.user(username="nguyen-an", first_name="An", last_name="Nguyễn Văn")
    services.assign_role(f.superuser(), user, tree["q9"], Role.EDITOR)
    services.assign_role(f.superuser(), user, tree["td"], Role.POLICE, wards=[areas["sai_gon"]])
    body = api_as(user).get("/api/v1/me").json()
    assert body["username"] == "nguyen-an"
    assert body["full_name"] == "Nguyễn Văn An"
    assert body["is_superuser"] is False
    roles = sorted(body["roles"], key=lambda r: r["role"])
    assert roles == [
        {
            "role": "editor",
            "role_name": "Nhập liệu",
            "unit_code": "HCM-Q9",
            "unit_name": "Liên đoàn Lao động Quận 9",
            "wards": [],
        },
        {
            "role": "police",
            "role_name": "Công an phường (liên lạc)",
            "unit_code": "HCM-TD",
            "unit_name": "Liên đoàn Lao động Thành phố Thủ Đức",
            "wards": ["26740"],
        },
    ]


def test_units_list_shows_exactly_the_subtree(tree, api_as):
    viewer = f.user(role=Role.VIEWER, unit=tree["hcm"])
    assert codes(api_as(viewer).get("/api/v1/units")) == [
        "HCM",
        "HCM-Q9",
        "HCM-Q9-CS1",
        "HCM-TD",
        "HCM-TD-CS1",
    ]
    nobody = f.user()
    assert api_as(nobody).get("/api/v1/units").json() == {"count": 0, "items": []}


def test_unit_item_shape(tree, areas, api_as):
    Unit.objects.filter(pk=tree["cs2"].pk).update(province=areas["hcm"], ward=areas["sai_gon"])
    viewer = f.user(role=Role.VIEWER, unit=tree["td"])
    items = api_as(viewer).get("/api/v1/units").json()["items"]
    assert items[1] == {
        "code": "HCM-TD-CS1",
        "name": "Công đoàn cơ sở Công ty May Thủ Đức",
        "kind": "cd_co_so",
        "parent": "HCM-TD",
        "depth": 4,
        "province": "79",
        "ward": "26740",
        "valid_from": "2015-01-01",
        "valid_to": None,
    }


def test_search_ignores_diacritics(tree, api_as):
    viewer = f.user(role=Role.VIEWER, unit=tree["root"])
    assert codes(api_as(viewer).get("/api/v1/units", {"q": "lien doan quan 9"})) == ["HCM-Q9"]
    assert codes(api_as(viewer).get("/api/v1/units", {"q": "MY THO"})) == ["TG-MT", "TG-MT-CS1"]


def test_search_stays_inside_the_scope(tree, api_as):
    viewer = f.user(role=Role.VIEWER, unit=tree["tg"])
    assert codes(api_as(viewer).get("/api/v1/units", {"q": "quan 9"})) == []


def test_parent_filter_lists_direct_children(tree, api_as):
    viewer = f.user(role=Role.VIEWER, unit=tree["root"])
    assert codes(api_as(viewer).get("/api/v1/units", {"parent": "HCM"})) == ["HCM-Q9", "HCM-TD"]


def test_parent_out_of_scope_reads_like_an_unknown_parent(tree, api_as):
    client = api_as(f.user(role=Role.VIEWER, unit=tree["hcm"]))
    beside = client.get("/api/v1/units", {"parent": "TG"})
    unknown = client.get("/api/v1/units", {"parent": "KHONG-CO"})
    assert beside.status_code == unknown.status_code == 404
    assert beside.json()["detail"] == "Không tìm thấy đơn vị “TG” trong phạm vi của bạn."
    assert unknown.json()["detail"] == "Không tìm thấy đơn vị “KHONG-CO” trong phạm vi của bạn."


def test_pagination_shape(tree, api_as):
    client = api_as(f.user(role=Role.VIEWER, unit=tree["root"]))
    first = client.get("/api/v1/units", {"page_size": 4}).json()
    second = client.get("/api/v1/units", {"page_size": 4, "page": 2}).json()
    third = client.get("/api/v1/units", {"page_size": 4, "page": 3}).json()
    assert set(first) == {"count", "items"}
    assert first["count"] == second["count"] == third["count"] == 9
    assert [len(first["items"]), len(second["items"]), len(third["items"])] == [4, 4, 1]
    all_codes = [i["code"] for page in (first, second, third) for i in page["items"]]
    assert len(set(all_codes)) == 9
    assert client.get("/api/v1/units", {"page": 99}).json() == {"count": 9, "items": []}


def test_bad_page_is_400_in_vietnamese(tree, api_as):
    client = api_as(f.user(role=Role.VIEWER, unit=tree["root"]))
    for page in ("0", "-1", "hai", ""):
        response = client.get("/api/v1/units", {"page": page})
        assert response.status_code == 400, page
        assert response.json() == {"detail": "Tham số “page” phải là số nguyên từ 1 trở lên."}
    response = client.get("/api/v1/units", {"page_size": 201})
    assert response.status_code == 400
    assert "“page_size”" in response.json()["detail"]


def test_unit_list_queries_do_not_grow_with_the_tree(tree, api_as, django_assert_max_num_queries):
    for n in range(30):
        f.unit(tree["q9"], "cd_co_so", name=f"Công đoàn cơ sở thêm {n}")
    client = api_as(f.user(role=Role.VIEWER, unit=tree["root"]))
    # token, last-used update, scope, the closed units read by succession, count, page
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/units", {"page_size": 200})
    assert response.json()["count"] == 39


def test_unit_detail(tree, api_as):
    client = api_as(f.user(role=Role.VIEWER, unit=tree["hcm"]))
    body = client.get("/api/v1/units/HCM-Q9").json()
    assert body["code"] == "HCM-Q9"
    assert body["kind"] == "ldld_huyen"
    assert body["kind_name"] == "Liên đoàn Lao động quận, huyện, thị xã, thành phố thuộc tỉnh"
    assert body["parent"] == "HCM"
    assert body["successor"] is None


def test_unit_detail_out_of_scope_is_the_same_404_as_unknown(tree, api_as):
    client = api_as(f.user(role=Role.VIEWER, unit=tree["q9"]))
    sibling = client.get("/api/v1/units/HCM-TD")
    parent = client.get("/api/v1/units/HCM")
    unknown = client.get("/api/v1/units/HCM-XX")
    assert sibling.status_code == parent.status_code == unknown.status_code == 404
    template = "Không tìm thấy đơn vị “{}” trong phạm vi của bạn."
    assert sibling.json() == {"detail": template.format("HCM-TD")}
    assert parent.json() == {"detail": template.format("HCM")}
    assert unknown.json() == {"detail": template.format("HCM-XX")}


def test_police_liaison_sees_units_in_their_wards_only(tree, areas, api_as):
    Unit.objects.filter(pk=tree["cs2"].pk).update(ward=areas["sai_gon"])
    Unit.objects.filter(pk=tree["cs1"].pk).update(ward=areas["tan_dinh"])
    police = f.user(role=Role.POLICE, wards=[areas["sai_gon"]])
    assert codes(api_as(police).get("/api/v1/units")) == ["HCM-TD-CS1"]
    assert api_as(police).get("/api/v1/units/HCM-Q9-CS1").status_code == 404
