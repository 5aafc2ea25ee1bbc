"""The appendix charts of the official document: bar charts of the figures by child unit,
drawn on the server and embedded in both the DOCX and the PDF."""

import datetime
import io

from docx import Document
from PIL import Image
from pypdf import PdfReader

from binhyen import factories
from binhyen.core.periods import parse_period
from binhyen.reports import render

D = datetime.date


def test_charts_of_the_child_units_in_the_docx_and_the_pdf(tree):
    factories.activity(tree["cs1"], date=D(2022, 3, 1), sessions=40, attendances=800)
    factories.activity(tree["cs2"], date=D(2022, 3, 1), sessions=25, attendances=500)
    period = parse_period("2022")
    c = render.content(tree["hcm"], period)
    assert c.charts == [
        (
            "Biểu đồ 1. Số buổi tuyên truyền theo đơn vị trực thuộc",
            [("Liên đoàn Lao động Quận 9", 40), ("Liên đoàn Lao động Thành phố Thủ Đức", 25)],
        )
    ]

    doc = Document(io.BytesIO(render.build(tree["hcm"], period)))
    pictures = [s for s in doc.inline_shapes]
    assert len(pictures) == 1 and round(pictures[0].width.cm) == 16
    blob = doc.part.related_parts[
        pictures[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    ].blob
    image = Image.open(io.BytesIO(blob))
    assert image.format == "PNG" and image.width == 1400 and image.height > 200
    # the chart comes after the appendix table
    body = doc.element.body
    tables = body.findall(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tbl")
    drawing = body.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}drawing")
    order = list(body.iter())
    assert order.index(drawing) > order.index(tables[-1])

    pdf = PdfReader(io.BytesIO(render.build_pdf(tree["hcm"], period)))
    last = pdf.pages[-1]
    assert any(name.startswith("/I") for name in last["/Resources"]["/XObject"])


def test_one_unit_or_none_gives_no_chart_and_many_units_are_summed_past_fifteen(tree):
    factories.activity(tree["cs1"], date=D(2022, 3, 1), sessions=40, attendances=800)
    assert render.content(tree["hcm"], parse_period("2022")).charts == []
    assert (
        len(Document(io.BytesIO(render.build(tree["hcm"], parse_period("2022")))).inline_shapes)
        == 0
    )

    data = {
        "rows": [
            {
                "unit": {"code": f"U{i}", "name": f"Đơn vị {i}"},
                "values": {
                    "activity.sessions[kind=tuyen_truyen]": 100 - i,
                    "groups.active[kind=nha_tro]": 0,
                },
            }
            for i in range(20)
        ],
        "total": {},
    }
    ((title, items),) = render._chart_series(data)
    assert len(items) == render.CHART_BARS + 1
    assert items[0] == ("Đơn vị 0", 100) and items[-1] == (
        "Các đơn vị khác (5 đơn vị)",
        sum(100 - i for i in range(15, 20)),
    )


def test_names_in_the_issuing_body_block_break_where_officers_break_them():
    assert (
        render.header_name("Tổng Liên đoàn Lao động Việt Nam")
        == "TỔNG LIÊN ĐOÀN LAO ĐỘNG\nVIỆT NAM"
    )
    assert (
        render.header_name("Liên đoàn Lao động tỉnh Tiền Giang")
        == "LIÊN ĐOÀN LAO ĐỘNG\nTỈNH TIỀN GIANG"
    )
    assert render.header_name("Liên đoàn Lao động Quận 9") == "LIÊN ĐOÀN LAO ĐỘNG QUẬN 9"


def test_the_closing_sentence_stays_with_the_signature(tree):
    from binhyen.reports import narrative

    factories.activity(tree["cs1"], date=D(2022, 3, 1), sessions=40, attendances=800)
    period = parse_period("2022")
    story = narrative.generate(tree["hcm"], period)
    for lines in range(
        0, 40
    ):  # whatever the length of the body, the page break falls before the closing
        intro = "Mở đầu. " * (12 * lines + 1)
        pdf = PdfReader(io.BytesIO(render.build_pdf(tree["hcm"], period, story=story, intro=intro)))
        pages = [page.extract_text() for page in pdf.pages[:-1]]  # the last page is the appendix
        closing = next(i for i, text in enumerate(pages) if "Trên đây là báo cáo" in text)
        assert "TM. BAN THƯỜNG VỤ" in pages[closing] and "Nơi nhận:" in pages[closing]
    doc = Document(io.BytesIO(render.build(tree["hcm"], period, story=story)))
    closing = next(p for p in doc.paragraphs if p.text.startswith("Trên đây là báo cáo"))
    assert closing.paragraph_format.keep_with_next
