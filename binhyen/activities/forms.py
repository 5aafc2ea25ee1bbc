"""Forms of the activities pages: one activity (create/edit), the spreadsheet upload."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from binhyen.core.bounds import parse_id
from binhyen.core.inputs import Form
from binhyen.core.text import format_number
from binhyen.org.models import Unit

from .models import (
    ATTENDANCES,
    LEAFLETS,
    SESSIONS,
    Activity,
    ActivityKind,
    Audience,
    Channel,
    Topic,
)

DATE_INPUT = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos or files in one input; each is checked by the service (type, size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.webp,.pdf,.docx,.xlsx"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _date_field(label, required_message="", required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT,
        help_text=help_text,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
        error_messages={
            "invalid": _("Hãy nhập ngày dạng dd/mm/yyyy, ví dụ 15/03/2022."),
            "required": required_message,
        },
    )


def _count_field(label, message, bound, required_message="", required=True, help_text=""):
    too_large = format_lazy(
        _("{label} tối đa {max}; nếu là tổng của nhiều hoạt động, hãy ghi thành nhiều hoạt động."),
        label=label,
        max=format_number(bound.high),
    )
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        **bound.form_kwargs(),
        widget=forms.NumberInput(attrs={"step": 1, "inputmode": "numeric"}),
        error_messages={
            "invalid": message,
            "min_value": message,
            "max_value": too_large,
            "required": required_message,
        },
    )


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of records by id where a value no bigint can hold (or not a number at
    all) is an unknown choice, not a query that overflows."""

    def _check_values(self, value):
        try:
            values = list(value)
        except TypeError:
            values = None
        for item in values or ():
            if parse_id(item) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        if unit.valid_to:
            return _("%(name)s (đến %(d)s)") % {
                "name": unit.name,
                "d": unit.valid_to.strftime("%d/%m/%Y"),
            }
        return unit.name


class DocumentChoiceField(IdsChoiceField):
    def label_from_instance(self, document):
        label = document.label
        if document.issued_on:
            label += " " + _("ngày %(d)s") % {"d": document.issued_on.strftime("%d/%m/%Y")}
        return label


class ActivityForm(Form):
    """What a grassroots officer fills in for one activity. Choices come from what the user may
    edit; the service repeats every check (scope, dates, counts, locks) and has the last word."""

    unit = UnitChoiceField(
        label=_("Đơn vị tổ chức"),
        queryset=Unit.objects.none(),
        error_messages={
            "required": _("Hãy chọn đơn vị tổ chức."),
            "invalid_choice": _(
                "Đơn vị không tồn tại hoặc bạn không được nhập liệu cho đơn vị này."
            ),
        },
    )
    date = _date_field(
        _("Ngày"), _("Hãy nhập ngày tổ chức."), help_text=_("Ngày tổ chức, không sau hôm nay.")
    )
    end_date = _date_field(
        _("Đến ngày"), required=False, help_text=_("Chỉ nhập khi hoạt động kéo dài nhiều ngày.")
    )
    kind = forms.ModelChoiceField(
        label=_("Loại hoạt động"),
        queryset=ActivityKind.objects.filter(active=True),
        error_messages={
            "required": _("Hãy chọn loại hoạt động."),
            "invalid_choice": _("Loại hoạt động không có trong danh mục."),
        },
    )
    title = forms.CharField(
        label=_("Tên hoạt động"),
        max_length=255,
        error_messages={
            "required": _("Hãy nhập tên hoạt động."),
            "max_length": _(
                "Tên hoạt động dài tối đa %(limit_value)d ký tự (đang có %(show_value)d)."
            ),
        },
    )
    topics = IdsChoiceField(
        label=_("Chủ đề"),
        queryset=Topic.objects.filter(active=True),
        widget=CHECKBOXES,
        error_messages={
            "required": _("Hãy chọn ít nhất một chủ đề."),
            "invalid_choice": _("Chủ đề không có trong danh mục."),
        },
    )
    audiences = IdsChoiceField(
        label=_("Đối tượng"),
        queryset=Audience.objects.filter(active=True),
        widget=CHECKBOXES,
        error_messages={
            "required": _("Hãy chọn ít nhất một đối tượng."),
            "invalid_choice": _("Đối tượng không có trong danh mục."),
        },
    )
    channels = IdsChoiceField(
        label=_("Hình thức"),
        queryset=Channel.objects.filter(active=True),
        required=False,
        widget=CHECKBOXES,
        error_messages={"invalid_choice": _("Hình thức không có trong danh mục.")},
    )
    sessions = _count_field(
        _("Số cuộc/buổi"),
        _("Số cuộc/buổi phải là số nguyên không âm."),
        SESSIONS,
        _("Hãy nhập số cuộc/buổi."),
        help_text=_("Ít nhất 1; phát tờ rơi có thể là 0."),
    )
    attendances = _count_field(
        _("Số lượt người tham dự"),
        _("Số lượt người phải là số nguyên không âm."),
        ATTENDANCES,
        _("Hãy nhập số lượt người tham dự."),
        help_text=_("Cộng dồn các buổi."),
    )
    leaflets = _count_field(
        _("Số tờ rơi"),
        _("Số tờ rơi phải là số nguyên không âm."),
        LEAFLETS,
        required=False,
        help_text=_("Bắt buộc với “Phát tờ rơi”."),
    )
    place = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    document_ref = forms.CharField(
        label=_("Văn bản thực hiện"),
        max_length=255,
        required=False,
        help_text=_("Số, ký hiệu văn bản mà hoạt động này thực hiện, ví dụ 329/KH-LĐLĐ."),
    )
    documents = DocumentChoiceField(
        label=_("Văn bản thực hiện (đã đăng ký)"),
        required=False,
        queryset=None,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
        help_text=_(
            "Kế hoạch, văn bản mà hoạt động này thực hiện; giữ Ctrl để chọn nhiều văn bản."
        ),
        error_messages={
            "invalid_choice": _(
                "Văn bản thực hiện không tồn tại hoặc nằm ngoài phạm vi bạn xem được."
            )
        },
    )
    notes = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    group = forms.ModelChoiceField(
        label=_("Mô hình tổ chức/tham gia"),
        required=False,
        queryset=None,
        error_messages={
            "invalid_choice": _("Mô hình không tồn tại hoặc nằm ngoài phạm vi của bạn.")
        },
    )
    files = MultipleFileField(
        label=_("Ảnh, tệp đính kèm"),
        required=False,
        help_text=_("Ảnh JPG, PNG, WEBP; PDF; Word (.docx); Excel (.xlsx); mỗi tệp tối đa 10 MB."),
    )
    remove_attachments = IdsChoiceField(
        label=_("Gỡ tệp đính kèm"),
        required=False,
        queryset=None,
        widget=CHECKBOXES,
    )

    def __init__(self, *args, user, units, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        # the groups app sits above this one: its model is reached through the foreign key
        Group = Activity._meta.get_field("group").related_model
        groups = (
            Group.objects.visible_to(user)
            .filter(unit__in=units)
            .select_related("unit")
            .order_by("name")
        )
        self.fields["group"].queryset = groups
        from binhyen.documents.models import Document

        self.fields["documents"].queryset = (
            Document.objects.visible_to(user)
            .select_related("doc_type")
            .order_by("-issued_on", "-id")
        )
        if activity is not None and activity.pk:
            self.fields["remove_attachments"].queryset = activity.attachments.filter(
                removed_at__isnull=True
            )
        else:
            del self.fields["remove_attachments"]
        if not groups.exists():
            del self.fields["group"]

    def service_fields(self):
        data = dict(self.cleaned_data)
        data.pop("remove_attachments", None)
        files = data.pop("files", [])
        return data, files


class ImportForm(Form):
    file = forms.FileField(
        label=_("Tệp Excel đã điền (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={
            "required": _("Hãy chọn tệp Excel để tải lên."),
            "empty": _("Tệp rỗng (0 byte). Hãy chọn tệp Excel đã điền dữ liệu."),
        },
    )
    dry_run = forms.BooleanField(
        label=_("Chỉ kiểm tra, chưa ghi (chạy thử)"),
        required=False,
    )
