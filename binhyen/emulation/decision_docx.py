"""The award decision (Quyết định khen thưởng) as DOCX in the official layout of Nghị định
30/2020/NĐ-CP as the union applies it.

A4 portrait, margins 20/20/30/15 mm, Times New Roman. The two-column header: the superior body
and the issuer in capitals, "Số: N/QĐ-…" on the left; the national title and motto, place and
date on the right. "QUYẾT ĐỊNH" and "Về việc khen thưởng …" centred in bold; the issuer's
collective title ("BAN THƯỜNG VỤ …"); the bases ("Căn cứ …", "Xét đề nghị của …");
"QUYẾT ĐỊNH:"; Điều 1 awards each form to the collectives and individuals of the annex, Điều 2
their entitlements, Điều 3 who executes it; the recipients and the signature block side by
side; then, on a new page, the annex: one table per group (collectives, individuals) with STT,
name, unit and achievement.

`content()` says what the paper says (tests read it); `build()` lays it out. The document is
Vietnamese whoever downloads it (an official paper has one language).
"""

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Mm, Pt

from binhyen.core.text import format_number
from binhyen.incidents.rapid import (
    FONT,
    MOTTO,
    NATION,
    ROOT_BODY,
    date_line,
    header_name,
    place_name,
)

from .models import RecipientKind

BODY_PT = 14
# the law and the rules every union award decision rests on, before the proposals
BASES = (
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
    "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi "
    "tiết thi hành một số điều của Luật Thi đua, khen thưởng;",
    "Căn cứ Điều lệ Công đoàn Việt Nam và các quy định về công tác thi đua, khen thưởng của "
    "Tổng Liên đoàn Lao động Việt Nam;",
)


def symbol_for(issuer):
    """The default symbol of an issuer's decisions: "QĐ-" and its kind's short name."""
    return "QĐ-" + (issuer.kind.short_name or "CĐ").replace(" ", "")


def _recipient_line(award):
    if award.recipient_kind == RecipientKind.PERSON:
        return (
            f"{award.person_name}, {award.person_position}"
            if award.person_position
            else award.person_name
        )
    return award.recipient_name


def _count(collectives, individuals):
    parts = []
    if collectives:
        parts.append(f"{format_number(collectives)} tập thể")
    if individuals:
        parts.append(f"{format_number(individuals)} cá nhân")
    return " và ".join(parts)


def content(decision, awards):
    """What the decision says: header, bases, articles, recipients, signature, annex rows.
    `awards` carry their form, recipient unit and enterprise (select_related)."""
    issuer = decision.issuer
    parent = issuer.parent if issuer.parent_id else None
    superior = parent.name if parent is not None and parent.parent_id else ROOT_BODY
    body = "BAN CHẤP HÀNH" if issuer.kind.is_grassroots else "BAN THƯỜNG VỤ"
    awards = list(awards)
    forms = {}
    for a in awards:
        forms.setdefault(a.form_id, [a.form, 0, 0])
        forms[a.form_id][2 if a.recipient_kind == RecipientKind.PERSON else 1] += 1
    article1 = [
        f"Tặng {form.name} cho {_count(c, i)} (có danh sách kèm theo) đã có thành tích xuất "
        "sắc trong phong trào thi đua, góp phần vào sự phát triển của tổ chức Công đoàn."
        for form, c, i in sorted(forms.values(), key=lambda r: (r[0].order, r[0].code))
    ]
    if not article1:
        article1 = ["Tặng thưởng các tập thể, cá nhân có tên trong danh sách kèm theo."]
    proposers = sorted(
        {a.proposal.unit.name for a in awards if a.proposal_id and a.proposal.unit_id}
    )
    bases = list(BASES)
    movements = sorted({a.movement.name for a in awards if a.movement_id})
    for m in movements:
        bases.append(f"Căn cứ kết quả phong trào thi đua “{m}”;")
    bases.append(
        f"Xét đề nghị của {', '.join(proposers)}."
        if proposers
        else "Xét đề nghị của Ban Tổ chức, Văn phòng."
    )
    number = f"Số: {decision.number}/{decision.symbol}"
    collectives = [a for a in awards if a.recipient_kind != RecipientKind.PERSON]
    individuals = [a for a in awards if a.recipient_kind == RecipientKind.PERSON]
    summary = decision.summary.strip()
    if not summary.lower().startswith("về việc"):
        summary = f"Về việc {summary[:1].lower()}{summary[1:]}"
    return {
        "superior": header_name(superior),
        "issuer": header_name(issuer.name),
        "number": number,
        "date": date_line(place_name(issuer), decision.date),
        "title": "QUYẾT ĐỊNH",
        "about": summary,
        "authority": f"{body} {issuer.name.upper()}",
        "bases": bases,
        "articles": [
            ("Điều 1.", article1),
            (
                "Điều 2.",
                [
                    "Các tập thể, cá nhân có tên tại Điều 1 được hưởng chế độ khen thưởng "
                    "theo quy định hiện hành."
                ],
            ),
            (
                "Điều 3.",
                [
                    "Quyết định có hiệu lực kể từ ngày ký. Văn phòng, các ban của "
                    f"{issuer.name}, thủ trưởng các đơn vị liên quan và các tập thể, cá nhân "
                    "có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./."
                ],
            ),
        ],
        "recipients": [
            "- Như Điều 3;",
            f"- {parent.name} (để b/c);" if parent is not None else "- Cấp trên (để b/c);",
            "- Lưu: VT, TĐKT.",
        ],
        "signer_body": f"TM. {body}",
        "signer_title": (decision.signer_title or "Chủ tịch").upper(),
        "signer": decision.signer,
        "annex_title": "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG",
        "annex_ref": (
            f"(Kèm theo Quyết định số {decision.number}/{decision.symbol} ngày "
            f"{decision.date:%d/%m/%Y} của {body.title()} {issuer.name})"
        ),
        "annex": [
            (
                "I. TẬP THỂ",
                [(_recipient_line(a), a.recipient_unit.name, a.achievement) for a in collectives],
            ),
            (
                "II. CÁ NHÂN" if collectives else "I. CÁ NHÂN",
                [(_recipient_line(a), a.recipient_unit.name, a.achievement) for a in individuals],
            ),
        ],
    }


# ---------------------------------------------------------------- the document


def _font(run, size, bold=False, italic=False):
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    return run


def _para(container, text="", size=BODY_PT, bold=False, italic=False, align=None, after=0):
    p = container.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if align is None else align
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.space_after = Pt(after)
    if text:
        _font(p.add_run(text), size, bold, italic)
    return p


def _cell(table, row, col, width):
    cell = table.cell(row, col)
    cell.width = width
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return cell


def build(decision, awards):
    """The decision with its annex as DOCX bytes."""
    c = content(decision, awards)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)

    left_w, right_w = Cm(7.0), Cm(9.5)
    head = doc.add_table(rows=2, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    head.autofit = False
    left = _cell(head, 0, 0, left_w)
    _para(left, c["superior"], size=12)
    _para(left, c["issuer"], size=12, bold=True)
    right = _cell(head, 0, 1, right_w)
    _para(right, NATION, size=12, bold=True)
    _para(right, MOTTO, size=13, bold=True)
    _para(_cell(head, 1, 0, left_w), c["number"], size=13)
    _para(_cell(head, 1, 1, right_w), c["date"], size=13, italic=True)

    _para(doc, "", after=6)
    _para(doc, c["title"], bold=True)
    _para(doc, c["about"], bold=True, after=12)
    _para(doc, c["authority"], bold=True, after=6)
    for line in c["bases"]:
        p = _para(doc, line, italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=3)
        p.paragraph_format.first_line_indent = Cm(1)
    _para(doc, "QUYẾT ĐỊNH:", bold=True, after=6)
    for label, lines in c["articles"]:
        for n, line in enumerate(lines):
            p = _para(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=3)
            p.paragraph_format.first_line_indent = Cm(1)
            if n == 0:
                _font(p.add_run(f"{label} "), BODY_PT, bold=True)
            _font(p.add_run(line), BODY_PT)

    foot = doc.add_table(rows=1, cols=2)
    foot.autofit = False
    to = _cell(foot, 0, 0, Cm(8.0))
    _para(to, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in c["recipients"]:
        _para(to, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    sign = _cell(foot, 0, 1, Cm(8.5))
    _para(sign, c["signer_body"], bold=True)
    _para(sign, c["signer_title"], bold=True, after=60)
    _para(sign, c["signer"], bold=True)

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _para(doc, c["annex_title"], bold=True)
    _para(doc, c["annex_ref"], size=13, italic=True, after=12)
    for heading, rows in c["annex"]:
        if not rows:
            continue
        _para(doc, heading, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, after=6)
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = (Cm(1.2), Cm(5.0), Cm(4.5), Cm(5.8))
        for i, label in enumerate(("STT", "Tên tập thể, cá nhân", "Đơn vị", "Thành tích")):
            cell = table.rows[0].cells[i]
            cell.width = widths[i]
            _font(cell.paragraphs[0].add_run(label), 12, bold=True)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for n, values in enumerate(rows, start=1):
            cells = table.add_row().cells
            for i, value in enumerate((str(n), *values)):
                cells[i].width = widths[i]
                _font(cells[i].paragraphs[0].add_run(value), 12)
        _para(doc, "", after=6)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
