"""The activity pages as a user sees them: list with filters and totals, export, detail, forms
with their Vietnamese errors, delete, template download and upload with the error list."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from binhyen import factories as f
from binhyen.activities.models import Activity, ActivityKind, Audience, Topic
from binhyen.core import periods

from .conftest import row, xlsx


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def data(tree):
    """Activities across the tree: two under Quận 9 (one at its union), one in Mỹ Tho."""
    return {
        "q9": f.activity(
            tree["q9"],
            date=datetime.date(2020, 6, 1),
            title="Hội nghị quán triệt Chỉ thị 09",
            kind="hoi_nghi",
            topics=("phong_chong_toi_pham",),
            audiences=("can_bo_cong_doan",),
            sessions=3,
            attendances=1200,
        ),
        "cs1": f.activity(
            tree["cs1"],
            date=datetime.date(2020, 7, 10),
            title="Tuyên truyền tín dụng đen ca đêm",
            topics=("tin_dung_den",),
            channels=("giua_ca",),
            sessions=2,
            attendances=340,
        ),
        "mt": f.activity(
            tree["mt"],
            date=datetime.date(2022, 3, 23),
            title="Tuyên truyền Kế hoạch 329",
            sessions=16,
            attendances=1116,
        ),
    }


def test_list_shows_scope_totals_and_filters(people, data):
    client = login(people["hcm_viewer"])
    page = client.get(reverse("activities:list")).content.decode()
    assert "Hội nghị quán triệt Chỉ thị 09" in page and "Tuyên truyền tín dụng đen ca đêm" in page
    assert "Kế hoạch 329" not in page  # another province
    assert 'data-total="sessions">5<' in page and 'data-total="attendances">1.540<' in page
    page = client.get(reverse("activities:list"), {"unit": "HCM-Q9-CS1"}).content.decode()
    assert "Chỉ thị 09" not in page and 'data-total="attendances">340<' in page
    for params, shown, hidden in [
        ({"start": "01/07/2020", "end": "31/07/2020"}, "tín dụng đen ca đêm", "Chỉ thị 09"),
        ({"kind": "hoi_nghi"}, "Chỉ thị 09", "tín dụng đen ca đêm"),
        ({"topic": "tin_dung_den"}, "tín dụng đen ca đêm", "Chỉ thị 09"),
        ({"audience": "can_bo_cong_doan"}, "Chỉ thị 09", "tín dụng đen ca đêm"),
        ({"channel": "giua_ca"}, "tín dụng đen ca đêm", "Chỉ thị 09"),
        ({"q": "chi thi 09"}, "Chỉ thị 09", "tín dụng đen ca đêm"),
    ]:
        page = client.get(reverse("activities:list"), params).content.decode()
        assert shown in page and hidden not in page, params


@pytest.mark.parametrize(
    "params, message",
    [
        ({"unit": "TG-MT"}, "Không tìm thấy đơn vị “TG-MT” trong phạm vi của bạn."),
        ({"start": "32/01/2020"}, "Ngày “32/01/2020” không hợp lệ"),
        (
            {"start": "01/02/2020", "end": "01/01/2020"},
            "Ngày cuối kỳ (01/01/2020) không được trước ngày đầu kỳ (01/02/2020).",
        ),
        ({"kind": "khong_co"}, "Mã “khong_co” không có trong danh mục loại hoạt động."),
        ({"sort": "ngau_nhien"}, "Cách sắp xếp “ngau_nhien” không có"),
    ],
)
def test_bad_filters_say_why_and_show_nothing(people, data, params, message):
    page = login(people["hcm_viewer"]).get(reverse("activities:list"), params).content.decode()
    assert message in page
    assert "Chỉ thị 09" not in page and 'data-total="count">0<' in page


def test_sorting_and_pagination(people, tree):
    for i in range(55):
        f.activity(
            tree["cs1"],
            date=datetime.date(2021, 1, 1) + datetime.timedelta(days=i),
            title=f"Buổi {i:02d}",
            attendances=i,
        )
    client = login(people["hcm_viewer"])
    first = client.get(reverse("activities:list")).content.decode()
    assert "Buổi 54" in first and "Buổi 00" not in first and "Trang 1/2" in first
    second = client.get(reverse("activities:list"), {"page": 2}).content.decode()
    assert "Buổi 00" in second
    oldest = client.get(reverse("activities:list"), {"sort": "date"}).content.decode()
    assert oldest.index("Buổi 00") < oldest.index("Buổi 01")
    busiest = client.get(reverse("activities:list"), {"sort": "-attendances"}).content.decode()
    assert busiest.index("Buổi 54") < busiest.index("Buổi 53")


def test_list_query_count_is_bounded(people, tree, django_assert_max_num_queries):
    for i in range(60):
        f.activity(
            tree["cs1" if i % 2 else "q9"],
            date=datetime.date(2021, 2, 1) + datetime.timedelta(days=i),
            topics=("ma_tuy", "pccc"),
        )
    client = login(people["hcm_viewer"])
    with django_assert_max_num_queries(15):
        response = client.get(
            reverse("activities:list"),
            {
                "unit": "HCM",
                "topic": "ma_tuy",
                "kind": "tuyen_truyen",
                "start": "01/01/2021",
                "q": "hoat dong",
            },
        )
    assert response.status_code == 200 and "Trang 1/2" in response.content.decode()
    with django_assert_max_num_queries(15):
        client.get(reverse("activities:list"), headers={"HX-Request": "true"})


def test_detail_query_count_and_scope(people, data, django_assert_max_num_queries):
    client = login(people["hcm_viewer"])
    with django_assert_max_num_queries(15):
        page = client.get(reverse("activities:detail", args=[data["q9"].pk])).content.decode()
    assert "Hội nghị quán triệt Chỉ thị 09" in page and "1.200" in page and "Sửa" not in page
    assert client.get(reverse("activities:detail", args=[data["mt"].pk])).status_code == 404
    assert client.get(reverse("activities:history", args=[data["mt"].pk])).status_code == 404
    assert client.get(reverse("activities:edit", args=[data["q9"].pk])).status_code == 404  # viewer


def test_export_is_exactly_the_filtered_list(people, data):
    client = login(people["hcm_viewer"])
    response = client.get(reverse("activities:export"), {"kind": "tuyen_truyen"})
    assert response["Content-Disposition"].startswith('attachment; filename="hoat-dong-')
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(wb["Dữ liệu"].iter_rows(min_row=2, values_only=True))
    assert [r[4] for r in rows] == ["Tuyên truyền tín dụng đen ca đêm"]
    summary = dict(wb["Tổng hợp"].iter_rows(values_only=True))
    assert summary["Số lượt người"] == "340" and summary["Loại hoạt động"] == "Tuyên truyền"
    everything = load_workbook(
        io.BytesIO(b"".join(client.get(reverse("activities:export")).streaming_content))
    )
    titles = {r[4] for r in everything["Dữ liệu"].iter_rows(min_row=2, values_only=True)}
    assert titles == {"Hội nghị quán triệt Chỉ thị 09", "Tuyên truyền tín dụng đen ca đêm"}


def form_data(unit, **changes):
    data = {
        "unit": unit.pk,
        "date": "15/03/2022",
        "end_date": "",
        "kind": ActivityKind.objects.get(code="tuyen_truyen").pk,
        "title": "Tuyên truyền phòng, chống ma túy",
        "topics": [Topic.objects.get(code="ma_tuy").pk],
        "audiences": [Audience.objects.get(code="cnvcld").pk],
        "sessions": "2",
        "attendances": "150",
        "leaflets": "",
        "place": "",
        "document_ref": "",
        "notes": "",
    }
    data.update(changes)
    return data


def test_create_activity_through_the_form(people, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(people["cs1_editor"])
    page = client.get(reverse("activities:create")).content.decode()
    assert "Công ty Điện tử Sài Gòn" in page and "Mỹ Tho" not in page
    photo = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50)
    response = client.post(
        reverse("activities:create"), {**form_data(tree["cs1"]), "files": [photo]}
    )
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
    assert (activity.date, activity.attendances, activity.created_by) == (
        datetime.date(2022, 3, 15),
        150,
        people["cs1_editor"],
    )
    attachment = activity.attachments.get()
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "anh.png" in page and "15/03/2022" in page
    assert client.get(reverse("activities:attachment", args=[attachment.pk])).status_code == 200
    assert (
        login(people["mt_editor"])
        .get(reverse("activities:attachment", args=[attachment.pk]))
        .status_code
        == 404
    )


FORM_CASES = [
    ({"attendances": "-5"}, "attendances", "Số lượt người phải là số nguyên không âm."),
    ({"attendances": "nhiều"}, "attendances", "Số lượt người phải là số nguyên không âm."),
    ({"sessions": "0"}, "sessions", "Hoạt động đã tổ chức phải có ít nhất 1 cuộc/buổi."),
    ({"sessions": "1.5"}, "sessions", "Số cuộc/buổi phải là số nguyên không âm."),
    ({"date": "2022-13-45"}, "date", "Hãy nhập ngày dạng dd/mm/yyyy, ví dụ 15/03/2022."),
    (
        {"date": (periods.today() + datetime.timedelta(days=2)).strftime("%d/%m/%Y")},
        "date",
        "ở tương lai",
    ),
    ({"date": ""}, "date", "Hãy nhập ngày tổ chức."),
    (
        {"end_date": "01/03/2022"},
        "end_date",
        "Ngày kết thúc (01/03/2022) không được trước ngày bắt đầu (15/03/2022).",
    ),
    ({"title": ""}, "title", "Hãy nhập tên hoạt động."),
    ({"topics": []}, "topics", "Hãy chọn ít nhất một chủ đề."),
    ({"audiences": []}, "audiences", "Hãy chọn ít nhất một đối tượng."),
    ({"leaflets": "-1"}, "leaflets", "Số tờ rơi phải là số nguyên không âm."),
    ({"kind": "999"}, "kind", "Loại hoạt động không có trong danh mục."),
]


@pytest.mark.parametrize("changes, field, message", FORM_CASES)
def test_form_errors_sit_next_to_their_field(people, tree, changes, field, message):
    response = login(people["cs1_editor"]).post(
        reverse("activities:create"), form_data(tree["cs1"], **changes)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in e for e in form.errors[field]), form.errors
    assert f'id="id_{field}_errors"' in response.content.decode()
    assert Activity.all_objects.count() == 0


def test_form_refuses_a_unit_out_of_scope(people, tree):
    response = login(people["cs1_editor"]).post(reverse("activities:create"), form_data(tree["mt"]))
    assert response.context["form"].errors["unit"] == [
        "Đơn vị không tồn tại hoặc bạn không được nhập liệu cho đơn vị này."
    ]
    assert Activity.all_objects.count() == 0


def test_form_refuses_a_closed_unit_and_duplicates(people, tree):
    client = login(people["hcm_editor"])
    client.post(reverse("activities:create"), form_data(tree["cs1"]))
    response = client.post(
        reverse("activities:create"),
        form_data(tree["cs1"], title="tuyên truyền PHÒNG, chống ma tuý"),
    )
    assert "Đã có hoạt động này" in response.context["form"].errors["title"][0]
    response = client.post(
        reverse("activities:create"), form_data(tree["cs1"], date="01/01/2014", title="Cũ")
    )
    assert "chỉ được thành lập từ ngày 01/01/2015" in response.context["form"].errors["date"][0]
    assert Activity.objects.count() == 1


def test_form_refuses_bad_attachments(people, tree):
    fake = SimpleUploadedFile("anh.jpg", b"GIF89a not a jpeg")
    response = login(people["cs1_editor"]).post(
        reverse("activities:create"), {**form_data(tree["cs1"]), "files": [fake]}
    )
    assert "Tệp 'anh.jpg' không phải là ảnh JPG thật" in response.context["form"].errors["files"][0]
    assert Activity.all_objects.count() == 0


def test_edit_and_delete(people, data):
    client = login(people["hcm_editor"])
    a = data["cs1"]
    page = client.get(reverse("activities:edit", args=[a.pk])).content.decode()
    assert 'value="10/07/2020"' in page
    response = client.post(
        reverse("activities:edit", args=[a.pk]),
        form_data(a.unit, date="10/07/2020", attendances="400"),
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.attendances == 400
    history = client.get(reverse("activities:history", args=[a.pk])).content.decode()
    assert "340" in history and "400" in history
    assert client.get(reverse("activities:delete", args=[a.pk])).status_code == 200
    assert client.post(reverse("activities:delete", args=[a.pk])).status_code == 302
    assert (
        not Activity.objects.filter(pk=a.pk).exists()
        and Activity.all_objects.filter(pk=a.pk).exists()
    )
    assert client.get(a.get_absolute_url()).status_code == 404
    assert (
        login(people["mt_editor"])
        .post(reverse("activities:delete", args=[data["q9"].pk]))
        .status_code
        == 404
    )


def test_template_download(people):
    response = login(people["cs1_editor"]).get(reverse("activities:template"))
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-hoat-dong.xlsx"'
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == ["Dữ liệu", "Hướng dẫn", "Danh mục", "Đơn vị"]
    help_text = " ".join(
        str(c) for r in wb["Hướng dẫn"].iter_rows(values_only=True) for c in r if c
    )
    assert "Chống trùng" in help_text and "tuyen_truyen" in help_text


@pytest.fixture
def import_file(django_capture_on_commit_callbacks, settings, tmp_path):
    """Upload `content` on the import page as `client`: the import runs as a background job
    (immediate in tests, once the request's transaction commits); returns the page the
    upload redirects to, with the job's result."""
    settings.MEDIA_ROOT = tmp_path

    def upload(client, content, **data):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("activities:import"),
                {"file": SimpleUploadedFile("a.xlsx", content), **data},
            )
        assert response.status_code == 302, response.content.decode()[:2000]
        return client.get(response["Location"]).content.decode()

    return upload


def test_upload_lists_errors_by_row_and_column(people, import_file):
    client = login(people["cs1_editor"])
    bad = xlsx([row(), row(**{"Tên hoạt động": "B", "Số lượt người": "nhiều"})])
    page = import_file(client, bad.getvalue())
    assert "Chưa nhập dòng nào" in page
    assert (
        '<td class="num">3</td>' in page
        and "Số lượt người" in page
        and "&#x27;nhiều&#x27; phải là số nguyên không âm" in page
    )
    assert Activity.all_objects.count() == 0
    good = xlsx([row()])
    page = import_file(client, good.getvalue())
    assert "Đã nhập 1 hoạt động mới từ 1 dòng" in page
    again = import_file(client, good.getvalue())
    assert "bỏ qua 1 dòng trùng" in again and "Dòng 2: đã có hoạt động này" in again
    assert Activity.objects.count() == 1


def test_upload_scope_is_the_uploaders(people, import_file):
    page = import_file(login(people["mt_editor"]), xlsx([row()]).getvalue())
    assert "Mã đơn vị &#x27;HCM-Q9-CS1&#x27; không có hoặc bạn không được nhập liệu" in page
    assert Activity.all_objects.count() == 0


def test_upload_without_file_and_junk(people, settings, tmp_path):
    """What the page can tell without reading rows is said at once, and nothing is queued."""
    from binhyen.ops.models import Job

    settings.MEDIA_ROOT = tmp_path
    client = login(people["cs1_editor"])
    page = client.post(reverse("activities:import"), {}).content.decode()
    assert "Hãy chọn tệp Excel để tải lên." in page
    page = client.post(
        reverse("activities:import"), {"file": SimpleUploadedFile("a.xlsx", b"junk" * 100)}
    ).content.decode()
    assert "Tệp không phải là bảng tính Excel (.xlsx)" in page
    assert not Job.objects.exists() and not list(tmp_path.rglob("*.xlsx"))
