"""The award decision as DOCX, read back with python-docx: the number, the header, the bases,
the three articles, the recipients, the signature and the annex's names."""

import datetime
import io

import pytest
from docx import Document

from binhyen import factories as f
from binhyen.emulation import decision_docx, services
from binhyen.emulation.models import RecipientKind
from binhyen.org.scoping import Role


@pytest.fixture
def decision(db):
    gt = f.group_tree()
    admin = f.user("hcm-admin", Role.ADMIN, gt["hcm"])
    movement = services.create_movement(
        admin,
        issuer=gt["hcm"],
        code="antq",
        name="Toàn dân bảo vệ an ninh Tổ quốc",
        start=datetime.date(2018, 1, 1),
    )
    common = dict(unit=gt["hcm"], year=2024, movement=movement, form="bang_khen_ldld")
    unit_award = services.propose_award(
        admin,
        recipient_kind=RecipientKind.UNIT,
        recipient_unit=gt["cs"],
        achievement="Tổ chức 6 buổi tuyên truyền pháp luật, không để xảy ra vụ việc.",
        **common,
    )
    person = services.propose_award(
        admin,
        recipient_kind=RecipientKind.PERSON,
        recipient_unit=gt["ward_union"],
        person_name="Trần Thị Hoa",
        person_position="Chủ tịch Công đoàn phường",
        achievement="Vận động 3 doanh nghiệp thành lập công đoàn cơ sở.",
        **common,
    )
    return services.issue_decision(
        admin,
        issuer=gt["hcm"],
        number=17,
        symbol="QĐ-LĐLĐ",
        date=datetime.date(2025, 1, 15),
        signer="Nguyễn Văn An",
        signer_title="Chủ tịch",
        summary="Về việc khen thưởng thành tích bảo vệ ANTQ năm 2024",
        proposals=[unit_award, person],
    )


def _read(decision):
    awards = decision.awards.select_related("form", "recipient_unit", "proposal__unit")
    doc = Document(io.BytesIO(decision_docx.build(decision, awards)))
    paragraphs = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return doc, paragraphs, cells


def test_the_decision_reads_back_with_number_articles_and_annex(decision):
    doc, paragraphs, cells = _read(decision)
    text = "\n".join(paragraphs + cells)
    # header: issuer block left, the nation's title right, the number and the date line
    issuer_block = " ".join(cells[0].split())
    assert issuer_block.startswith("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM")
    assert issuer_block.endswith("LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HỒ CHÍ MINH")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells[1]
    assert "Độc lập - Tự do - Hạnh phúc" in cells[1]
    assert "Số: 17/QĐ-LĐLĐ" in cells
    assert "ngày 15 tháng 01 năm 2025" in text
    assert "QUYẾT ĐỊNH" in paragraphs and "QUYẾT ĐỊNH:" in paragraphs
    assert any(p.startswith("Về việc khen thưởng thành tích bảo vệ ANTQ") for p in paragraphs)
    assert any(p.startswith("Căn cứ Luật Thi đua, khen thưởng") for p in paragraphs)
    assert "Xét đề nghị của Liên đoàn Lao động Thành phố Hồ Chí Minh." in paragraphs
    article1 = next(p for p in paragraphs if p.startswith("Điều 1."))
    assert "Bằng khen của Liên đoàn Lao động tỉnh, thành phố" in article1
    assert "1 tập thể và 1 cá nhân" in article1
    assert any(p.startswith("Điều 2.") for p in paragraphs)
    assert any(p.startswith("Điều 3.") and "thi hành" in p for p in paragraphs)
    assert "Nơi nhận:" in text and "- Như Điều 3;" in text
    assert "TM. BAN THƯỜNG VỤ" in text and "CHỦ TỊCH" in text and "Nguyễn Văn An" in text
    # the annex: collectives then individuals, each with unit and achievement
    annex = [t for t in doc.tables if t.rows[0].cells[0].text == "STT"]
    assert len(annex) == 2
    collective, individual = ([c.text for c in t.rows[1].cells] for t in annex)
    assert collective[:3] == ["1"] + ["Công đoàn cơ sở Công ty Giày Linh Xuân"] * 2
    assert individual[1] == "Trần Thị Hoa, Chủ tịch Công đoàn phường"
    assert individual[2] == "Công đoàn phường Linh Xuân"
    assert "Vận động 3 doanh nghiệp" in individual[3]
    assert "I. TẬP THỂ" in paragraphs and "II. CÁ NHÂN" in paragraphs
    assert "(Kèm theo Quyết định số 17/QĐ-LĐLĐ ngày 15/01/2025" in text


def test_a_decision_with_only_individuals_numbers_its_annex_from_one(decision):
    decision.awards.filter(recipient_kind=RecipientKind.UNIT).delete()
    _doc, paragraphs, _cells = _read(decision)
    assert "I. CÁ NHÂN" in paragraphs and "I. TẬP THỂ" not in paragraphs
    assert "1 cá nhân" in next(p for p in paragraphs if p.startswith("Điều 1."))
