"""The rapid report (báo cáo nhanh): the DOCX a grassroots union sends up within the kind's
hours — the official header, what happened where and when, how many workers and their share
of the workforce, their demands, what the union did, on one page — and its download, which
stops the rapid-report clock when someone who records for the unit makes it."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document
from docx.shared import Mm
from PIL import ImageFont

from binhyen import factories as f
from binhyen.incidents import rapid
from binhyen.incidents.models import ActionKind, Incident

from .test_pages import as_, build_world

SERIF = "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"
SERIF_BOLD = "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


def stoppage(w, **file):
    file = {
        "workers_involved": 1500,
        "causes": ["tien_luong", "bua_an"],
        "demands": "Tăng lương cơ bản 8%; nâng giá trị bữa ăn ca lên 30.000 đồng.",
        "representative": "Ban chấp hành công đoàn cơ sở",
        "dialogue_held": True,
        "union_role": "Ban chấp hành có mặt từ 7 giờ, vận động công nhân giữ trật tự.",
        "authorities": "Công an phường Linh Xuân, Phòng Kinh tế",
        **file,
    }
    return f.incident(
        w["cs"],
        "ngung_viec",
        actor=w["cs_editor"],
        enterprise=w["firm"],
        title="Ngừng việc đòi tăng lương",
        summary="Khoảng 7 giờ sáng, công nhân ca 1 tập trung trước cổng, không vào xưởng.",
        started_at=timezone.make_aware(datetime.datetime(2025, 3, 5, 7, 30)),
        stoppage=file,
    )


def texts(data):
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    return doc, "\n".join(parts)


def test_the_report_says_what_where_how_many_demands_and_what_the_union_did(world):
    case = stoppage(world)
    _doc, text = texts(rapid.build(case, day=datetime.date(2025, 3, 5)))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "CÔNG ĐOÀN CƠ SỞ CÔNG TY GIÀY LINH XUÂN",  # the issuing union
        "CÔNG ĐOÀN PHƯỜNG LINH XUÂN",  # its superior
        "/BC-CĐCS",
        "TP. Hồ Chí Minh, ngày 05 tháng 3 năm 2025",
        "BÁO CÁO NHANH",
        "Vụ ngừng việc tập thể tại Công ty TNHH Giày Đông Á",
        "Vào hồi 07 giờ 30 ngày 05/03/2025",
        "mã số thuế",
        "2.400 lao động",
        "1.500 người lao động ngừng việc, chiếm 62,5% tổng số 2.400 lao động",
        "không theo trình tự đình công",
        "tiền lương, bữa ăn ca",
        "Tăng lương cơ bản 8%",
        "Đã tổ chức đối thoại",
        "vận động công nhân giữ trật tự",
        "Công an phường Linh Xuân, Phòng Kinh tế",
        "Kiến nghị, đề xuất",
        "Nơi nhận:",
        "Ban Thường vụ Công đoàn phường Linh Xuân (để b/c)",
        "TM. BAN CHẤP HÀNH",
        "CHỦ TỊCH",
    ):
        assert expected in text, expected


def _height_mm(doc):
    """The height the document's text takes, laid out with Times' metric twin (Liberation
    Serif): each paragraph wrapped at its width, single spacing at 1.15 em per line."""
    section = doc.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    total = 0.0

    def lay(paragraph, avail):
        nonlocal total
        runs = paragraph.runs
        size = (runs[0].font.size.pt if runs and runs[0].font.size else 13) if runs else 13
        bold = bool(runs and runs[0].font.bold)
        font = ImageFont.truetype(SERIF_BOLD if bold else SERIF, int(size * 10))
        fmt = paragraph.paragraph_format
        indent = (fmt.first_line_indent or 0) / 36000 / 25.4 * 720  # EMU → 1/10 pt
        avail_pt10 = avail / 12700 * 10
        lines, line = 1, indent
        for word in paragraph.text.split(" "):
            w = font.getlength(word + " ")
            if line + w > avail_pt10 and line > indent:
                lines, line = lines + 1, 0
            line += w
        before = fmt.space_before.pt if fmt.space_before is not None else 0
        after = fmt.space_after.pt if fmt.space_after is not None else 0
        total += (lines * size * 1.15 + before + after) * 0.3528  # pt → mm

    for p in doc.paragraphs:
        lay(p, width)
    for table in doc.tables:
        heights = []
        for row in table.rows:
            row_heights = []
            for cell in row.cells:
                before = total
                for p in cell.paragraphs:
                    lay(p, cell.width or width / 2)
                row_heights.append(total - before)
                total = before
            heights.append(max(row_heights))
        total += sum(heights)
    return total


def test_the_longest_report_still_fits_one_page(world):
    long = "Công nhân phản ánh việc chậm trả lương và cắt giảm phụ cấp chuyên cần. " * 30
    case = stoppage(world, demands=long, union_role=long, causes_other=long[:500])
    Incident.objects.filter(pk=case.pk).update(summary=long)
    case = Incident.objects.select_related("unit__kind", "enterprise__ward").get(pk=case.pk)
    doc, text = texts(rapid.build(case))
    assert "…" in text  # the long texts were cut
    section = doc.sections[0]
    usable = (section.page_height - section.top_margin - section.bottom_margin) / Mm(1)
    assert _height_mm(doc) < usable - 8  # a margin for the estimate


def test_download_stops_the_clock_for_the_unit_only(world):
    case = stoppage(world)
    case = Incident.objects.get(pk=case.pk)
    province = as_(world["province"])
    response = province.get(f"/vu-viec/{case.pk}/bao-cao-nhanh.docx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'bao-cao-nhanh-{case.code}.docx"')
    _doc, text = texts(response.content)
    assert "BÁO CÁO NHANH" in text
    case.refresh_from_db()
    assert case.rapid_reported_at is None  # the province read it; the unit has not made it
    as_(world["cs_editor"]).get(f"/vu-viec/{case.pk}/bao-cao-nhanh.docx")
    case.refresh_from_db()
    assert case.rapid_reported_at is not None
    assert case.actions.filter(kind=ActionKind.RAPID).count() == 1
    as_(world["cs_editor"]).get(f"/vu-viec/{case.pk}/bao-cao-nhanh.docx")
    assert case.actions.filter(kind=ActionKind.RAPID).count() == 1
    assert as_(world["mytho"]).get(f"/vu-viec/{case.pk}/bao-cao-nhanh.docx").status_code == 404


def test_a_crime_report_and_a_kind_without_one(world):
    case = f.incident(world["cs"], "toi_pham", actor=world["cs_editor"], title="Cướp giật")
    _doc, text = texts(rapid.build(case))
    assert "BÁO CÁO NHANH" in text and "Cướp giật" in text and "Phường Linh Xuân" in text
    loans = f.incident(world["cs"], "tin_dung_den", actor=world["cs_editor"], title="Tín dụng đen")
    assert as_(world["cs_editor"]).get(f"/vu-viec/{loans.pk}/bao-cao-nhanh.docx").status_code == 404
