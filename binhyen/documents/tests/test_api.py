"""The documents API: scoped CRUD, the parser endpoint and the chain, with Vietnamese JSON errors
naming the field (targets and their progress: reporting's test_targets_api.py)."""

import datetime

import pytest

from binhyen import factories as f
from binhyen.documents.models import Document

D = datetime.date


@pytest.fixture
def kl(tree):
    return f.document(
        tree["tg"],
        "ket_luan",
        number="13",
        symbol="13-KL/TW",
        outside="bo-chinh-tri",
        issued_on=D(2021, 8, 16),
    )


def test_parse_returns_every_citation_with_its_span(api_as, people):
    text = (
        "Theo Kết luận 13-KL/TW ngày 16/8/2021 và chương trình phối hợp số 478; gọi 0273.3872.123."
    )
    response = api_as(people["mt_editor"]).post(
        "/api/v1/documents/parse", {"text": text}, content_type="application/json"
    )
    assert response.status_code == 200
    first, second = response.json()["citations"]
    assert first == {
        "type": "ket_luan",
        "type_name": "Kết luận",
        "number": "13",
        "symbol": "13-KL/TW",
        "date": "2021-08-16",
        "year": 2021,
        "start": 5,
        "end": 37,
        "text": "Kết luận 13-KL/TW ngày 16/8/2021",
    }
    assert (
        text[second["start"] : second["end"]] == "chương trình phối hợp số 478"
        and second["symbol"] is None
    )


def test_parse_needs_a_text(api_as, people):
    response = api_as(people["mt_editor"]).post(
        "/api/v1/documents/parse", {}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "text", "message": "Thiếu giá trị bắt buộc."}]


def test_create_read_update_delete(api_as, tree, people, kl):
    client = api_as(people["mt_editor"])
    created = client.post(
        "/api/v1/documents",
        {
            "type": "ke_hoach",
            "number": "329",
            "symbol": "329/kh-lđlđ",
            "issued_on": "2022-03-23",
            "issuer_unit": "TG-MT",
            "summary": "Phòng, chống tội phạm trong năm 2022",
            "implements": [kl.pk],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["symbol"] == "329/KH-LĐLĐ" and body["label"] == "Kế hoạch số 329/KH-LĐLĐ"
    assert body["issuer"] == {
        "kind": "unit",
        "code": "TG-MT",
        "name": "Liên đoàn Lao động thành phố Mỹ Tho",
    }
    assert body["implements"] == [kl.pk] and body["year"] == 2022 and body["shared"] is False
    pk = body["id"]
    assert client.get(f"/api/v1/documents/{kl.pk}").json()["implemented_by"] == [pk]
    patched = client.patch(
        f"/api/v1/documents/{pk}", {"summary": "Trích yếu mới"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["summary"] == "Trích yếu mới"
    assert patched.json()["implements"] == [kl.pk]  # not sent, not changed
    assert client.delete(f"/api/v1/documents/{pk}").status_code == 204
    assert client.get(f"/api/v1/documents/{pk}").status_code == 404
    assert Document.all_objects.get(pk=pk).deleted_at is not None


def test_an_outside_document_through_the_api(api_as, people):
    response = api_as(people["mt_editor"]).post(
        "/api/v1/documents",
        {
            "type": "nghi_quyet",
            "number": "96",
            "symbol": "96/2019/QH14",
            "issued_on": "2019-11-27",
            "issuer": "quoc-hoi",
            "unit": "TG-MT",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["issuer"]["kind"] == "outside" and response.json()["shared"] is True


@pytest.mark.parametrize(
    "body,field,words",
    [
        ({"issued_on": "2099-01-01"}, "issued_on", "ở tương lai"),
        ({"symbol": "329//KH"}, "symbol", "không đúng dạng"),
        (
            {"type": "thu_tin"},
            "type",
            "Phải là một trong các giá trị: 'chuong_trinh_phoi_hop',",
        ),  # an enum
        (
            {"issuer_unit": "HCM"},
            "issuer_unit",
            "Đơn vị “HCM” không tồn tại hoặc nằm ngoài phạm vi",
        ),
        ({"issuer_unit": "KHONG-CO"}, "issuer_unit", "không tồn tại hoặc nằm ngoài phạm vi"),
        ({"implements": [999999]}, "implements", "Không tìm thấy văn bản id 999999"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(api_as, people, body, field, words):
    payload = {
        "type": "ke_hoach",
        "number": "329",
        "symbol": "329/KH-LĐLĐ",
        "issued_on": "2022-03-23",
        "issuer_unit": "TG-MT",
    }
    payload.update(body)
    response = api_as(people["mt_editor"]).post(
        "/api/v1/documents", payload, content_type="application/json"
    )
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert words in errors[field]
    assert not Document.objects.exists()


def test_a_cycle_through_the_api(api_as, tree, people):
    a = f.document(tree["mt"], number="1")
    b = f.document(tree["mt"], number="2", implements=[a])
    response = api_as(people["mt_editor"]).patch(
        f"/api/v1/documents/{a.pk}", {"implements": [b.pk]}, content_type="application/json"
    )
    assert response.status_code == 422 and "vòng lặp" in response.json()["detail"]


def test_list_filters(api_as, tree, people, kl):
    f.document(
        tree["mt"],
        number="329",
        symbol="329/KH-LĐLĐ",
        implements=[kl],
        summary="Phòng, chống tội phạm",
    )
    f.document(tree["mt"], "cong_van", number="2016", symbol="2016/LĐLĐ", issued_on=D(2022, 5, 24))
    client = api_as(people["mt_editor"])

    def symbols(**params):
        body = client.get("/api/v1/documents", params).json()
        return [d["symbol"] for d in body["items"]]

    assert symbols() == ["2016/LĐLĐ", "329/KH-LĐLĐ", "13-KL/TW"]
    assert symbols(q="phong chong toi pham") == ["329/KH-LĐLĐ"]
    assert symbols(type="cong_van") == ["2016/LĐLĐ"]
    assert symbols(issuer="bo-chinh-tri") == ["13-KL/TW"]
    assert symbols(year=2021) == ["13-KL/TW"]
    assert symbols(implemented_by_my_unit="true") == ["13-KL/TW"]
    assert client.get("/api/v1/documents", {"page": "0"}).status_code == 400


def test_the_chain_endpoint(api_as, tree, people, kl):
    kh = f.document(tree["mt"], number="329", implements=[kl])
    cv = f.document(tree["mt"], "cong_van", number="2016", implements=[kh])
    nodes = api_as(people["mt_editor"]).get(f"/api/v1/documents/{kl.pk}/chain").json()["nodes"]
    assert [(n["id"], n["depth"], n["parent"]) for n in nodes] == [
        (kh.pk, 1, kl.pk),
        (cv.pk, 2, kh.pk),
    ]


def test_scope_of_the_api(api_as, tree, people):
    plan = f.document(tree["mt"], number="329")
    assert api_as(people["q9_editor"]).get(f"/api/v1/documents/{plan.pk}").status_code == 404
    viewer = f.user(role="viewer", unit=tree["mt"])
    patched = api_as(viewer).patch(
        f"/api/v1/documents/{plan.pk}", {"summary": "x"}, content_type="application/json"
    )
    assert (
        patched.status_code == 403
        and patched.json()["detail"] == "Bạn không có quyền thực hiện thao tác này."
    )
    created = api_as(viewer).post(
        "/api/v1/documents",
        {"type": "ke_hoach", "number": "5", "issuer_unit": "TG-MT"},
        content_type="application/json",
    )
    assert created.status_code == 422
    assert "không được nhập văn bản cho đơn vị này" in created.json()["errors"][0]["message"]


def test_reference_lists(api_as, people):
    client = api_as(people["mt_editor"])
    types = {t["code"]: t for t in client.get("/api/v1/document-types").json()}
    assert types["ke_hoach"]["abbreviation"] == "KH" and types["ke_hoach"]["is_plan"] is True
    assert types["cong_van"]["abbreviation"] == ""
    assert len(types) == 16
    assert "bo-chinh-tri" in {i["code"] for i in client.get("/api/v1/issuers").json()}
