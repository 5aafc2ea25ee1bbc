"""The activities API: list with totals and filters, one activity, writes with Vietnamese 422s,
scope (404 outside, 403 seen but not editable), the template and the all-or-nothing import."""

import datetime
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from binhyen import factories as f
from binhyen.activities.models import Activity, ImportBatch
from binhyen.core import periods

from .conftest import row, xlsx

URL = "/api/v1/activities"


@pytest.fixture
def api_as(db):
    from binhyen.api.services import issue_token

    def make(user):
        _token, key = issue_token(user, name="test")
        return Client(headers={"Authorization": f"Bearer {key}"})

    return make


@pytest.fixture
def data(tree):
    return {
        "q9": f.activity(
            tree["q9"],
            date=datetime.date(2020, 6, 1),
            kind="hoi_nghi",
            title="Hội nghị A",
            topics=("phong_chong_toi_pham",),
            audiences=("can_bo_cong_doan",),
            sessions=3,
            attendances=1200,
        ),
        "cs1": f.activity(
            tree["cs1"],
            date=datetime.date(2020, 7, 10),
            title="Tuyên truyền B",
            topics=("tin_dung_den",),
            channels=("zalo", "email"),
            sessions=2,
            attendances=340,
        ),
        "mt": f.activity(
            tree["mt"],
            date=datetime.date(2022, 3, 23),
            title="Tuyên truyền C",
            sessions=16,
            attendances=1116,
        ),
    }


def body(**changes):
    payload = {
        "unit": "HCM-Q9-CS1",
        "date": "2022-03-15",
        "kind": "tuyen_truyen",
        "title": "Tuyên truyền ma túy",
        "topics": ["ma_tuy"],
        "audiences": ["cnvcld"],
        "channels": ["truc_tiep"],
        "sessions": 2,
        "attendances": 150,
    }
    payload.update(changes)
    return payload


def test_list_with_totals_and_filters(api_as, people, data):
    client = api_as(people["hcm_viewer"])
    answer = client.get(URL).json()
    assert answer["count"] == 2 and answer["totals"] == {"sessions": 5, "attendances": 1540}
    first = answer["items"][0]
    assert first == {
        "id": data["cs1"].pk,
        "unit": "HCM-Q9-CS1",
        "unit_name": "Công đoàn cơ sở Công ty Điện tử Sài Gòn",
        "date": "2020-07-10",
        "end_date": None,
        "kind": "tuyen_truyen",
        "title": "Tuyên truyền B",
        "topics": ["tin_dung_den"],
        "audiences": ["cnvcld"],
        "channels": ["zalo", "email"],
        "sessions": 2,
        "attendances": 340,
        "leaflets": None,
        "place": "",
        "document_ref": "",
        "notes": "",
        "documents": [],
        "document_symbols": [],
    }
    assert client.get(URL, {"unit": "HCM-Q9-CS1"}).json()["totals"] == {
        "sessions": 2,
        "attendances": 340,
    }
    assert client.get(URL, {"start": "2020-06-01", "end": "2020-06-01"}).json()["count"] == 1
    assert client.get(URL, {"start": "2020-06-02", "end": "2020-07-09"}).json()["count"] == 0
    assert client.get(URL, {"kind": "hoi_nghi"}).json()["items"][0]["title"] == "Hội nghị A"
    assert client.get(URL, {"channel": "email"}).json()["count"] == 1
    assert client.get(URL, {"audience": "can_bo_cong_doan"}).json()["totals"]["attendances"] == 1200
    assert client.get(URL, {"page": 2, "page_size": 1}).json()["items"][0]["title"] == "Hội nghị A"


def test_list_scope_and_bad_filters(api_as, people, data):
    client = api_as(people["hcm_viewer"])
    response = client.get(URL, {"unit": "TG-MT"})
    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy đơn vị “TG-MT” trong phạm vi của bạn."
    response = client.get(URL, {"start": "2020-02-30"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "start"
    response = client.get(URL, {"topic": "cuop_giat"})
    assert response.json()["errors"] == [
        {"field": "topic", "message": "Mã “cuop_giat” không có trong danh mục chủ đề."}
    ]
    assert api_as(people["mt_editor"]).get(URL).json()["totals"] == {
        "sessions": 16,
        "attendances": 1116,
    }


def test_one_activity_scope(api_as, people, data):
    client = api_as(people["hcm_viewer"])
    assert client.get(f"{URL}/{data['q9'].pk}").json()["title"] == "Hội nghị A"
    response = client.get(f"{URL}/{data['mt'].pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy hoạt động, hoặc bạn không có quyền xem."
    assert client.get(f"{URL}/999999").status_code == 404


def test_create_patch_delete(api_as, people, data):
    client = api_as(people["cs1_editor"])
    response = client.post(URL, body(), content_type="application/json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["unit"] == "HCM-Q9-CS1" and created["topics"] == ["ma_tuy"]
    pk = created["id"]
    response = client.patch(
        f"{URL}/{pk}",
        {"attendances": 175, "topics": ["ma_tuy", "pccc"]},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["attendances"] == 175
    assert response.json()["topics"] == ["ma_tuy", "pccc"]
    activity = Activity.objects.get(pk=pk)
    assert [h.history_type for h in activity.history.order_by("history_id")] == ["+", "~"]
    assert client.delete(f"{URL}/{pk}").status_code == 204
    assert (
        not Activity.objects.filter(pk=pk).exists() and Activity.all_objects.filter(pk=pk).exists()
    )
    assert client.get(f"{URL}/{pk}").status_code == 404


def test_writes_outside_scope(api_as, people, data):
    viewer = api_as(people["hcm_viewer"])
    assert (
        viewer.patch(
            f"{URL}/{data['q9'].pk}", {"attendances": 1}, content_type="application/json"
        ).status_code
        == 403
    )
    assert viewer.delete(f"{URL}/{data['q9'].pk}").status_code == 403
    other = api_as(people["mt_editor"])
    assert (
        other.patch(
            f"{URL}/{data['q9'].pk}", {"attendances": 1}, content_type="application/json"
        ).status_code
        == 404
    )
    assert other.delete(f"{URL}/{data['q9'].pk}").status_code == 404
    data["q9"].refresh_from_db()
    assert data["q9"].attendances == 1200 and data["q9"].deleted_at is None


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"attendances": -5}, "attendances", "Phải lớn hơn hoặc bằng 0."),  # the schema's bound
        ({"sessions": 0}, "sessions", "Hoạt động đã tổ chức phải có ít nhất 1 cuộc/buổi."),
        ({"sessions": "hai"}, "sessions", "Phải là số nguyên."),
        ({"date": "15/03/2022"}, "date", "Phải là ngày dạng YYYY-MM-DD"),
        (
            {"date": (periods.today() + datetime.timedelta(days=1)).isoformat()},
            "date",
            "ở tương lai",
        ),
        ({"end_date": "2022-03-01"}, "end_date", "không được trước ngày bắt đầu"),
        ({"kind": "hoi_cho"}, "kind", "Mã loại hoạt động “hoi_cho” không có trong danh mục."),
        ({"topics": ["ma_tuy", "xyz"]}, "topics", "Mã chủ đề “xyz” không có trong danh mục."),
        ({"audiences": []}, "audiences", "Hãy chọn ít nhất một đối tượng."),
        ({"channels": ["bo_cau"]}, "channels", "Mã hình thức “bo_cau” không có trong danh mục."),
        (
            {"unit": "TG-MT-CS1"},
            "unit",
            "Đơn vị “TG-MT-CS1” không tồn tại hoặc bạn không được nhập liệu cho đơn vị này.",
        ),
        ({"title": ""}, "title", "Hãy nhập tên hoạt động."),
        ({"leaflets": -3}, "leaflets", "Phải lớn hơn hoặc bằng 0."),
    ],
)
def test_create_rejections_name_the_field(api_as, people, tree, changes, field, message):
    response = api_as(people["cs1_editor"]).post(
        URL, body(**changes), content_type="application/json"
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(e["field"] == field and message in e["message"] for e in errors), errors
    assert Activity.all_objects.count() == 0


def test_patch_rejection(api_as, people, data):
    client = api_as(people["hcm_editor"])
    response = client.patch(
        f"{URL}/{data['cs1'].pk}", {"end_date": "2020-07-01"}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "end_date"
    data["cs1"].refresh_from_db()
    assert data["cs1"].end_date is None


def test_template(api_as, people):
    response = api_as(people["cs1_editor"]).get(f"{URL}/template.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxml"
    )
    wb = load_workbook(io.BytesIO(response.content))
    assert [r[0] for r in wb["Đơn vị"].iter_rows(min_row=2, values_only=True)] == ["HCM-Q9-CS1"]


def test_import_all_or_nothing(api_as, people):
    client = api_as(people["cs1_editor"])
    bad = xlsx([row(), row(**{"Tên hoạt động": "B", "Số lượt người": -1})])
    bad.name = "a.xlsx"
    response = client.post(f"{URL}/import", {"file": bad})
    assert response.status_code == 422
    answer = response.json()
    assert answer["created"] == 0 and answer["errors"] == [
        {"row": 3, "column": "Số lượt người", "message": "'-1' phải là số nguyên không âm."}
    ]
    assert Activity.all_objects.count() == 0 and ImportBatch.objects.count() == 0
    good = xlsx([row()])
    good.name = "a.xlsx"
    answer = client.post(f"{URL}/import", {"file": good, "dry_run": "true"}).json()
    assert answer["created"] == 1 and answer["dry_run"] and Activity.objects.count() == 0
    good.seek(0)
    answer = client.post(f"{URL}/import", {"file": good}).json()
    assert (answer["created"], answer["skipped"], answer["errors"]) == (1, 0, [])
    good.seek(0)
    answer = client.post(f"{URL}/import", {"file": good}).json()
    assert (answer["created"], answer["skipped"]) == (0, 1)
    assert Activity.objects.get().import_batch.source == "api"


def test_import_junk_and_missing_file(api_as, people):
    client = api_as(people["cs1_editor"])
    junk = io.BytesIO(b"\x00junk" * 1000)
    junk.name = "x.xlsx"
    response = client.post(f"{URL}/import", {"file": junk})
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "row": None,
        "column": None,
        "message": "Tệp không phải là bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải từ hệ thống và lưu dưới dạng “Excel Workbook (.xlsx)”.",
    }
    response = client.post(f"{URL}/import", {})  # the same documented shape as a bad file
    assert response.status_code == 422 and response.json()["errors"][0]["column"] == "file"
    assert response.json()["created"] == 0
    assert Activity.all_objects.count() == 0


def test_unauthenticated(db):
    assert Client().get(URL).status_code == 401
