"""Forms of the groups pages. They collect and type the input; the rules (ward of the unit's
province, one leader at a time, dates in order) are the services' to check, and their
errors land next to the fields."""

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from binhyen.core.bounds import parse_id
from binhyen.core.inputs import Form
from binhyen.org.forms import ScopedUnitField, VNDateField
from binhyen.org.models import LATITUDE, LONGITUDE, Area, AreaLevel, Unit

from . import services
from .models import (
    CAMERA_COST,
    RESIDENT_WORKERS,
    ROOMS,
    BoardingHouse,
    Camera,
    CameraStateKind,
    FunderKind,
    Group,
    GroupKind,
    GroupMember,
    MemberRole,
)


def _label(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


def _bounded(field_class, bound, **kwargs):
    """A number field holding `bound` (min/max on the widget too), saying it in its words."""
    return field_class(
        **bound.form_kwargs(),
        **kwargs,
        error_messages={"min_value": bound.message(), "max_value": bound.message()},
    )


def _unit_among(queryset, raw):
    pk = parse_id(getattr(raw, "pk", raw))
    return queryset.filter(pk=pk).first() if pk else None


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class WardField(forms.ModelChoiceField):
    """A 2025 ward, or a pre-2025 ward the service maps to its successor. The select offers
    the wards of one province (current first, then the old ones); any ward is accepted here
    and the service says if it lies outside the managing unit's province."""

    def __init__(self, **kwargs):
        kwargs.setdefault("empty_label", _("— chọn phường, xã —"))
        kwargs.setdefault("error_messages", {"invalid_choice": _("Không có phường, xã này.")})
        super().__init__(
            Area.objects.filter(level__in=[AreaLevel.WARD, AreaLevel.LEGACY_WARD]), **kwargs
        )

    def offer(self, unit):
        """Fill the options for `unit`'s province, grouped into current and old wards."""
        if unit is None:
            self.choices = [("", self.empty_label)]
            return
        current = [(w.pk, w.name) for w in services.wards_for_unit(unit)]
        legacy = [
            (w.pk, f"{w.name} — {w.parent.name if w.parent_id else ''} → {w.successor.name}")
            for w in services.legacy_wards_for_unit(unit).select_related("parent", "successor")
        ]
        self.choices = [
            ("", self.empty_label),
            (_("Phường, xã từ 01/07/2025"), current),
            (_("Phường, xã trước 01/07/2025 (tự quy đổi)"), legacy),
        ]


class GroupForm(Form):
    unit = ScopedUnitField(
        Unit.objects.none(),
        label=_("Đơn vị quản lý"),
        error_messages={
            "invalid_choice": _("Đơn vị không tồn tại hoặc nằm ngoài phạm vi bạn được nhập liệu.")
        },
    )
    kind = forms.ModelChoiceField(
        GroupKind.objects.all(), label=_("Loại mô hình"), empty_label=None
    )
    name = forms.CharField(label=_label(Group, "name"), max_length=255)
    code = forms.CharField(
        label=_label(Group, "code"),
        max_length=40,
        required=False,
        help_text=Group._meta.get_field("code").help_text,
    )
    ward = WardField(label=_("Phường, xã"))
    address = forms.CharField(label=_label(Group, "address"), max_length=255, required=False)
    founded = VNDateField(label=_label(Group, "founded"))
    closed = VNDateField(
        label=_label(Group, "closed"),
        required=False,
        help_text=_("Ngày tổ không còn hoạt động (dd/mm/yyyy); để trống nếu còn hoạt động."),
    )
    leader_name = forms.CharField(
        label=_label(Group, "leader_name"),
        max_length=150,
        required=False,
        help_text=Group._meta.get_field("leader_name").help_text,
    )
    police_contact = forms.CharField(
        label=_label(Group, "police_contact"), max_length=255, required=False
    )
    notes = forms.CharField(
        label=_label(Group, "notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, instance=None, unit=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs["initial"] = {
                "unit": instance.unit_id,
                "kind": instance.kind_id,
                "name": instance.name,
                "code": instance.code,
                "ward": instance.legacy_ward_id or instance.ward_id,
                "address": instance.address,
                "founded": instance.founded,
                "closed": instance.closed,
                "leader_name": instance.leader_name,
                "police_contact": instance.police_contact,
                "notes": instance.notes,
                **(kwargs.get("initial") or {}),
            }
        elif unit is not None:
            kwargs["initial"] = {"unit": unit.pk, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        units = Unit.objects.recordable_by(user)
        self.fields["unit"].queryset = units
        self.fields["unit"]._option_queryset = units.filter(
            Q(valid_to__isnull=True) | Q(pk=getattr(instance, "unit_id", None))
        )
        if instance is not None:
            # A group stays with the unit that registered it; the field only shows it.
            self.fields["unit"].disabled = True
        self.fields["ward"].offer(self.chosen_unit())
        _style(self)

    def chosen_unit(self):
        if self.instance is not None:
            return self.instance.unit
        raw = self.data.get(self.add_prefix("unit")) if self.is_bound else self.initial.get("unit")
        return _unit_among(self.fields["unit"].queryset, raw)

    def group_fields(self):
        data = dict(self.cleaned_data)
        data.pop("unit", None)
        return data


class MemberForm(Form):
    full_name = forms.CharField(label=_label(GroupMember, "full_name"), max_length=150)
    role = forms.ChoiceField(
        label=_label(GroupMember, "role"), choices=MemberRole.choices, initial=MemberRole.MEMBER
    )
    phone = forms.CharField(
        label=_label(GroupMember, "phone"),
        max_length=20,
        required=False,
        help_text=_("Di động 10 chữ số, ví dụ 0912 345 678."),
    )
    id_number = forms.CharField(
        label=_label(GroupMember, "id_number"),
        max_length=20,
        required=False,
        help_text=_("12 chữ số; không bắt buộc."),
    )
    workplace = forms.CharField(
        label=_label(GroupMember, "workplace"),
        max_length=255,
        required=False,
        help_text=_("Tên doanh nghiệp, cơ quan."),
    )
    workplace_unit = forms.CharField(
        label=_("Mã công đoàn cơ sở nơi làm việc"),
        max_length=40,
        required=False,
        help_text=_("Không bắt buộc; ví dụ CS-HCM-KCN-03."),
    )
    joined = VNDateField(label=_label(GroupMember, "joined"))
    left = VNDateField(
        label=_label(GroupMember, "left"),
        required=False,
        help_text=_(
            "Ngày không còn là thành viên (dd/mm/yyyy). Thành viên không bị xoá, chỉ ghi ngày rời tổ."
        ),
    )

    def __init__(self, *args, user, instance=None, **kwargs):
        self.user = user
        if instance is not None:
            kwargs["initial"] = {
                "full_name": instance.full_name,
                "role": instance.role,
                "phone": instance.phone,
                "id_number": instance.id_number,
                "workplace": instance.workplace,
                "workplace_unit": instance.workplace_unit.code
                if instance.workplace_unit_id
                else "",
                "joined": instance.joined,
                "left": instance.left,
            }
        super().__init__(*args, **kwargs)
        for name in ("phone", "id_number"):
            self.fields[name].widget.attrs.update(autocomplete="off", inputmode="numeric")
        _style(self)

    def clean_workplace_unit(self):
        code = (self.cleaned_data.get("workplace_unit") or "").strip().upper()
        if not code:
            return None
        unit = Unit.objects.visible_to(self.user).filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(
                _("Không tìm thấy đơn vị mã “%(code)s” trong phạm vi của bạn.") % {"code": code}
            )
        return unit


class HouseForm(Form):
    name = forms.CharField(label=_label(BoardingHouse, "name"), max_length=255, required=False)
    address = forms.CharField(label=_label(BoardingHouse, "address"), max_length=255)
    ward = WardField(label=_("Phường, xã"))
    landlord_name = forms.CharField(
        label=_label(BoardingHouse, "landlord_name"), max_length=150, required=False
    )
    landlord_phone = forms.CharField(
        label=_label(BoardingHouse, "landlord_phone"), max_length=20, required=False
    )
    rooms = _bounded(forms.IntegerField, ROOMS, label=_label(BoardingHouse, "rooms"), initial=0)
    resident_workers = _bounded(
        forms.IntegerField,
        RESIDENT_WORKERS,
        label=_label(BoardingHouse, "resident_workers"),
        initial=0,
    )
    cooperative = forms.BooleanField(label=_label(BoardingHouse, "cooperative"), required=False)
    notes = forms.CharField(
        label=_label(BoardingHouse, "notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    coverage_start = VNDateField(
        label=_("Tổ phụ trách từ ngày"),
        required=False,
        help_text=_("Để trống: từ ngày thành lập tổ."),
    )

    def __init__(self, *args, unit, instance=None, with_coverage=False, **kwargs):
        if instance is not None:
            kwargs["initial"] = {
                "name": instance.name,
                "address": instance.address,
                "ward": instance.legacy_ward_id or instance.ward_id,
                "landlord_name": instance.landlord_name,
                "landlord_phone": instance.landlord_phone,
                "rooms": instance.rooms,
                "resident_workers": instance.resident_workers,
                "cooperative": instance.cooperative,
                "notes": instance.notes,
            }
        super().__init__(*args, **kwargs)
        if not with_coverage:
            del self.fields["coverage_start"]
        self.fields["ward"].offer(unit)
        self.fields["landlord_phone"].widget.attrs.update(autocomplete="off", inputmode="numeric")
        _style(self)


class CoverageEndForm(Form):
    end = VNDateField(
        label=_("Ngày thôi phụ trách"),
        help_text=_("Ngày đầu tiên tổ không còn phụ trách nhà trọ này."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class CameraForm(Form):
    unit = ScopedUnitField(
        Unit.objects.none(),
        label=_("Đơn vị quản lý"),
        error_messages={
            "invalid_choice": _("Đơn vị không tồn tại hoặc nằm ngoài phạm vi bạn được nhập liệu.")
        },
    )
    group = forms.ModelChoiceField(
        Group.objects.none(),
        label=_("Tổ/mô hình"),
        required=False,
        empty_label=_("— không gắn với tổ —"),
    )
    place = forms.CharField(label=_label(Camera, "place"), max_length=255)
    ward = WardField(label=_("Phường, xã"))
    latitude = _bounded(
        forms.FloatField,
        LATITUDE,
        label=_label(Camera, "latitude"),
        required=False,
        help_text=_("Để trống: lấy theo tâm phường, xã."),
    )
    longitude = _bounded(
        forms.FloatField, LONGITUDE, label=_label(Camera, "longitude"), required=False
    )
    funder_kind = forms.ChoiceField(label=_label(Camera, "funder_kind"), choices=FunderKind.choices)
    funder_name = forms.CharField(
        label=_label(Camera, "funder_name"), max_length=255, required=False
    )
    cost = _bounded(forms.IntegerField, CAMERA_COST, label=_label(Camera, "cost"), required=False)
    installed = VNDateField(label=_label(Camera, "installed"))
    police_can_view = forms.BooleanField(label=_label(Camera, "police_can_view"), required=False)
    notes = forms.CharField(
        label=_label(Camera, "notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, instance=None, unit=None, group=None, **kwargs):
        self.instance = instance
        initial = kwargs.get("initial") or {}
        if instance is not None:
            initial = {
                "unit": instance.unit_id,
                "group": instance.group_id,
                "place": instance.place,
                "ward": instance.legacy_ward_id or instance.ward_id,
                "latitude": None if instance.location_from_ward else instance.latitude,
                "longitude": None if instance.location_from_ward else instance.longitude,
                "funder_kind": instance.funder_kind,
                "funder_name": instance.funder_name,
                "cost": instance.cost,
                "installed": instance.installed,
                "police_can_view": instance.police_can_view,
                "notes": instance.notes,
                **initial,
            }
        else:
            if unit is not None:
                initial.setdefault("unit", unit.pk)
            if group is not None:
                initial.setdefault("group", group.pk)
                initial.setdefault("ward", group.ward_id)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        units = Unit.objects.recordable_by(user)
        self.fields["unit"].queryset = units
        self.fields["unit"]._option_queryset = units.filter(
            Q(valid_to__isnull=True) | Q(pk=getattr(instance, "unit_id", None))
        )
        if instance is not None:
            self.fields["unit"].disabled = True
        chosen = instance.unit if instance is not None else self._unit()
        self.fields["group"].queryset = (
            Group.objects.editable_by(user).filter(unit=chosen).order_by("name")
            if chosen
            else Group.objects.none()
        )
        self.fields["ward"].offer(chosen)
        _style(self)

    def _unit(self):
        raw = self.data.get(self.add_prefix("unit")) if self.is_bound else self.initial.get("unit")
        return _unit_among(self.fields["unit"].queryset, raw)


class CameraStateForm(Form):
    state = forms.ChoiceField(label=_("Tình trạng"), choices=CameraStateKind.choices)
    since = VNDateField(label=_("Từ ngày"))
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
