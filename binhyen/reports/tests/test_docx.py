"""The report DOCX, opened with python-docx: the decree's header, date line, recipients, signature."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from binhyen import factories
from binhyen.core.periods import parse_period
from binhyen.org.models import Area
from binhyen.reports import render

D = datetime.date


def open_docx(data):
    return Document(io.BytesIO(data))


def cell_lines(cell):
    return [p.text for p in cell.paragraphs if p.text]


def test_the_official_layout(tree):
    hcm = tree["hcm"]
    hcm.province = Area.objects.get(level="province", code="79")
    hcm.save()
    factories.activity(tree["cs1"], date=D(2023, 3, 1), sessions=3807, attendances=840528)
    doc = open_docx(render.build(hcm, parse_period("2023"), number="12", day=D(2023, 12, 15)))

    section = doc.sections[0]
    mm = [
        round(x.mm)
        for x in (
            section.page_width,
            section.page_height,
            section.left_margin,
            section.right_margin,
            section.top_margin,
            section.bottom_margin,
        )
    ]
    assert mm == [210, 297, 30, 15, 20, 20]
    head = doc.tables[0]
    # long names break where officers break them, never leaving one word on a line
    assert cell_lines(head.cell(0, 0)) == [
        "TỔNG LIÊN ĐOÀN LAO ĐỘNG\nVIỆT NAM",
        "LIÊN ĐOÀN LAO ĐỘNG\nTHÀNH PHỐ HỒ CHÍ MINH",
    ]
    assert head.cell(0, 0).paragraphs[1].runs[0].bold
    assert cell_lines(head.cell(0, 1)) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert cell_lines(head.cell(1, 0)) == ["Số: 12/BC-LĐLĐ"]
    date_par = head.cell(1, 1).paragraphs[0]
    assert date_par.text == "TP. Hồ Chí Minh, ngày 15 tháng 12 năm 2023"
    assert date_par.runs[0].italic

    texts = [p.text for p in doc.paragraphs]
    assert texts[0:2] == ["BÁO CÁO", "Kết quả công tác phòng, chống tội phạm năm 2023"]
    assert any("3.807" in t and "840.528" in t for t in texts)
    body = next(p for p in doc.paragraphs if "3.807" in p.text)
    assert (
        body.alignment == 3
        and body.runs[0].font.size.pt == 14
        and body.runs[0].font.name == "Times New Roman"
    )

    foot = doc.tables[1]
    assert cell_lines(foot.cell(0, 0))[0] == "Nơi nhận:"
    assert cell_lines(foot.cell(0, 1))[:2] == ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"]
    appendix = doc.tables[2]
    assert appendix.rows[-1].cells[1].text == "Tổng cộng"
    assert appendix.rows[-1].cells[2].text == "3.807"


def test_date_line_pads_small_days_and_months():
    assert render.date_line("Tiền Giang", D(2024, 2, 5)) == "Tiền Giang, ngày 05 tháng 02 năm 2024"
    assert render.date_line("Tiền Giang", D(2024, 11, 9)) == "Tiền Giang, ngày 09 tháng 11 năm 2024"
    assert render.date_line("", D(2024, 11, 19)) == "Ngày 19 tháng 11 năm 2024"  # no province known


def test_export_command_writes_the_file(tree, tmp_path):
    factories.activity(tree["cs3"], date=D(2022, 3, 1), sessions=648, attendances=17879)
    out = tmp_path / "mt.docx"
    call_command(
        "export-report", "--unit", "TG-MT", "--period", "2021-08-16..2022-08-15", "--out", str(out)
    )
    doc = Document(str(out))
    assert cell_lines(doc.tables[0].cell(0, 0)) == [
        "LIÊN ĐOÀN LAO ĐỘNG\nTỈNH TIỀN GIANG",
        "LIÊN ĐOÀN LAO ĐỘNG\nTHÀNH PHỐ MỸ THO",
    ]
    assert any("648" in p.text and "17.879" in p.text for p in doc.paragraphs)
    with pytest.raises(CommandError, match="Không có đơn vị"):
        call_command("export-report", "--unit", "NOPE", "--period", "2022", "--out", str(out))
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("export-report", "--unit", "TG-MT", "--period", "2022Q5", "--out", str(out))
