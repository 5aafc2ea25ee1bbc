"""Reporting periods: parse "2022", "2022Q1", "2022H1", "2022-03", "2018-01-01..2023-12-31"
and label them the way Vietnamese reports do ("Quý I/2022", "6 tháng đầu năm 2022").

Labels follow the active language ("Q1/2022" in English); what is kept or printed for others
to read (report titles, documents, the draft text) is written under the site's language."""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# one msgid per quarter and per month: English writes "Q1" and "January", not the roman
# numeral or the month's number that the Vietnamese label carries
QUARTERS = {
    1: gettext_noop("Quý I/%(y)d"),
    2: gettext_noop("Quý II/%(y)d"),
    3: gettext_noop("Quý III/%(y)d"),
    4: gettext_noop("Quý IV/%(y)d"),
}
MONTHS = {
    1: gettext_noop("Tháng 1/%(y)d"),
    2: gettext_noop("Tháng 2/%(y)d"),
    3: gettext_noop("Tháng 3/%(y)d"),
    4: gettext_noop("Tháng 4/%(y)d"),
    5: gettext_noop("Tháng 5/%(y)d"),
    6: gettext_noop("Tháng 6/%(y)d"),
    7: gettext_noop("Tháng 7/%(y)d"),
    8: gettext_noop("Tháng 8/%(y)d"),
    9: gettext_noop("Tháng 9/%(y)d"),
    10: gettext_noop("Tháng 10/%(y)d"),
    11: gettext_noop("Tháng 11/%(y)d"),
    12: gettext_noop("Tháng 12/%(y)d"),
}


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    code: str
    kind: str  # year, half, quarter, month, range

    @property
    def label(self):
        s, e = self.start, self.end
        if self.kind == "year":
            return _("Năm %(y)d") % {"y": s.year}
        if self.kind == "half":
            return (_("6 tháng đầu năm %(y)d") if s.month == 1 else _("6 tháng cuối năm %(y)d")) % {
                "y": s.year
            }
        if self.kind == "quarter":
            return _(QUARTERS[(s.month - 1) // 3 + 1]) % {"y": s.year}
        if self.kind == "month":
            return _(MONTHS[s.month]) % {"y": s.year}
        if s.month == 1 and s.day == 1 and e.month == 12 and e.day == 31:
            return _("Giai đoạn %(a)d - %(b)d") % {"a": s.year, "b": e.year}
        return _("Từ ngày %(a)s đến ngày %(b)s") % {
            "a": s.strftime("%d/%m/%Y"),
            "b": e.strftime("%d/%m/%Y"),
        }

    @property
    def in_sentence(self):
        """The label inside a sentence ("so với quý I/2021"). Vietnamese lowers only the first
        letter (str.lower() would write "quý i/2021"); English keeps "Q1/2021" and "January"."""
        label = self.label
        if (translation.get_language() or settings.LANGUAGE_CODE).startswith("vi"):
            return label[:1].lower() + label[1:]
        return label

    def previous(self):
        """The period of the same length just before (for "so với cùng kỳ" comparisons)."""
        if self.kind == "year":
            return parse_period(str(self.start.year - 1))
        if self.kind in ("half", "quarter", "month"):
            months = {"half": 6, "quarter": 3, "month": 1}[self.kind]
            start = _add_months(self.start, -months)
            return _make(start, _month_end(_add_months(start, months - 1)), self.kind)
        end = self.start - datetime.timedelta(days=1)
        if (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31):
            # a phase of whole years ("Giai đoạn 2020 - 2024") is compared with the phase of
            # as many whole years before it
            years = self.end.year - self.start.year + 1
            start = self.start.replace(year=self.start.year - years)
        else:
            start = end - (self.end - self.start)
        return Period(start, end, f"{start}..{end}", "range")

    def months(self):
        """First days of every month the period touches."""
        d = self.start.replace(day=1)
        out = []
        while d <= self.end:
            out.append(d)
            d = _add_months(d, 1)
        return out


def today():
    """Today in Viet Nam (settings.TIME_ZONE), whatever the server's clock zone: the one
    "today" of every default date, period and validity check."""
    return timezone.localdate()


def _add_months(d, n):
    y, m = divmod(d.month - 1 + n, 12)
    return d.replace(year=d.year + y, month=m + 1, day=1)


def _month_end(d):
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _make(start, end, kind):
    if kind == "year":
        code = f"{start.year}"
    elif kind == "half":
        code = f"{start.year}H{1 if start.month == 1 else 2}"
    elif kind == "quarter":
        code = f"{start.year}Q{(start.month - 1) // 3 + 1}"
    else:
        code = f"{start.year}-{start.month:02d}"
    return Period(start, end, code, kind)


_PATTERNS = [
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})[Hh]([12])$"), "half"),
    (re.compile(r"^(\d{4})[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
]
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def parse_period(text):
    """A Period from its code; ValidationError with a Vietnamese message otherwise."""
    text = (text or "").strip()
    for pattern, kind in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        year = int(m.group(1))
        if not 1900 <= year <= 2100:
            break
        if kind == "year":
            return _make(datetime.date(year, 1, 1), datetime.date(year, 12, 31), kind)
        n = int(m.group(2))
        if kind == "half":
            start = datetime.date(year, 1 if n == 1 else 7, 1)
            return _make(start, _month_end(_add_months(start, 5)), kind)
        if kind == "quarter":
            start = datetime.date(year, 3 * (n - 1) + 1, 1)
            return _make(start, _month_end(_add_months(start, 2)), kind)
        if not 1 <= n <= 12:
            raise ValidationError({"period": _("Tháng %(m)d không hợp lệ.") % {"m": n}})
        start = datetime.date(year, n, 1)
        return _make(start, _month_end(start), kind)
    m = _RANGE.match(text)
    if m:
        try:
            start, end = (datetime.date.fromisoformat(g) for g in m.groups())
        except ValueError:
            raise ValidationError(
                {"period": _("Ngày trong khoảng thời gian không hợp lệ.")}
            ) from None
        if end < start:
            raise ValidationError({"period": _("Ngày kết thúc không được trước ngày bắt đầu.")})
        return Period(start, end, text, "range")
    raise ValidationError(
        {
            "period": _(
                "Kỳ báo cáo “%(p)s” không hợp lệ; dùng dạng 2022, 2022Q1, 2022H1, 2022-03 hoặc 2018-01-01..2023-12-31."
            )
            % {"p": text}
        }
    )
