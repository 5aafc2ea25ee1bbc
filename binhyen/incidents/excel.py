"""The incidents sheet: one row per case (its kind, what happened, when, where, who reported it)
with the columns of a work stoppage's case file, as a template, an export and an import.

Each row goes through `services.open_incident`, the service behind the form, inside the one
transaction `run_import` rolls back when any row is wrong: the rules are the form's (the end
not before the start, workers involved not above the workforce, an enterprise named by an MST
the importer sees, a case already recorded — same kind, place and day — refused), a refusal
lands on the row and the column of the field it names, and a file is imported whole or not
at all. The enterprise is named by its MST; a boarding house by its number (the id its page
shows). An export carries the cases' facts only: nothing of the tip a case came from, and so
never a tip sender's identity.
"""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core import spreadsheets
from binhyen.core.spreadsheets import CODE, CODES, DATE, INTEGER, TEXT, Column, Lookup, Spec
from binhyen.enterprises.excel import (
    ServiceRows,
    WardResolver,
    reference_lookup,
    tax_code_cell,
    unit_lookup,
)
from binhyen.enterprises.models import Enterprise
from binhyen.groups.models import BoardingHouse
from binhyen.org.models import Unit

from . import services
from .models import PEOPLE, WORKER_DAYS, IncidentKind, Outcome, StoppageCause

TIME = re.compile(r"^(\d{1,2})[:hH.](\d{2})(?::\d{2})?$")
STOPPAGE_COLUMNS = (
    "workers_involved",
    "workforce",
    "worker_days",
    "lawful",
    "causes",
    "causes_other",
    "demands",
    "representative",
    "dialogue_held",
    "union_role",
    "authorities",
    "outcome",
    "resumed_on",
)


def _stoppage_columns():
    return [
        Column(
            "workers_involved",
            gettext_lazy("Số người ngừng việc"),
            INTEGER,
            **PEOPLE.column_kwargs(),
            width=12,
            help=_("Bắt buộc với ngừng việc tập thể; không vượt quá tổng số lao động."),
        ),
        Column(
            "workforce",
            gettext_lazy("Tổng số lao động"),
            INTEGER,
            **PEOPLE.column_kwargs(),
            width=12,
            help=_("Để trống: lấy số lao động trong hồ sơ doanh nghiệp."),
        ),
        Column(
            "worker_days",
            gettext_lazy("Số ngày công bị mất"),
            INTEGER,
            **WORKER_DAYS.column_kwargs(),
            width=12,
            help=_("Để trống: số người ngừng việc nhân số ngày ngừng việc."),
        ),
        Column(
            "lawful",
            gettext_lazy("Đúng trình tự đình công"),
            CODE,
            lookup="yesno",
            width=12,
            help=_("co hoặc khong; để trống là không (trái luật)."),
        ),
        Column(
            "causes",
            gettext_lazy("Nguyên nhân"),
            CODES,
            lookup="causes",
            width=24,
            help=_(
                "Một hay nhiều mã nguyên nhân, cách nhau bằng dấu phẩy, ví dụ tien_luong, bhxh."
            ),
        ),
        Column("causes_other", gettext_lazy("Nguyên nhân khác"), TEXT, max_length=500, width=20),
        Column(
            "demands",
            gettext_lazy("Yêu cầu của người lao động"),
            TEXT,
            max_length=4000,
            width=30,
            multiline=True,
        ),
        Column(
            "representative",
            gettext_lazy("Người đại diện người lao động"),
            TEXT,
            max_length=255,
            width=22,
        ),
        Column(
            "dialogue_held",
            gettext_lazy("Đã đối thoại"),
            CODE,
            lookup="yesno",
            width=10,
            help=_("co hoặc khong."),
        ),
        Column(
            "union_role",
            gettext_lazy("Công đoàn đã làm gì"),
            TEXT,
            max_length=4000,
            width=30,
            multiline=True,
        ),
        Column(
            "authorities",
            gettext_lazy("Cơ quan chức năng tham gia"),
            TEXT,
            max_length=500,
            width=22,
        ),
        Column(
            "outcome",
            gettext_lazy("Kết quả"),
            CODE,
            lookup="outcomes",
            width=16,
            help=_("chua_co, toan_bo, mot_phan hoặc khong (có thể nhập tên)."),
        ),
        Column(
            "resumed_on",
            gettext_lazy("Ngày trở lại làm việc"),
            DATE,
            width=12,
            help=_("dd/mm/yyyy; không trước ngày bắt đầu."),
        ),
    ]


def incident_spec():
    return Spec(
        title=_("Mẫu nhập vụ việc"),
        columns=[
            Column(
                "unit",
                gettext_lazy("Mã đơn vị báo cáo"),
                CODE,
                required=True,
                lookup="units",
                width=16,
                help=_("Mã đơn vị báo cáo vụ việc (xem trang 'Đơn vị')."),
            ),
            Column(
                "kind",
                gettext_lazy("Loại vụ việc"),
                CODE,
                required=True,
                lookup="kinds",
                width=16,
                help=_("Mã hoặc tên loại vụ việc, ví dụ ngung_viec, toi_pham, ma_tuy."),
            ),
            Column(
                "title", gettext_lazy("Tên vụ việc"), TEXT, required=True, max_length=255, width=36
            ),
            Column(
                "summary",
                gettext_lazy("Tóm tắt diễn biến"),
                TEXT,
                required=True,
                max_length=8000,
                width=40,
                multiline=True,
            ),
            Column(
                "start_date",
                gettext_lazy("Ngày bắt đầu"),
                DATE,
                required=True,
                width=12,
                help=_("dd/mm/yyyy; không sau hôm nay."),
            ),
            Column(
                "start_time",
                gettext_lazy("Giờ bắt đầu"),
                TEXT,
                max_length=8,
                width=10,
                help=_("Dạng 07:30; để trống là 00:00."),
            ),
            Column(
                "end_date",
                gettext_lazy("Ngày kết thúc"),
                DATE,
                width=12,
                help=_("Để trống nếu chưa kết thúc; không trước ngày bắt đầu."),
            ),
            Column("end_time", gettext_lazy("Giờ kết thúc"), TEXT, max_length=8, width=10),
            Column(
                "ward",
                gettext_lazy("Phường, xã"),
                TEXT,
                max_length=150,
                width=22,
                help=_(
                    "Mã hoặc tên phường, xã (từ 01/07/2025); để trống khi đã ghi doanh nghiệp "
                    "hoặc nhà trọ (lấy phường, xã của nơi đó)."
                ),
            ),
            Column(
                "enterprise",
                gettext_lazy("Mã số thuế doanh nghiệp"),
                TEXT,
                max_length=20,
                width=16,
                help=_(
                    "Bắt buộc với ngừng việc tập thể: doanh nghiệp phải có trong trang Doanh nghiệp."
                ),
            ),
            Column(
                "boarding_house",
                gettext_lazy("Số nhà trọ"),
                INTEGER,
                min_value=1,
                width=10,
                help=_("Số của nhà trọ trong trang Nhà trọ (không bắt buộc)."),
            ),
            Column("place", gettext_lazy("Địa điểm cụ thể"), TEXT, max_length=255, width=24),
            Column(
                "people_involved",
                gettext_lazy("Số người liên quan"),
                INTEGER,
                **PEOPLE.column_kwargs(),
                width=10,
            ),
            Column(
                "people",
                gettext_lazy("Những người liên quan"),
                TEXT,
                max_length=4000,
                width=30,
                multiline=True,
                help=_("Vai trò, độ tuổi, nơi làm việc; không ghi số CCCD."),
            ),
            *_stoppage_columns(),
            Column("code", gettext_lazy("Mã vụ việc"), TEXT, export_only=True, width=16),
            Column("state", gettext_lazy("Trạng thái"), TEXT, export_only=True, width=16),
            Column(
                "unit_name", gettext_lazy("Tên đơn vị báo cáo"), TEXT, export_only=True, width=36
            ),
        ],
        instructions=[
            _(
                "1. Điền mỗi vụ việc vào một dòng của trang 'Dữ liệu', bắt đầu từ dòng 2. Không "
                "đổi tên, không xóa, không thêm cột; không gộp ô."
            ),
            _(
                "2. Cột tô màu cam là bắt buộc. Mã đơn vị xem ở trang 'Đơn vị'; mã loại vụ việc, "
                "nguyên nhân, kết quả xem ở trang 'Danh mục' (có thể nhập tên thay cho mã)."
            ),
            _(
                "3. Ngừng việc tập thể: ghi mã số thuế doanh nghiệp (doanh nghiệp phải có trong "
                "trang Doanh nghiệp) và số người ngừng việc; các cột hồ sơ ngừng việc chỉ dùng "
                "cho loại này."
            ),
            _(
                "4. Hệ thống kiểm tra toàn bộ tệp trước khi ghi: chỉ cần một ô sai thì không dòng "
                "nào được ghi, và mọi lỗi được liệt kê theo dòng, cột để sửa. Vụ việc cùng loại, "
                "cùng nơi, cùng ngày bắt đầu với vụ đã có là trùng và bị từ chối."
            ),
            _(
                "5. Các cột 'Mã vụ việc', 'Trạng thái' và 'Tên đơn vị báo cáo' chỉ có trong tệp "
                "xuất; khi nhập, các cột này được bỏ qua."
            ),
        ],
    )


def lookups(actor):
    return {
        "units": unit_lookup(actor),
        "kinds": reference_lookup(IncidentKind, "kinds", _("Loại vụ việc")),
        "causes": reference_lookup(StoppageCause, "causes", _("Nguyên nhân ngừng việc")),
        "outcomes": Lookup(
            name="outcomes",
            title=_("Kết quả"),
            items=[(o.value, o.label) for o in Outcome],
            values={o.value: o.value for o in Outcome},
        ),
        "yesno": Lookup(
            name="yesno",
            title=_("Có/không"),
            items=[("co", _("Có")), ("khong", _("Không"))],
            values={"co": True, "khong": False},
        ),
    }


def template_workbook(actor, out=None):
    found = lookups(actor)
    units = found["units"].items
    example = {
        "unit": units[0][0] if units else "",
        "kind": IncidentKind.STOPPAGE,
        "title": _("Ngừng việc tập thể tại Công ty TNHH Giày Phú Hưng"),
        "summary": _("Khoảng 800 công nhân ca 1 ngừng việc, yêu cầu tăng lương và tiền ăn ca."),
        "start_date": datetime.date(2024, 3, 4),
        "start_time": "07:30",
        "enterprise": "0301234567",
        "workers_involved": 800,
        "causes": "tien_luong, bua_an",
        "outcome": Outcome.PART,
        "resumed_on": datetime.date(2024, 3, 6),
    }
    return spreadsheets.write_workbook(incident_spec(), found, out=out, example=example)


def _local(moment):
    return timezone.localtime(moment) if moment else None


def export_rows(queryset, chunk=1000):
    """The cases' facts as dicts in the sheet's keys. Nothing of the linked tip is read."""
    qs = queryset.select_related(
        "unit", "kind", "ward", "enterprise", "boarding_house", "stoppage"
    ).prefetch_related("stoppage__causes")
    for i in qs.iterator(chunk_size=chunk):
        start, end = _local(i.started_at), _local(i.ended_at)
        row = {
            "unit": i.unit.code,
            "kind": i.kind.code,
            "title": i.title,
            "summary": i.summary,
            "start_date": start.date(),
            "start_time": start.strftime("%H:%M"),
            "end_date": end.date() if end else None,
            "end_time": end.strftime("%H:%M") if end else "",
            "ward": i.ward.code,
            "enterprise": i.enterprise.tax_code if i.enterprise_id else "",
            "boarding_house": i.boarding_house_id,
            "place": i.place,
            "people_involved": i.people_involved,
            "people": i.people,
            "code": i.code,
            "state": i.get_state_display(),
            "unit_name": i.unit.name,
        }
        stoppage = getattr(i, "stoppage", None) if i.kind.is_stoppage else None
        if stoppage is not None:
            row.update(
                workers_involved=stoppage.workers_involved,
                workforce=stoppage.workforce,
                worker_days=stoppage.worker_days,
                lawful="co" if stoppage.lawful else "khong",
                causes=[c.code for c in stoppage.causes.all()],
                causes_other=stoppage.causes_other,
                demands=stoppage.demands,
                representative=stoppage.representative,
                dialogue_held="co" if stoppage.dialogue_held else "khong",
                union_role=stoppage.union_role,
                authorities=stoppage.authorities,
                outcome=stoppage.outcome,
                resumed_on=stoppage.resumed_on,
            )
        yield row


def export_workbook(actor, queryset, out=None, summary=()):
    """Exactly the cases of `queryset` (already scoped and filtered by the caller); every cell
    written from what a person typed is a text cell, never a formula."""
    return spreadsheets.write_workbook(
        incident_spec(), lookups(actor), rows=export_rows(queryset), out=out, summary=summary
    )


# --- import --------------------------------------------------------------------------------


def _time(value):
    """(time, None) or (None, message) for a time cell ("07:30", "7h30", an Excel time)."""
    if value in (None, ""):
        return datetime.time(0, 0), None
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0), None
    found = TIME.match(str(value).strip())
    if found and int(found.group(1)) < 24 and int(found.group(2)) < 60:
        return datetime.time(int(found.group(1)), int(found.group(2))), None
    return None, _("'%(v)s' không phải giờ hợp lệ; hãy nhập dạng 07:30.") % {"v": value}


class IncidentImport(ServiceRows):
    aliases = {
        "started_at": "start_date",
        "ended_at": "end_date",
    }

    def begin(self, result):
        self.units = {}
        self.kinds = {k.pk: k for k in IncidentKind.objects.all()}
        self.causes = {c.pk: c.code for c in StoppageCause.objects.all()}
        self.enterprises = {}
        self.houses = {}
        self.wards = WardResolver()

    def _unit(self, pk):
        if pk not in self.units:
            self.units[pk] = Unit.objects.get(pk=pk)
        return self.units[pk]

    def _enterprise(self, value):
        tax_code = tax_code_cell(value)
        if tax_code not in self.enterprises:
            self.enterprises[tax_code] = (
                Enterprise.objects.visible_to(self.actor).filter(tax_code=tax_code).first()
            )
        return tax_code, self.enterprises[tax_code]

    def _house(self, pk):
        if pk not in self.houses:
            self.houses[pk] = BoardingHouse.objects.visible_to(self.actor).filter(pk=pk).first()
        return self.houses[pk]

    def _moment(self, day, time_value, time_key, row, errors):
        moment, message = _time(time_value)
        if message:
            errors.add(row, self.header(time_key), message)
            return None
        return timezone.make_aware(datetime.datetime.combine(day, moment))

    def validate(self, row, values, errors):
        unit = self._unit(values["unit"])
        kind = self.kinds[values["kind"]]
        ok = True
        fields = {
            "kind": kind,
            "title": values["title"],
            "summary": values["summary"],
            "place": values.get("place") or "",
            "people_involved": values.get("people_involved"),
            "people": values.get("people") or "",
        }
        fields["started_at"] = self._moment(
            values["start_date"], values.get("start_time"), "start_time", row, errors
        )
        fields["ended_at"] = None
        if values.get("end_date"):
            fields["ended_at"] = self._moment(
                values["end_date"], values.get("end_time"), "end_time", row, errors
            )
        elif values.get("end_time"):
            errors.add(
                row, self.header("end_date"), _("có giờ kết thúc nhưng thiếu ngày kết thúc.")
            )
            ok = False
        if fields["started_at"] is None or (values.get("end_date") and fields["ended_at"] is None):
            ok = False
        if values.get("enterprise"):
            tax_code, enterprise = self._enterprise(values["enterprise"])
            if enterprise is None:
                errors.add(
                    row,
                    self.header("enterprise"),
                    _(
                        "không có doanh nghiệp mã số thuế '%(v)s' trong phạm vi bạn xem được "
                        "(trang Doanh nghiệp)."
                    )
                    % {"v": tax_code},
                )
                ok = False
            fields["enterprise"] = enterprise
        if values.get("boarding_house"):
            house = self._house(values["boarding_house"])
            if house is None:
                errors.add(
                    row,
                    self.header("boarding_house"),
                    _("không có nhà trọ số %(v)s trong phạm vi bạn xem được.")
                    % {"v": values["boarding_house"]},
                )
                ok = False
            fields["boarding_house"] = house
        if values.get("ward"):
            ward, message = self.wards.resolve(values["ward"], unit)
            if message:
                errors.add(row, self.header("ward"), message)
                ok = False
            fields["ward"] = ward
        if not ok:
            return None
        stoppage = {k: values.get(k) for k in STOPPAGE_COLUMNS}
        stoppage["causes"] = [self.causes[pk] for pk in stoppage["causes"] or ()]
        stoppage = {k: v for k, v in stoppage.items() if v not in (None, "", [], ())}
        for flag in ("lawful", "dialogue_held"):
            stoppage.setdefault(flag, False) if stoppage else None
        if kind.is_stoppage:
            stoppage.setdefault("workers_involved", None)
        return row, lambda: services.open_incident(
            self.actor, unit=unit, stoppage=stoppage or None, **fields
        )


def import_incidents(actor, upload, *, dry_run=False, on_rows=None):
    """Import a filled template: every row through `open_incident`, in one transaction, all
    or nothing; returns the ImportResult. `on_rows(n)`, if given, hears before each batch is
    written how many rows were read so far (a background job's progress)."""
    spec = incident_spec()
    return spreadsheets.run_import(
        upload, spec, lookups(actor), IncidentImport(actor, spec, on_rows), dry_run=dry_run
    )
