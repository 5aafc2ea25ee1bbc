"""The groups sheets: groups, members and boarding houses, as templates, exports and imports,
all through the shared machinery of binhyen/core/spreadsheets/.

Each import runs every row through the same service as the forms (create_group, add_member,
create_boarding_house), inside the one transaction `run_import` rolls back when any row is
wrong, so a file is imported whole or not at all. A service's refusal becomes an error on the
row and the column of the field it names. Members and boarding houses name their group by its
code ("Mã tổ"), which is why a group needs one before its roster can be imported.

Personal data: phones and ID numbers are exported only when the exporter asks for them and
edits the managing unit; import errors never repeat the value of those cells.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core import spreadsheets
from binhyen.core.periods import today
from binhyen.core.spreadsheets import CODE, DATE, INTEGER, TEXT, Column, Lookup, Spec
from binhyen.core.text import fold
from binhyen.org.models import Area, AreaLevel, Unit

from . import services
from .models import RESIDENT_WORKERS, ROOMS, Group, GroupKind, MemberRole
from .privacy import revealed_groups
from .stats import groups_with_figures

GROUPS, MEMBERS, HOUSES = "to", "thanh-vien", "nha-tro"
PERSONAL = ("phone", "id_number")


def _group_column(required=True):
    return Column(
        "group",
        _("Mã tổ"),
        CODE,
        required=required,
        lookup="groups",
        width=14,
        help=_("Mã của tổ (xem trang 'Tổ'); tổ chưa có mã thì đặt mã trên trang sửa thông tin tổ."),
    )


def _ward_column(required=True, help_text=""):
    return Column(
        "ward",
        _("Phường, xã"),
        TEXT,
        required=required,
        max_length=150,
        width=24,
        help=help_text
        or _(
            "Mã hoặc tên phường, xã (từ 01/07/2025 hoặc trước đó — tên, mã cũ "
            "được quy về phường, xã mới), thuộc tỉnh, thành phố của đơn vị quản lý."
        ),
    )


def group_spec():
    return Spec(
        title=_("Mẫu nhập tổ, mô hình tự quản"),
        columns=[
            Column(
                "unit",
                _("Mã đơn vị quản lý"),
                CODE,
                required=True,
                lookup="units",
                width=16,
                help=_(
                    "Mã đơn vị công đoàn quản lý tổ (xem trang 'Đơn vị': chỉ các đơn vị bạn được nhập liệu)."
                ),
            ),
            Column(
                "kind",
                _("Loại mô hình"),
                CODE,
                required=True,
                lookup="kinds",
                width=16,
                help=_(
                    "nha_tro, xe_om, du_luan_xa_hoi, nong_cot hoặc khac (có thể nhập tên loại)."
                ),
            ),
            Column(
                "code",
                _("Mã tổ"),
                TEXT,
                max_length=40,
                width=14,
                help=_(
                    "Không bắt buộc nhưng cần để nhập thành viên, nhà trọ của tổ; không trùng tổ khác."
                ),
            ),
            Column("name", _("Tên tổ"), TEXT, required=True, max_length=255, width=40),
            _ward_column(),
            Column("address", _("Địa chỉ"), TEXT, max_length=255, width=30),
            Column("founded", _("Ngày thành lập"), DATE, required=True, width=12),
            Column(
                "closed",
                _("Ngày ngừng hoạt động"),
                DATE,
                width=12,
                help=_("Để trống nếu tổ còn hoạt động."),
            ),
            Column("leader_name", _("Tổ trưởng"), TEXT, max_length=150, width=20),
            Column("police_contact", _("Công an phường phụ trách"), TEXT, max_length=255, width=24),
            Column("notes", _("Ghi chú"), TEXT, max_length=4000, width=30, multiline=True),
            Column("unit_name", _("Tên đơn vị quản lý"), TEXT, export_only=True, width=36),
            Column("members", _("Số thành viên hiện nay"), INTEGER, export_only=True, width=12),
        ],
        instructions=_instructions(_("tổ, mô hình")),
    )


def member_spec(personal=True):
    columns = [
        _group_column(),
        Column("full_name", _("Họ và tên"), TEXT, required=True, max_length=150, width=26),
        Column(
            "role",
            _("Vai trò"),
            CODE,
            lookup="roles",
            width=14,
            help=_(
                "to_truong, to_pho hoặc thanh_vien (có thể nhập Tổ trưởng, Tổ phó, Thành viên); "
                "để trống là thành viên. Mỗi tổ chỉ có một tổ trưởng tại một thời điểm."
            ),
        ),
        Column(
            "phone",
            _("Số điện thoại"),
            TEXT,
            width=14,
            help=_("Di động 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09."),
        ),
        Column(
            "id_number",
            _("Số CCCD"),
            TEXT,
            width=16,
            help=_(
                "12 chữ số; không bắt buộc. Một người chỉ có trong tổ một lần tại một thời điểm."
            ),
        ),
        Column("workplace", _("Nơi làm việc"), TEXT, max_length=255, width=30),
        Column(
            "workplace_unit", _("Mã công đoàn cơ sở nơi làm việc"), TEXT, max_length=40, width=16
        ),
        Column("joined", _("Ngày vào tổ"), DATE, required=True, width=12),
        Column(
            "left",
            _("Ngày rời tổ"),
            DATE,
            width=12,
            help=_("Ngày không còn là thành viên; để trống nếu vẫn trong tổ."),
        ),
        Column("group_name", _("Tên tổ"), TEXT, export_only=True, width=36),
    ]
    if not personal:
        columns = [c for c in columns if c.key not in PERSONAL]
    return Spec(
        title=_("Mẫu nhập thành viên tổ, mô hình"),
        columns=columns,
        instructions=_instructions(_("thành viên")),
    )


def house_spec(personal=True):
    columns = [
        _group_column(),
        Column("name", _("Tên nhà trọ"), TEXT, max_length=255, width=22),
        Column("address", _("Địa chỉ"), TEXT, required=True, max_length=255, width=32),
        _ward_column(
            required=False, help_text=_("Mã hoặc tên phường, xã; để trống là phường, xã của tổ.")
        ),
        Column("landlord_name", _("Chủ nhà trọ"), TEXT, max_length=150, width=22),
        Column("landlord_phone", _("Số điện thoại chủ nhà trọ"), TEXT, width=14),
        Column("rooms", _("Số phòng"), INTEGER, **ROOMS.column_kwargs(), width=10),
        Column(
            "resident_workers",
            _("Số công nhân lưu trú"),
            INTEGER,
            **RESIDENT_WORKERS.column_kwargs(),
            width=12,
        ),
        Column(
            "cooperative",
            _("Chủ nhà trọ hợp tác tốt"),
            CODE,
            lookup="yesno",
            width=12,
            help=_("co hoặc khong (có thể nhập Có, Không)."),
        ),
        Column(
            "coverage_start",
            _("Tổ phụ trách từ ngày"),
            DATE,
            width=12,
            help=_("Để trống là từ ngày thành lập tổ."),
        ),
        Column("notes", _("Ghi chú"), TEXT, max_length=4000, width=30, multiline=True),
    ]
    if not personal:
        columns = [c for c in columns if c.key != "landlord_phone"]
    return Spec(
        title=_("Mẫu nhập nhà trọ do tổ phụ trách"),
        columns=columns,
        instructions=_instructions(_("nhà trọ")),
    )


def _instructions(what):
    return [
        _(
            "1. Điền mỗi %(what)s vào một dòng của trang 'Dữ liệu', bắt đầu từ dòng 2. Không đổi tên, "
            "không xóa, không thêm cột; không gộp ô."
        )
        % {"what": what},
        _("2. Cột tô màu cam là bắt buộc. Các mã xem ở trang 'Đơn vị', 'Tổ' và 'Danh mục'."),
        _("3. Ngày nhập dạng dd/mm/yyyy."),
        _(
            "4. Hệ thống kiểm tra toàn bộ tệp trước khi ghi: chỉ cần một ô sai thì không dòng nào được "
            "ghi, và mọi lỗi được liệt kê theo dòng, cột để sửa."
        ),
    ]


SPECS = {GROUPS: group_spec, MEMBERS: member_spec, HOUSES: house_spec}
TITLES = {
    GROUPS: gettext_lazy("Tổ, mô hình"),
    MEMBERS: gettext_lazy("Thành viên"),
    HOUSES: gettext_lazy("Nhà trọ"),
}


# --- reference lists -----------------------------------------------------------------------


def lookups(actor, sheet):
    found = {}
    if sheet == GROUPS:
        units = list(
            Unit.objects.recordable_by(actor)
            .filter(valid_to__isnull=True)
            .order_by("path")
            .values_list("code", "name", "id")
        )
        found["units"] = Lookup(
            name="units",
            title=_("Đơn vị"),
            sheet=_("Đơn vị"),
            match_labels=False,
            items=[(c, n) for c, n, _i in units],
            values={c: i for c, _n, i in units},
            code_header=_("Mã đơn vị"),
            label_header=_("Tên đơn vị"),
            unknown_message=_(
                "Mã đơn vị '%(value)s' không có hoặc bạn không được nhập liệu cho đơn vị này."
            ),
        )
        kinds = list(GroupKind.objects.values_list("code", "name", "id"))
        found["kinds"] = Lookup(
            name="kinds",
            title=_("Loại mô hình"),
            items=[(c, n) for c, n, _i in kinds],
            values={c: i for c, _n, i in kinds},
        )
    else:
        groups = list(
            Group.objects.editable_by(actor)
            .exclude(code="")
            .order_by("code")
            .values_list("code", "name", "id", "ward__name")
        )
        found["groups"] = Lookup(
            name="groups",
            title=_("Tổ"),
            sheet=_("Tổ"),
            match_labels=False,
            items=[(c, n, w) for c, n, _i, w in groups],
            values={c: i for c, _n, i, _w in groups},
            code_header=_("Mã tổ"),
            label_header=_("Tên tổ"),
            extra_headers=(_("Phường, xã"),),
            unknown_message=_(
                "Mã tổ '%(value)s' không có hoặc bạn không được nhập liệu cho tổ này."
            ),
        )
        if sheet == MEMBERS:
            found["roles"] = Lookup(
                name="roles",
                title=_("Vai trò"),
                items=[(r.value, r.label) for r in MemberRole],
                values={r.value: r.value for r in MemberRole},
            )
        else:
            found["yesno"] = Lookup(
                name="yesno",
                title=_("Có/không"),
                items=[("co", _("Có")), ("khong", _("Không"))],
                values={"co": True, "khong": False},
            )
    return found


def template_workbook(actor, sheet, out=None):
    return spreadsheets.write_workbook(SPECS[sheet](), lookups(actor, sheet), out=out)


# --- exports -------------------------------------------------------------------------------


def export_groups(actor, queryset, out=None):
    """The groups of `queryset` (already scoped and filtered by the caller)."""
    rows = (
        {
            "unit": g.unit.code,
            "kind": g.kind.code,
            "code": g.code,
            "name": g.name,
            "ward": g.ward.name,
            "address": g.address,
            "founded": g.founded,
            "closed": g.closed,
            "leader_name": g.current_leader or g.leader_name,
            "police_contact": g.police_contact,
            "notes": g.notes,
            "unit_name": g.unit.name,
            "members": g.members_on,
        }
        for g in groups_with_figures(queryset, today()).iterator(chunk_size=2000)
    )
    return spreadsheets.write_workbook(group_spec(), lookups(actor, GROUPS), rows=rows, out=out)


def export_members(actor, group, members, personal=False, out=None):
    """A group's roster. Phones and ID numbers only when asked for and the exporter edits the
    managing unit; otherwise the columns are not in the file at all."""
    personal = personal and bool(revealed_groups(actor, [group]))
    rows = (
        {
            "group": group.code,
            "full_name": m.full_name,
            "role": m.role,
            "phone": m.phone,
            "id_number": m.id_number,
            "workplace": m.workplace,
            "workplace_unit": m.workplace_unit.code if m.workplace_unit_id else "",
            "joined": m.joined,
            "left": m.left,
            "group_name": group.name,
        }
        for m in members.select_related("workplace_unit").iterator(chunk_size=2000)
    )
    summary = [
        (_("Tổ"), group.name),
        (_("Số điện thoại, số CCCD"), _("Có trong tệp") if personal else _("Không xuất")),
    ]
    spec = member_spec(personal=personal)
    return spreadsheets.write_workbook(
        spec, lookups(actor, MEMBERS), rows=rows, out=out, summary=summary
    ), personal


# --- imports -------------------------------------------------------------------------------


class _Handler(spreadsheets.ImportHandler):
    """Validate what the sheet alone can tell, then write row by row through the service,
    turning its refusals into errors on the row and the column of the field it names."""

    batch_size = 200
    # the service's name of a field where it differs from the sheet's column key
    aliases = {}

    def __init__(self, actor, spec, on_rows=None):
        self.actor = actor
        self.spec = spec
        self.on_rows = on_rows
        self.headers = {c.key: c.header for c in spec.columns}

    def _header(self, field):
        return self.headers.get(self.aliases.get(field, field), "")

    def _service_errors(self, row, exc, errors):
        items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
        for field, messages in items:
            for message in messages:
                errors.add(row, self._header(field) if field != "__all__" else "", message)

    def _ward(self, value, province, errors, row):
        """A ward by code, or by name within the unit's province (current, then old names)."""
        header = self._header("ward")
        value = str(value).strip()
        if value.isdigit():
            code = value.zfill(5)
            found = (
                Area.objects.filter(level=AreaLevel.WARD, code=code).first()
                or Area.objects.filter(level=AreaLevel.LEGACY_WARD, code=code).first()
            )
        else:
            key = fold(value)
            candidates = [a for a in self._wards_of(province) if fold(a.name) == key]
            if len(candidates) > 1:
                errors.add(
                    row,
                    header,
                    _("có nhiều phường, xã tên '%(v)s'; hãy nhập mã phường, xã.") % {"v": value},
                )
                return None
            found = candidates[0] if candidates else None
        if found is None:
            errors.add(
                row,
                header,
                _("không có phường, xã '%(v)s' trong tỉnh, thành phố của đơn vị quản lý.")
                % {"v": value},
            )
        return found

    def _wards_of(self, province):
        if province is None:
            return []
        cache = self.__dict__.setdefault("_wards", {})
        if province.pk not in cache:
            current = list(Area.objects.filter(level=AreaLevel.WARD, province=province))
            # A current name wins over an old ward of the same name.
            names = {fold(a.name) for a in current}
            old = [
                a
                for a in Area.objects.filter(
                    level=AreaLevel.LEGACY_WARD, successor__province=province
                )
                if fold(a.name) not in names
            ]
            cache[province.pk] = current + old
        return cache[province.pk]

    def write(self, items, result):
        if self.on_rows is not None:
            self.on_rows(result.rows)
        for row, call in items:
            try:
                call()
            except ValidationError as exc:
                self._service_errors(row, exc, result.errors)
            else:
                result.created += 1


class GroupImport(_Handler):
    def begin(self, result):
        self.units = {}

    def _unit(self, pk):
        if pk not in self.units:
            unit = Unit.objects.get(pk=pk)
            self.units[pk] = (unit, services.unit_province(unit))
        return self.units[pk]

    def validate(self, row, values, errors):
        unit, province = self._unit(values["unit"])
        ward = self._ward(values["ward"], province, errors, row)
        if ward is None:
            return None
        fields = {
            k: values[k] or ""
            for k in ("code", "name", "address", "leader_name", "police_contact", "notes")
        }
        fields.update(
            kind=GroupKind.objects.get(pk=values["kind"]),
            ward=ward,
            founded=values["founded"],
            closed=values["closed"],
        )
        return row, lambda: services.create_group(self.actor, unit=unit, **fields)


class _GroupRowHandler(_Handler):
    def begin(self, result):
        self.groups = {}

    def _group(self, pk):
        if pk not in self.groups:
            self.groups[pk] = Group.objects.select_related("unit").get(pk=pk)
        return self.groups[pk]


class MemberImport(_GroupRowHandler):
    def begin(self, result):
        super().begin(result)
        self.id_numbers = {}  # (group, ID number) → [(row, joined, left)] of the rows so far

    def _twin_row(self, group, id_number, joined, left):
        """The earlier row of this file with the same person in the same group at an
        overlapping time (the service checks the database; this, the file itself)."""
        for row, other_joined, other_left in self.id_numbers.get((group.pk, id_number), ()):
            if (other_left is None or other_left > joined) and (
                left is None or other_joined < left
            ):
                return row
        return None

    def validate(self, row, values, errors):
        group = self._group(values["group"])
        fields = {k: values.get(k) or "" for k in ("full_name", "phone", "id_number", "workplace")}
        fields.update(
            role=values["role"] or MemberRole.MEMBER, joined=values["joined"], left=values["left"]
        )
        id_number = services.normalize_id_number(fields["id_number"])
        if id_number and fields["joined"]:
            twin = self._twin_row(group, id_number, fields["joined"], fields["left"])
            if twin is not None:
                errors.add(
                    row,
                    self._header("id_number"),
                    _(
                        "trùng số CCCD với dòng %(row)s của tệp (cùng tổ, thời gian trùng nhau); một "
                        "người chỉ có trong tổ một lần tại một thời điểm."
                    )
                    % {"row": twin},
                )
                return None
            self.id_numbers.setdefault((group.pk, id_number), []).append(
                (row, fields["joined"], fields["left"])
            )
        code = (values.get("workplace_unit") or "").strip().upper()
        fields["workplace_unit"] = None
        if code:
            fields["workplace_unit"] = Unit.objects.visible_to(self.actor).filter(code=code).first()
            if fields["workplace_unit"] is None:
                errors.add(
                    row,
                    self._header("workplace_unit"),
                    _("không có đơn vị mã '%(v)s' trong phạm vi của bạn.") % {"v": code},
                )
                return None
        return row, lambda: services.add_member(self.actor, group, **fields)


class HouseImport(_GroupRowHandler):
    aliases = {"start": "coverage_start"}

    def validate(self, row, values, errors):
        group = self._group(values["group"])
        ward = group.legacy_ward or group.ward
        if values.get("ward"):
            ward = self._ward(values["ward"], services.unit_province(group.unit), errors, row)
            if ward is None:
                return None
        fields = {
            k: values.get(k) or ""
            for k in ("name", "address", "landlord_name", "landlord_phone", "notes")
        }
        fields.update(
            ward=ward,
            rooms=values.get("rooms") or 0,
            resident_workers=values.get("resident_workers") or 0,
            cooperative=bool(values.get("cooperative")),
        )
        start = values.get("coverage_start") or group.founded
        return row, lambda: services.create_boarding_house(
            self.actor, unit=group.unit, group=group, coverage_start=start, **fields
        )


HANDLERS = {GROUPS: GroupImport, MEMBERS: MemberImport, HOUSES: HouseImport}


def import_spreadsheet(actor, sheet, upload, dry_run=False, on_rows=None):
    """Import a filled template of groups, members or boarding houses (GROUPS, MEMBERS,
    HOUSES): every row through the services, as one batch (services.batch: one transaction,
    all or nothing); returns the ImportResult. `on_rows(n)`, if given, hears before each
    batch is written how many rows were read so far (a background job's progress)."""
    spec = SPECS[sheet]()
    handler = HANDLERS[sheet](actor, spec, on_rows=on_rows)
    with services.batch():
        return spreadsheets.run_import(
            upload, spec, lookups(actor, sheet), handler, dry_run=dry_run
        )
