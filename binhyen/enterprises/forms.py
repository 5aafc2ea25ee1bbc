"""Forms of the enterprise pages. They collect and type the input; the rules (MST of 10 or 13
digits and not taken, the investor's country only for FDI, a 2025 ward, a grassroots union
that is still open) are the service's to check, and its errors land next to the fields."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from binhyen.core.inputs import Form
from binhyen.org.forms import ScopedUnitField
from binhyen.org.models import Area, AreaLevel, Unit
from binhyen.org.scoping import EDIT_ROLES, scope_of

from .models import WORKFORCE, Country, Enterprise, Industry, Ownership


def _label(name):
    return capfirst(Enterprise._meta.get_field(name).verbose_name)


def province_of(unit):
    """The 2025 province `unit` works in: its own or its nearest ancestor's (a legacy province
    read as its successor); None when no unit above it names one. One or two queries."""
    row = (
        Unit.objects.filter(pk__in=unit.ancestor_ids, province__isnull=False)
        .order_by("-depth")
        .values_list("province__level", "province_id", "province__successor_id")
        .first()
    )
    if row is None:
        return None
    level, pk, successor = row
    return successor if level == AreaLevel.LEGACY_PROVINCE else pk


def offered_wards(user, unit=None):
    """The 2025 wards the ward select offers: those of `unit`'s province, else of the
    provinces of the units the person records for (every ward for a nationwide role)."""
    wards = Area.objects.filter(level=AreaLevel.WARD)
    units = [unit] if unit is not None else []
    if not units:
        scope = scope_of(user, EDIT_ROLES)
        if scope.everything:
            return wards.select_related("province").order_by("province__name", "name")
        units = list(Unit.objects.filter(path__in=scope.paths))
    provinces = {p for p in (province_of(u) for u in units) if p}
    return (
        wards.filter(province_id__in=provinces)
        .select_related("province")
        .order_by("province__name", "name")
    )


class WardField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("empty_label", _("— chọn phường, xã —"))
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("Hãy chọn phường, xã theo địa giới từ 01/07/2025.")},
        )
        super().__init__(Area.objects.filter(level=AreaLevel.WARD), **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.province.name}" if obj.province_id else obj.name


class EnterpriseForm(Form):
    unit = ScopedUnitField(
        Unit.objects.none(),
        label=_("Đơn vị theo dõi"),
        help_text=_(
            "Công đoàn cơ sở của doanh nghiệp, hoặc công đoàn cấp trên theo dõi doanh nghiệp "
            "chưa có công đoàn."
        ),
        error_messages={
            "invalid_choice": _("Đơn vị không tồn tại hoặc nằm ngoài phạm vi bạn được nhập liệu.")
        },
    )
    name = forms.CharField(label=_label("name"), max_length=255)
    tax_code = forms.CharField(
        label=_label("tax_code"),
        max_length=20,
        help_text=_("10 chữ số, hoặc 13 chữ số với chi nhánh (ví dụ 0301234567-001)."),
    )
    ownership = forms.ModelChoiceField(
        Ownership.objects.all(), label=_label("ownership"), empty_label=None
    )
    investor_country = forms.ChoiceField(
        label=_label("investor_country"),
        choices=[("", _("— không có —")), *Country.choices],
        required=False,
        help_text=_("Chỉ với doanh nghiệp có vốn đầu tư nước ngoài."),
    )
    industry = forms.ModelChoiceField(
        Industry.objects.all(),
        label=_label("industry"),
        required=False,
        empty_label=_("— chưa xếp ngành —"),
    )
    ward = WardField(label=_label("ward"))
    address = forms.CharField(label=_label("address"), max_length=255, required=False)
    workforce = forms.IntegerField(
        label=_label("workforce"),
        **WORKFORCE.form_kwargs(),
        error_messages={"min_value": WORKFORCE.message(), "max_value": WORKFORCE.message()},
    )
    union_code = forms.CharField(
        label=_("Mã công đoàn cơ sở đại diện"),
        max_length=40,
        required=False,
        help_text=_("Để trống khi doanh nghiệp chưa có tổ chức công đoàn."),
    )
    notes = forms.CharField(
        label=_label("notes"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, instance=None, **kwargs):
        self.user = user
        self.instance = instance
        if instance is not None and not kwargs.get("data") and not args:
            kwargs["initial"] = {
                "unit": instance.unit_id,
                "name": instance.name,
                "tax_code": instance.tax_code,
                "ownership": instance.ownership_id,
                "investor_country": instance.investor_country,
                "industry": instance.industry_id,
                "ward": instance.ward_id,
                "address": instance.address,
                "workforce": instance.workforce,
                "union_code": instance.union.code if instance.union_id else "",
                "notes": instance.notes,
            }
        super().__init__(*args, **kwargs)
        units = Unit.objects.recordable_by(user).filter(valid_to__isnull=True)
        self.fields["unit"].queryset = units
        self.fields["ward"].queryset = offered_wards(user, instance.unit if instance else None)
        if instance is not None and instance.ward_id:
            # the current ward stays a valid choice even outside the offered provinces
            self.fields["ward"].queryset = self.fields["ward"].queryset | Area.objects.filter(
                pk=instance.ward_id
            ).select_related("province")
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def clean_union_code(self):
        code = (self.cleaned_data.get("union_code") or "").strip().upper()
        if not code:
            return None
        union = (
            Unit.objects.visible_to(self.user)
            .filter(code__iexact=code, kind__is_grassroots=True)
            .first()
        )
        if union is None:
            raise forms.ValidationError(
                _("Không có công đoàn cơ sở mã “%(code)s” trong phạm vi của bạn.") % {"code": code}
            )
        return union

    def service_fields(self):
        data = dict(self.cleaned_data)
        data["union"] = data.pop("union_code")
        data["investor_country"] = data.get("investor_country") or ""
        for text in ("address", "notes"):
            data[text] = data.get(text) or ""
        return data


class ImportForm(Form):
    file = forms.FileField(
        label=_("Tệp Excel đã điền (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
        error_messages={
            "required": _("Hãy chọn tệp Excel để tải lên."),
            "empty": _("Tệp rỗng (0 byte). Hãy chọn tệp Excel đã điền dữ liệu."),
        },
    )
    dry_run = forms.BooleanField(
        label=_("Chỉ kiểm tra, chưa ghi (chạy thử)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
