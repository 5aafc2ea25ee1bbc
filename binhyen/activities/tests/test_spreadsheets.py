"""The shared Excel machinery on its own (binhyen/core/spreadsheets/), with a tiny spec that is not
the activities one: any app's import gets these behaviours."""

import datetime
import io

from django.db import connection
from openpyxl import Workbook, load_workbook

from binhyen.core import spreadsheets as S

SPEC = S.Spec(
    title="Mẫu thử",
    columns=[
        S.Column("code", "Mã", S.CODE, required=True, lookup="colors"),
        S.Column("tags", "Nhãn", S.CODES, lookup="colors"),
        S.Column("n", "Số lượng", S.INTEGER, required=True, min_value=0),
        S.Column("day", "Ngày", S.DATE),
        S.Column("note", "Ghi chú", S.TEXT, max_length=5),
        S.Column("extra", "Chỉ khi xuất", S.TEXT, export_only=True),
    ],
    instructions=["Một dòng một mục."],
)
LOOKUPS = {
    "colors": S.Lookup(
        name="colors",
        title="Màu",
        items=[("do", "Đỏ, thắm"), ("xanh", "Xanh")],
        values={"do": 1, "xanh": 2},
    )
}


class Collect(S.ImportHandler):
    """Keeps the converted rows; writes nothing."""

    batch_size = 2

    def __init__(self):
        self.rows, self.batches = [], 0

    def validate(self, row, values, errors):
        return row, values

    def write(self, items, result):
        self.batches += 1
        self.rows += items
        result.created += len(items)


def book(rows, headers=("Mã", "Nhãn", "Số lượng", "Ngày", "Ghi chú")):
    wb = Workbook()
    ws = wb.active
    ws.title = "Dữ liệu"
    ws.append(list(headers))
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_cells_are_converted(db):
    handler = Collect()
    result = S.run_import(
        book(
            [
                ["DO", "Đỏ, thắm; xanh", "1.234", datetime.date(2022, 3, 23), "ab"],
                ["Xanh", None, 7, "05-06-2021", None],
                [None, None, None, None, None],  # an empty row is skipped
                ["do", "xanh, do", 2.0, "2022-01-31", " x "],
            ]
        ),
        SPEC,
        LOOKUPS,
        handler,
    )
    assert result.ok, [str(e) for e in result.errors]
    assert handler.batches == 2 and result.rows == 3
    assert handler.rows == [
        (
            2,
            {"code": 1, "tags": (1, 2), "n": 1234, "day": datetime.date(2022, 3, 23), "note": "ab"},
        ),
        (3, {"code": 2, "tags": (), "n": 7, "day": datetime.date(2021, 6, 5), "note": None}),
        (5, {"code": 1, "tags": (2, 1), "n": 2, "day": datetime.date(2022, 1, 31), "note": "x"}),
    ]


def test_errors_are_collected_capped_and_rolled_back(db, monkeypatch):
    monkeypatch.setattr(S.errors, "MAX_ERRORS", 3)
    rows = [["tim", None, -1, "hôm nay", "quá dài"]] * 2
    result = S.run_import(book(rows), SPEC, LOOKUPS, Collect())
    assert not result.ok and result.created == 0
    assert result.errors.count == 8 and len(result.errors.items) == 3 and result.errors.hidden == 5
    assert (
        str(result.errors.items[0])
        == "Dòng 2, cột 'Mã': 'tim' không có trong danh mục Màu (xem trang 'Danh mục')."
    )
    assert result.as_dict()["errors"][1] == {
        "row": 2,
        "column": "Số lượng",
        "message": "'-1' phải là số nguyên không âm.",
    }


def test_dry_run_rolls_back_what_the_handler_wrote(db):
    from binhyen.activities.models import ImportBatch

    class Writes(Collect):
        def write(self, items, result):
            ImportBatch.objects.create(file_name="thử")
            result.created += len(items)

    result = S.run_import(
        book([["do", None, 1, None, None]]), SPEC, LOOKUPS, Writes(), dry_run=True
    )
    assert result.ok and result.created == 1 and not ImportBatch.objects.exists()
    assert not connection.in_atomic_block or connection.savepoint_ids is not None


def test_export_only_columns_are_accepted_and_ignored(db):
    handler = Collect()
    result = S.run_import(
        book(
            [["do", None, 1, None, None, "bỏ qua"]],
            headers=("Mã", "Nhãn", "Số lượng", "Ngày", "Ghi chú", "Chỉ khi xuất"),
        ),
        SPEC,
        LOOKUPS,
        handler,
    )
    assert result.ok and "extra" not in handler.rows[0][1]


def test_headers_match_ignoring_case_accents_and_stars(db):
    result = S.run_import(
        book(
            [["do", None, 1, None, None]],
            headers=("MA (*)", "nhan", "So luong *", "ngày", "GHI CHU"),
        ),
        SPEC,
        LOOKUPS,
        Collect(),
    )
    assert result.ok, [str(e) for e in result.errors]


def test_template_has_drop_downs_lists_help_and_example():
    out = S.write_workbook(SPEC, LOOKUPS, example={"code": "do", "n": 3})
    wb = load_workbook(out)
    assert wb.sheetnames == ["Dữ liệu", "Hướng dẫn", "Danh mục"]
    data = wb["Dữ liệu"]
    assert [c.value for c in data[1]] == [
        "Mã",
        "Nhãn",
        "Số lượng",
        "Ngày",
        "Ghi chú",
        "Chỉ khi xuất",
    ]
    validations = {str(dv.sqref).split(":")[0]: dv for dv in data.data_validations.dataValidation}
    assert (
        validations["A2"].formula1 == "'Danh mục'!$A$3:$A$4"
        and validations["A2"].errorStyle == "stop"
    )
    assert validations["B2"].errorStyle == "information"  # several codes in one cell are allowed
    assert validations["C2"].type == "whole" and validations["D2"].type == "date"
    lists = list(wb["Danh mục"].iter_rows(values_only=True))
    assert lists[0][0] == "Màu" and lists[2][:2] == ("do", "Đỏ, thắm")
    help_rows = [r for r in wb["Hướng dẫn"].iter_rows(values_only=True) if any(r)]
    assert ("Mã", "Có", "Mã trong danh mục — Màu (trang 'Danh mục')") == help_rows[3][:3]
    assert help_rows[-1][:3] == ("do", None, 3)


def test_export_writes_rows_dates_and_summary():
    rows = [
        {
            "code": "do",
            "tags": ["do", "xanh"],
            "n": 5,
            "day": datetime.date(2020, 1, 2),
            "extra": "x",
        }
    ]
    wb = load_workbook(S.write_workbook(SPEC, LOOKUPS, rows=rows, summary=[("Số mục", "1")]))
    line = next(wb["Dữ liệu"].iter_rows(min_row=2))
    assert [c.value for c in line][:4] == ["do", "do, xanh", 5, datetime.datetime(2020, 1, 2)]
    assert line[3].number_format == "DD/MM/YYYY"
    assert list(wb["Tổng hợp"].iter_rows(values_only=True)) == [("Số mục", "1")]


def test_zip_bomb_is_refused(db, monkeypatch):
    import zipfile

    monkeypatch.setattr(S.read, "UNPACK_FLOOR", 1024 * 1024)  # the real floor is 400 MB
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<" + "a" * (3 * 1024 * 1024) + "/>")
    out.seek(0)
    result = S.run_import(out, SPEC, LOOKUPS, Collect())
    assert [str(e) for e in result.errors] == [
        "Tệp Excel bị hỏng hoặc chứa dữ liệu bất thường khi giải nén."
    ]
