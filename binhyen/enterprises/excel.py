"""The enterprises sheet: its columns, the reference lists behind its drop-downs, the template
and export, and the import, all through the shared machinery of binhyen/core/spreadsheets/.

Each row goes through the same service as the form (`create_enterprise`), inside the one
transaction `run_import` rolls back when any row is wrong, so a file is imported whole or not
at all; a service's refusal becomes an error on the row and the column of the field it names.
An MST already recorded, or met twice in the file, is an error (an enterprise is created
once; its page edits it). `WardResolver` reads a ward cell (a code, or a name) for this sheet
and the incidents sheet alike.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core import spreadsheets
from binhyen.core.spreadsheets import CODE, INTEGER, TEXT, Column, Lookup, Spec
from binhyen.core.text import fold
from binhyen.org.models import Area, AreaLevel, Unit

from . import services
from .forms import province_of
from .models import WORKFORCE, Country, Enterprise, Industry, Ownership, normalize_tax_code

UNIT_SHEET = "Đơn vị"  # sheet names stay Vietnamese in every language: instructions name them


def enterprise_spec():
    return Spec(
        title=_("Mẫu nhập doanh nghiệp"),
        columns=[
            Column(
                "unit",
                gettext_lazy("Mã đơn vị theo dõi"),
                CODE,
                required=True,
                lookup="units",
                width=16,
                help=_(
                    "Mã công đoàn cơ sở của doanh nghiệp, hoặc công đoàn cấp trên theo dõi doanh "
                    "nghiệp (xem trang 'Đơn vị': chỉ các đơn vị bạn được nhập liệu)."
                ),
            ),
            Column(
                "name",
                gettext_lazy("Tên doanh nghiệp"),
                TEXT,
                required=True,
                max_length=255,
                width=40,
            ),
            Column(
                "tax_code",
                gettext_lazy("Mã số thuế"),
                TEXT,
                required=True,
                max_length=20,
                width=16,
                help=_(
                    "10 chữ số, hoặc 13 chữ số với chi nhánh (0301234567-001). Nên định dạng ô là "
                    "chữ (Text) để Excel giữ số 0 ở đầu."
                ),
            ),
            Column(
                "ownership",
                gettext_lazy("Loại hình sở hữu"),
                CODE,
                required=True,
                lookup="ownerships",
                width=14,
                help=_("nha_nuoc, tu_nhan hoặc fdi (có thể nhập tên)."),
            ),
            Column(
                "investor_country",
                gettext_lazy("Quốc gia nhà đầu tư"),
                CODE,
                lookup="countries",
                width=14,
                help=_("Bắt buộc với doanh nghiệp FDI: mã quốc gia, ví dụ KR, JP, TW."),
            ),
            Column(
                "industry",
                gettext_lazy("Ngành nghề"),
                CODE,
                lookup="industries",
                width=16,
                help=_("Mã ngành trong trang 'Danh mục', ví dụ det_may, da_giay."),
            ),
            Column(
                "ward",
                gettext_lazy("Phường, xã"),
                TEXT,
                required=True,
                max_length=150,
                width=24,
                help=_(
                    "Mã (5 chữ số) hoặc tên phường, xã theo địa giới từ 01/07/2025, thuộc tỉnh, "
                    "thành phố của đơn vị theo dõi."
                ),
            ),
            Column("address", gettext_lazy("Địa chỉ"), TEXT, max_length=255, width=32),
            Column(
                "workforce",
                gettext_lazy("Số lao động"),
                INTEGER,
                required=True,
                **WORKFORCE.column_kwargs(),
                width=12,
            ),
            Column(
                "union",
                gettext_lazy("Mã công đoàn cơ sở"),
                TEXT,
                max_length=40,
                width=16,
                help=_("Mã công đoàn cơ sở đại diện; để trống khi chưa có tổ chức công đoàn."),
            ),
            Column(
                "notes", gettext_lazy("Ghi chú"), TEXT, max_length=2000, width=30, multiline=True
            ),
            Column(
                "unit_name", gettext_lazy("Tên đơn vị theo dõi"), TEXT, export_only=True, width=36
            ),
            Column("id", gettext_lazy("Mã số doanh nghiệp"), INTEGER, export_only=True, width=12),
        ],
        instructions=[
            _(
                "1. Điền mỗi doanh nghiệp vào một dòng của trang 'Dữ liệu', bắt đầu từ dòng 2. "
                "Không đổi tên, không xóa, không thêm cột; không gộp ô."
            ),
            _(
                "2. Cột tô màu cam là bắt buộc. Mã đơn vị xem ở trang 'Đơn vị'; mã loại hình sở "
                "hữu, quốc gia, ngành nghề xem ở trang 'Danh mục' (có thể nhập tên thay cho mã)."
            ),
            _(
                "3. Mã số thuế gồm 10 chữ số, hoặc 13 chữ số với chi nhánh; không trùng doanh "
                "nghiệp đã có, không lặp lại trong tệp."
            ),
            _(
                "4. Hệ thống kiểm tra toàn bộ tệp trước khi ghi: chỉ cần một ô sai thì không "
                "dòng nào được ghi, và mọi lỗi được liệt kê theo dòng, cột để sửa."
            ),
            _(
                "5. Các cột 'Tên đơn vị theo dõi' và 'Mã số doanh nghiệp' chỉ có trong tệp "
                "xuất; khi nhập, hai cột này được bỏ qua."
            ),
        ],
    )


def reference_lookup(model, name, title):
    """A reference table with `order` and `code` (ownership, industry, incident kind…)."""
    rows = model.objects.order_by("order", "code").values_list("code", "name", "id")
    return Lookup.from_rows(name, title, rows)


def unit_lookup(actor):
    """The open units `actor` records for, by code (their own sheet in the workbook)."""
    units = list(
        Unit.objects.recordable_by(actor)
        .filter(valid_to__isnull=True)
        .order_by("path")
        .values_list("code", "name", "id")
    )
    return Lookup(
        name="units",
        title=_("Đơn vị"),
        sheet=UNIT_SHEET,
        match_labels=False,
        items=[(c, n) for c, n, _i in units],
        values={c: i for c, _n, i in units},
        code_header=_("Mã đơn vị"),
        label_header=_("Tên đơn vị"),
        unknown_message=_(
            "Mã đơn vị '%(value)s' không có hoặc bạn không được nhập liệu cho đơn vị này "
            "(xem trang 'Đơn vị')."
        ),
    )


def lookups(actor):
    return {
        "units": unit_lookup(actor),
        "ownerships": reference_lookup(Ownership, "ownerships", _("Loại hình sở hữu")),
        "industries": reference_lookup(Industry, "industries", _("Ngành nghề")),
        "countries": Lookup(
            name="countries",
            title=_("Quốc gia nhà đầu tư"),
            items=[(c.value, c.label) for c in Country],
            values={c.value: c.value for c in Country},
        ),
    }


def template_workbook(actor, out=None):
    found = lookups(actor)
    units = found["units"].items
    example = {
        "unit": units[0][0] if units else "",
        "name": _("Công ty TNHH Giày Phú Hưng"),
        "tax_code": "0301234567",
        "ownership": Ownership.FDI,
        "investor_country": "TW",
        "industry": "da_giay",
        "ward": _("Phường Linh Xuân"),
        "address": _("Lô A2, KCX Linh Trung"),
        "workforce": 4200,
        "union": "",
    }
    return spreadsheets.write_workbook(enterprise_spec(), found, out=out, example=example)


def export_rows(queryset, chunk=2000):
    qs = queryset.select_related("unit", "ownership", "industry", "ward", "union")
    for e in qs.iterator(chunk_size=chunk):
        yield {
            "unit": e.unit.code,
            "name": e.name,
            "tax_code": e.tax_code,
            "ownership": e.ownership.code,
            "investor_country": e.investor_country,
            "industry": e.industry.code if e.industry_id else "",
            "ward": e.ward.code,
            "address": e.address,
            "workforce": e.workforce,
            "union": e.union.code if e.union_id else "",
            "notes": e.notes,
            "unit_name": e.unit.name,
            "id": e.pk,
        }


def export_workbook(actor, queryset, out=None, summary=()):
    """Exactly the rows of `queryset` (already scoped and filtered by the caller); every cell
    written from what a person typed is a text cell, never a formula."""
    return spreadsheets.write_workbook(
        enterprise_spec(), lookups(actor), rows=export_rows(queryset), out=out, summary=summary
    )


# --- import --------------------------------------------------------------------------------


class WardResolver:
    """A ward cell → a 2025 ward: a 5-digit code (a pre-2025 ward's code is read as its
    successor), or a name, matched without accents among the wards of the row's unit's
    province (or nationwide when the unit names no province). Cached per import."""

    def __init__(self):
        self.by_name = None
        self.provinces = {}

    def province(self, unit):
        if unit.pk not in self.provinces:
            self.provinces[unit.pk] = province_of(unit)
        return self.provinces[unit.pk]

    def _names(self):
        if self.by_name is None:
            self.by_name = {}
            for ward in Area.objects.filter(level=AreaLevel.WARD).only("pk", "name", "province"):
                key = fold(ward.name)
                self.by_name.setdefault(key, []).append(ward)
                # "Linh Xuân" finds "Phường Linh Xuân"
                bare = re.sub(r"^(phuong|xa|dac khu|thi tran) ", "", key)
                if bare != key:
                    self.by_name.setdefault(bare, []).append(ward)
        return self.by_name

    def resolve(self, value, unit):
        """(ward, None) or (None, Vietnamese message)."""
        value = str(value).strip()
        if value.isdigit():
            code = value.zfill(5)
            ward = Area.objects.filter(level=AreaLevel.WARD, code=code).first()
            if ward is None:
                old = (
                    Area.objects.filter(level=AreaLevel.LEGACY_WARD, code=code)
                    .select_related("successor")
                    .first()
                )
                ward = old.successor if old is not None else None
            if ward is None:
                return None, _("không có phường, xã mã '%(v)s'.") % {"v": value}
            return ward, None
        candidates = self._names().get(fold(value), [])
        province = self.province(unit) if unit is not None else None
        if province is not None and len(candidates) > 1:
            candidates = [w for w in candidates if w.province_id == province] or candidates
        if province is not None and candidates and len(candidates) == 1:
            if candidates[0].province_id != province:
                candidates = []
        if not candidates:
            return None, _(
                "không có phường, xã '%(v)s' (theo địa giới từ 01/07/2025) trong tỉnh, thành phố "
                "của đơn vị."
            ) % {"v": value}
        if len({w.pk for w in candidates}) > 1:
            return None, _("có nhiều phường, xã tên '%(v)s'; hãy nhập mã phường, xã.") % {
                "v": value
            }
        return candidates[0], None


def tax_code_cell(value):
    """A tax code as a cell gives it: a number that lost its leading zero (9 or 12 digits) gets
    it back, then the service's normal form."""
    raw = re.sub(r"[\s.]", "", str(value or ""))
    if re.fullmatch(r"[0-9]{9}|[0-9]{12}", raw):
        raw = "0" + raw
    return normalize_tax_code(raw)


class ServiceRows(spreadsheets.ImportHandler):
    """Validate what the sheet alone can tell, then write row by row through a service,
    turning its refusals into errors on the row and the column of the field it names."""

    batch_size = 200
    # the sheet's column key for a service's field name, where they differ
    aliases = {}

    def __init__(self, actor, spec, on_rows=None):
        self.actor = actor
        self.spec = spec
        self.on_rows = on_rows
        self.headers = {c.key: c.header for c in spec.columns}

    def header(self, field):
        return self.headers.get(self.aliases.get(field, field), "")

    def service_errors(self, row, exc, errors):
        items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
        for field, messages in items:
            for message in messages:
                errors.add(row, self.header(field) if field != "__all__" else "", message)

    def write(self, items, result):
        if self.on_rows is not None:
            self.on_rows(result.rows)
        for row, call in items:
            try:
                call()
            except ValidationError as exc:
                self.service_errors(row, exc, result.errors)
            else:
                result.created += 1


class EnterpriseImport(ServiceRows):
    def begin(self, result):
        self.units = {}
        self.unions = {}
        self.tax_codes = {}  # MST → the row of the file that has it
        self.wards = WardResolver()

    def _unit(self, pk):
        if pk not in self.units:
            self.units[pk] = Unit.objects.get(pk=pk)
        return self.units[pk]

    def _ref(self, model, pk):
        key = (model, pk)
        if key not in self.units:
            self.units[key] = model.objects.get(pk=pk)
        return self.units[key]

    def _union(self, code):
        code = code.strip().upper()
        if code not in self.unions:
            self.unions[code] = (
                Unit.objects.visible_to(self.actor)
                .filter(code__iexact=code, kind__is_grassroots=True)
                .select_related("kind")
                .first()
            )
        return self.unions[code]

    def validate(self, row, values, errors):
        unit = self._unit(values["unit"])
        ok = True
        ward, message = self.wards.resolve(values["ward"], unit)
        if message:
            errors.add(row, self.header("ward"), message)
            ok = False
        tax_code = tax_code_cell(values["tax_code"])
        if tax_code in self.tax_codes:
            errors.add(
                row,
                self.header("tax_code"),
                _("trùng mã số thuế %(mst)s với dòng %(row)s của tệp.")
                % {"mst": tax_code, "row": self.tax_codes[tax_code]},
            )
            ok = False
        else:
            self.tax_codes[tax_code] = row
        union = None
        if values.get("union"):
            union = self._union(values["union"])
            if union is None:
                errors.add(
                    row,
                    self.header("union"),
                    _("không có công đoàn cơ sở mã '%(v)s' trong phạm vi của bạn.")
                    % {"v": values["union"]},
                )
                ok = False
        if not ok:
            return None
        fields = {
            "name": values["name"],
            "tax_code": tax_code,
            "ownership": self._ref(Ownership, values["ownership"]),
            "investor_country": values.get("investor_country") or "",
            "industry": self._ref(Industry, values["industry"]) if values.get("industry") else None,
            "ward": ward,
            "address": values.get("address") or "",
            "workforce": values["workforce"],
            "union": union,
            "notes": values.get("notes") or "",
        }
        return row, lambda: services.create_enterprise(self.actor, unit=unit, **fields)


def import_enterprises(actor, upload, *, dry_run=False, on_rows=None):
    """Import a filled template: every row through `create_enterprise`, in one transaction,
    all or nothing; returns the ImportResult. `on_rows(n)`, if given, hears before each batch
    is written how many rows were read so far (a background job's progress)."""
    spec = enterprise_spec()
    return spreadsheets.run_import(
        upload, spec, lookups(actor), EnterpriseImport(actor, spec, on_rows), dry_run=dry_run
    )


def enterprises_by_tax_code(actor, codes):
    """{MST: Enterprise} among those `actor` sees (the incidents import names them by MST)."""
    codes = {tax_code_cell(c) for c in codes if c}
    return {e.tax_code: e for e in Enterprise.objects.visible_to(actor).filter(tax_code__in=codes)}
