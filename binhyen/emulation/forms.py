"""Forms of the emulation pages: a movement, a title, a criterion, a registration, the
self-assessment of the attested criteria and the reviewer's decision. They only read and shape
input; the services decide (scope, holder kinds, states) and their refusals land on these
fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from binhyen.core.inputs import Form
from binhyen.org.forms import ScopedUnitField, VNDateField

from .models import Comparison, CriterionKind, HolderKind, PassRule, RecognisingRank


class MovementForm(Form):
    issuer = ScopedUnitField(queryset=None, label=_("Đơn vị phát động"))
    code = forms.SlugField(label=_("Mã phong trào"), max_length=40)
    name = forms.CharField(label=_("Tên phong trào"), max_length=255)
    start = VNDateField(label=_("Từ ngày"))
    end = VNDateField(label=_("Đến ngày"), required=False)
    description = forms.CharField(
        label=_("Nội dung"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = units


class TitleForm(Form):
    code = forms.SlugField(
        label=_("Mã danh hiệu"),
        max_length=60,
        help_text=_("Mã ổn định, dùng trong chỉ tiêu: emulation.registered[title=…]."),
    )
    name = forms.CharField(label=_("Tên danh hiệu"), max_length=255)
    holder = forms.ChoiceField(label=_("Đối tượng"), choices=HolderKind.choices)
    recognising_rank = forms.TypedChoiceField(
        label=_("Cấp công nhận"),
        choices=RecognisingRank.choices,
        coerce=int,
        initial=RecognisingRank.PROVINCE,
    )
    rule = forms.ChoiceField(label=_("Điều kiện đạt"), choices=PassRule.choices)
    pass_count = forms.IntegerField(
        label=_("Số tiêu chí tối thiểu phải đạt"), required=False, min_value=1
    )
    pass_score = forms.DecimalField(
        label=_("Tổng điểm tối thiểu"), required=False, max_digits=8, decimal_places=2
    )
    order = forms.IntegerField(label=_("Thứ tự"), required=False, min_value=0, initial=0)

    def clean_order(self):
        return self.cleaned_data.get("order") or 0


class CriterionForm(Form):
    label = forms.CharField(label=_("Tiêu chí"), max_length=500)
    kind = forms.ChoiceField(label=_("Cách đánh giá"), choices=CriterionKind.choices)
    indicator = forms.CharField(
        label=_("Chỉ tiêu số liệu"),
        required=False,
        max_length=300,
        help_text=_(
            "Chỉ với tiêu chí tính từ số liệu. Ví dụ: activity.sessions[kind=tuyen_truyen]"
        ),
    )
    comparison = forms.ChoiceField(
        label=_("So sánh"), required=False, choices=[("", "—"), *Comparison.choices]
    )
    threshold = forms.DecimalField(
        label=_("Ngưỡng"), required=False, max_digits=14, decimal_places=2
    )
    evidence = forms.CharField(
        label=_("Minh chứng cần nộp"),
        required=False,
        max_length=500,
        help_text=_("Chỉ với tiêu chí có minh chứng."),
    )
    score = forms.DecimalField(
        label=_("Điểm"), max_digits=6, decimal_places=2, min_value=0, initial=1
    )
    order = forms.IntegerField(label=_("Thứ tự"), required=False, min_value=0, initial=0)

    def clean_order(self):
        return self.cleaned_data.get("order") or 0


class RegisterForm(Form):
    """Registration of a unit for one of the titles it may hold (`titles`, already fitted)."""

    title = forms.ModelChoiceField(
        queryset=None, label=_("Danh hiệu"), empty_label=_("— chọn danh hiệu —")
    )

    def __init__(self, *args, titles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].queryset = titles
        self.fields["title"].label_from_instance = lambda t: f"{t.name} — {t.movement.name}"


class AssessForm(Form):
    """The attested criteria of a registration: met or not, the evidence file, a note. The
    computed ones are filled by the service from the data."""

    def __init__(self, *args, criteria, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for criterion in criteria:
            if criterion.computed:
                continue
            row = assessments.get(criterion.pk)
            k = criterion.pk
            self.fields[f"met_{k}"] = forms.BooleanField(
                label=_("Đơn vị tự đánh giá đạt"), required=False, initial=bool(row and row.met)
            )
            self.fields[f"evidence_{k}"] = forms.FileField(
                label=_("Tệp minh chứng"), required=False
            )
            self.fields[f"note_{k}"] = forms.CharField(
                label=_("Giải trình"),
                required=False,
                max_length=4000,
                initial=row.note if row else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.rows.append(
                (criterion, row, self[f"met_{k}"], self[f"evidence_{k}"], self[f"note_{k}"])
            )

    def attested(self):
        out = {}
        for criterion, _row, *_fields in self.rows:
            k = criterion.pk
            out[k] = {
                "met": self.cleaned_data.get(f"met_{k}", False),
                "evidence": self.cleaned_data.get(f"evidence_{k}"),
                "note": self.cleaned_data.get(f"note_{k}", ""),
            }
        return out

    def add_service_error(self, key, message):
        """A service error on `criterion_<id>` lands on that criterion's note."""
        if key.startswith("criterion_"):
            field = f"note_{key.removeprefix('criterion_')}"
            if field in self.fields:
                self.add_error(field, message)
                return
        self.add_error(None, message)


class ReviewForm(Form):
    """The reviewer's decision: return with a reason, recognise (checking each attested
    criterion) or refuse."""

    RETURN, RECOGNISE, REFUSE = "tra_lai", "cong_nhan", "khong_cong_nhan"
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[
            (RECOGNISE, _("Công nhận")),
            (RETURN, _("Trả lại để bổ sung")),
            (REFUSE, _("Không công nhận")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(
        label=_("Lý do / ý kiến"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bắt buộc khi trả lại hoặc không công nhận."),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.checks = []
        for criterion in criteria:
            if criterion.computed:
                continue
            name = f"check_{criterion.pk}"
            self.fields[name] = forms.BooleanField(
                label=_("Xác nhận đạt: %(c)s") % {"c": criterion.label}, required=False
            )
            self.checks.append((criterion, self[name]))

    def checked(self):
        return {c.pk: bool(self.cleaned_data.get(f"check_{c.pk}")) for c, _f in self.checks}

    def add_service_error(self, key, message):
        if key.startswith("criterion_"):
            field = f"check_{key.removeprefix('criterion_')}"
            if field in self.fields:
                self.add_error(field, message)
                return
        self.add_error("note" if key in ("return_reason", "decision_note") else None, message)
