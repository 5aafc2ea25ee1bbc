"""The same report as a PDF: a real PDF with its serif font embedded, from the command line too."""

import datetime
import io

from django.core.management import call_command
from pypdf import PdfReader

from binhyen import factories
from binhyen.core.periods import parse_period
from binhyen.reports import render


def test_pdf_embeds_a_font_with_every_vietnamese_letter(tree, tmp_path):
    tree["tg"].province = factories.area("82", "legacy_province")
    tree["tg"].save()
    factories.activity(tree["cs3"], date=datetime.date(2022, 3, 1), sessions=648, attendances=17879)
    data = render.build_pdf(
        tree["mt"], parse_period("2022"), number="7", day=datetime.date(2022, 12, 20)
    )
    assert data.startswith(b"%PDF-")
    assert b"/FontFile2" in data  # TrueType embedded, not referenced
    assert all(render._has_vietnamese(p) for p in render.serif_fonts().values())
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Số: 7/BC-LĐLĐ" in text and "Tiền Giang, ngày 20 tháng 12 năm 2022" in text
    assert (
        "648" in text and "17.879" in text and "Nơi nhận:" in text and "TM. BAN THƯỜNG VỤ" in text
    )

    out = tmp_path / "mt.pdf"
    call_command(
        "export-report", "--unit", "TG-MT", "--period", "2022", "--format", "pdf", "--out", str(out)
    )
    assert out.read_bytes().startswith(b"%PDF-")


def test_pdf_fonts_fall_back_to_the_pypi_serif_without_debian_fonts(monkeypatch):
    from binhyen.reports import render

    monkeypatch.setattr(
        render, "SERIF_FONTS", [("/nonexistent/Serif-{}.ttf", ("R", "B", "I", "BI"))]
    )
    paths = render.serif_fonts()
    assert paths[""].endswith("SourceSerifPro-Regular.ttf")
    assert paths["B"].endswith("SourceSerifPro-Bold.ttf")
