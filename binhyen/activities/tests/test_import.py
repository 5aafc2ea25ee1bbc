"""Importing a filled template: every bad file or cell is named by row and column, and a file
with any problem writes nothing; a clean file writes every row; re-uploading skips duplicates."""

import datetime
import io
import os
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from binhyen.activities.models import Activity, ActivityTopic, ImportBatch
from binhyen.activities.services import import_activities
from binhyen.core import locks, periods

from .conftest import HEADERS, row, upload, xlsx


@pytest.fixture(autouse=True, params=["in this process", "in a child process"])
def reader(request, monkeypatch):
    """Every test of this module runs twice: with the sheet read in the importing process (a
    short sheet) and read, converted and checked in a forked child (a long one)."""
    if request.param == "in a child process":
        if not hasattr(os, "fork"):
            pytest.skip("no os.fork on this platform: long sheets are read in-process here")
        from binhyen.core.spreadsheets import run as runner

        monkeypatch.setattr(runner, "PARALLEL_MIN_BYTES", 0)
    return request.param


def run(user, data, **kw):
    return import_activities(user, data, file_name="hoat-dong.xlsx", **kw)


def messages(result):
    return [str(e) for e in result.errors]


def assert_rejected(result, *expected):
    """The import failed, said every `expected` text, and left no activity or batch behind."""
    assert not result.ok
    text = "\n".join(messages(result))
    for part in expected:
        assert part in text, text
    assert Activity.all_objects.count() == 0
    assert ImportBatch.objects.count() == 0
    assert ActivityTopic.objects.count() == 0


# --- the file itself --------------------------------------------------------------------------


def test_empty_file(people):
    assert_rejected(run(people["cs1_editor"], upload(b"")), "Tệp rỗng")


def test_text_file_renamed_xlsx(people):
    data = upload("Mã đơn vị;Ngày\nHCM-Q9-CS1;12/05/2020\n".encode())
    assert_rejected(run(people["cs1_editor"], data), "Tệp không phải là bảng tính Excel (.xlsx)")


def test_ten_megabytes_of_junk(people):
    assert_rejected(
        run(people["cs1_editor"], upload(os.urandom(10 * 1024 * 1024))),
        "Tệp không phải là bảng tính Excel (.xlsx)",
    )


def test_oversized_upload(people, settings):
    settings.SPREADSHEET_MAX_UPLOAD_MB = 1
    data = upload(b"PK\x03\x04" + b"\0" * (2 * 1024 * 1024))
    assert_rejected(run(people["cs1_editor"], data), "Tệp quá lớn", "tối đa 1 MB")


def test_old_xls_format(people):
    data = upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, name="cu.xls")
    assert_rejected(run(people["cs1_editor"], data), "định dạng Excel cũ (.xls)")


def test_broken_zip(people):
    data = upload(b"PK\x03\x04" + os.urandom(5000))
    assert_rejected(run(people["cs1_editor"], data), "bị hỏng")


def test_zip_that_is_not_a_workbook(people):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "xin chào")
    assert_rejected(
        run(people["cs1_editor"], upload(out.getvalue())), "không phải là bảng tính Excel"
    )


def test_empty_sheet(people):
    from openpyxl import Workbook

    out = io.BytesIO()
    wb = Workbook()
    wb.active.title = "Dữ liệu"
    wb.save(out)
    assert_rejected(run(people["cs1_editor"], upload(out.getvalue())), "Trang 'Dữ liệu' trống")


def test_headers_only(people):
    assert_rejected(run(people["cs1_editor"], xlsx([])), "không có dòng dữ liệu nào")


def test_missing_column(people):
    headers = [h for h in HEADERS if h != "Số lượt người"]
    result = run(people["cs1_editor"], xlsx([row()], headers=headers))
    assert_rejected(result, "Dòng 1, cột 'Số lượt người': Thiếu cột bắt buộc 'Số lượt người'")


def test_extra_column(people):
    headers = [*HEADERS, "Ghi chú thêm"]
    result = run(people["cs1_editor"], xlsx([row(**{"Ghi chú thêm": "x"})], headers=headers))
    assert_rejected(result, "Cột 'Ghi chú thêm' (cột O) không có trong mẫu")


def test_duplicated_column(people):
    headers = [*HEADERS, "Ngày"]
    assert_rejected(
        run(people["cs1_editor"], xlsx([row()], headers=headers)),
        "Cột 'Ngày' xuất hiện hai lần (cột B và O)",
    )


def test_merged_cells(people):
    result = run(
        people["cs1_editor"], xlsx([row(), row(**{"Tên hoạt động": "Khác"})], merge="L2:L3")
    )
    assert_rejected(result, "Dòng 2, cột 'Địa điểm': có ô bị gộp (L2:L3)")


def test_data_under_no_header(people):
    result = run(people["cs1_editor"], xlsx([[*row().values(), "lạc chỗ"]]))
    assert_rejected(result, "Dòng 2, cột 'O': có dữ liệu ở cột O nhưng cột này không có tiêu đề")


# --- cells ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, expected",
    [
        (
            {"Số lượt người": "nhiều"},
            "Dòng 2, cột 'Số lượt người': 'nhiều' phải là số nguyên không âm",
        ),
        ({"Số lượt người": -5}, "Dòng 2, cột 'Số lượt người': '-5' phải là số nguyên không âm"),
        (
            {"Số cuộc/buổi": 1.5},
            "Dòng 2, cột 'Số cuộc/buổi': '1,5' phải là số nguyên không âm (không có phần thập phân)",
        ),
        (
            {"Số cuộc/buổi": 0},
            "Dòng 2, cột 'Số cuộc/buổi': Hoạt động đã tổ chức phải có ít nhất 1 cuộc/buổi.",
        ),
        ({"Số lượt người": 3_000_000_000}, "Dòng 2, cột 'Số lượt người': '3.000.000.000' quá lớn"),
        (
            {"Ngày": "31/02/2022"},
            "Dòng 2, cột 'Ngày': '31/02/2022' không phải là ngày hợp lệ; hãy nhập dạng dd/mm/yyyy",
        ),
        ({"Ngày": periods.today() + datetime.timedelta(days=3)}, "Dòng 2, cột 'Ngày': Ngày"),
        (
            {"Đến ngày": datetime.date(2020, 5, 1)},
            "Dòng 2, cột 'Đến ngày': Ngày kết thúc (01/05/2020) không được trước ngày bắt đầu (12/05/2020).",
        ),
        (
            {"Loại hoạt động": "hoi_cho"},
            "Dòng 2, cột 'Loại hoạt động': 'hoi_cho' không có trong danh mục Loại hoạt động",
        ),
        (
            {"Chủ đề": "ma_tuy, cuop_giat"},
            "Dòng 2, cột 'Chủ đề': 'cuop_giat' không có trong danh mục Chủ đề",
        ),
        (
            {"Đối tượng": "hoc_sinh"},
            "Dòng 2, cột 'Đối tượng': 'hoc_sinh' không có trong danh mục Đối tượng",
        ),
        (
            {"Hình thức": "bo_cau"},
            "Dòng 2, cột 'Hình thức': 'bo_cau' không có trong danh mục Hình thức",
        ),
        (
            {"Mã đơn vị": "TG-MT-CS1"},
            "Dòng 2, cột 'Mã đơn vị': Mã đơn vị 'TG-MT-CS1' không có hoặc bạn không được nhập liệu",
        ),
        (
            {"Mã đơn vị": "KHONG-CO"},
            "Dòng 2, cột 'Mã đơn vị': Mã đơn vị 'KHONG-CO' không có hoặc bạn không được nhập liệu",
        ),
        ({"Tên hoạt động": None}, "Dòng 2, cột 'Tên hoạt động': bắt buộc nhập."),
        ({"Chủ đề": "  "}, "Dòng 2, cột 'Chủ đề': bắt buộc nhập."),
        (
            {"Tên hoạt động": "x" * 300},
            "Dòng 2, cột 'Tên hoạt động': dài 300 ký tự, tối đa 255 ký tự.",
        ),
        (
            {"Loại hoạt động": "to_roi", "Số tờ rơi": None},
            "Dòng 2, cột 'Số tờ rơi': Hoạt động phát tờ rơi phải có số tờ rơi",
        ),
    ],
)
def test_bad_cell(people, values, expected):
    assert_rejected(run(people["cs1_editor"], xlsx([row(**values)])), expected)


def test_unit_closed_on_the_day(people, tree):
    from binhyen.factories import superuser
    from binhyen.org import services as org_services

    org_services.close_unit(superuser(), tree["cs1"], datetime.date(2020, 12, 31))
    result = run(people["cs1_editor"], xlsx([row(**{"Ngày": datetime.date(2021, 2, 1)})]))
    assert_rejected(
        result,
        "Dòng 2, cột 'Mã đơn vị': Công đoàn cơ sở Công ty Điện tử Sài Gòn đã kết thúc hoạt động ngày 31/12/2020",
    )


def test_one_bad_cell_among_many_rows_writes_nothing(people):
    rows = [row(**{"Tên hoạt động": f"Buổi {i}"}) for i in range(30)]
    rows[15]["Số lượt người"] = "một trăm"
    result = run(people["cs1_editor"], xlsx(rows))
    assert_rejected(result, "Dòng 17, cột 'Số lượt người': 'một trăm' phải là số nguyên không âm")
    assert result.errors.count == 1


def test_every_problem_is_listed(people):
    rows = [
        row(**{"Số lượt người": -1}),
        row(**{"Tên hoạt động": "B", "Loại hoạt động": "x"}),
        row(**{"Tên hoạt động": "C", "Ngày": "hôm qua"}),
    ]
    result = run(people["cs1_editor"], xlsx(rows))
    assert_rejected(
        result, "Dòng 2, cột 'Số lượt người'", "Dòng 3, cột 'Loại hoạt động'", "Dòng 4, cột 'Ngày'"
    )


def test_same_activity_twice_in_one_file(people):
    result = run(
        people["cs1_editor"],
        xlsx([row(), row(**{"Tên hoạt động": "tuyên truyền phòng, CHỐNG ma tuý "})]),
    )
    assert_rejected(result, "Dòng 3, cột 'Tên hoạt động': trùng với dòng 2 của tệp")


def test_too_many_rows(people, monkeypatch):
    from binhyen.activities import excel

    spec = excel.activity_spec()
    spec.max_rows = 3
    monkeypatch.setattr(excel, "activity_spec", lambda: spec)
    rows = [row(**{"Tên hoạt động": f"Buổi {i}"}) for i in range(5)]
    assert_rejected(run(people["cs1_editor"], xlsx(rows)), "Tệp có hơn 3 dòng dữ liệu")


def test_the_child_process_is_reaped_even_when_the_import_stops_early(people, monkeypatch, reader):
    from binhyen.activities import excel
    from binhyen.core.spreadsheets import run as runner

    forked = []
    real_fork = os.fork

    def fork():
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    spec = excel.activity_spec()
    spec.max_rows = 2
    monkeypatch.setattr(excel, "activity_spec", lambda: spec)
    monkeypatch.setattr(runner, "PARALLEL_BATCH", 1)  # the child is still sending rows
    rows = [row(**{"Tên hoạt động": f"Buổi {i}"}) for i in range(40)]
    assert_rejected(run(people["cs1_editor"], xlsx(rows)), "Tệp có hơn 2 dòng dữ liệu")
    assert len(forked) == (1 if reader == "in a child process" else 0)
    for pid in forked:
        with pytest.raises(ChildProcessError):  # waited for: no zombie left behind
            os.waitpid(pid, os.WNOHANG)


def test_a_broken_sheet_part_is_answered_the_same_from_the_child(people, reader):
    data = xlsx([row()]).getvalue()
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</sheetData>", b'<row r="9"><c r="A9"></sheetData>')
            dst.writestr(info, body)
    assert_rejected(run(people["cs1_editor"], upload(broken.getvalue())), "Tệp Excel bị hỏng")


def test_locked_period(people):
    def checker(unit, day):
        return "Báo cáo quý II/2020" if day.year == 2020 and day.month in (4, 5, 6) else None

    locks.register(checker)
    try:
        result = run(people["cs1_editor"], xlsx([row()]))
    finally:
        locks.unregister(checker)
    assert_rejected(
        result,
        "Dòng 2, cột 'Ngày': Số liệu của Công đoàn cơ sở Công ty Điện tử Sài Gòn ngày "
        "12/05/2020 đã bị khóa vì Báo cáo quý II/2020 đã được phê duyệt.",
    )


# --- clean files ------------------------------------------------------------------------------


def test_clean_file_imports_every_row_in_one_batch(people):
    rows = [
        row(),
        row(
            **{
                "Mã đơn vị": "HCM-Q9",
                "Tên hoạt động": "Hội nghị quán triệt Kết luận 13",
                "Loại hoạt động": "Hội nghị",
                "Chủ đề": "Phòng, chống tội phạm; pccc",
                "Đối tượng": "can_bo_cong_doan",
                "Hình thức": "",
                "Số cuộc/buổi": "1",
                "Số lượt người": "1.116",
                "Ngày": "16/08/2021",
                "Đến ngày": "17/08/2021",
            }
        ),
        row(
            **{
                "Loại hoạt động": "to_roi",
                "Tên hoạt động": "Phát tờ rơi trên xe đưa rước",
                "Số cuộc/buổi": 0,
                "Số lượt người": 0,
                "Số tờ rơi": 500,
                "Hình thức": "xe_dua_ruoc",
            }
        ),
    ]
    user = people["hcm_editor"]
    result = run(user, xlsx(rows))
    assert result.ok, messages(result)
    assert (result.created, result.skipped, result.rows) == (3, 0, 3)
    batch = ImportBatch.objects.get()
    assert (batch.created_by, batch.rows_created, batch.file_name) == (user, 3, "hoat-dong.xlsx")
    conf = Activity.objects.get(title="Hội nghị quán triệt Kết luận 13")
    assert conf.kind.code == "hoi_nghi" and conf.attendances == 1116
    assert conf.date == datetime.date(2021, 8, 16) and conf.end_date == datetime.date(2021, 8, 17)
    assert sorted(conf.topics.values_list("code", flat=True)) == ["pccc", "phong_chong_toi_pham"]
    assert list(conf.audiences.values_list("code", flat=True)) == ["can_bo_cong_doan"]
    assert not conf.channels.exists()
    assert (conf.import_batch, conf.import_row, conf.created_by) == (batch, 3, user)
    first = Activity.objects.get(import_row=2)
    assert sorted(first.topics.values_list("code", flat=True)) == ["ma_tuy", "tin_dung_den"]
    assert "tuyen truyen phong, chong ma tuy" in first.search_text
    # A bulk import writes one ImportBatch row instead of a history row per activity.
    assert Activity.history.count() == 0


def test_import_counts_in_the_reporting_cube(people, tree):
    from binhyen.core.periods import parse_period
    from binhyen.reporting.rollup import rollup

    run(people["cs1_editor"], xlsx([row(), row(**{"Tên hoạt động": "B", "Số lượt người": 30})]))
    data = rollup(tree["hcm"], parse_period("2020"), ["activity.attendances"], by="none")
    assert data["total"]["activity.attendances"] == 150


def test_reimport_skips_what_is_already_there(people):
    user = people["cs1_editor"]
    data = xlsx([row(), row(**{"Tên hoạt động": "Buổi hai"})]).getvalue()
    assert run(user, upload(data)).created == 2
    again = run(user, upload(data))
    assert again.ok and (again.created, again.skipped) == (0, 2)
    assert "Dòng 2: đã có hoạt động này" in str(next(iter(again.notices)))
    assert Activity.objects.count() == 2
    more = xlsx([row(), row(**{"Tên hoạt động": "Buổi ba"})])
    third = run(user, more)
    assert (third.created, third.skipped) == (1, 1)
    assert Activity.objects.count() == 3


def test_dry_run_checks_but_writes_nothing(people):
    result = run(people["cs1_editor"], xlsx([row()]), dry_run=True)
    assert result.ok and result.created == 1
    assert Activity.all_objects.count() == 0 and ImportBatch.objects.count() == 0


def test_names_instead_of_codes_and_text_dates(people):
    result = run(
        people["cs1_editor"],
        xlsx(
            [
                row(
                    **{
                        "Loại hoạt động": "hội thi",
                        "Chủ đề": "Phòng cháy, chữa cháy",
                        "Đối tượng": "Đoàn viên công đoàn",
                        "Hình thức": "Zalo",
                        "Ngày": "05/06/2020",
                    }
                )
            ]
        ),
    )
    assert result.ok, messages(result)
    a = Activity.objects.get()
    assert (a.kind.code, a.date) == ("hoi_thi", datetime.date(2020, 6, 5))
    assert list(a.channels.values_list("code", flat=True)) == ["zalo"]


def test_export_of_a_list_imports_back_as_duplicates(people, tree):
    from binhyen import factories as f
    from binhyen.activities.excel import export_workbook

    f.activity(tree["cs1"], title="Đã có")
    out = export_workbook(people["cs1_editor"], Activity.objects.all())
    result = run(people["cs1_editor"], upload(out.getvalue()))
    assert result.ok and (result.created, result.skipped) == (0, 1), messages(result)


def test_template_round_trip(people):
    """The downloaded template, filled with one row in its data sheet, imports cleanly."""
    from openpyxl import load_workbook

    from binhyen.activities.excel import template_workbook

    wb = load_workbook(template_workbook(people["cs1_editor"]))
    assert wb.sheetnames == ["Dữ liệu", "Hướng dẫn", "Danh mục", "Đơn vị"]
    ws = wb["Dữ liệu"]
    assert [c.value for c in ws[1]][: len(HEADERS)] == HEADERS
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert "'Danh mục'!$A$3:$A$12" in lists and "'Đơn vị'!$A$2:$A$2" in lists
    units = [r[0] for r in wb["Đơn vị"].iter_rows(min_row=2, values_only=True)]
    assert units == ["HCM-Q9-CS1"]
    ws.append([row()[h] for h in HEADERS])
    out = io.BytesIO()
    wb.save(out)
    result = run(people["cs1_editor"], upload(out.getvalue()))
    assert result.ok and result.created == 1, messages(result)


# --- command ----------------------------------------------------------------------------------


def test_command_imports_and_reports(people, tmp_path):
    path = tmp_path / "hoat-dong.xlsx"
    path.write_bytes(xlsx([row()]).getvalue())
    out = io.StringIO()
    call_command("import-activities", str(path), user=people["cs1_editor"].username, stdout=out)
    assert "Đã nhập: 1 hoạt động mới, 0 dòng trùng bỏ qua, tổng 1 dòng." in out.getvalue()
    assert Activity.objects.get().import_batch.source == "cli"


def test_command_dry_run_and_errors(people, tmp_path):
    path = tmp_path / "hoat-dong.xlsx"
    path.write_bytes(xlsx([row(**{"Số lượt người": -3})]).getvalue())
    err = io.StringIO()
    with pytest.raises(CommandError, match="Không nhập dòng nào: 1 lỗi trong 1 dòng"):
        call_command("import-activities", str(path), user=people["cs1_editor"].username, stderr=err)
    assert "Dòng 2, cột 'Số lượt người'" in err.getvalue()
    path.write_bytes(xlsx([row()]).getvalue())
    out = io.StringIO()
    call_command(
        "import-activities", str(path), user=people["cs1_editor"].username, dry_run=True, stdout=out
    )
    assert "chạy thử" in out.getvalue() and Activity.objects.count() == 0


def test_command_unknown_user(db, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"x")
    with pytest.raises(CommandError, match="Không có người dùng 'ai-do'"):
        call_command("import-activities", str(path), user="ai-do")


def test_backslashes_tabs_and_line_breaks_are_kept_exactly(people):
    """The PostgreSQL import writes COPY's text format itself: its escapes must round-trip.
    (Line breaks are normalised at the edge: a Windows line break arrives as a plain one.)"""
    title = r"Tuyên truyền theo tài liệu C:\tai-lieu\n-moi"
    notes = "Buổi sáng\nBuổi chiều\tca 2 \\ ca 3\r\nKết thúc"
    place = "Nhà ăn \\N"
    result = run(
        people["cs1_editor"],
        xlsx([row(**{"Tên hoạt động": title, "Ghi chú": notes, "Địa điểm": place})]),
    )
    assert result.ok, messages(result)
    a = Activity.objects.get()
    assert (a.title, a.notes, a.place) == (title, notes.replace("\r\n", "\n"), place)


def test_same_activity_in_two_write_batches(people, monkeypatch):
    """Each batch is checked against the rows the previous batches wrote (on PostgreSQL they
    are written by a background COPY, which the next batch waits for)."""
    from binhyen.activities.excel import ActivityImport

    monkeypatch.setattr(ActivityImport, "batch_size", 1)
    rows = [
        row(),
        row(**{"Tên hoạt động": "Buổi khác"}),
        row(**{"Tên hoạt động": "tuyên truyền phòng, CHỐNG ma tuý"}),
    ]
    assert_rejected(
        run(people["cs1_editor"], xlsx(rows)),
        "Dòng 4, cột 'Tên hoạt động': trùng với dòng 2 của tệp",
    )


def test_a_failed_background_write_is_reported_and_nothing_is_kept(people, monkeypatch):
    from django.db import connection

    from binhyen.activities import excel

    if connection.vendor != "postgresql":
        pytest.skip("the batches are copied in a background thread on PostgreSQL only")

    def broken(ids, items, actor_id, batch_id):
        yield "not\ta\tvalid\trow\n"

    monkeypatch.setattr(excel, "_copy_lines", broken)
    assert_rejected(
        run(people["cs1_editor"], xlsx([row()])),
        "Lỗi cơ sở dữ liệu khi ghi; chưa có dòng nào được ghi",
    )
