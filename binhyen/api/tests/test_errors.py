"""Every error the API gives is JSON with a Vietnamese `detail`; the docs work offline."""

import re

import pytest

from binhyen import factories as f
from binhyen.org.scoping import Role


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
    body = response.json()
    assert body["detail"] == "Lỗi máy chủ. Sự cố đã được ghi lại; hãy thử lại sau."
    # the reference the caller can quote is the one the log holds beside the traceback
    assert re.fullmatch(r"[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}", body["reference"])
    assert body["reference"] in caplog.text and "RuntimeError" in caplog.text


def test_api_root_says_where_the_docs_are(db, client):
    assert client.get("/api/v1/").json() == {
        "name": "Bình Yên API",
        "version": "1",
        "openapi": "/api/v1/openapi.json",
        "docs": "/api/v1/docs",
    }


def test_openapi_description_is_served(db, client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/me", "/api/v1/units", "/api/v1/units/{code}", "/api/v1/areas"} <= set(
        schema["paths"]
    )
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


def test_every_operation_documents_the_errors_it_can_answer(db, client):
    """400/404/422/500 everywhere, 401/403 wherever the caller is asked who they are, each with
    the shape the handlers send: what a client (or schemathesis) checks answers against."""
    schema = client.get("/api/v1/openapi.json").json()
    refs = {"ErrorOut", "ValidationErrorOut", "ServerErrorOut"}
    assert refs <= set(schema["components"]["schemas"])
    assert schema["components"]["schemas"]["ServerErrorOut"]["required"] == ["detail", "reference"]
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            expected = {"400", "404", "422", "500"} | (
                {"401", "403"} if operation.get("security") else set()
            )
            assert expected <= set(operation["responses"]), (method, path)
            for status in expected - {"422"}:
                content = operation["responses"][status]["content"]["application/json"]["schema"]
                model = "ServerErrorOut" if status == "500" else "ErrorOut"
                assert content == {"$ref": f"#/components/schemas/{model}"}, (method, path, status)
    # declared by its route without ERRORS, its 422 its own: the rest is added, the 422 kept
    upload = schema["paths"]["/api/v1/activities/import"]["post"]["responses"]
    assert {"403", "404", "500"} <= set(upload)
    assert (
        upload["422"]["content"]["application/json"]["schema"]["$ref"]
        != "#/components/schemas/ValidationErrorOut"
    )


def test_unsafe_methods_get_json_where_no_route_takes_them(db):
    """Routes check CSRF themselves (for a session only); the addresses around them must not fall
    to Django's CSRF middleware, whose 403 is an English HTML page (a real client, unlike the
    test client, gets that check)."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    unknown = client.post("/api/v1/khong-co-dau", {"a": 1}, content_type="application/json")
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "Không có địa chỉ API này."})
    assert client.delete("/api/v1/activities/0.05").status_code == 404
    for url in (
        "/api/v1/",
        "/api/v1/openapi.json",
        "/api/v1/docs",
        "/api/v1/docs/assets/swagger-ui.css",
    ):
        response = client.post(url)
        assert response.status_code == 405, url
        assert response["Allow"] == "GET, HEAD"
        assert response.json() == {"detail": "Phương thức POST không được hỗ trợ ở địa chỉ này."}
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("body", ["[null, null]", "[]", "null", "5", '"Quận 9"', "true"])
def test_a_body_that_is_not_a_json_object_is_refused(tree, api_as, body):
    """A PATCH whose fields are all optional took `[null, null]` as an empty change and
    answered 200 (schemathesis, #23); every other write said 'missing' for each field."""
    from binhyen.org.models import Unit

    client = api_as(f.user(role=Role.ADMIN, unit=tree["hcm"]))
    before = Unit.objects.get(code="HCM-Q9").name
    for method, url in (("patch", "/api/v1/units/HCM-Q9"), ("post", "/api/v1/units/HCM-Q9/close")):
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code == 422, (method, body, response.content)
        assert response.json()["errors"] == [
            {"field": None, "message": "Phải là một đối tượng JSON."}
        ]
    assert Unit.objects.get(code="HCM-Q9").name == before
