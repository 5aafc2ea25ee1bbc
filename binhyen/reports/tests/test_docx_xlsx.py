"""The figures as XLSX: by child unit and by month, totals as SUM formulas equal to the rollup."""

import datetime
import io
import re

from django.core.management import call_command
from openpyxl import load_workbook

from binhyen import factories
from binhyen.core.periods import parse_period
from binhyen.reporting.rollup import rollup
from binhyen.reports import render

D = datetime.date


def formula_sum(ws, formula):
    col, first, last = re.fullmatch(r"=SUM\(([A-Z]+)(\d+):\1(\d+)\)", formula).groups()
    return sum(ws[f"{col}{r}"].value for r in range(int(first), int(last) + 1))


def test_totals_are_formulas_that_equal_the_rollup(tree, tmp_path):
    factories.activity(tree["cs1"], date=D(2022, 3, 1), sessions=3807, attendances=840528)
    factories.activity(tree["cs2"], date=D(2022, 7, 9), sessions=5, attendances=75)
    factories.activity(
        tree["cs2"], date=D(2022, 7, 20), kind="hoi_nghi", sessions=2, attendances=300
    )
    period = parse_period("2022")
    wb = load_workbook(io.BytesIO(render.build_xlsx(tree["hcm"], period)))
    totals = rollup(tree["hcm"], period, [k for k, _l in render.APPENDIX_COLUMNS], by="none")[
        "total"
    ]

    units = wb["Theo đơn vị"]
    assert units.freeze_panes == "D2"
    assert [units.cell(row=r, column=3).value for r in range(2, units.max_row)] == [
        "Liên đoàn Lao động Quận 9",
        "Liên đoàn Lao động Thành phố Thủ Đức",
    ]
    total_row = units[units.max_row]
    assert total_row[2].value == "Tổng cộng"
    for i, (key, _label) in enumerate(render.APPENDIX_COLUMNS):
        assert formula_sum(units, total_row[3 + i].value) == totals[key]
    assert units["D2"].number_format == "#,##0"

    months = wb["Theo tháng"]
    assert months["A2"].value == "01/2022" and months.max_row == 14
    assert months.cell(row=8, column=2).value == 5  # July's outreach sessions
    assert (
        formula_sum(months, months["B14"].value)
        == 3812
        == totals["activity.sessions[kind=tuyen_truyen]"]
    )

    out = tmp_path / "hcm.xlsx"
    call_command(
        "export-report", "--unit", "HCM", "--period", "2022", "--format", "xlsx", "--out", str(out)
    )
    assert load_workbook(out).sheetnames == ["Theo đơn vị", "Theo tháng"]
