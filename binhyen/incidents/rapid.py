"""The rapid report (báo cáo nhanh) of a case: a one-page DOCX in the official layout
(Nghị định 30/2020/NĐ-CP as the Tổng Liên đoàn applies it), sent up the union within the
kind's hours of the start.

A4 portrait, margins 20/20/30/15 mm, Times New Roman; the two-column header (superior and
issuing union, "Số: …/BC-…" on the left; the national title and motto, place and date on the
right); "BÁO CÁO NHANH" and what it is about, centred in bold; then what happened, where and
when, how many workers (and their share of the workforce), their demands, what the union did,
where things stand, and the union's proposals; recipients and the signature block side by
side. Free texts are cut to a length that keeps the whole on one page.

The document is Vietnamese whoever downloads it (an official paper has one language). The
reports app's renderer draws the periodic report the same way; it sits above this app, so the
few layout helpers are kept here too.
"""

import io

from django.utils import timezone, translation
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from binhyen.core import periods
from binhyen.core.text import fold, format_number
from binhyen.groups.services import unit_province

from .models import ActionKind, Outcome

FONT = "Times New Roman"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
ROOT_BODY = "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"
BODY_PT = 13
# the longest a free text may run in the body (characters) before it is cut with "…"
LIMITS = {"summary": 340, "demands": 220, "union_role": 240, "steps": 360, "causes": 120}
HEADER_BREAKS = (" VIỆT NAM", " THÀNH PHỐ ", " TỈNH ", " QUẬN ", " HUYỆN ", " PHƯỜNG ", " XÃ ")
HEADER_LINE = 30


# ---------------------------------------------------------------- what it says


def _cut(text, limit):
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def header_name(name):
    """A body's name in capitals, broken where officers break it when it is too long."""
    name = name.upper()
    if len(name) <= HEADER_LINE:
        return name
    for mark in HEADER_BREAKS:
        at = name.find(mark, 1)
        if at > 0:
            return name[:at] + "\n" + name[at + 1 :]
    return name


def date_line(place, day):
    """ "TP. Hồ Chí Minh, ngày 05 tháng 02 năm 2025" (a leading zero under 10 and month 3)."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    if not place:
        return f"Ngày {d} tháng {m} năm {day.year}"
    return f"{place}, ngày {d} tháng {m} năm {day.year}"


def place_name(unit):
    province = unit_province(unit)
    if province is None:
        return ""
    name = province.name
    name = name[5:] if name.startswith("Tỉnh ") else name
    return name.replace("Thành phố ", "TP. ", 1)


def _when(moment):
    local = timezone.localtime(moment)
    return f"{local:%H} giờ {local:%M} ngày {local:%d/%m/%Y}"


def _enterprise_facts(e):
    parts = [f"mã số thuế {e.tax_code}"]
    if e.address:
        parts.append(f"địa chỉ {e.address}")
    if fold(e.ward.name) not in fold(e.address):  # the address may name its ward already
        parts.append(e.ward.name)
    name = e.ownership.name  # "Doanh nghiệp … (FDI)": only the first letter goes lower case
    kind = name[:1].lower() + name[1:]
    if e.investor_country:
        kind += f", nhà đầu tư {e.get_investor_country_display()}"
    parts.append(kind)
    if e.industry_id:
        parts.append(f"ngành {e.industry.name.lower()}")
    parts.append(f"{format_number(e.workforce)} lao động")
    parts.append(f"công đoàn cơ sở: {e.union.name}" if e.union_id else "chưa có tổ chức công đoàn")
    return "; ".join(parts)


def _union_steps(incident):
    """What the union did, from the timeline's notes (the newest last)."""
    steps = [
        f"{timezone.localtime(a.at):%d/%m} {a.what}"
        for a in incident.actions.all()
        if a.kind in (ActionKind.NOTE, ActionKind.UNIT) and a.what != "Tiếp nhận vụ việc."
    ]
    return "; ".join(steps)


def content(incident, day=None):
    """(header facts, title lines, body paragraphs as (label, text), recipients, signer's
    title) of the rapid report of `incident`."""
    day = day or periods.today()
    unit = incident.unit
    parent = unit.parent if unit.parent_id else None
    superior = parent.name if parent is not None and parent.parent_id else ROOT_BODY
    symbol = (unit.kind.short_name or "CĐ").replace(" ", "")
    stoppage = getattr(incident, "stoppage", None) if incident.kind.is_stoppage else None
    e = incident.enterprise
    if stoppage is not None and e is not None:
        about = f"Vụ ngừng việc tập thể tại {e.name}"
    else:
        about = f"Vụ việc {incident.kind.name.split(' (')[0].lower()}: {incident.title}"
    where = e.name if e is not None else (str(incident.boarding_house or "") or incident.ward.name)
    body = []
    what = f"Vào hồi {_when(incident.started_at)}, tại {where}"
    if e is not None:
        what += f" ({_enterprise_facts(e)})"
    elif incident.place:
        what += f" ({incident.place}, {incident.ward.name})"
    if stoppage is not None:
        what += " đã xảy ra ngừng việc tập thể"
        what += "" if stoppage.lawful else ", không theo trình tự đình công của Bộ luật Lao động"
        what += "."
    else:
        what += f" đã xảy ra vụ việc {incident.kind.name.lower()}."
    if incident.ended_at:
        what += f" Kết thúc lúc {_when(incident.ended_at)}."
    body.append(("1. Diễn biến", f"{what} {_cut(incident.summary, LIMITS['summary'])}"))
    if stoppage is not None:
        share = (
            f", chiếm {format_number(round(100 * stoppage.share, 1), trim=True)}% tổng số "
            f"{format_number(stoppage.workforce)} lao động của doanh nghiệp"
            if stoppage.share is not None
            else ""
        )
        count = (
            f"{format_number(stoppage.workers_involved)} người lao động ngừng việc{share}; "
            f"số ngày công bị mất ước tính {format_number(stoppage.worker_days)}."
        )
        body.append(("2. Số người tham gia", count))
        causes = ", ".join(c.name.lower() for c in stoppage.causes.all())
        if stoppage.causes_other:
            causes = f"{causes}; {stoppage.causes_other}" if causes else stoppage.causes_other
        demands = f"Nguyên nhân: {_cut(causes, LIMITS['causes']) or 'đang xác minh'}."
        if stoppage.demands:
            demands += f" Yêu cầu: {_cut(stoppage.demands, LIMITS['demands'])}"
        body.append(("3. Nguyên nhân, yêu cầu của người lao động", demands))
        did = []
        if stoppage.representative:
            did.append(f"Đại diện người lao động: {stoppage.representative}.")
        did.append(
            "Đã tổ chức đối thoại giữa người lao động và người sử dụng lao động."
            if stoppage.dialogue_held
            else "Chưa tổ chức được đối thoại."
        )
        if stoppage.union_role:
            did.append(_cut(stoppage.union_role, LIMITS["union_role"]))
        if stoppage.authorities:
            did.append(f"Cơ quan chức năng tham gia: {stoppage.authorities}.")
        body.append(("4. Công đoàn đã làm gì", " ".join(did)))
        with translation.override("vi"):
            outcome = str(Outcome(stoppage.outcome).label)
        now = f"{outcome}."
        if stoppage.resumed_on:
            now += f" Người lao động trở lại làm việc ngày {stoppage.resumed_on:%d/%m/%Y}."
        body.append(("5. Tình hình hiện nay", now))
    else:
        if incident.people_involved is not None:
            body.append(
                ("2. Số người liên quan", f"{format_number(incident.people_involved)} người.")
            )
        steps = _union_steps(incident)
        body.append(
            (
                f"{len(body) + 1}. Công đoàn đã làm gì",
                _cut(steps, LIMITS["steps"]) if steps else "Tiếp nhận, xác minh thông tin.",
            )
        )
    body.append(
        (
            f"{len(body) + 1}. Kiến nghị, đề xuất",
            f"{unit.name} tiếp tục theo dõi, phối hợp với cơ quan chức năng"
            + (" và người sử dụng lao động" if e is not None else "")
            + " để ổn định tình hình, bảo vệ quyền và lợi ích hợp pháp của người lao động;"
            " đề nghị cấp trên chỉ đạo, hỗ trợ và sẽ báo cáo tiếp diễn biến.",
        )
    )
    recipients = [
        f"- Ban Thường vụ {parent.name} (để b/c);"
        if parent is not None
        else "- Cấp trên (để b/c);",
        f"- Công an {incident.ward.name} (để phối hợp);",
        "- Lưu: VT.",
    ]
    signer = "TM. BAN CHẤP HÀNH" if unit.kind.is_grassroots else "TM. BAN THƯỜNG VỤ"
    return {
        "superior": header_name(superior),
        "issuer": header_name(unit.name),
        "number": f"Số:       /BC-{symbol}",
        "date": date_line(place_name(unit), day),
        "title": "BÁO CÁO NHANH",
        "about": about,
        "body": body,
        "recipients": recipients,
        "signer": signer,
    }


# ---------------------------------------------------------------- the document


def _font(run, size, bold=False, italic=False):
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return run


def _para(
    container, text="", size=BODY_PT, bold=False, italic=False, align=None, before=0, after=0
):
    p = container.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if align is None else align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.0
    if text:
        _font(p.add_run(text), size, bold, italic)
    return p


def _rule(container, width, line_cm):
    """The short centred stroke under a header block: a bottom border narrowed by indents."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    side = max(Cm(0), int((width - Cm(line_cm)) / 2))
    fmt.left_indent, fmt.right_indent = side, side
    fmt.space_before, fmt.space_after = Pt(1), Pt(0)
    fmt.line_spacing = Pt(1)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    p._p.get_or_add_pPr().append(border)
    return p


def _no_borders(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _cell(table, row, col, width):
    cell = table.cell(row, col)
    cell.width = width
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return cell


def build(incident, day=None):
    """The rapid report of `incident` as DOCX bytes."""
    c = content(incident, day)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)

    left_w, right_w = Cm(7.5), Cm(10.0)
    head = doc.add_table(rows=2, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    head.autofit = False
    _no_borders(head)
    left = _cell(head, 0, 0, left_w)
    _para(left, c["superior"], size=12)
    _para(left, c["issuer"], size=12, bold=True)
    _rule(left, left_w, 2.5)
    right = _cell(head, 0, 1, right_w)
    _para(right, NATION, size=12, bold=True)
    _para(right, MOTTO, size=13, bold=True)
    _rule(right, right_w, 5.5)
    _para(_cell(head, 1, 0, left_w), c["number"], size=13, before=4)
    _para(_cell(head, 1, 1, right_w), c["date"], size=13, italic=True, before=4)

    _para(doc, c["title"], size=14, bold=True, before=12)
    _para(doc, c["about"], size=14, bold=True)
    _rule(doc, Cm(16.5), 3.5)
    for n, (label, text) in enumerate(c["body"]):
        p = _para(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=8 if n == 0 else 0, after=4)
        p.paragraph_format.first_line_indent = Cm(1)
        _font(p.add_run(f"{label}: "), BODY_PT, bold=True)
        _font(p.add_run(text), BODY_PT)
    closing = _para(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=4)
    closing.paragraph_format.first_line_indent = Cm(1)
    _font(
        closing.add_run(f"Trên đây là báo cáo nhanh {c['about'][0].lower()}{c['about'][1:]}./."),
        BODY_PT,
    )

    foot = doc.add_table(rows=1, cols=2)
    foot.autofit = False
    _no_borders(foot)
    foot.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    to = _cell(foot, 0, 0, Cm(8.0))
    _para(to, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=6)
    for r in c["recipients"]:
        _para(to, r, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    sign = _cell(foot, 0, 1, Cm(8.5))
    _para(sign, c["signer"], size=13, bold=True, before=6)
    _para(sign, "CHỦ TỊCH", size=13, bold=True)
    _para(sign, "(Ký, ghi rõ họ tên, đóng dấu)", size=12, italic=True, after=36)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
