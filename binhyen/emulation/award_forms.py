"""Forms of the award pages: a proposal (tờ trình) and a decision (quyết định). They collect and
type the input; who may propose for whom, eligibility, the register of numbers are the
services' to check, and their refusals land next to the fields (ServiceFormView).

A recipient is a unit the reader sees (the service keeps it inside the proposing unit's
subtree), an enterprise the reader sees, or a person by name, position and unit — nothing
more about a person is asked."""

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from binhyen.core.inputs import Form
from binhyen.enterprises.models import Enterprise
from binhyen.incidents.forms import EnterprisePicker
from binhyen.org.forms import ScopedUnitField, VNDateField
from binhyen.org.models import PATH_STEP, Unit
from binhyen.org.scoping import VIEW_ROLES, scope_of

from .models import AwardDecision, AwardForm, AwardProposal, Movement, ProposalState, RecipientKind

CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


def _label(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


def movements_for(user):
    """Movements the reader may name: issued inside their scope or above it (a movement of the
    province is run by every unit under it)."""
    scope = scope_of(user, VIEW_ROLES)
    if scope.everything:
        return Movement.objects.all()
    above = {p[:i] for p in scope.paths for i in range(PATH_STEP, len(p) + 1, PATH_STEP)}
    return Movement.objects.filter(scope.q("issuer__path") | Q(issuer__path__in=above))


class AwardFormField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("empty_label", _("— chọn hình thức —"))
        super().__init__(AwardForm.objects.all(), **kwargs)


class ProposalForm(Form):
    unit = ScopedUnitField(Unit.objects.none(), label=_label(AwardProposal, "unit"))
    recipient_kind = forms.ChoiceField(
        label=_label(AwardProposal, "recipient_kind"),
        choices=RecipientKind.choices,
        initial=RecipientKind.UNIT,
    )
    recipient_unit = ScopedUnitField(
        Unit.objects.none(),
        required=False,
        label=_label(AwardProposal, "recipient_unit"),
        help_text=_("Tập thể được đề nghị, hoặc đơn vị công tác của cá nhân."),
        error_messages={"invalid_choice": _("Không tìm thấy đơn vị trong phạm vi bạn xem được.")},
    )
    enterprise_q = forms.CharField(
        label=_("Tìm doanh nghiệp"),
        required=False,
        help_text=_("Tên hoặc mã số thuế, có thể gõ không dấu; bấm “Tìm” để lọc danh sách."),
    )
    enterprise = EnterprisePicker(
        Enterprise.objects.none(),
        label=_label(AwardProposal, "enterprise"),
        error_messages={
            "invalid_choice": _("Không tìm thấy doanh nghiệp trong phạm vi bạn xem được.")
        },
    )
    person_name = forms.CharField(
        label=_label(AwardProposal, "person_name"), required=False, max_length=150
    )
    person_position = forms.CharField(
        label=_label(AwardProposal, "person_position"), required=False, max_length=255
    )
    form = AwardFormField(label=_label(AwardProposal, "form"))
    year = forms.IntegerField(label=_label(AwardProposal, "year"))
    movement = forms.ModelChoiceField(
        Movement.objects.none(),
        required=False,
        label=_label(AwardProposal, "movement"),
        empty_label=_("— không theo phong trào —"),
    )
    achievement = forms.CharField(
        label=_label(AwardProposal, "achievement"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=8000,
        required=False,
    )
    override_reason = forms.CharField(
        label=_label(AwardProposal, "override_reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_(
            "Bắt buộc khi tập thể được đề nghị có lưu ý về điều kiện (ví dụ ngừng việc tập "
            "thể trái luật trong năm)."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.recordable_by(user)
        self.fields["recipient_unit"].queryset = Unit.objects.visible_to(user)
        self.fields["recipient_unit"]._option_queryset = Unit.objects.recordable_by(user)
        self.fields["movement"].queryset = movements_for(user).only("pk", "name")
        picker = self.fields["enterprise"]
        picker.queryset = Enterprise.objects.visible_to(user)
        picker.offer(self._raw("enterprise_q"), self._raw("enterprise") or None)

    def _raw(self, name):
        source = self.data if self.is_bound else self.initial
        return (source.get(name) or "").strip() if hasattr(source, "get") else ""


class DecisionForm(Form):
    issuer = ScopedUnitField(Unit.objects.none(), label=_label(AwardDecision, "issuer"))
    number = forms.CharField(
        label=_label(AwardDecision, "number"),
        required=False,
        max_length=12,
        help_text=_("Số tiếp theo trong sổ quyết định của cơ quan ban hành."),
    )
    symbol = forms.CharField(label=_label(AwardDecision, "symbol"), required=False, max_length=40)
    date = VNDateField(label=_label(AwardDecision, "date"), required=False)
    summary = forms.CharField(
        label=_label(AwardDecision, "summary"),
        required=False,
        max_length=500,
        help_text=_("Ví dụ: Về việc khen thưởng phong trào thi đua năm 2024."),
    )
    signer = forms.CharField(label=_label(AwardDecision, "signer"), required=False, max_length=150)
    signer_title = forms.CharField(
        label=_label(AwardDecision, "signer_title"), required=False, max_length=150
    )
    proposals = forms.ModelMultipleChoiceField(
        AwardProposal.objects.none(),
        required=False,
        widget=CHECKBOXES,
        label=_("Khen thưởng theo các đề nghị"),
        error_messages={"invalid_choice": _("Đề nghị không còn chờ quyết định.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = Unit.objects.approvable_by(user)
        self.fields["proposals"].queryset = (
            AwardProposal.objects.approvable_by(user)
            .filter(state=ProposalState.PROPOSED)
            .select_related("form", "recipient_unit", "enterprise")
        )
