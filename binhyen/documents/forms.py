"""Forms of the documents app: a document (with the one-box quick entry), a text to scan (a
plan's target form is the reporting app's plan_forms.py)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core.inputs import Form
from binhyen.org.models import Unit

from . import citations, services
from .models import DocumentType, Issuer

DATE_INPUTS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
ISSUER_KINDS = [
    ("unit", gettext_lazy("Đơn vị công đoàn")),
    ("outside", gettext_lazy("Cơ quan ngoài hệ thống công đoàn")),
]


def _date_field(label, help_text=""):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUTS,
        help_text=help_text,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
        error_messages={
            "invalid": gettext_lazy("Hãy nhập ngày dạng dd/mm/yyyy, ví dụ 23/03/2022.")
        },
    )


def unit_choices(user):
    """Units a person may register documents for: those they edit, without the long tail of
    grassroots unions below them (their own grassroots union stays in the list)."""
    editable = Unit.objects.recordable_by(user).select_related("kind")
    return (
        (editable.filter(kind__is_grassroots=False) | editable.filter(assignments__user=user))
        .distinct()
        .order_by("path")
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.short_name or obj.name


class DocumentForm(Form):
    reference = forms.CharField(
        label=gettext_lazy("Nhập nhanh"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy(
            "Gõ hoặc dán dòng số, ký hiệu, ngày như trên văn bản, ví dụ: Kế hoạch số "
            "329/KH-LĐLĐ ngày 23/03/2022 triển khai phòng, chống tội phạm năm 2022 — rồi bấm “Điền tự động”."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    doc_type = forms.ModelChoiceField(
        label=gettext_lazy("Loại văn bản"),
        queryset=DocumentType.objects.all(),
        empty_label=gettext_lazy("— Chọn loại —"),
        error_messages={"required": gettext_lazy("Hãy chọn loại văn bản.")},
    )
    number = forms.CharField(
        label=gettext_lazy("Số"),
        max_length=10,
        error_messages={"required": gettext_lazy("Hãy nhập số văn bản.")},
    )
    symbol = forms.CharField(
        label=gettext_lazy("Ký hiệu"),
        max_length=60,
        required=False,
        help_text=gettext_lazy(
            "Ví dụ 329/KH-LĐLĐ, 44-KL/TW, 2016/LĐLĐ; để trống nếu văn bản chỉ có số."
        ),
    )
    issued_on = _date_field(gettext_lazy("Ngày ban hành"))
    issuer_kind = forms.ChoiceField(
        label=gettext_lazy("Cơ quan ban hành là"),
        choices=ISSUER_KINDS,
        widget=forms.RadioSelect,
        initial="unit",
    )
    issuer_unit = UnitChoiceField(
        label=gettext_lazy("Đơn vị ban hành"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("— Chọn đơn vị —"),
    )
    issuer = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan ban hành (ngoài công đoàn)"),
        queryset=Issuer.objects.all(),
        required=False,
        empty_label=gettext_lazy("— Chọn cơ quan —"),
    )
    unit = UnitChoiceField(
        label=gettext_lazy("Đơn vị đăng ký, quản lý văn bản này"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("— Chọn đơn vị —"),
        help_text=gettext_lazy(
            "Văn bản của cơ quan ngoài là dữ liệu dùng chung: mọi người dùng đều xem được; đơn vị đăng ký giữ quyền sửa."
        ),
    )
    summary = forms.CharField(
        label=gettext_lazy("Trích yếu"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    valid_from = _date_field(gettext_lazy("Hiệu lực từ ngày"))
    valid_to = _date_field(gettext_lazy("Hiệu lực đến ngày"))
    implements_text = forms.CharField(
        label=gettext_lazy("Thực hiện văn bản"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy(
            "Số, ký hiệu các văn bản mà văn bản này triển khai thực hiện, cách nhau bởi dấu chấm phẩy: "
            "Kết luận 13-KL/TW; Chỉ thị 48-CT/TW."
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("Tệp văn bản (PDF hoặc Word .docx)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )
    remove_file = forms.BooleanField(label=gettext_lazy("Bỏ tệp hiện có"), required=False)

    def __init__(self, *args, user, document=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.document = document
        units = unit_choices(user)
        self.fields["issuer_unit"].queryset = units
        self.fields["unit"].queryset = units
        if document is None or not document.file:
            del self.fields["remove_file"]
        for name, field in self.fields.items():
            css = (
                "form-check-input"
                if isinstance(field.widget, (forms.CheckboxInput, forms.RadioSelect))
                else ("form-select" if isinstance(field.widget, forms.Select) else "form-control")
            )
            field.widget.attrs.setdefault("class", css)
            if name in ("number",):
                field.widget.attrs.setdefault("inputmode", "numeric")

    def clean_issued_on(self):
        day = self.cleaned_data["issued_on"]
        problem = services.issued_on_problem(day) if day else ""
        if problem:
            raise ValidationError(problem)
        return day

    def clean(self):
        data = super().clean()
        kind = data.get("issuer_kind")
        if kind == "unit" and not data.get("issuer_unit"):
            self.add_error("issuer_unit", _("Hãy chọn đơn vị ban hành."))
        if kind == "outside":
            if not data.get("issuer"):
                self.add_error("issuer", _("Hãy chọn cơ quan ban hành."))
            if not data.get("unit"):
                self.add_error("unit", _("Hãy chọn đơn vị đăng ký văn bản này."))
        text = data.get("implements_text", "")
        data["implements"] = []
        if text.strip():
            try:
                data["implements"] = services.documents_for_references(
                    self.user, text, field="implements_text"
                )
            except ValidationError as exc:
                self.add_error("implements_text", exc.message_dict["implements_text"][0])
        return data

    def service_fields(self):
        data = self.cleaned_data
        outside = data["issuer_kind"] == "outside"
        return dict(
            doc_type=data["doc_type"],
            number=data["number"],
            symbol=data["symbol"],
            issued_on=data["issued_on"],
            summary=data["summary"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            issuer=data["issuer"] if outside else None,
            issuer_unit=None if outside else data["issuer_unit"],
        )


def filled_from_reference(data, user):
    """A copy of the posted form data with the fields the quick-entry box names filled in
    (type, number, symbol, date, issuer, summary), and a message when the box says nothing."""
    data = data.copy()
    ref = citations.parse_reference(data.get("reference", ""))
    if ref is None:
        return data, _(
            "Không nhận ra số, ký hiệu văn bản trong ô nhập nhanh; ví dụ: Kế hoạch số 329/KH-LĐLĐ ngày 23/03/2022."
        )
    c = ref.citation
    if c.type:
        doc_type = DocumentType.objects.filter(code=c.type).first()
        if doc_type:
            data["doc_type"] = str(doc_type.pk)
    data["number"] = c.number
    data["symbol"] = c.symbol or ""
    if c.date:
        data["issued_on"] = c.date.strftime("%d/%m/%Y")
    if ref.summary:
        data["summary"] = ref.summary
    issuer = services.match_issuer(ref.issuer) if ref.issuer else None
    if issuer is not None:
        data["issuer_kind"] = "outside"
        data["issuer"] = str(issuer.pk)
    return data, ""


class TextForm(Form):
    text = forms.CharField(
        label=gettext_lazy("Văn bản, bài viết, báo cáo"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 10, "class": "form-control"}),
        error_messages={"required": gettext_lazy("Hãy dán nội dung cần nhận diện.")},
        help_text=gettext_lazy(
            "Dán nội dung báo cáo hoặc bài viết; hệ thống tìm mọi số, ký hiệu văn bản được nhắc tới."
        ),
    )
