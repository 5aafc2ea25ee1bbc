"""The filters of the activity list, shared by the page, its Excel export and the API, so the
three always mean the same set: unit (with its whole subtree), period, kind, topic, audience,
channel, words of the title/place/notes (accent-insensitive) and the sort order.

A unit's subtree is taken on a basis (binhyen.org.history), as every figure is: as it was (each
activity under the tree of its own date: a closed federation's list shows what its unions did
while they were its own) or as it is now; chosen by `history.choose`, so the list and its
totals are the rollup's figures for the same unit, dates, filters and basis."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core.bounds import EARLIEST_DATE
from binhyen.core.periods import Period, today
from binhyen.core.text import format_date
from binhyen.org import history
from binhyen.org.models import Unit

from .models import (
    ActivityAudience,
    ActivityChannel,
    ActivityKind,
    ActivityTopic,
    Audience,
    Channel,
    Topic,
)

SORTS = {
    "-date": (gettext_lazy("Mới nhất"), ("-date", "-id")),
    "date": (gettext_lazy("Cũ nhất"), ("date", "id")),
    "-attendances": (gettext_lazy("Nhiều lượt người nhất"), ("-attendances", "-date", "-id")),
    "-sessions": (gettext_lazy("Nhiều cuộc nhất"), ("-sessions", "-date", "-id")),
    "unit": (gettext_lazy("Theo đơn vị"), ("unit__path", "-date", "-id")),
    "title": (gettext_lazy("Theo tên hoạt động"), ("title", "-date", "-id")),
}
DEFAULT_SORT = "-date"
REFERENCES = (
    ("kind", ActivityKind, None, gettext_lazy("Loại hoạt động")),
    ("topic", Topic, ActivityTopic, gettext_lazy("Chủ đề")),
    ("audience", Audience, ActivityAudience, gettext_lazy("Đối tượng")),
    ("channel", Channel, ActivityChannel, gettext_lazy("Hình thức")),
)


@dataclass
class Filters:
    unit: Unit | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    codes: dict = field(default_factory=dict)  # "kind"/"topic"/"audience"/"channel" → item
    q: str = ""
    sort: str = DEFAULT_SORT
    errors: dict = field(default_factory=dict)  # parameter → Vietnamese message
    unit_missing: bool = False
    basis: str | None = None  # the basis the unit's subtree is taken on (with a unit only)

    @property
    def period(self):
        """The dates asked, or the unit's whole life up to today."""
        start = self.start or (self.unit.valid_from if self.unit else None) or EARLIEST_DATE
        end = self.end or today()
        return Period(start, max(start, end), f"{start}..{end}", "range")

    @property
    def active(self):
        return bool(self.unit or self.start or self.end or self.codes or self.q)

    def describe(self):
        """(label, value) pairs of the filters in force, for the export's summary sheet."""
        rows = []
        if self.unit:
            rows.append((_("Đơn vị (gồm cấp dưới)"), f"{self.unit.name} ({self.unit.code})"))
            rows.append((_("Cơ sở tính"), str(history.BASES[self.basis])))
        if self.start or self.end:
            rows.append(
                (
                    _("Thời gian"),
                    f"{format_date(self.start) or '…'} – {format_date(self.end) or '…'}",
                )
            )
        for name, _model, _link, label in REFERENCES:
            if name in self.codes:
                rows.append((str(label), self.codes[name].name))
        if self.q:
            rows.append((_("Từ khóa"), self.q))
        return rows


def parse_date(value):
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def reference_lists():
    """{"kind": [...], "topic": [...], …}: every item (inactive ones too: old records use them),
    one query per list, for the filter drop-downs and for reading the codes."""
    return {name: list(model.objects.all()) for name, model, _link, _label in REFERENCES}


def parse(user, params, lists=None):
    """Read the filters from a query dict; problems go to `errors`, never to an exception.
    `lists` (from reference_lists()) saves a query per code filter when the page has them."""
    f = Filters()
    code = (params.get("unit") or "").strip()
    if code:
        f.unit = Unit.objects.visible_to(user).filter(code=code).first()
        if f.unit is None:
            f.unit_missing = True
            f.errors["unit"] = _("Không tìm thấy đơn vị “%(code)s” trong phạm vi của bạn.") % {
                "code": code
            }
    for name in ("start", "end"):
        try:
            setattr(f, name, parse_date(params.get(name)))
        except ValueError:
            f.errors[name] = _(
                "Ngày “%(v)s” không hợp lệ; hãy nhập dạng dd/mm/yyyy (hoặc YYYY-MM-DD)."
            ) % {"v": params.get(name)}
    if f.start and f.end and f.end < f.start:
        f.errors["end"] = _("Ngày cuối kỳ (%(e)s) không được trước ngày đầu kỳ (%(s)s).") % {
            "e": format_date(f.end),
            "s": format_date(f.start),
        }
    asked = (params.get("basis") or "").strip()
    if asked and asked not in history.BASES:
        f.errors["basis"] = _(
            "Cơ sở tính “%(v)s” không có; dùng was (theo cơ cấu tại thời điểm phát sinh) hoặc now "
            "(theo cơ cấu hiện nay)."
        ) % {"v": asked}
    if f.unit is not None:
        f.basis = history.choose(f.unit, f.period, asked or None)
    wanted = {name: (params.get(name) or "").strip() for name, *_rest in REFERENCES}
    for name, model, _link, label in REFERENCES:
        if wanted[name]:
            if lists is not None:
                item = next((i for i in lists[name] if i.code == wanted[name]), None)
            else:
                item = model.objects.filter(code=wanted[name]).first()
            if item is None:
                f.errors[name] = _("Mã “%(code)s” không có trong danh mục %(list)s.") % {
                    "code": wanted[name],
                    "list": str(label).lower(),
                }
            else:
                f.codes[name] = item
    f.q = (params.get("q") or "").strip()[:200]
    sort = (params.get("sort") or "").strip()
    if sort and sort not in SORTS:
        f.errors["sort"] = _("Cách sắp xếp “%(v)s” không có; dùng một trong: %(all)s.") % {
            "v": sort,
            "all": ", ".join(SORTS),
        }
    else:
        f.sort = sort or DEFAULT_SORT
    return f


def apply(queryset, f):
    """The activities of an already scoped queryset that match `f` (nothing when a filter is
    wrong: a list must never pretend a bad filter means "everything")."""
    if f.errors:
        return queryset.none()
    if f.unit is not None:
        queryset = queryset.filter(history.within(f.unit, f.period, f.basis))
    queryset = queryset.in_period(f.start, f.end)
    for name, _model, link, _label in REFERENCES:
        item = f.codes.get(name)
        if item is None:
            continue
        if link is None:
            queryset = queryset.filter(kind=item)
        else:
            column = f"{name}_id"
            queryset = queryset.filter(
                Exists(link.objects.filter(activity=OuterRef("pk"), **{column: item.pk}))
            )
    if f.q:
        queryset = queryset.search(f.q)
    return queryset.order_by(*SORTS[f.sort][1])
