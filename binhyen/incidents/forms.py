"""Forms of the incidents pages. They collect and type the input; the rules (the place and its
ward, a stoppage's enterprise and workforce, the dates, who may do what) are the services' to
check, and their errors land next to the fields (ServiceFormView).

Pickers: the enterprise and boarding-house selects list a short page of what the reader sees
(`visible_to`), refreshed by htmx from a search box as the reader types (accent-insensitive,
by name or tax code); any record the reader sees is accepted, listed or not."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from binhyen.core.bounds import parse_id
from binhyen.core.inputs import Form
from binhyen.enterprises.models import Enterprise
from binhyen.groups.models import BoardingHouse
from binhyen.groups.services import wards_for_unit
from binhyen.org.forms import ScopedUnitField, VNDateField
from binhyen.org.models import Area, AreaLevel, Unit

from .models import (
    PEOPLE,
    WORKER_DAYS,
    Incident,
    IncidentKind,
    Outcome,
    State,
    Stoppage,
    StoppageCause,
    Tip,
)
from .services import INCIDENT_FIELDS, STOPPAGE_FIELDS

DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
]
PICKER_SIZE = 30  # options a picker lists at once; the search box finds the rest
CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


def _label(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


def _help(model, name):
    return model._meta.get_field(name).help_text


def _bounded(bound, **kwargs):
    return forms.IntegerField(
        **bound.form_kwargs(),
        **kwargs,
        error_messages={"min_value": bound.message(), "max_value": bound.message()},
    )


class VNDateTimeField(forms.DateTimeField):
    """A moment typed and shown as dd/mm/yyyy hh:mm (a day alone means 00:00)."""

    widget = forms.DateTimeInput(
        format="%d/%m/%Y %H:%M",
        attrs={"placeholder": "dd/mm/yyyy hh:mm", "inputmode": "numeric"},
    )
    default_error_messages = {
        "invalid": _("Hãy nhập thời điểm theo dạng dd/mm/yyyy hh:mm, ví dụ 05/03/2024 07:30.")
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATETIME_INPUT_FORMATS)
        kwargs.setdefault("help_text", _("Ngày/tháng/năm giờ:phút, ví dụ 05/03/2024 07:30."))
        super().__init__(**kwargs)


class _Listed(list):
    """Records already read, with the queryset methods ModelChoiceIterator calls."""

    _prefetch_related_lookups = ()

    def iterator(self):
        return iter(self)

    def count(self):
        return len(self)

    def exists(self):
        return bool(self)


class _Options(ModelChoiceIterator):
    """Lists the field's short `options` instead of everything it accepts."""

    @property
    def queryset(self):
        return self.field.options

    @queryset.setter
    def queryset(self, value):
        pass


class PickerField(forms.ModelChoiceField):
    """A record chosen among what the reader sees (`queryset`, which is what it accepts); the
    select offers `options`: the current choice and a page of search results."""

    iterator = _Options

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", _("— không chọn —"))
        self.options = _Listed()
        super().__init__(queryset, **kwargs)

    def offer(self, query="", chosen=None):
        """List the first PICKER_SIZE matches of `query` (the chosen record first)."""
        found = self.queryset.search(query) if query else self.queryset
        found = _Listed(found.select_related("ward")[:PICKER_SIZE])
        if chosen is not None:
            pk = parse_id(getattr(chosen, "pk", chosen))
            if pk and all(r.pk != pk for r in found):
                first = self.queryset.select_related("ward").filter(pk=pk).first()
                if first is not None:
                    found.insert(0, first)
        self.options = found


class EnterprisePicker(PickerField):
    def label_from_instance(self, obj):
        return f"{obj.name} — MST {obj.tax_code} ({obj.ward.name})"


class HousePicker(PickerField):
    def label_from_instance(self, obj):
        label = f"{obj.name} — {obj.address}" if obj.name else obj.address
        return f"{label} ({obj.ward.name})"


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def ward_choices(unit):
    """The 2025 wards a case of `unit` may be placed in (those of the unit's province)."""
    empty = ("", _("— chọn phường, xã —"))
    if unit is None:
        return [empty]
    return [empty] + [(w.pk, w.name) for w in wards_for_unit(unit)]


class IncidentForm(Form):
    """A case: what, when, where, who; a stoppage's case file in the fieldset below, which the
    page shows only for the stoppage kind (incident_form.js) and the view hands to the
    service only then."""

    unit = ScopedUnitField(Unit.objects.none(), label=_("Đơn vị báo cáo"))
    kind = forms.ModelChoiceField(
        IncidentKind.objects.all(), label=_("Loại vụ việc"), to_field_name="code", empty_label=None
    )
    title = forms.CharField(
        label=_label(Incident, "title"),
        max_length=255,
        help_text=_("Ví dụ: Ngừng việc tập thể tại Công ty TNHH Giày Linh Xuân."),
    )
    started_at = VNDateTimeField(label=_label(Incident, "started_at"))
    ended_at = VNDateTimeField(
        label=_label(Incident, "ended_at"),
        required=False,
        help_text=_("Để trống nếu vụ việc còn đang diễn ra."),
    )
    summary = forms.CharField(
        label=_label(Incident, "summary"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    enterprise_q = forms.CharField(
        label=_("Tìm doanh nghiệp"),
        required=False,
        help_text=_("Gõ tên hoặc mã số thuế, có dấu hoặc không dấu."),
    )
    enterprise = EnterprisePicker(Enterprise.objects.none(), label=_label(Incident, "enterprise"))
    house_q = forms.CharField(
        label=_("Tìm nhà trọ"), required=False, help_text=_("Gõ tên hoặc địa chỉ nhà trọ.")
    )
    boarding_house = HousePicker(
        BoardingHouse.objects.none(), label=_label(Incident, "boarding_house")
    )
    ward = forms.TypedChoiceField(
        label=_label(Incident, "ward"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Tự lấy theo doanh nghiệp hoặc nhà trọ khi có; nếu không, hãy chọn."),
    )
    place = forms.CharField(label=_label(Incident, "place"), max_length=255, required=False)
    people_involved = _bounded(PEOPLE, label=_label(Incident, "people_involved"), required=False)
    people = forms.CharField(
        label=_label(Incident, "people"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_help(Incident, "people"),
    )
    tip = forms.IntegerField(required=False, widget=forms.HiddenInput)

    # the stoppage's case file
    workers_involved = _bounded(PEOPLE, label=_label(Stoppage, "workers_involved"), required=False)
    workforce = _bounded(
        PEOPLE,
        label=_label(Stoppage, "workforce"),
        required=False,
        help_text=_("Để trống để lấy số lao động trong hồ sơ doanh nghiệp."),
    )
    worker_days = _bounded(
        WORKER_DAYS,
        label=_label(Stoppage, "worker_days"),
        required=False,
        help_text=_help(Stoppage, "worker_days"),
    )
    lawful = forms.BooleanField(
        label=_label(Stoppage, "lawful"), required=False, help_text=_help(Stoppage, "lawful")
    )
    causes = forms.ModelMultipleChoiceField(
        StoppageCause.objects.all(),
        label=_label(Stoppage, "causes"),
        to_field_name="code",
        required=False,
        widget=CHECKBOXES,
    )
    causes_other = forms.CharField(
        label=_label(Stoppage, "causes_other"), max_length=500, required=False
    )
    demands = forms.CharField(
        label=_label(Stoppage, "demands"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    representative = forms.CharField(
        label=_label(Stoppage, "representative"),
        max_length=255,
        required=False,
        help_text=_help(Stoppage, "representative"),
    )
    dialogue_held = forms.BooleanField(label=_label(Stoppage, "dialogue_held"), required=False)
    union_role = forms.CharField(
        label=_label(Stoppage, "union_role"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    authorities = forms.CharField(
        label=_label(Stoppage, "authorities"), max_length=500, required=False
    )
    outcome = forms.ChoiceField(
        label=_label(Stoppage, "outcome"), choices=Outcome.choices, initial=Outcome.PENDING
    )
    resumed_on = VNDateField(label=_label(Stoppage, "resumed_on"), required=False)

    INCIDENT = (
        "kind",
        "title",
        "summary",
        "started_at",
        "ended_at",
        "place",
        "people_involved",
        "people",
    )
    PLACE = ("enterprise", "boarding_house", "ward")
    STOPPAGE = STOPPAGE_FIELDS

    def __init__(self, *args, user, instance=None, unit=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs["initial"] = {**self.initial_of(instance), **(kwargs.get("initial") or {})}
        elif unit is not None:
            kwargs["initial"] = {"unit": unit.pk, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        units = Unit.objects.recordable_by(user)
        self.fields["unit"].queryset = units
        if instance is not None:
            self.fields["unit"].disabled = True  # a case stays with the unit that reported it
            self.fields["tip"].disabled = True
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
        self.fields["boarding_house"].queryset = BoardingHouse.objects.visible_to(user)
        self.fields["enterprise"].offer(self.value_of("enterprise_q"), self.value_of("enterprise"))
        self.fields["boarding_house"].offer(
            self.value_of("house_q"), self.value_of("boarding_house")
        )
        self.offer_wards()
        for query, picker, url in (
            ("enterprise_q", "enterprise", "incidents:enterprise_options"),
            ("house_q", "boarding_house", "incidents:house_options"),
        ):
            target = f"#{self[picker].auto_id}"
            self.fields[query].widget.attrs.update(
                {
                    "type": "search",
                    "autocomplete": "off",
                    "hx-get": reverse(url),
                    "hx-trigger": "input changed delay:300ms, search",
                    "hx-target": target,
                    "hx-swap": "outerHTML",
                    "hx-include": target,
                }
            )
        _style(self)

    @staticmethod
    def initial_of(incident):
        initial = {
            name: getattr(incident, name) for name in IncidentForm.INCIDENT if name != "kind"
        }
        initial.update(
            unit=incident.unit_id,
            kind=incident.kind.code,
            enterprise=incident.enterprise_id,
            boarding_house=incident.boarding_house_id,
            ward=incident.ward_id,
        )
        stoppage = getattr(incident, "stoppage", None) if incident.kind.is_stoppage else None
        if stoppage is not None:
            for name in STOPPAGE_FIELDS:
                if name != "causes":
                    initial[name] = getattr(stoppage, name)
            initial["causes"] = [c.code for c in stoppage.causes.all()]
        return initial

    def value_of(self, name):
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or ""
        value = self.initial.get(name)
        return "" if value is None else value

    def chosen_unit(self):
        if self.instance is not None:
            return self.instance.unit
        raw = self.value_of("unit")
        pk = parse_id(getattr(raw, "pk", raw))
        return self.fields["unit"].queryset.filter(pk=pk).first() if pk else None

    def offer_wards(self):
        choices = ward_choices(self.chosen_unit())
        current = parse_id(self.value_of("ward"))
        if current and all(str(pk) != str(current) for pk, _l in choices):
            ward = Area.objects.filter(pk=current, level=AreaLevel.WARD).first()
            if ward is not None:
                choices.append((ward.pk, ward.name))
        self.fields["ward"].choices = choices

    def is_stoppage(self):
        kind = self.cleaned_data.get("kind") if hasattr(self, "cleaned_data") else None
        return bool(kind and kind.is_stoppage)

    def incident_fields(self):
        """What open_incident/update_incident take (the place as ids, checked there)."""
        data = self.cleaned_data
        fields = {name: data.get(name) for name in self.INCIDENT}
        fields["kind"] = data["kind"].code
        for name in ("title", "summary", "place", "people"):
            fields[name] = fields[name] or ""
        fields["enterprise"] = data.get("enterprise")
        fields["boarding_house"] = data.get("boarding_house")
        fields["ward"] = data.get("ward")
        assert set(fields) <= set(INCIDENT_FIELDS)
        return fields

    def stoppage_fields(self):
        """The case file for a stoppage (None for any other kind)."""
        if not self.is_stoppage():
            return None
        data = self.cleaned_data
        fields = {name: data.get(name) for name in STOPPAGE_FIELDS}
        fields["causes"] = [c.code for c in data.get("causes") or ()]
        for name in ("causes_other", "demands", "representative", "union_role", "authorities"):
            fields[name] = fields[name] or ""
        if self.instance is not None:
            # an empty workforce on edit keeps the one recorded
            if fields["workforce"] is None:
                fields.pop("workforce")
        return fields


class MoveForm(Form):
    """A case or a tip moved to its next state, with what was done and on whose authority."""

    state = forms.ChoiceField(label=_("Chuyển sang"), choices=State.choices)
    what = forms.CharField(
        label=_("Kết quả xử lý, lý do"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi chuyển sang Đã giải quyết, Chuyển cơ quan chức năng hoặc Đóng."),
    )
    authority = forms.CharField(label=_("Với tư cách / thẩm quyền"), max_length=255, required=False)

    def __init__(self, *args, states=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [(s, State(s).label) for s in states]
        _style(self)


class StepForm(Form):
    """A step on the timeline: who did what, when, with which authority."""

    what = forms.CharField(
        label=_("Nội dung đã làm"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    at = VNDateTimeField(
        label=_("Thời điểm"), required=False, help_text=_("Để trống nếu là bây giờ.")
    )
    actor_name = forms.CharField(
        label=_("Người thực hiện"),
        max_length=150,
        required=False,
        help_text=_("Để trống nếu là chính bạn."),
    )
    authority = forms.CharField(label=_("Với tư cách / thẩm quyền"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class UploadForm(Form):
    file = forms.FileField(label=_("Tệp đính kèm"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class AnswerForm(Form):
    """The receiving unit's answer to a tip: its state and the word to the sender (shown to
    whoever follows the receipt code on the portal)."""

    state = forms.ChoiceField(label=_("Trạng thái"), choices=State.choices)
    public_note = forms.CharField(
        label=_label(Tip, "public_note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Người báo tin xem được nội dung này khi tra cứu bằng mã tiếp nhận."),
    )
    what = forms.CharField(
        label=_("Ghi chú nội bộ"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Không hiển thị cho người báo tin."),
    )

    def __init__(self, *args, tip, **kwargs):
        kwargs.setdefault("initial", {"state": tip.state, "public_note": tip.public_note})
        super().__init__(*args, **kwargs)
        states = [tip.state, *tip.next_states()]
        self.fields["state"].choices = [(s, State(s).label) for s in states]
        _style(self)


class TipForm(Form):
    """A tip sent by a logged-in officer or group leader (their account is sealed with the
    rest unless they send it anonymously)."""

    ward = forms.TypedChoiceField(label=_("Phường, xã nơi xảy ra"), coerce=int, empty_value=None)
    what = forms.CharField(
        label=_label(Tip, "what"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    place = forms.CharField(label=_label(Tip, "place"), max_length=255, required=False)
    happened_on = VNDateField(label=_label(Tip, "happened_on"))
    happened_time = forms.TimeField(
        label=_label(Tip, "happened_time"),
        required=False,
        input_formats=["%H:%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "hh:mm"}),
    )
    anonymous = forms.BooleanField(
        label=_("Gửi ẩn danh"),
        required=False,
        help_text=_(
            "Bỏ chọn để đơn vị biết bạn là người báo tin: họ tên và số điện thoại được niêm "
            "phong, chỉ người được giao quyền xem danh tính mới đọc được."
        ),
    )
    reporter_phone = forms.CharField(
        label=_("Số điện thoại liên hệ"), max_length=20, required=False
    )

    def __init__(self, *args, wards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [("", _("— chọn phường, xã —"))] + list(wards)
        _style(self)

    def tip_fields(self):
        data = dict(self.cleaned_data)
        data["ward"] = Area.objects.filter(pk=data["ward"], level=AreaLevel.WARD).first()
        return data
