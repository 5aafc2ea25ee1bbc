"""The enterprises API: CRUD through the services, scoped (out of scope is a 404, seen but
not editable a 403), errors naming the field."""

from binhyen.enterprises.models import Enterprise

BODY = {
    "unit": "G-HCM-LT",
    "name": "Công ty TNHH Điện tử Linh Trung",
    "tax_code": "0312345678",
    "ownership": "fdi",
    "investor_country": "JP",
    "industry": "dien_tu",
    "ward": "26794",
    "workforce": 2500,
}


def test_crud(world, api_as):
    c = api_as(world["users"]["editor"])
    created = c.post("/api/v1/enterprises", BODY, content_type="application/json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["tax_code"], data["ownership"], data["union"]) == ("0312345678", "fdi", None)
    pk = data["id"]
    found = c.get("/api/v1/enterprises", {"q": "dien tu linh trung"}).json()
    assert [e["id"] for e in found["items"]] == [pk]
    assert c.get("/api/v1/enterprises", {"has_union": "false"}).json()["count"] == 2
    changed = c.patch(
        f"/api/v1/enterprises/{pk}", {"union": "G-HCM-LT-CS1"}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["union"] == "G-HCM-LT-CS1"
    assert c.delete(f"/api/v1/enterprises/{pk}").status_code == 204
    assert not Enterprise.objects.filter(pk=pk).exists()


def test_bad_tax_code_and_duplicate_name_the_field(world, api_as):
    c = api_as(world["users"]["editor"])
    response = c.post(
        "/api/v1/enterprises", {**BODY, "tax_code": "123"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "tax_code"
    response = c.post(
        "/api/v1/enterprises", {**BODY, "tax_code": "0301234567"}, content_type="application/json"
    )
    assert response.json()["errors"] == [
        {
            "field": "tax_code",
            "message": "Mã số thuế này đã có: doanh nghiệp “Công ty TNHH Giày Phú Hưng”.",
        }
    ]
    assert not Enterprise.objects.filter(name=BODY["name"]).exists()


def test_scope(world, api_as):
    giay = world["giay"].pk
    outsider = api_as(world["users"]["dt_editor"])
    assert outsider.get(f"/api/v1/enterprises/{giay}").status_code == 404
    assert (
        outsider.patch(
            f"/api/v1/enterprises/{giay}", {"name": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert outsider.delete(f"/api/v1/enterprises/{giay}").status_code == 404
    assert (
        outsider.post("/api/v1/enterprises", BODY, content_type="application/json").json()[
            "errors"
        ][0]["field"]
        == "unit"
    )
    viewer = api_as(world["users"]["viewer"])
    assert viewer.get(f"/api/v1/enterprises/{giay}").status_code == 200
    assert (
        viewer.patch(
            f"/api/v1/enterprises/{giay}", {"name": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
