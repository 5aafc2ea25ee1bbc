"""The enterprises sheet: template, import all or nothing with errors by row and column,
export whose cells are text (never formulas), and the import as a background job."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from binhyen.enterprises import excel, tasks
from binhyen.enterprises.models import Enterprise
from binhyen.ops.models import Job, JobStatus

from .conftest import xlsx

GOOD = {
    "unit": "G-HCM-LT",
    "name": "Công ty TNHH Điện tử Linh Trung",
    "tax_code": "0312345678",
    "ownership": "fdi",
    "investor_country": "JP",
    "industry": "dien_tu",
    "ward": "Phường Linh Xuân",
    "workforce": 2500,
}


def rows(*changes):
    return [{**GOOD, **c} for c in changes]


def messages(result):
    return [str(e) for e in result.errors]


def test_template_lists_units_and_codes(world, client_as):
    response = client_as(world["users"]["editor"]).get("/doanh-nghiep/mau-nhap.xlsx")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    headers = [c.value for c in next(wb["Dữ liệu"].iter_rows(max_row=1))]
    assert headers[:4] == [
        "Mã đơn vị theo dõi",
        "Tên doanh nghiệp",
        "Mã số thuế",
        "Loại hình sở hữu",
    ]
    codes = [r[0] for r in wb["Đơn vị"].iter_rows(min_row=2, values_only=True)]
    assert "G-HCM-LT" in codes and "DT" not in codes


def test_good_file_imports_every_row(world):
    upload = xlsx(
        excel.enterprise_spec(),
        rows(
            {},
            {
                "name": "Công ty May Linh Xuân",
                "tax_code": 301112223,  # a number that lost its leading zero
                "ownership": "Doanh nghiệp tư nhân trong nước",
                "investor_country": None,
                "ward": "26794",
                "union": "g-hcm-lt-cs1",
            },
        ),
    )
    result = excel.import_enterprises(world["users"]["editor"], upload)
    assert result.ok and result.created == 2, messages(result)
    may = Enterprise.objects.get(tax_code="0301112223")
    assert may.union == world["cs"] and may.ownership.code == "tu_nhan"


def test_bad_file_names_row_and_column_and_saves_nothing(world):
    before = Enterprise.objects.count()
    upload = xlsx(
        excel.enterprise_spec(),
        rows(
            {},
            {"tax_code": "12345", "name": "Sai MST"},
            {"tax_code": "0301234567", "name": "Trùng MST đã có"},
            {"tax_code": "0312345678", "name": "Trùng dòng 2"},
            {"tax_code": "0399999999", "investor_country": None},
            {"tax_code": "0388888888", "ward": "Phường Không Có"},
        ),
    )
    result = excel.import_enterprises(world["users"]["editor"], upload)
    found = messages(result)
    assert not result.ok and result.created == 0
    assert Enterprise.objects.count() == before
    assert any(m.startswith("Dòng 3, cột 'Mã số thuế': Mã số thuế gồm 10 chữ số") for m in found), (
        found
    )
    assert (
        "Dòng 4, cột 'Mã số thuế': Mã số thuế này đã có: doanh nghiệp “Công ty TNHH Giày Phú Hưng”."
        in found
    )
    assert "Dòng 5, cột 'Mã số thuế': trùng mã số thuế 0312345678 với dòng 2 của tệp." in found
    assert any(m.startswith("Dòng 6, cột 'Quốc gia nhà đầu tư'") for m in found), found
    assert any(m.startswith("Dòng 7, cột 'Phường, xã': không có phường, xã") for m in found), found


def test_unit_outside_scope_is_an_error(world):
    upload = xlsx(excel.enterprise_spec(), rows({"unit": "DT"}))
    result = excel.import_enterprises(world["users"]["editor"], upload)
    assert any(m.startswith("Dòng 2, cột 'Mã đơn vị theo dõi'") for m in messages(result))


def test_export_cells_are_text_never_formulas(world, client_as):
    from binhyen.enterprises import services

    services.update_enterprise(
        world["users"]["editor"], world["may"], name='=HYPERLINK("http://x","bấm")', address="+1-2"
    )
    response = client_as(world["users"]["editor"]).get(
        "/doanh-nghiep/xuat-excel/", {"q": "hyperlink"}
    )
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = wb["Dữ liệu"]
    values = [c for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    name = values[1]
    assert name.value == '=HYPERLINK("http://x","bấm")' and name.data_type == "s"
    assert sheet.max_row == 2  # only the filtered row
    assert values[2].value == "0309876543" and values[2].data_type == "s"


def test_export_then_import_round_trips_to_duplicates(world, client_as):
    response = client_as(world["users"]["editor"]).get("/doanh-nghiep/xuat-excel/")
    upload = io.BytesIO(b"".join(response.streaming_content))
    upload.name = "xuat.xlsx"
    result = excel.import_enterprises(world["users"]["editor"], upload)
    assert not result.ok  # every MST is taken: nothing is doubled
    assert Enterprise.objects.count() == 3


def test_upload_runs_as_a_job(
    world, client_as, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    c = client_as(world["users"]["editor"])
    content = xlsx(excel.enterprise_spec(), rows({})).getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        target = c.post(
            "/doanh-nghiep/nhap-excel/", {"file": SimpleUploadedFile("dn.xlsx", content)}
        )["Location"]
    job = Job.objects.get(kind=tasks.KIND)
    assert job.status == JobStatus.DONE and job.title == "Nhập doanh nghiệp từ tệp dn.xlsx"
    with django_assert_max_num_queries(15):
        page = c.get(target).content.decode()
    assert "Đã nhập 1 bản ghi từ 1 dòng." in page
    assert Enterprise.objects.filter(tax_code="0312345678").exists()


def test_a_bad_upload_job_fails_and_shows_the_errors(
    world, client_as, django_capture_on_commit_callbacks
):
    c = client_as(world["users"]["editor"])
    content = xlsx(excel.enterprise_spec(), rows({"tax_code": "abc"})).getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        target = c.post(
            "/doanh-nghiep/nhap-excel/", {"file": SimpleUploadedFile("dn.xlsx", content)}
        )["Location"]
    assert Job.objects.get(kind=tasks.KIND).status == JobStatus.FAILED
    page = c.get(target).content.decode()
    assert "Chưa nhập dòng nào" in page and "Mã số thuế" in page
    assert not Enterprise.objects.filter(name=GOOD["name"]).exists()
