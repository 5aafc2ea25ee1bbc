"""Forms of the union-tree pages. They only collect and type the input; every rule is checked
by the service the view calls (binhyen/org/services.py), whose errors land next to the fields."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.forms.models import ModelChoiceIterator, fields_for_model
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from binhyen.core import periods
from binhyen.core.bounds import parse_id
from binhyen.core.inputs import Form
from binhyen.org.scoping import Role

from .models import PATH_STEP, UNION_MEMBERS, WORKFORCE, Area, AreaLevel, Unit, UnitKind
from .services import wards_of_province

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]

# The role names people see; scoping.Role's own labels are not marked for translation.
ROLE_LABELS = {
    Role.VIEWER: _("Xem"),
    Role.EDITOR: _("Nhập liệu"),
    Role.APPROVER: _("Phê duyệt"),
    Role.ADMIN: _("Quản trị"),
    Role.POLICE: _("Công an phường (liên lạc)"),
    Role.IDENTITY: _("Xem danh tính người báo tin"),
}
ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]

OUT_OF_REACH = _("Đơn vị không tồn tại hoặc nằm ngoài phạm vi bạn được quản trị.")


class VNDateField(forms.DateField):
    """A date typed and shown as dd/mm/yyyy."""

    widget = forms.DateInput(
        format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
    )
    default_error_messages = {"invalid": _("Hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 31/12/2020.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("help_text", _("Ngày/tháng/năm, ví dụ 15/03/2019."))
        super().__init__(**kwargs)


def unit_label(unit):
    return f"{unit.name} ({unit.code})"


class _OptionsIterator(ModelChoiceIterator):
    """Lists the field's `option_queryset`, read when the select is rendered."""

    @property
    def queryset(self):
        return self.field.option_queryset

    @queryset.setter
    def queryset(self, value):
        pass  # ModelChoiceIterator.__init__ assigns the accepting queryset; we list options


class ScopedUnitField(forms.ModelChoiceField):
    """A unit chosen among those the user administers.

    `queryset` (the user's editable units) is what the field accepts; `option_queryset` is the
    shorter list the select offers (e.g. only units that could be a parent). A unit outside
    the scope, or one that does not exist, gets the same message, so nothing is confirmed.
    """

    iterator = _OptionsIterator

    def __init__(self, queryset, option_queryset=None, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": OUT_OF_REACH})
        kwargs.setdefault("empty_label", _("— chọn đơn vị —"))
        self._option_queryset = option_queryset
        super().__init__(queryset, **kwargs)

    @property
    def option_queryset(self):
        qs = self._option_queryset if self._option_queryset is not None else self.queryset
        return qs.select_related(None).only("pk", "code", "name").order_by("path")

    def label_from_instance(self, obj):
        return unit_label(obj)


def _open_today():
    today = periods.today()
    return Q(valid_to__isnull=True) | Q(valid_to__gte=today)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice by id where a value no bigint can hold (or not a number at all) is an
    unknown choice, not a query that overflows."""

    def _check_values(self, value):
        try:
            values = list(value)
        except TypeError:
            values = ()
        for item in values:
            if parse_id(item) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)


class ProvinceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.level == AreaLevel.LEGACY_PROVINCE:
            return _("%(name)s (trước 01/07/2025)") % {"name": obj.name}
        return obj.name


class UnitForm(Form):
    """Create a child unit or edit a unit's own facts (structure changes have their own forms)."""

    FIELDS = [
        "code",
        "name",
        "short_name",
        "kind",
        "province",
        "ward",
        "valid_from",
        "enterprise_name",
        "ownership",
        "workforce",
        "members",
    ]

    def __init__(self, *args, parent=None, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs["initial"] = {
                **{
                    name: getattr(
                        instance, f"{name}_id" if name in ("kind", "province", "ward") else name
                    )
                    for name in self.FIELDS
                },
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Unit, fields=self.FIELDS))
        self.fields["valid_from"] = VNDateField(
            label=capfirst(Unit._meta.get_field("valid_from").verbose_name)
        )
        self.fields["code"].help_text = _(
            "Chữ in hoa không dấu, chữ số và . _ - ; ví dụ HCM-Q9-CS1."
        )
        self.fields["code"].widget.attrs["autocapitalize"] = "characters"
        kinds = UnitKind.objects.all()
        if parent is not None:
            kinds = kinds.filter(rank__gt=parent.kind.rank)
        self.fields["kind"].queryset = kinds
        self.fields["kind"].empty_label = _("— chọn loại đơn vị —")
        self.fields["ownership"].choices = [
            ("", _("— không áp dụng —")),
            *Unit._meta.get_field("ownership").choices,
        ]
        self.fields["province"] = ProvinceField(
            queryset=Area.objects.filter(
                level__in=[AreaLevel.PROVINCE, AreaLevel.LEGACY_PROVINCE]
            ).order_by("level", "name"),
            required=False,
            label=capfirst(Unit._meta.get_field("province").verbose_name),
            empty_label=_("— chọn tỉnh/thành phố —"),
        )
        self.fields["ward"].empty_label = _("— chọn phường/xã —")
        self.fields["ward"].queryset = self._wards()
        self.fields["ward"].error_messages["invalid_choice"] = _(
            "Phường/xã này không thuộc tỉnh/thành phố đã chọn."
        )
        for name, bound in (("workforce", WORKFORCE), ("members", UNION_MEMBERS)):
            label = self.fields[name].label
            self.fields[name] = forms.IntegerField(
                label=label,
                required=False,
                **bound.form_kwargs(),
                error_messages={"min_value": bound.message(), "max_value": bound.message()},
            )
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def _wards(self):
        """Only the wards of the chosen province (the select reloads via htmx on change)."""
        key = self.add_prefix("province")
        raw = self.data.get(key) if self.is_bound else self.initial.get("province")
        pk = parse_id(getattr(raw, "pk", raw))
        province = Area.objects.filter(pk=pk).first() if pk else None
        if province is None:
            return Area.objects.none()
        return wards_of_province(province)

    def unit_fields(self):
        """The cleaned data as keyword arguments for services.create_unit / update_unit."""
        data = dict(self.cleaned_data)
        for name in ("short_name", "enterprise_name", "ownership"):
            data[name] = data.get(name) or ""
        return data


class MoveForm(Form):
    parent = ScopedUnitField(Unit.objects.none(), label=_("Đơn vị cấp trên mới"))
    date = VNDateField(label=_("Ngày hiệu lực"))
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args, user, unit, **kwargs):
        super().__init__(*args, **kwargs)
        editable = Unit.objects.administered_by(user)
        field = self.fields["parent"]
        field.queryset = editable
        field._option_queryset = editable.filter(
            _open_today(), kind__rank__lt=unit.kind.rank
        ).exclude(pk=unit.parent_id)
        _style(self)


class CloseForm(Form):
    date = VNDateField(
        label=_("Ngày kết thúc"), help_text=_("Ngày hoạt động cuối cùng (dd/mm/yyyy).")
    )
    successor = ScopedUnitField(
        Unit.objects.none(),
        label=_("Đơn vị kế thừa"),
        required=False,
        empty_label=_("— không có —"),
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args, user, unit, **kwargs):
        super().__init__(*args, **kwargs)
        editable = Unit.objects.administered_by(user)
        self.fields["successor"].queryset = editable
        self.fields["successor"]._option_queryset = _peers(editable, unit)
        _style(self)


class MergeForm(Form):
    target = ScopedUnitField(Unit.objects.none(), label=_("Sáp nhập vào đơn vị"))
    date = VNDateField(
        label=_("Ngày sáp nhập"),
        help_text=_(
            "Ngày đầu tiên của đơn vị sau sáp nhập; đơn vị này kết thúc vào ngày hôm trước."
        ),
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args, user, unit, **kwargs):
        super().__init__(*args, **kwargs)
        editable = Unit.objects.administered_by(user)
        self.fields["target"].queryset = editable
        self.fields["target"]._option_queryset = _peers(editable, unit)
        _style(self)


def _peers(editable, unit):
    """Units of the same rank under the same parent: where successors and merge targets are."""
    qs = editable.filter(_open_today(), kind__rank=unit.kind.rank).exclude(pk=unit.pk)
    if unit.parent_id:
        qs = qs.filter(path__startswith=unit.path[:-PATH_STEP])
    return qs


class _RoleForm(Form):
    role = forms.ChoiceField(label=_("Vai trò"), choices=ROLE_CHOICES)
    wards = IdsChoiceField(
        Area.objects.none(),
        label=_("Phường/xã phụ trách"),
        required=False,
        help_text=_("Chỉ dùng cho vai trò công an phường."),
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        province = unit.province
        if province is not None and province.is_legacy and province.successor_id:
            province = province.successor
        self.fields["wards"].queryset = (
            wards_of_province(province) if province is not None else Area.objects.none()
        )
        self.fields["wards"].error_messages["invalid_choice"] = _(
            "Phường/xã %(value)s không thuộc địa bàn của đơn vị."
        )
        self.fields["wards"].widget.attrs["size"] = 6
        _style(self)


class AssignForm(_RoleForm):
    """Give an existing user a role over this unit's subtree."""

    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)
    field_order = ["username", "role", "wards", "note"]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Không có người dùng nào có tên đăng nhập này."))
        self.user = user
        return username


class NewUserForm(_RoleForm):
    """Register a new officer and give them a role in the same step."""

    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Để trống: người dùng tự đặt mật khẩu qua chức năng quên mật khẩu."),
    )
    field_order = ["username", "full_name", "email", "password", "role", "wards"]


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            continue
        css = (
            "form-select"
            if isinstance(widget, forms.Select | forms.SelectMultiple)
            else "form-control"
        )
        widget.attrs.setdefault("class", css)
