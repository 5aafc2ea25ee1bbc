"""Every error the API gives is JSON with a Vietnamese `detail`; the docs work offline."""

import re

from binhyen import factories as f
from binhyen.scoping import Role


def test_unknown_address_is_json_404(db, client):
    response = client.get("/api/v1/khong-co-dau")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không có địa chỉ API này."}


def test_wrong_method_is_json_405(db, api_as):
    response = api_as(f.user()).delete("/api/v1/me")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {"detail": "Phương thức DELETE không được hỗ trợ ở địa chỉ này."}


def test_body_that_is_not_json_is_400(tree, api_as):
    client = api_as(f.user(role=Role.ADMIN, unit=tree["hcm"]))
    response = client.post("/api/v1/units", "{khong phai json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Nội dung yêu cầu không phải JSON hợp lệ."}


def test_schema_errors_name_the_field_in_vietnamese(tree, api_as):
    client = api_as(f.user(role=Role.ADMIN, unit=tree["hcm"]))
    response = client.post(
        "/api/v1/units/HCM-Q9-CS1/close", {"date": "31/12/2022"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "date", "message": "Phải là ngày dạng YYYY-MM-DD (ví dụ 2025-07-01)."}
    ]
    assert response.json()["detail"].startswith("Dữ liệu không hợp lệ — date:")


def test_server_fault_is_json_500(tree, api_as, monkeypatch, caplog):
    from binhyen.org import services

    def broken(*args, **kwargs):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(services, "update_unit", broken)
    client = api_as(f.user(role=Role.ADMIN, unit=tree["hcm"]))
    response = client.patch("/api/v1/units/HCM-Q9", {"name": "X"}, content_type="application/json")
    assert response.status_code == 500
    assert response.json() == {"detail": "Lỗi máy chủ. Sự cố đã được ghi lại; hãy thử lại sau."}
    assert "RuntimeError" in caplog.text


def test_api_root_says_where_the_docs_are(db, client):
    assert client.get("/api/v1/").json() == {
        "name": "Bình Yên API", "version": "1", "openapi": "/api/v1/openapi.json",
        "docs": "/api/v1/docs",
    }


def test_openapi_description_is_served(db, client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/me", "/api/v1/units", "/api/v1/units/{code}", "/api/v1/areas"} <= set(schema["paths"])
    assert "BearerAuth" in schema["components"]["securitySchemes"]


def test_docs_page_loads_nothing_from_outside(db, client):
    page = client.get("/api/v1/docs").content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert len(urls) == 4
    assert not re.search(r"https?://", page)
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert b"".join(asset.streaming_content)
    assert '"validatorUrl": null' in page


def test_unknown_docs_asset_is_json_404(db, client):
    response = client.get("/api/v1/docs/assets/..%2Fsettings.py")
    assert response.status_code == 404
    assert "detail" in response.json()
