"""The form an approver fills in to ask the units below for a period's report."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core.inputs import Form
from binhyen.core.periods import parse_period
from binhyen.org.models import Assignment, Unit
from binhyen.org.scoping import APPROVE_ROLES

from .models import Audience, ReportTemplate
from .services import STANDARD_TEMPLATE

DATE_INPUTS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


def issuing_units(user):
    """Units a person may ask for reports from: those they approve for directly (a superuser:
    the top of the tree and the provinces), never the long tail of grassroots unions."""
    if user.is_superuser:
        qs = Unit.objects.filter(kind__rank__lte=1)
    else:
        ids = Assignment.objects.filter(user=user, active=True, role__in=APPROVE_ROLES).values(
            "unit_id"
        )
        qs = Unit.objects.filter(pk__in=ids)
    return qs.filter(kind__is_grassroots=False, valid_to__isnull=True).order_by("path")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class RequestForm(Form):
    unit = UnitChoiceField(
        label=gettext_lazy("Đơn vị yêu cầu"), queryset=Unit.objects.none(), empty_label=None
    )
    template = forms.ModelChoiceField(
        label=gettext_lazy("Mẫu báo cáo"),
        queryset=ReportTemplate.objects.all(),
        required=False,
        empty_label=gettext_lazy("Báo cáo công tác phòng, chống tội phạm"),
    )
    period = forms.CharField(
        label=gettext_lazy("Kỳ báo cáo"),
        max_length=40,
        help_text=gettext_lazy(
            "Ví dụ 2024 (cả năm), 2024H1 (6 tháng đầu năm), 2024Q3 (quý III) hoặc "
            "2021-08-16..2022-08-15 (một giai đoạn)."
        ),
        widget=forms.TextInput(attrs={"list": "period-choices", "autocomplete": "off"}),
    )
    deadline = forms.DateField(
        label=gettext_lazy("Hạn nộp"),
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
        error_messages={
            "invalid": gettext_lazy("Hãy nhập ngày dạng dd/mm/yyyy, ví dụ 15/12/2024.")
        },
        help_text=gettext_lazy(
            "Báo cáo gửi đến hết ngày này là đúng hạn. Số liệu chỉ bị khóa khi báo cáo được phê duyệt."
        ),
    )
    title = forms.CharField(
        label=gettext_lazy("Tiêu đề"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Để trống: tên mẫu kèm kỳ báo cáo."),
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("Gửi đến"),
        choices=Audience.choices,
        initial=Audience.CHILDREN,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    instructions = forms.CharField(
        label=gettext_lazy("Hướng dẫn"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = issuing_units(user)
        standard = ReportTemplate.objects.filter(code=STANDARD_TEMPLATE).first()
        if standard is not None:  # else left empty: the standard template is made on first use
            self.fields["template"].empty_label = None
            self.fields["template"].required = True
            self.initial.setdefault("template", standard.pk)

    def clean_period(self):
        text = self.cleaned_data["period"].strip()
        try:
            return parse_period(text)
        except ValidationError as exc:
            raise ValidationError(" ".join(exc.messages)) from None

    def clean(self):
        data = super().clean()
        period, deadline = data.get("period"), data.get("deadline")
        if period and deadline and deadline < period.start:
            self.add_error("deadline", _("Hạn nộp không được trước ngày bắt đầu kỳ báo cáo."))
        return data
