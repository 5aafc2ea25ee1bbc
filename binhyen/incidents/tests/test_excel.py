"""The incidents sheet: a good file opens every case with its stoppage file, a bad one names
each row and column and saves nothing, the export writes text cells and no tip sender."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from binhyen import factories as f
from binhyen.incidents import excel, tasks
from binhyen.incidents.models import Incident, Stoppage
from binhyen.ops.models import Job, JobStatus
from binhyen.org.scoping import Role

D = datetime.date


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(db):
    gt = f.group_tree()
    giay = f.enterprise(gt["ward_union"], name="Công ty TNHH Giày Phú Hưng", workforce=4000)
    editor = f.user(role=Role.EDITOR, unit=gt["hcm"])
    return {**gt, "giay": giay, "editor": editor}


def xlsx(rows):
    spec = excel.incident_spec()
    wb = Workbook()
    ws = wb.active
    ws.title = spec.sheet_name
    columns = spec.input_columns
    ws.append([str(c.header) for c in columns])
    for row in rows:
        ws.append([row.get(c.key) for c in columns])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "vv.xlsx"
    return out


def stoppage(world, **over):
    return {
        "unit": "G-HCM-LT",
        "kind": "ngung_viec",
        "title": "Ngừng việc tại Giày Phú Hưng",
        "summary": "Công nhân ca 1 ngừng việc đòi tăng lương.",
        "start_date": D(2024, 3, 4),
        "start_time": "07:30",
        "end_date": D(2024, 3, 5),
        "enterprise": world["giay"].tax_code,
        "workers_involved": 800,
        "causes": "tien_luong, bua_an",
        "demands": "Tăng lương 10%",
        "representative": "Ban chấp hành công đoàn cơ sở",
        "dialogue_held": "co",
        "outcome": "mot_phan",
        "resumed_on": D(2024, 3, 6),
        **over,
    }


def theft(**over):
    return {
        "unit": "G-HCM-LT",
        "kind": "Tội phạm (trộm cắp, cướp, cố ý gây thương tích…)",
        "title": "Trộm xe máy ở khu trọ",
        "summary": "Mất 2 xe máy trong đêm.",
        "start_date": D(2024, 5, 1),
        "ward": "Phường Linh Xuân",
        "people_involved": 2,
        **over,
    }


def messages(result):
    return [str(e) for e in result.errors]


def test_good_file_opens_cases_and_stoppage_files(world):
    result = excel.import_incidents(world["editor"], xlsx([stoppage(world), theft()]))
    assert result.ok and result.created == 2, messages(result)
    case = Incident.objects.get(kind__code="ngung_viec")
    file = Stoppage.objects.get(incident=case)
    assert (file.workers_involved, file.workforce, file.worker_days) == (800, 4000, 1600)
    assert sorted(c.code for c in file.causes.all()) == ["bua_an", "tien_luong"]
    assert file.dialogue_held and not file.lawful and file.outcome == "mot_phan"
    assert case.ward_id == world["giay"].ward_id and case.code.startswith("VV-2024-")
    other = Incident.objects.get(kind__code="toi_pham")
    assert other.ward.code == "26794" and not Stoppage.objects.filter(incident=other).exists()


def test_bad_file_names_row_and_column_and_saves_nothing(world):
    f.incident(
        world["ward_union"],
        kind="toi_pham",
        title="Trộm xe máy ở khu trọ",
        started_at=D(2024, 5, 1),
        ward=f.area("26794"),
    )
    before = Incident.objects.count()
    rows = [
        stoppage(world),  # row 2 is good
        stoppage(world, title="Sai", start_date=D(2024, 4, 2), end_date=D(2024, 4, 1)),
        stoppage(
            world, title="Quá số", start_date=D(2024, 4, 9), end_date=None, workers_involved=5000
        ),
        stoppage(world, title="MST", start_date=D(2024, 4, 10), end_date=None, enterprise="12345"),
        theft(),  # the same case as the one already recorded
        stoppage(world, start_date=D(2024, 4, 11), end_date=None, workers_involved=None),
    ]
    result = excel.import_incidents(world["editor"], xlsx(rows))
    found = messages(result)
    assert not result.ok and Incident.objects.count() == before
    assert (
        "Dòng 3, cột 'Ngày kết thúc': Thời điểm kết thúc không được trước thời điểm bắt đầu."
        in found
    ), found
    assert (
        "Dòng 4, cột 'Số người ngừng việc': Số người ngừng việc (5.000) không được vượt quá tổng "
        "số lao động (4.000)."
        in found
        or any(m.startswith("Dòng 4, cột 'Số người ngừng việc'") for m in found)
    ), found
    assert any(m.startswith("Dòng 5, cột 'Mã số thuế doanh nghiệp'") for m in found), found
    assert any(m.startswith("Dòng 6: Vụ việc này đã được ghi nhận") for m in found), found
    assert "Dòng 7, cột 'Số người ngừng việc': Hãy nhập số người ngừng việc." in found, found


def test_export_has_text_cells_and_no_tip_sender(world):
    from binhyen.incidents import services

    tip = services.submit_tip(
        ward=f.area("26794"),
        what="Có người lạ cho vay nặng lãi ở khu trọ.",
        happened_on=D.today() - datetime.timedelta(days=1),
        anonymous=False,
        reporter_name="Nguyễn Văn Báo Tin",
        reporter_phone="0912345678",
    )
    services.open_incident(
        f.superuser(),
        unit=world["ward_union"],
        kind="tin_dung_den",
        title='=HYPERLINK("http://x","bấm")',
        summary="Diễn biến.",
        started_at=datetime.datetime.now().astimezone() - datetime.timedelta(hours=3),
        ward=f.area("26794"),
        tip=tip,
    )
    c = Client()
    c.force_login(world["editor"])
    response = c.get("/vu-viec/xuat-excel/")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    wb = load_workbook(io.BytesIO(content))
    sheet = wb["Dữ liệu"]
    title = sheet.cell(row=2, column=3)
    assert title.value == '=HYPERLINK("http://x","bấm")' and title.data_type == "s"
    every = " ".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )
    assert "Nguyễn Văn Báo Tin" not in every and "0912345678" not in every


def test_upload_runs_as_a_job(world, django_capture_on_commit_callbacks):
    c = Client()
    c.force_login(world["editor"])
    assert c.get("/vu-viec/mau-nhap.xlsx").status_code == 200
    content = xlsx([theft()]).getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        target = c.post("/vu-viec/nhap-excel/", {"file": SimpleUploadedFile("vv.xlsx", content)})[
            "Location"
        ]
    job = Job.objects.get(kind=tasks.KIND)
    assert job.status == JobStatus.DONE and job.title == "Nhập vụ việc từ tệp vv.xlsx"
    assert "Đã nhập 1 bản ghi từ 1 dòng." in c.get(target).content.decode()
    assert Incident.objects.filter(title="Trộm xe máy ở khu trọ").count() == 1


def test_import_page_needs_a_recording_role(world):
    c = Client()
    c.force_login(f.user(role=Role.VIEWER, unit=world["hcm"]))
    assert c.get("/vu-viec/nhap-excel/").status_code == 404
