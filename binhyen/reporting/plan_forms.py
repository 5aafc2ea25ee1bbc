"""The form of a plan's target: the indicator (from the registry's list, or typed with its
filters), whether it counts only the activities carrying out the plan, the period, the value
each unit is given and which units."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core.inputs import Form
from binhyen.core.text import format_number
from binhyen.documents.models import TARGET_VALUE, AppliesTo
from binhyen.org.models import Unit

from .targets import accepts_plan_filter


class TargetForm(Form):
    description = forms.CharField(
        label=gettext_lazy("Nội dung chỉ tiêu"),
        required=False,
        max_length=300,
        help_text=gettext_lazy(
            "Như kế hoạch ghi, ví dụ: Mỗi công đoàn cơ sở tổ chức ít nhất 4 buổi tuyên truyền."
        ),
    )
    indicator = forms.CharField(
        label=gettext_lazy("Chỉ tiêu (theo danh mục)"),
        max_length=200,
        error_messages={"required": gettext_lazy("Hãy chọn chỉ tiêu.")},
        help_text=gettext_lazy(
            "Chọn trong danh sách hoặc ghi kèm bộ lọc, ví dụ activity.sessions[kind=tuyen_truyen]."
        ),
    )
    only_plan = forms.BooleanField(
        label=gettext_lazy("Chỉ tính các hoạt động ghi thực hiện kế hoạch này"),
        required=False,
        help_text=gettext_lazy(
            "Bỏ chọn: tính mọi hoạt động của đơn vị trong kỳ. Chọn: chỉ các hoạt động có ghi kế "
            "hoạch này ở mục “văn bản thực hiện” (với chỉ tiêu về hoạt động)."
        ),
    )
    period = forms.CharField(
        label=gettext_lazy("Kỳ"),
        max_length=30,
        error_messages={"required": gettext_lazy("Hãy nhập kỳ.")},
        help_text=gettext_lazy(
            "2022 (cả năm), 2022H1 (6 tháng đầu năm), 2022Q3 (quý III), 2022-03 (tháng) hoặc 2022-03-23..2022-12-31."
        ),
    )
    value = forms.IntegerField(
        label=gettext_lazy("Mức chỉ tiêu cho mỗi đơn vị"),
        **TARGET_VALUE.form_kwargs(),
        help_text=gettext_lazy("Với chỉ tiêu tỷ lệ: số phần trăm (100 nghĩa là 100%)."),
        error_messages={
            "required": gettext_lazy("Hãy nhập mức chỉ tiêu."),
            "invalid": gettext_lazy("Mức chỉ tiêu phải là số nguyên."),
            "min_value": gettext_lazy("Mức chỉ tiêu phải lớn hơn 0."),
            "max_value": format_lazy(
                gettext_lazy("Mức chỉ tiêu tối đa {max} cho mỗi đơn vị."),
                max=format_number(TARGET_VALUE.high),
            ),
        },
    )
    applies_to = forms.ChoiceField(
        label=gettext_lazy("Giao cho"), choices=AppliesTo.choices, widget=forms.RadioSelect
    )
    units = forms.CharField(
        label=gettext_lazy("Mã các đơn vị (khi giao theo danh sách)"),
        required=False,
        max_length=4000,
        help_text=gettext_lazy("Mã đơn vị cách nhau bởi dấu phẩy hoặc xuống dòng."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            check = isinstance(field.widget, (forms.RadioSelect, forms.CheckboxInput))
            css = "form-check-input" if check else "form-control"
            field.widget.attrs.setdefault("class", css)
        self.fields["indicator"].widget.attrs["list"] = "indicator-options"
        self.fields["only_plan"].widget.attrs["aria-describedby"] = "id_only_plan-help"

    def clean(self):
        data = super().clean()
        if (
            data.get("only_plan")
            and data.get("indicator")
            and not accepts_plan_filter(data["indicator"])
        ):
            self.add_error(
                "only_plan",
                _(
                    "Chỉ tiêu này không tính riêng theo kế hoạch được; chỉ các chỉ tiêu về hoạt động "
                    "(activity.…, units.reporting) tính được theo văn bản thực hiện."
                ),
            )
        return data

    def clean_units(self):
        codes = [
            c.strip() for c in self.cleaned_data["units"].replace("\n", ",").split(",") if c.strip()
        ]
        if not codes:
            return []
        found = {
            u.code: u
            for u in Unit.objects.visible_to(self.user)
            .select_related("kind")
            .filter(code__in=codes)
        }
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError(
                _("Không tìm thấy đơn vị mã “%(c)s” trong phạm vi của bạn.") % {"c": missing[0]}
            )
        return [found[c] for c in dict.fromkeys(codes)]
