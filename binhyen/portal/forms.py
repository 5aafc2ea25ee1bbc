"""Forms of the portal: the public tip and follow forms, and the editors' forms. They only
collect input; services.py validates the rules and writes."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from binhyen.core import periods
from binhyen.core.inputs import Form

from .models import Category, DayPart
from .sanitize import plain_text


class StyledForm(Form):
    """Bootstrap classes on every widget, and each input tied to its help and error text
    (aria-describedby, aria-invalid) so a screen reader reads them with the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}-help"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                ids = [
                    i for i in (widget.attrs.get("aria-describedby", ""), f"id_{name}-error") if i
                ]
                widget.attrs["aria-describedby"] = " ".join(dict.fromkeys(" ".join(ids).split()))


class TipForm(StyledForm):
    ward = forms.TypedChoiceField(label=_("Phường/xã nơi xảy ra"), coerce=int, choices=())
    place = forms.CharField(
        label=_("Địa điểm cụ thể"),
        max_length=255,
        required=False,
        help_text=_("Số nhà, tên đường, khu nhà trọ, công ty… nếu biết."),
    )
    happened_on = forms.DateField(
        label=_("Ngày xảy ra"), widget=forms.DateInput(attrs={"type": "date"})
    )
    happened_time = forms.TimeField(
        label=_("Giờ xảy ra (khoảng)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    what = forms.CharField(
        label=_("Nội dung sự việc"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Điều gì đã xảy ra, những ai liên quan, có nguy hiểm trước mắt hay không."),
    )
    anonymous = forms.BooleanField(
        label=_("Gửi ẩn danh (không lưu họ tên, số điện thoại)"), required=False, initial=True
    )
    reporter_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    reporter_phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    captcha = forms.CharField(
        label=_("Câu hỏi kiểm tra"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    captcha_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, wards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.wards = {w.pk: w for w in wards}
        self.fields["ward"].choices = [("", _("— Chọn phường/xã —"))] + [
            (w.pk, w.name) for w in wards
        ]
        self.fields["happened_on"].widget.attrs["max"] = periods.today().isoformat()

    def set_challenge(self, challenge):
        """A fresh question on every render (a token is good for one attempt): the question is
        the answer box's label, how to answer its help text, read with it by screen readers."""
        field = self.fields["captcha"]
        field.label = challenge.question
        field.help_text = challenge.help
        attrs = field.widget.attrs
        attrs["inputmode"] = "numeric" if challenge.numeric else "text"
        described = attrs.get("aria-describedby", "").split()
        attrs["aria-describedby"] = " ".join(dict.fromkeys(["id_captcha-help", *described]))
        self.initial["captcha_token"] = challenge.token
        if self.is_bound:
            self.data = self.data.copy()
            self.data["captcha_token"] = challenge.token
            self.data["captcha"] = ""

    def tip_fields(self):
        """What submit_tip takes; a visitor's texts as plain text (no markup survives, as for
        everything the public sends)."""
        data = self.cleaned_data
        return {
            "ward": self.wards.get(data["ward"]),
            "place": plain_text(data["place"]),
            "happened_on": data["happened_on"],
            "happened_time": data["happened_time"],
            "what": plain_text(data["what"]),
            "anonymous": data["anonymous"],
            "reporter_name": plain_text(data["reporter_name"]),
            "reporter_phone": data["reporter_phone"],
        }


class FollowForm(StyledForm):
    code = forms.CharField(
        label=_("Mã tiếp nhận"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "placeholder": "TB-XXXX-XXXX",
                "autocomplete": "off",
                "autocapitalize": "characters",
            }
        ),
    )


class ArticleForm(StyledForm):
    category = forms.ModelChoiceField(label=_("Chuyên mục"), queryset=Category.objects.none())
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    summary = forms.CharField(
        label=_("Tóm tắt"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("Nội dung"),
        widget=forms.Textarea(attrs={"rows": 16, "data-rich-editor": "1"}),
    )
    author_name = forms.CharField(label=_("Tác giả"), max_length=150)
    cover = forms.ImageField(label=_("Ảnh đại diện"), required=False)
    remove_cover = forms.BooleanField(label=_("Bỏ ảnh đại diện hiện tại"), required=False)
    cover_caption = forms.CharField(label=_("Chú thích ảnh"), max_length=300, required=False)
    cover_alt = forms.CharField(
        label=_("Mô tả ảnh cho người khiếm thị"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ: Cán bộ công đoàn trao tờ rơi cho công nhân tại khu nhà trọ."),
    )
    featured = forms.BooleanField(label=_("Tin nổi bật"), required=False)
    publish_at = forms.DateTimeField(
        label=_("Thời điểm đăng (để trống: đăng ngay khi duyệt)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )

    def __init__(self, *args, section=None, **kwargs):
        super().__init__(*args, **kwargs)
        if section is not None:
            self.fields["category"].queryset = Category.objects.filter(section=section)
            self.fields["body"].widget.attrs["data-upload-url"] = reverse(
                "portal:editor_upload", args=[section.slug]
            )

    def article_fields(self):
        data = dict(self.cleaned_data)
        data.pop("cover", None)
        data.pop("remove_cover", None)
        return data


class CategoryForm(StyledForm):
    name = forms.CharField(label=_("Tên chuyên mục"), max_length=120)
    description = forms.CharField(label=_("Mô tả"), max_length=255, required=False)
    order = forms.IntegerField(label=_("Thứ tự"), min_value=0, max_value=999, initial=0)


class ScheduleEntryForm(StyledForm):
    day = forms.DateField(
        label=_("Ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    part = forms.ChoiceField(label=_("Buổi"), choices=DayPart.choices)
    start = forms.TimeField(
        label=_("Giờ bắt đầu"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    content = forms.CharField(
        label=_("Nội dung công việc"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    host = forms.CharField(label=_("Chủ trì"), max_length=255, required=False)
    participants = forms.CharField(
        label=_("Thành phần"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    place = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
