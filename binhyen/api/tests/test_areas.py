"""/api/v1/areas: the official geography, readable by anyone logged in, in the paginated shape."""

from binhyen import factories as f


def test_current_ward_shape(areas, api_as):
    client = api_as(f.user())  # no role at all: areas are public reference data
    body = client.get(
        "/api/v1/areas", {"level": "ward", "province": "79", "q": "phuong sai gon"}
    ).json()
    assert set(body) == {"count", "items"}
    assert {
        "code": "26740",
        "name": "Phường Sài Gòn",
        "level": "ward",
        "province": "79",
        "valid_to": None,
        "successor": None,
    } in body["items"]


def test_legacy_ward_points_to_its_successor(areas, api_as):
    client = api_as(f.user())
    body = client.get(
        "/api/v1/areas", {"level": "legacy_ward", "province": "79", "q": "ben nghe"}
    ).json()
    assert {
        "code": "26740",
        "name": "Phường Bến Nghé",
        "level": "legacy_ward",
        "province": "79",
        "valid_to": "2025-06-30",
        "successor": "26740",
    } in body["items"]
    assert all(item["level"] == "legacy_ward" for item in body["items"])


def test_province_filter_keeps_to_that_province(areas, api_as):
    client = api_as(f.user())
    body = client.get("/api/v1/areas", {"level": "ward", "province": "79", "page_size": 200}).json()
    assert body["count"] >= 2
    assert {item["province"] for item in body["items"]} == {"79"}
    assert {item["level"] for item in body["items"]} == {"ward"}


def test_bad_level_is_422_in_vietnamese(db, api_as):
    response = api_as(f.user()).get("/api/v1/areas", {"level": "huyen"})
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "level"
    assert "Phải là một trong các giá trị" in body["errors"][0]["message"]
    assert "level" in body["detail"]


def test_areas_need_authentication(db, client):
    response = client.get("/api/v1/areas")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_area_list_queries_are_bounded(areas, api_as, django_assert_max_num_queries):
    client = api_as(f.user())
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/areas", {"level": "legacy_ward", "page_size": 200})
    assert len(response.json()["items"]) >= 1
