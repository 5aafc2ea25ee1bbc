"""The report as an official DOCX: Nghị định 30/2020/NĐ-CP layout as union bodies use it.

A4; margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman; the two-column
header (superior and issuing body, "Số:" on the left; national title and motto, place and
date on the right); document type and summary centred in bold; 14 pt justified body;
"Nơi nhận:" and the signature block side by side at the end; the figures by child unit in an
appendix on a page of its own.
"""

import datetime
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from binhyen.text import format_number

from . import narrative as narrative_mod
from .rollup import rollup

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
    """"Thành phố Hồ Chí Minh, ngày 05 tháng 02 năm 2024": day under 10 and month under 3
    take a leading zero, as the decree asks."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {d} tháng {m} năm {day.year}"


def place_of(unit):
    """The province the unit stands in (its own or its nearest ancestor's), without the
    "Tỉnh " prefix the decree's place line leaves out."""
    from binhyen.org.models import Unit

    chain = [unit] + list(Unit.objects.filter(pk__in=unit.ancestor_ids[:-1]).select_related("province")
                          .order_by("-depth"))
    for u in chain:
        if u.province_id:
            name = u.province.name
            return name[5:] if name.startswith("Tỉnh ") else name
    return ""


def _font(run, size=14, bold=False, italic=False):
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return run


def _para(container, text="", size=14, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER,
          before=0, after=0, indent=None):
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


def build(unit, period, *, story=None, number="", day=None, intro="", assessment="", shortcomings="",
          proposals="", recipients=("Như trên", "Ban Thường vụ (để b/c)", "Lưu: VT"), signer="",
          as_of=None):
    """The DOCX of `unit`'s report for `period` as bytes."""
    day = day or datetime.date.today()
    story = story or narrative_mod.generate(unit, period, as_of=as_of)
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
    left_w, right_w = Cm(7.5), Cm(10.0)  # wider than the text block: the header may reach into the margins
    head = doc.add_table(rows=2, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    head.autofit = False
    head.columns[0].width, head.columns[1].width = left_w, right_w
    _no_borders(head)
    superior = unit.parent.name.upper() if unit.parent_id and unit.parent.parent_id else ROOT_BODY
    left = _cell(head, 0, 0, left_w)
    _para(left, superior, size=12)
    _para(left, unit.name.upper(), size=12, bold=True)
    _rule(left, left_w, 2.5)
    right = _cell(head, 0, 1, right_w)
    _para(right, NATION, size=12, bold=True)
    _para(right, MOTTO, size=13, bold=True)
    _rule(right, right_w, 5.5)
    number_cell = _cell(head, 1, 0, left_w)
    _para(number_cell, f"Số: {number or '       '}/BC-LĐLĐ", size=13, before=6)
    date_cell = _cell(head, 1, 1, right_w)
    line = date_line(place_of(unit), day)
    if len(line) > 46:  # one line in the column, as federations write it: "TP. Hồ Chí Minh, ngày …"
        line = line.replace("Thành phố ", "TP. ", 1)
    _para(date_cell, line, size=13, italic=True, before=6)

    # ---- type and summary
    _para(doc, "BÁO CÁO", size=14, bold=True, before=18)
    _para(doc, f"Kết quả công tác phòng, chống tội phạm {str(period.label).lower()}", size=14, bold=True)
    _rule(doc, Cm(16.5), 3.5)
    body = dict(size=14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, indent=Cm(1))
    _para(doc, intro or (f"{unit.name} báo cáo kết quả công tác phòng, chống tội phạm "
                         f"{str(period.label).lower()} như sau:"), before=12, **body)

    # ---- body: results from the narrative, then what only a person writes
    _para(doc, "I. KẾT QUẢ THỰC HIỆN", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, indent=Cm(1))
    for heading, text in story.paragraphs():
        if heading:
            _para(doc, heading, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, indent=Cm(1))
        else:
            _para(doc, text, **body)
    numeral = iter(["II", "III", "IV"])
    for title, text in (("ĐÁNH GIÁ CHUNG", assessment), ("TỒN TẠI, HẠN CHẾ", shortcomings),
                        ("KIẾN NGHỊ, ĐỀ XUẤT", proposals)):
        if text.strip():
            _para(doc, f"{next(numeral)}. {title}", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                  after=6, indent=Cm(1))
            for line in text.strip().splitlines():
                if line.strip():
                    _para(doc, line.strip(), **body)
    _para(doc, f"Trên đây là báo cáo kết quả công tác phòng, chống tội phạm {str(period.label).lower()} "
               f"của {unit.name}./.", **body)

    # ---- recipients | signature
    foot = doc.add_table(rows=1, cols=2)
    foot.autofit = False
    foot.columns[0].width, foot.columns[1].width = Cm(8.0), Cm(8.5)
    _no_borders(foot)
    to = _cell(foot, 0, 0, Cm(8.0))
    _para(to, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=12)
    for i, r in enumerate(recipients):
        _para(to, f"- {r}{'.' if i == len(recipients) - 1 else ';'}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    sign = _cell(foot, 0, 1, Cm(8.5))
    _para(sign, "TM. BAN THƯỜNG VỤ", size=14, bold=True, before=12)
    _para(sign, "CHỦ TỊCH", size=14, bold=True)
    _para(sign, "", size=14, after=60)
    _para(sign, signer, size=14, bold=True)

    # ---- appendix: figures by child unit
    _appendix(doc, unit, period, as_of or _as_of(unit))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _as_of(unit):
    return unit.valid_to if unit.valid_to and unit.valid_to < datetime.date.today() else None


def _appendix(doc, unit, period, as_of):
    data = rollup(unit, period, [key for key, _label in APPENDIX_COLUMNS], by="child", as_of=as_of)
    brk = doc.add_paragraph().add_run()
    brk.add_break(WD_BREAK.PAGE)
    _para(doc, "PHỤ LỤC", size=14, bold=True)
    _para(doc, f"Số liệu theo đơn vị trực thuộc {unit.name}, {str(period.label).lower()}", size=13, italic=True, after=8)
    table = doc.add_table(rows=1, cols=len(APPENDIX_COLUMNS) + 2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, text in enumerate(["STT", "Đơn vị"] + [label for _k, label in APPENDIX_COLUMNS]):
        cell = table.rows[0].cells[i]
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(cell.paragraphs[0].add_run(text), 10, bold=True)
    for n, row in enumerate(data["rows"], 1):
        _table_row(table, str(n), row["unit"]["name"], [row["values"].get(k) for k, _l in APPENDIX_COLUMNS])
    _table_row(table, "", "Tổng cộng", [data["total"].get(k) for k, _l in APPENDIX_COLUMNS], bold=True)
    table.autofit = False
    widths = [Cm(1.2), Cm(5.1)] + [Cm(10.2 / len(APPENDIX_COLUMNS))] * len(APPENDIX_COLUMNS)
    for i, width in enumerate(widths):
        table.columns[i].width = width
        for cell in table.columns[i].cells:
            cell.width = width


def _table_row(table, n, name, values, bold=False):
    cells = table.add_row().cells
    for i, text in enumerate([n, name] + [format_number(v or 0) for v in values]):
        p = cells[i].paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if i == 1 else (
            WD_ALIGN_PARAGRAPH.CENTER if i == 0 else WD_ALIGN_PARAGRAPH.RIGHT)
        _font(p.add_run(text), 10, bold=bold)
