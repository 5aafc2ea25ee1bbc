"""The report as an official DOCX or PDF (Nghị định 30/2020/NĐ-CP layout as union bodies use
it), and its figures as an XLSX workbook.

A4; margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman; the two-column
header (superior and issuing body, "Số:" on the left; national title and motto, place and
date on the right); document type and summary centred in bold; 14 pt justified body;
"Nơi nhận:" and the signature block side by side at the end; the figures by child unit in an
appendix on a page of its own, with bar charts of the main figures by child unit drawn on the
server (Pillow) and embedded as images in both the DOCX and the PDF.
"""

import functools
import io
import math
import os
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from binhyen.core import periods
from binhyen.core.spreadsheets import append_text_row
from binhyen.core.text import format_number
from binhyen.org.models import Unit
from binhyen.reporting.rollup import rollup

from . import narrative as narrative_mod

FONT = "Times New Roman"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
ROOT_BODY = "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"
APPENDIX_COLUMNS = [
    ("activity.sessions[kind=tuyen_truyen]", "Tuyên truyền (buổi)"),
    ("activity.attendances[kind=tuyen_truyen]", "Lượt người dự tuyên truyền"),
    ("activity.sessions[kind=hoi_nghi]", "Hội nghị (cuộc)"),
    ("activity.attendances[kind=hoi_nghi]", "Lượt người dự hội nghị"),
    ("groups.active[kind=nha_tro]", "Tổ tự quản nhà trọ (tổ)"),
    ("groups.members[kind=nha_tro]", "Thành viên (người)"),
]


def date_line(place, day):
    """ "Thành phố Hồ Chí Minh, ngày 05 tháng 02 năm 2024": day under 10 and month under 3
    take a leading zero, as the decree asks."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    if not place:  # a unit without a known province: the date alone, never ", ngày …"
        return f"Ngày {d} tháng {m} năm {day.year}"
    return f"{place}, ngày {d} tháng {m} năm {day.year}"


def place_of(unit):
    """The province the unit stands in (its own or its nearest ancestor's), without the
    "Tỉnh " prefix the decree's place line leaves out."""
    chain = [unit] + list(
        Unit.objects.filter(pk__in=unit.ancestor_ids[:-1])
        .select_related("province")
        .order_by("-depth")
    )
    for u in chain:
        if u.province_id:
            name = u.province.name
            return name[5:] if name.startswith("Tỉnh ") else name
    return ""


HEADER_BREAKS = (
    " VIỆT NAM",
    " THÀNH PHỐ ",
    " TỈNH ",
    " QUẬN ",
    " HUYỆN ",
    " THỊ XÃ ",
    " PHƯỜNG ",
    " XÃ ",
)
HEADER_LINE = 26  # capitals that fit on one line of the issuing-body block


def header_name(name):
    """A body's name in capitals for the issuing-body block, broken where officers break it
    ("LIÊN ĐOÀN LAO ĐỘNG" / "THÀNH PHỐ HỒ CHÍ MINH") when it would not fit on one line, so
    that a lone word never wraps onto a line of its own."""
    name = name.upper()
    if len(name) <= HEADER_LINE:
        return name
    for mark in HEADER_BREAKS:
        at = name.find(mark, 1)
        if at > 0:
            return name[:at] + "\n" + name[at + 1 :]
    return name


def _font(run, size=14, bold=False, italic=False):
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return run


def _para(
    container,
    text="",
    size=14,
    bold=False,
    italic=False,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    before=0,
    after=0,
    indent=None,
):
    p = container.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.0 if align == WD_ALIGN_PARAGRAPH.CENTER else 1.15
    if indent is not None:
        fmt.first_line_indent = indent
    if text:
        _font(p.add_run(text), size, bold, italic)
    return p


def _rule(container, width, line_cm):
    """The decree's short centred stroke under a block: an empty 2 pt paragraph whose bottom
    border is narrowed to `line_cm` by indents (a border, unlike underscores, never wraps)."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    side = max(Cm(0), int((width - Cm(line_cm)) / 2))
    fmt.left_indent, fmt.right_indent = side, side
    fmt.space_before, fmt.space_after = Pt(1), Pt(0)
    fmt.line_spacing = Pt(1)
    p.paragraph_format.keep_with_next = False
    mark = p._p.get_or_add_pPr()
    rpr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")  # a 1 pt paragraph mark, so the empty line is as thin as the stroke
    rpr.append(size)
    mark.append(rpr)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    p._p.get_or_add_pPr().append(border)
    return p


def _no_borders(table):
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _cell(table, row, col, width):
    cell = table.cell(row, col)
    cell.width = width
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return cell


@dataclass
class Content:
    """What both renderers print, in the decree's order."""

    superior: str
    issuer: str
    number_line: str
    date_line: str
    summary: str
    body: list  # ("heading" | "text", str)
    recipients: list
    signer: str
    appendix_title: str
    appendix_header: list
    appendix_rows: list  # [str, …] already formatted; the last one is the total
    charts: list = None  # [(title, [(unit name, value), …])], drawn in the appendix


def content(
    unit,
    period,
    *,
    story=None,
    number="",
    day=None,
    intro="",
    assessment="",
    shortcomings="",
    proposals="",
    recipients=("Như trên", "Ban Thường vụ (để b/c)", "Lưu: VT"),
    signer="",
    as_of=None,
    figures=None,
):
    """What the document says. `story` is the results section (the officer's text once
    annotated, else a draft written now); `figures`, in rollup() shape, are the figures as
    sent or approved, printed in the appendix instead of live ones."""
    day = day or periods.today()
    story = story or narrative_mod.generate(unit, period, as_of=as_of)
    with translation.override(settings.LANGUAGE_CODE):  # a Vietnamese document whoever downloads it
        label = period.in_sentence
    line = date_line(place_of(unit), day)
    if len(line) > 46:  # one line in the column, as federations write it: "TP. Hồ Chí Minh, ngày …"
        line = line.replace("Thành phố ", "TP. ", 1)
    body = [
        (
            "text",
            intro or f"{unit.name} báo cáo kết quả công tác phòng, chống tội phạm {label} như sau:",
        ),
        ("heading", "I. KẾT QUẢ THỰC HIỆN"),
    ]
    body += [
        ("heading", heading) if heading else ("text", text) for heading, text in story.paragraphs()
    ]
    numeral = iter(["II", "III", "IV"])
    for title, text in (
        ("ĐÁNH GIÁ CHUNG", assessment),
        ("TỒN TẠI, HẠN CHẾ", shortcomings),
        ("KIẾN NGHỊ, ĐỀ XUẤT", proposals),
    ):
        if text.strip():
            body.append(("heading", f"{next(numeral)}. {title}"))
            body += [("text", t.strip()) for t in text.strip().splitlines() if t.strip()]
    body.append(
        (
            "text",
            f"Trên đây là báo cáo kết quả công tác phòng, chống tội phạm {label} của {unit.name}./.",
        )
    )
    data = figures or rollup(
        unit,
        period,
        [key for key, _label in APPENDIX_COLUMNS],
        by="child",
        as_of=as_of,
        basis=narrative_mod.REPORT_BASIS,
    )
    rows = [
        [str(n), row["unit"]["name"]]
        + [format_number(row["values"].get(k) or 0) for k, _l in APPENDIX_COLUMNS]
        for n, row in enumerate(data["rows"], 1)
    ]
    rows.append(
        ["", "Tổng cộng"] + [format_number(data["total"].get(k) or 0) for k, _l in APPENDIX_COLUMNS]
    )
    return Content(
        superior=header_name(
            unit.parent.name if unit.parent_id and unit.parent.parent_id else ROOT_BODY
        ),
        issuer=header_name(unit.name),
        number_line=f"Số: {number or '       '}/BC-LĐLĐ",
        date_line=line,
        summary=f"Kết quả công tác phòng, chống tội phạm {label}",
        body=body,
        recipients=[
            f"- {r}{'.' if i == len(recipients) - 1 else ';'}" for i, r in enumerate(recipients)
        ],
        signer=signer,
        appendix_title=f"Số liệu theo đơn vị trực thuộc {unit.name}, {label}",
        appendix_header=["STT", "Đơn vị"] + [lbl for _k, lbl in APPENDIX_COLUMNS],
        appendix_rows=rows,
        charts=[
            (f"Biểu đồ {n}. {title} theo đơn vị trực thuộc", items)
            for n, (title, items) in enumerate(
                [(title, items) for title, items in _chart_series(data) if items], 1
            )
        ],
    )


CHARTS = [
    ("activity.sessions[kind=tuyen_truyen]", "Số buổi tuyên truyền"),
    ("groups.active[kind=nha_tro]", "Số tổ công nhân tự quản khu nhà trọ"),
]
CHART_BARS = 15  # the largest units; the rest are summed into one bar


def _chart_series(data):
    """[(title, [(name, value)…])] for each charted indicator with figures in two units or
    more (one bar says nothing a sentence does not): the largest first, the rest summed."""
    out = []
    for key, title in CHARTS:
        items = [(row["unit"]["name"], row["values"].get(key) or 0) for row in data["rows"]]
        items = sorted([i for i in items if i[1]], key=lambda i: -i[1])
        if len(items) < 2:
            continue
        if len(items) > CHART_BARS + 1:
            rest = items[CHART_BARS:]
            items = items[:CHART_BARS] + [
                (f"Các đơn vị khác ({len(rest)} đơn vị)", sum(v for _n, v in rest))
            ]
        out.append((title, items))
    return out


SHORT_NAMES = [
    ("Liên đoàn Lao động", "LĐLĐ"),
    ("Công đoàn cơ sở", "CĐCS"),
    ("Thành phố", "TP"),
    ("thành phố", "TP"),
    ("Khu chế xuất và công nghiệp", "KCX-KCN"),
    ("Công đoàn", "CĐ"),
]


def _short(name, limit=34):
    for long, short in SHORT_NAMES:
        name = name.replace(long, short)
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def chart_png(title, items, width=1400):
    """A horizontal bar chart as PNG bytes (see chart_image)."""
    out = io.BytesIO()
    chart_image(title, items, width).save(out, format="PNG", compress_level=1)
    return out.getvalue()


def chart_image(title, items, width=1400):
    """A horizontal bar chart drawn with Pillow in the document's serif font, in shades of
    grey (official reports are printed in black and white): one bar per unit with its value
    in Vietnamese figures, a light grid on round steps, the title above."""
    from PIL import Image, ImageDraw, ImageFont

    fonts = serif_fonts()
    scale = width / 1600
    regular = ImageFont.truetype(fonts[""], int(30 * scale))
    bold = ImageFont.truetype(fonts["B"], int(32 * scale))
    bar_h, gap = int(46 * scale), int(18 * scale)
    top, bottom = int(90 * scale), int(70 * scale)
    names = [_short(n) for n, _v in items]
    label_w = int(max(regular.getlength(n) for n in names)) + int(30 * scale)
    right = int(150 * scale)
    height = top + len(items) * (bar_h + gap) + bottom
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    draw.text((width / 2, int(24 * scale)), title, font=bold, fill=0, anchor="ma")
    biggest = max(v for _n, v in items) or 1
    step = _nice_step(biggest / 5)
    axis_max = step * -(-biggest // step)
    plot_w = width - label_w - right
    x0 = label_w
    y_end = top + len(items) * (bar_h + gap)
    tick = 0
    while tick <= axis_max:
        x = x0 + plot_w * tick / axis_max
        draw.line([(x, top - gap // 2), (x, y_end)], fill=215, width=max(1, int(2 * scale)))
        draw.text(
            (x, y_end + int(10 * scale)), format_number(tick), font=regular, fill=80, anchor="ma"
        )
        tick += step
    for i, ((_name, value), short) in enumerate(zip(items, names, strict=True)):
        y = top + i * (bar_h + gap)
        draw.text((x0 - int(14 * scale), y + bar_h / 2), short, font=regular, fill=0, anchor="rm")
        w = plot_w * value / axis_max
        draw.rectangle([x0, y, x0 + max(w, 1), y + bar_h], fill=90)
        draw.text(
            (x0 + w + int(10 * scale), y + bar_h / 2),
            format_number(value),
            font=regular,
            fill=0,
            anchor="lm",
        )
    draw.line([(x0, top - gap // 2), (x0, y_end)], fill=0, width=max(1, int(3 * scale)))
    return img


def _nice_step(raw):
    """1, 2 or 5 times a power of ten, at least `raw`."""
    if raw <= 1:
        return 1
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return int(m * power)
    return int(10 * power)


def build(unit, period, **kwargs):
    """The DOCX of `unit`'s report for `period` as bytes."""
    c = content(unit, period, **kwargs)
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)

    # ---- header: issuer block | national title block
    left_w, right_w = (
        Cm(7.5),
        Cm(10.0),
    )  # wider than the text block: the header may reach into the margins
    head = doc.add_table(rows=2, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    head.autofit = False
    head.columns[0].width, head.columns[1].width = left_w, right_w
    _no_borders(head)
    left = _cell(head, 0, 0, left_w)
    _para(left, c.superior, size=12)
    _para(left, c.issuer, size=12, bold=True)
    _rule(left, left_w, 2.5)
    right = _cell(head, 0, 1, right_w)
    _para(right, NATION, size=12, bold=True)
    _para(right, MOTTO, size=13, bold=True)
    _rule(right, right_w, 5.5)
    _para(_cell(head, 1, 0, left_w), c.number_line, size=13, before=6)
    _para(_cell(head, 1, 1, right_w), c.date_line, size=13, italic=True, before=6)

    # ---- type and summary, body
    _para(doc, "BÁO CÁO", size=14, bold=True, before=18)
    _para(doc, c.summary, size=14, bold=True)
    _rule(doc, Cm(16.5), 3.5)
    first = True
    for n, (kind, text) in enumerate(c.body, 1):
        p = _para(
            doc,
            text,
            size=14,
            bold=kind == "heading",
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            after=6,
            indent=Cm(1),
            before=12 if first else 0,
        )
        # the closing sentence stays on the page of the signature
        p.paragraph_format.keep_with_next = n == len(c.body)
        first = False

    # ---- recipients | signature
    foot = doc.add_table(rows=1, cols=2)
    foot.autofit = False
    foot.columns[0].width, foot.columns[1].width = Cm(8.0), Cm(8.5)
    _no_borders(foot)
    cant_split = OxmlElement("w:cantSplit")  # recipients and signature never split across pages
    foot.rows[0]._tr.get_or_add_trPr().append(cant_split)
    to = _cell(foot, 0, 0, Cm(8.0))
    _para(
        to, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=12
    )
    for r in c.recipients:
        _para(to, r, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    sign = _cell(foot, 0, 1, Cm(8.5))
    _para(sign, "TM. BAN THƯỜNG VỤ", size=14, bold=True, before=12)
    _para(sign, "CHỦ TỊCH", size=14, bold=True)
    _para(sign, "", size=14, after=60)
    _para(sign, c.signer, size=14, bold=True)

    _appendix(doc, c)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _appendix(doc, c):
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _para(doc, "PHỤ LỤC", size=14, bold=True)
    _para(doc, c.appendix_title, size=13, italic=True, after=8)
    table = doc.add_table(rows=1, cols=len(c.appendix_header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, text in enumerate(c.appendix_header):
        cell = table.rows[0].cells[i]
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(cell.paragraphs[0].add_run(text), 10, bold=True)
    for n, row in enumerate(c.appendix_rows, 1):
        _table_row(table, row, bold=n == len(c.appendix_rows))
    table.autofit = False
    widths = [Cm(1.2), Cm(4.5)] + [Cm(10.8 / len(APPENDIX_COLUMNS))] * len(APPENDIX_COLUMNS)
    # the header row is repeated on every page the table runs over
    row_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row_pr.append(header)
    for i, width in enumerate(widths):
        table.columns[i].width = width
        for cell in table.columns[i].cells:
            cell.width = width
    for title, items in c.charts or ():
        p = _para(doc, "", before=14, after=0)
        p.add_run().add_picture(io.BytesIO(chart_png(title, items)), width=Cm(16))


def _table_row(table, values, bold=False):
    cells = table.add_row().cells
    for i, text in enumerate(values):
        p = cells[i].paragraphs[0]
        p.alignment = (
            WD_ALIGN_PARAGRAPH.LEFT
            if i == 1
            else (WD_ALIGN_PARAGRAPH.CENTER if i == 0 else WD_ALIGN_PARAGRAPH.RIGHT)
        )
        _font(p.add_run(text), 10, bold=bold)


# ---------------------------------------------------------------- PDF

SERIF_FONTS = [
    # Liberation Serif is metric-compatible with Times New Roman: version 2 (Debian
    # fonts-liberation2) has every Vietnamese letter, version 1 (fonts-liberation) lacks the
    # stacked accents; DejaVu Serif (fonts-dejavu-core) is the fallback every Debian has
    (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-{}.ttf",
        ("Regular", "Bold", "Italic", "BoldItalic"),
    ),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSerif-{}.ttf",
        ("Regular", "Bold", "Italic", "BoldItalic"),
    ),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSerif{}.ttf", ("", "-Bold", "-Italic", "-BoldItalic")),
]


VIETNAMESE = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"


def _has_vietnamese(path):
    from fontTools.ttLib import TTFont

    cmap = TTFont(path, lazy=True).getBestCmap()
    return all(ord(ch) in cmap and ord(ch.upper()) in cmap for ch in VIETNAMESE)


def serif_fonts():
    """{"": path, "B": …, "I": …, "BI": …} of the first serif family with every style present
    and every Vietnamese letter (some builds of Liberation Serif lack the stacked accents).
    Checking the letters reads each font file: done once per list of candidates."""
    return dict(_serif_fonts(tuple((pattern, tuple(names)) for pattern, names in SERIF_FONTS)))


@functools.cache
def _serif_fonts(candidates):
    families = list(candidates)
    try:
        # Last resort on a machine without Debian's fonts: Source Serif Pro from PyPI. Its
        # italics lack Vietnamese letters, so the italic lines are set upright.
        import font_source_serif_pro

        folder = os.path.join(os.path.dirname(font_source_serif_pro.__file__), "files")
        families.append(
            (os.path.join(folder, "SourceSerifPro-{}.ttf"), ("Regular", "Bold", "Regular", "Bold"))
        )
    except ImportError:
        pass
    for pattern, names in families:
        paths = dict(zip(("", "B", "I", "BI"), (pattern.format(n) for n in names), strict=True))
        if all(os.path.exists(p) and _has_vietnamese(p) for p in paths.values()):
            return paths
    raise RuntimeError(
        "Không tìm thấy phông chữ có chân (Liberation Serif hoặc DejaVu Serif) để xuất PDF."
    )


# height of the recipients | signature block: the title lines, 25 mm left for the signature and
# the signer's name (the recipients beside it are shorter)
SIGNATURE_MM = 48


def build_pdf(unit, period, **kwargs):
    """The same report as a PDF (fpdf2, fonts embedded), bytes."""
    from fpdf import FPDF

    c = content(unit, period, **kwargs)
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    for style, path in serif_fonts().items():
        pdf.add_font("Serif", style, path)
    pdf.set_margins(30, 20, 15)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_title(f"Báo cáo {c.summary[0].lower()}{c.summary[1:]}")
    pdf.set_author(unit.name)
    pdf.add_page()
    pt = 25.4 / 72  # mm per point
    left_x, left_w, right_x, right_w = 27.5, 75.0, 102.5, 100.0

    def block(x, w, text, size, style="", align="C", y=None):
        if y is not None:
            pdf.set_y(y)
        pdf.set_x(x)
        pdf.set_font("Serif", style, size)
        pdf.multi_cell(w, size * pt * 1.2, text, align=align, new_x="LMARGIN", new_y="NEXT")
        return pdf.get_y()

    def rule(x, w, length, y):
        pdf.set_line_width(0.3)
        pdf.line(x + (w - length) / 2, y + 0.6, x + (w + length) / 2, y + 0.6)

    top = pdf.get_y()
    # DejaVu Serif runs wider than Times: the header's upper-case lines one point smaller
    y = block(left_x, left_w, c.superior, 11, y=top)
    y = block(left_x, left_w, c.issuer, 11, "B")
    rule(left_x, left_w, 25, y)
    y_left = block(left_x, left_w, c.number_line, 13, y=y + 3)
    y = block(right_x, right_w, NATION, 11, "B", y=top)
    y = block(right_x, right_w, MOTTO, 13, "B")
    rule(right_x, right_w, 55, y)
    y_right = block(right_x, right_w, c.date_line, 13, "I", y=y + 3)
    y = max(y_left, y_right) + 6
    block(30, 165, "BÁO CÁO", 14, "B", y=y)
    y = block(30, 165, c.summary, 14, "B")
    rule(30, 165, 35, y)
    pdf.set_y(y + 5)

    # justified paragraphs with a first-line indent of 1 cm and 6 pt after, as the DOCX has
    def paragraphs(items):
        with pdf.text_columns(text_align="J", line_height=1.2, l_margin=30, r_margin=15) as columns:
            for kind, text in items:
                pdf.set_font("Serif", "B" if kind == "heading" else "", 14)
                with columns.paragraph(first_line_indent=10, bottom_margin=6 * pt) as paragraph:
                    paragraph.write(text)

    paragraphs(c.body[:-1])
    # the closing sentence, the recipients and the signature stay together on one page
    pdf.set_font("Serif", "", 14)
    closing = (
        pdf.multi_cell(155, 14 * pt * 1.2, c.body[-1][1], dry_run=True, output="HEIGHT") + 6 * pt
    )
    if pdf.get_y() + closing + SIGNATURE_MM > 297 - 20:
        pdf.add_page()
    paragraphs(c.body[-1:])
    y = pdf.get_y() + 4
    block(30, 80, "Nơi nhận:", 12, "BI", align="L", y=y)
    for r in c.recipients:
        block(30, 80, r, 11, align="L")
    block(110, 85, "TM. BAN THƯỜNG VỤ", 14, "B", y=y)
    y_sign = block(110, 85, "CHỦ TỊCH", 14, "B")
    if c.signer:
        block(110, 85, c.signer, 14, "B", y=y_sign + 25)

    pdf.add_page()
    block(30, 165, "PHỤ LỤC", 14, "B")
    block(30, 165, c.appendix_title, 13, "I")
    pdf.ln(3)
    pdf.set_font("Serif", "", 10)
    widths = [12, 45] + [108 / len(APPENDIX_COLUMNS)] * len(APPENDIX_COLUMNS)
    with pdf.table(
        col_widths=widths,
        text_align=["CENTER", "LEFT"] + ["RIGHT"] * len(APPENDIX_COLUMNS),
        line_height=4.6,
        first_row_as_headings=True,
    ) as table:
        from fpdf.fonts import FontFace

        table.row(c.appendix_header)
        for n, row in enumerate(c.appendix_rows, 1):
            cells = table.row()
            for text in row:  # the total in bold, as in the DOCX
                cells.cell(
                    text, style=FontFace(emphasis="BOLD") if n == len(c.appendix_rows) else None
                )
    for title, items in c.charts or ():
        image = chart_image(title, items)
        height = 160 * image.height / image.width
        if pdf.get_y() + 6 + height > 297 - 20:
            pdf.add_page()
        pdf.ln(6)
        pdf.image(image, x=32.5, w=160)
    return bytes(pdf.output())


# ---------------------------------------------------------------- XLSX

MONTHLY_COLUMNS = [(key, label) for key, label in APPENDIX_COLUMNS if key.startswith("activity.")]


def build_xlsx(unit, period, as_of=None):
    """The figures by child unit and by month; totals are SUM formulas over the rows shown,
    so they equal the rollup's totals (the columns are additive indicators only)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    keys = [k for k, _l in APPENDIX_COLUMNS]
    basis = narrative_mod.REPORT_BASIS
    by_child = rollup(unit, period, keys, by="child", as_of=as_of, basis=basis)
    by_month = rollup(
        unit, period, [k for k, _l in MONTHLY_COLUMNS], by="month", as_of=as_of, basis=basis
    )
    wb = Workbook()
    bold = Font(bold=True)

    def sheet(ws, head, rows, first_value_col, columns):
        append_text_row(ws, head)
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        for row in rows:
            append_text_row(ws, row)  # unit codes and names are typed by people: never formulas
        last = ws.max_row
        total = [""] * (first_value_col - 2) + ["Tổng cộng"]
        for i in range(len(columns)):
            col = get_column_letter(first_value_col + i)
            total.append(f"=SUM({col}2:{col}{last})" if last >= 2 else 0)
        ws.append(total)
        for cell in ws[ws.max_row]:
            cell.font = bold
        for row in ws.iter_rows(min_row=2, min_col=first_value_col):
            for cell in row:
                cell.number_format = "#,##0"
        ws.freeze_panes = ws.cell(row=2, column=first_value_col)
        ws.row_dimensions[1].height = 45
        for i in range(first_value_col, first_value_col + len(columns)):
            ws.column_dimensions[get_column_letter(i)].width = 14

    ws = wb.active
    ws.title = "Theo đơn vị"
    sheet(
        ws,
        ["STT", "Mã đơn vị", "Đơn vị"] + [label for _k, label in APPENDIX_COLUMNS],
        [
            [n, row["unit"]["code"], row["unit"]["name"]]
            + [row["values"].get(k) or 0 for k in keys]
            for n, row in enumerate(by_child["rows"], 1)
        ],
        4,
        APPENDIX_COLUMNS,
    )
    ws.column_dimensions["C"].width = 48
    ws.column_dimensions["B"].width = 16
    wm = wb.create_sheet("Theo tháng")
    sheet(
        wm,
        ["Tháng"] + [label for _k, label in MONTHLY_COLUMNS],
        [
            [f"{row['month'][5:]}/{row['month'][:4]}"]
            + [row["values"].get(k) or 0 for k, _l in MONTHLY_COLUMNS]
            for row in by_month["rows"]
        ],
        2,
        MONTHLY_COLUMNS,
    )
    wm.column_dimensions["A"].width = 12
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
