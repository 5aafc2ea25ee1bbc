"""Fixtures of the activities tests: people at each level of the small tree, and spreadsheets
written the way a clerk's Excel would (plain openpyxl, not our own writer)."""

import datetime
import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from binhyen import factories as f
from binhyen.activities.excel import activity_spec
from binhyen.org.scoping import Role

with translation.override("vi"):
    HEADERS = [str(c.header) for c in activity_spec().input_columns]


@pytest.fixture
def people(tree):
    """An editor at Quận 9's grassroots union, an editor and a viewer at HCMC, an editor at
    Mỹ Tho (another province)."""
    return {
        "cs1_editor": f.user(role=Role.EDITOR, unit=tree["cs1"]),
        "hcm_editor": f.user(role=Role.EDITOR, unit=tree["hcm"]),
        "hcm_viewer": f.user(role=Role.VIEWER, unit=tree["hcm"]),
        "mt_editor": f.user(role=Role.EDITOR, unit=tree["mt"]),
    }


def row(**values):
    """One data row (header → value) with sensible defaults for Quận 9's grassroots union."""
    base = {
        "Mã đơn vị": "HCM-Q9-CS1",
        "Ngày": datetime.date(2020, 5, 12),
        "Đến ngày": None,
        "Loại hoạt động": "tuyen_truyen",
        "Tên hoạt động": "Tuyên truyền phòng, chống ma túy",
        "Chủ đề": "ma_tuy, tin_dung_den",
        "Đối tượng": "doan_vien",
        "Hình thức": "truc_tiep",
        "Số cuộc/buổi": 2,
        "Số lượt người": 120,
        "Số tờ rơi": None,
        "Địa điểm": "Nhà ăn",
        "Văn bản thực hiện": None,
        "Ghi chú": None,
    }
    base.update(values)
    return base


def xlsx(rows, headers=None, sheet="Dữ liệu", merge=None, extra=None):
    """The bytes of a workbook with `headers` (default: the template's) and `rows` (dicts by
    header, or lists), as a clerk's Excel saves it."""
    headers = HEADERS if headers is None else headers
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for r in rows:
        values = [r.get(h) for h in headers] if isinstance(r, dict) else list(r)
        ws.append(values)
        for i, v in enumerate(values, 1):
            if isinstance(v, datetime.date):
                ws.cell(ws.max_row, i).number_format = "DD/MM/YYYY"
    if extra:
        extra(ws)
    if merge:
        ws.merge_cells(merge)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "hoat-dong.xlsx"
    return out


def upload(data, name="hoat-dong.xlsx"):
    out = io.BytesIO(data)
    out.name = name
    return out
