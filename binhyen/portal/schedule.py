"""The work calendar by week: which week a request asks for, the grid Thứ Hai … Chủ Nhật ×
sáng/chiều, Vietnamese day labels, and the PDF a visitor downloads (fpdf2 with a font that
has every Vietnamese letter)."""

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import DayPart, ScheduleEntry, week_start

WEEKDAYS = (
    gettext_noop("Thứ Hai"),
    gettext_noop("Thứ Ba"),
    gettext_noop("Thứ Tư"),
    gettext_noop("Thứ Năm"),
    gettext_noop("Thứ Sáu"),
    gettext_noop("Thứ Bảy"),
    gettext_noop("Chủ Nhật"),
)
_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


def weekday_name(day):
    return _(WEEKDAYS[day.weekday()])


def long_date(value):
    """ "Thứ Ba, 15/11/2022", as the union sites date their articles."""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{weekday_name(value)}, {value:%d/%m/%Y}"


def week_code(monday):
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text, today):
    """The Monday of ISO week "2026-W48"; today's week for anything else."""
    m = _WEEK.match((text or "").strip())
    if m:
        try:
            return datetime.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            pass
    return week_start(today)


@dataclass
class Day:
    date: datetime.date
    name: str
    today: bool
    parts: dict = field(default_factory=dict)  # DayPart → [entries]

    @property
    def morning(self):
        return self.parts.get(DayPart.MORNING, [])

    @property
    def afternoon(self):
        return self.parts.get(DayPart.AFTERNOON, [])

    @property
    def rows(self):
        return self.morning + self.afternoon

    @property
    def empty(self):
        return not any(self.parts.values())


@dataclass
class Week:
    monday: datetime.date
    days: list

    @property
    def sunday(self):
        return self.monday + datetime.timedelta(days=6)

    @property
    def code(self):
        return week_code(self.monday)

    @property
    def previous_code(self):
        return week_code(self.monday - datetime.timedelta(days=7))

    @property
    def next_code(self):
        return week_code(self.monday + datetime.timedelta(days=7))

    @property
    def number(self):
        return self.monday.isocalendar()[1]

    @property
    def title(self):
        return _("Tuần %(n)d (từ %(a)s đến %(b)s)") % {
            "n": self.number,
            "a": self.monday.strftime("%d/%m/%Y"),
            "b": self.sunday.strftime("%d/%m/%Y"),
        }

    @property
    def empty(self):
        return all(d.empty for d in self.days)


def week_of(section, monday, today):
    """The seven days of the week starting `monday` with the section's entries. 1 query."""
    entries = ScheduleEntry.objects.filter(
        section=section, day__gte=monday, day__lte=monday + datetime.timedelta(days=6)
    ).order_by("day", "start", "id")
    days = [
        Day(
            monday + datetime.timedelta(days=i),
            weekday_name(monday + datetime.timedelta(days=i)),
            monday + datetime.timedelta(days=i) == today,
        )
        for i in range(7)
    ]
    for entry in entries:
        days[(entry.day - monday).days].parts.setdefault(entry.part, []).append(entry)
    return Week(monday, days)


def week_pdf(section, week):
    """The week's calendar as an A4 landscape PDF (bytes)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    from .images import font_path

    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_margins(12, 12, 12)
    pdf.add_font("Viet", "", font_path())
    pdf.add_font("Viet", "B", font_path(bold=True))
    pdf.set_title(f"{_('Lịch công tác')} — {section.title} — {week.title}")
    pdf.set_author(section.title)
    pdf.add_page()
    pdf.set_font("Viet", "B", 11)
    pdf.cell(0, 6, section.title.upper(), new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("Viet", "B", 15)
    pdf.cell(0, 9, _("LỊCH CÔNG TÁC"), new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("Viet", "", 11)
    pdf.cell(0, 6, week.title, new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(3)
    widths = (34, 18, 16, 92, 40, 40, 33)
    headers = (
        _("Ngày"),
        _("Buổi"),
        _("Giờ"),
        _("Nội dung"),
        _("Chủ trì"),
        _("Thành phần"),
        _("Địa điểm"),
    )
    pdf.set_font("Viet", "", 10)
    heading = FontFace(emphasis="BOLD", fill_color=(225, 232, 245))
    with pdf.table(
        col_widths=widths,
        text_align="LEFT",
        line_height=5.5,
        headings_style=heading,
        first_row_as_headings=True,
    ) as table:
        table.row(headers)
        for day in week.days:
            label = f"{day.name}\n{day.date:%d/%m/%Y}"
            rows = [
                (part, e)
                for part in (DayPart.MORNING, DayPart.AFTERNOON)
                for e in day.parts.get(part, [])
            ]
            if not rows:
                table.row((label, "", "", _("(Không có lịch)"), "", "", ""))
                continue
            for part, entry in rows:
                table.row(
                    (
                        label,
                        str(DayPart(part).label),
                        entry.start.strftime("%H:%M") if entry.start else "",
                        entry.content,
                        entry.host,
                        entry.participants,
                        entry.place,
                    )
                )
    return bytes(pdf.output())
