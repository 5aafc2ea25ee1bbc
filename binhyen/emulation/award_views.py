"""Pages of awards (khen thưởng), under /thi-dua/khen-thuong/: the awards list (accent-free
search by recipient, filters by year, form and movement), the proposals (list, form, page),
the decisions (list, form with the register's next number, page, DOCX download).

Every record comes through `visible_to` (out of scope is a 404); every write through
services.py, whose refusals land on the form field that asked."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core.bounds import parse_id
from binhyen.core.periods import today
from binhyen.core.text import fold, search_terms
from binhyen.core.views import ScopedListView, ServiceFormView, scoped_get
from binhyen.org.models import Unit
from binhyen.org.scoping import APPROVE_ROLES, holds_role_over

from . import decision_docx, services
from .award_forms import DecisionForm, ProposalForm, movements_for
from .models import (
    Award,
    AwardDecision,
    AwardForm,
    AwardProposal,
    ProposalState,
    RecipientKind,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# an award's search looks at the recipient's names, folded in Python: Award keeps no folded
# column, and the awards a reader sees in a year are hundreds, not millions
SEARCH_LIMIT = 20000


def _year(raw, errors):
    raw = (raw or "").strip()
    if not raw:
        return None
    if raw.isdigit() and 1929 <= int(raw) <= 2100:
        return int(raw)
    errors.append(_("Năm “%(v)s” không hợp lệ.") % {"v": raw})
    return None


def _form(forms, raw, errors):
    raw = (raw or "").strip()
    if not raw:
        return None
    form = next((f for f in forms if f.code == raw), None)
    if form is None:
        errors.append(_("Hình thức khen thưởng “%(v)s” không có.") % {"v": raw})
    return form


# ---------------------------------------------------------------- awards


class AwardListView(ScopedListView):
    """The awards the reader sees: by recipient name (accent-free), year, form, movement."""

    model = Award
    template_name = "emulation/awards/award_list.html"

    def get_ordering(self):
        return ("-year", "-decision__date", "id")

    def filter_queryset(self, queryset):
        p = self.request.GET
        self.errors = []
        self.forms = list(AwardForm.objects.all())
        self.movements = list(movements_for(self.request.user).only("pk", "code", "name"))
        self.f = {k: (p.get(k) or "").strip() for k in ("q", "nam", "form", "movement")}
        year = _year(self.f["nam"], self.errors)
        if year:
            queryset = queryset.filter(year=year)
        form = _form(self.forms, self.f["form"], self.errors)
        if form:
            queryset = queryset.filter(form=form)
        if self.f["movement"]:
            movement = next((m for m in self.movements if m.code == self.f["movement"]), None)
            if movement is None:
                self.errors.append(_("Không tìm thấy phong trào “%(v)s”.") % {"v": p["movement"]})
            queryset = queryset.filter(movement=movement)
        if self.f["q"] and not self.errors:
            queryset = queryset.filter(pk__in=self._matching(queryset, self.f["q"]))
        if self.errors:
            return queryset.none()
        return queryset.select_related(
            "form", "recipient_unit", "enterprise", "movement", "decision__issuer"
        )

    def _matching(self, queryset, query):
        """The awards whose recipient's own name (a person's, an enterprise's, a unit's: not a
        person's unit) holds every folded word of `query`."""
        terms = search_terms(query)
        rows = queryset.values_list(
            "pk", "recipient_kind", "person_name", "enterprise__name", "recipient_unit__name"
        ).order_by()[:SEARCH_LIMIT]
        matching = []
        for pk, kind, person, enterprise, unit in rows:
            name = fold(person if kind == RecipientKind.PERSON else enterprise or unit)
            if all(t in name for t in terms):
                matching.append(pk)
        return matching

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            f=self.f, errors=self.errors, award_forms=self.forms, movements=self.movements
        )
        return context


# ---------------------------------------------------------------- proposals


class ProposalListView(ScopedListView):
    model = AwardProposal
    template_name = "emulation/awards/proposal_list.html"

    def get_ordering(self):
        return ("-year", "-proposed_at", "-id")

    def filter_queryset(self, queryset):
        p = self.request.GET
        self.errors = []
        self.forms = list(AwardForm.objects.all())
        self.f = {k: (p.get(k) or "").strip() for k in ("nam", "form", "state")}
        self.f["flagged"] = p.get("luu_y") == "1"
        year = _year(self.f["nam"], self.errors)
        if year:
            queryset = queryset.filter(year=year)
        form = _form(self.forms, self.f["form"], self.errors)
        if form:
            queryset = queryset.filter(form=form)
        if self.f["state"]:
            if self.f["state"] not in ProposalState.values:
                self.errors.append(_("Trạng thái “%(v)s” không có.") % {"v": self.f["state"]})
            queryset = queryset.filter(state=self.f["state"])
        if self.f["flagged"]:
            queryset = queryset.exclude(flags=[])
        if self.errors:
            return queryset.none()
        return queryset.select_related("form", "unit", "recipient_unit", "enterprise")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            f=self.f, errors=self.errors, award_forms=self.forms, states=ProposalState.choices
        )
        return context


class ProposalCreateView(ServiceFormView):
    template_name = "emulation/awards/proposal_form.html"
    form_class = ProposalForm
    success_message = gettext_lazy("Đã gửi đề nghị khen thưởng.")
    error_fields = {"__all__": None}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        return {"year": today().year - 1 if today().month < 7 else today().year}

    def perform(self, form):
        d = form.cleaned_data
        kind = d["recipient_kind"]
        proposal = services.propose_award(
            self.request.user,
            unit=d["unit"],
            recipient_kind=kind,
            form=d["form"],
            year=d["year"],
            achievement=d["achievement"],
            recipient_unit=d["recipient_unit"] if kind != RecipientKind.ENTERPRISE else None,
            enterprise=d["enterprise"] if kind == RecipientKind.ENTERPRISE else None,
            person_name=d["person_name"] if kind == RecipientKind.PERSON else "",
            person_position=d["person_position"] if kind == RecipientKind.PERSON else "",
            movement=d["movement"],
            override_reason=d["override_reason"],
        )
        return reverse("awards:proposal", args=[proposal.pk])

    def post(self, request, *args, **kwargs):
        # "Tìm" in the enterprise box only refreshes the picker's options
        if "find_enterprise" in request.POST:
            return self.render_to_response(
                self.get_context_data(form=self.form_class(user=request.user, data=request.POST))
            )
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["flagged"] = bool(form.errors.get("override_reason"))
        return context


@login_required
def proposal_detail(request, pk):
    proposal = scoped_get(
        request.user,
        AwardProposal.objects.select_related(
            "unit", "recipient_unit", "enterprise", "form", "movement", "proposed_by"
        ),
        pk=pk,
    )
    award = Award.objects.filter(proposal=proposal).select_related("decision").first()
    return render(
        request,
        "emulation/awards/proposal_detail.html",
        {"proposal": proposal, "award": award},
    )


# ---------------------------------------------------------------- decisions


class DecisionListView(ScopedListView):
    model = AwardDecision
    template_name = "emulation/awards/decision_list.html"

    def get_ordering(self):
        return ("-date", "-number")

    def filter_queryset(self, queryset):
        self.errors = []
        self.f = {"nam": (self.request.GET.get("nam") or "").strip()}
        year = _year(self.f["nam"], self.errors)
        if self.errors:
            return queryset.none()
        if year:
            queryset = queryset.filter(year=year)
        return queryset.select_related("issuer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            f=self.f,
            errors=self.errors,
            may_issue=Unit.objects.approvable_by(self.request.user).exists(),
        )
        return context


class DecisionCreateView(ServiceFormView):
    """A decision: the issuer (a unit the reader approves for), the number prefilled from the
    issuer's register (`services.next_number`), and the open proposals it decides."""

    template_name = "emulation/awards/decision_form.html"
    form_class = DecisionForm
    success_message = gettext_lazy("Đã ban hành quyết định khen thưởng.")
    error_fields = {"__all__": None}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        units = Unit.objects.approvable_by(self.request.user).select_related("kind")
        raw = self.request.GET.get("issuer")
        issuer = (
            units.filter(pk=parse_id(raw) or 0).first() if raw else units.order_by("path").first()
        )
        if issuer is None:
            return {}
        day = today()
        return {
            "issuer": issuer,
            "number": services.next_number(issuer, day.year),
            "symbol": decision_docx.symbol_for(issuer),
            "date": day,
        }

    def perform(self, form):
        d = form.cleaned_data
        decision = services.issue_decision(
            self.request.user,
            issuer=d["issuer"],
            number=d["number"],
            date=d["date"],
            signer=d["signer"],
            signer_title=d["signer_title"],
            summary=d["summary"],
            symbol=d["symbol"] or decision_docx.symbol_for(d["issuer"]),
            proposals=list(d["proposals"]),
        )
        return reverse("awards:decision", args=[decision.pk])


def _decision(request, pk):
    return scoped_get(
        request.user,
        AwardDecision.objects.select_related("issuer__kind", "issuer__parent"),
        pk=pk,
    )


def _awards_of(decision):
    return decision.awards.select_related(
        "form", "recipient_unit", "enterprise", "movement", "proposal__unit"
    ).order_by("recipient_kind", "id")


@login_required
def decision_detail(request, pk):
    decision = _decision(request, pk)
    awards = list(_awards_of(decision))
    return render(
        request,
        "emulation/awards/decision_detail.html",
        {
            "decision": decision,
            "awards": awards,
            "may_issue": holds_role_over(request.user, APPROVE_ROLES, decision.issuer),
        },
    )


@login_required
def decision_download(request, pk):
    decision = _decision(request, pk)
    data = decision_docx.build(decision, _awards_of(decision))
    response = HttpResponse(data, content_type=DOCX)
    name = f"quyet-dinh-khen-thuong-{decision.number}-{decision.year}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
