"""The pages of a plan that read the rollup engine, at the plan's own paths under /van-ban/
(binhyen/reporting/plan_urls.py): its figures on the chain page (an htmx partial), the progress
of its targets, and the forms that set, change and delete a target."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhyen.core import periods
from binhyen.core.views import ServiceFormView, scoped_get
from binhyen.documents import chain as documents_chain
from binhyen.documents.models import AppliesTo, Document
from binhyen.figures.registry import all_indicators
from binhyen.org.models import Unit
from binhyen.org.scoping import EDIT_ROLES, holds_role_over

from . import chain, progress, targets
from .plan_forms import TargetForm

RELATED = ("doc_type", "issuer", "issuer_unit", "unit")


def _documents():
    return Document.objects.select_related(*RELATED)


@login_required
def plan_figures(request, pk):
    """htmx partial of the chain page: one plan's own figures (the activities linked to it,
    from the registry, by child unit) and its latest activities, loaded plan by plan so the
    chain page stays a fixed number of queries however long the chain."""
    user = request.user
    plan = scoped_get(user, _documents(), pk=pk)
    period, _error = documents_chain.period_from(
        request.GET.get("ky", ""), documents_chain.default_period(plan)
    )
    figures = chain.plan_figures(plan, period, user)
    activities = chain.activities_under(plan, period, user)
    listed = count = None
    if activities is not None:
        listed = list(activities.select_related("unit", "kind").order_by("-date", "-id")[:5])
        if figures is not None:
            count = figures.activities
        else:  # the reader sees activities of the plan but no unit of its: count those
            count = len(listed) if len(listed) < 5 else activities.count()
    return render(
        request,
        "reporting/plans/_plan_figures.html",
        {
            "plan": plan,
            "period": period,
            "figures": figures,
            "activities": listed,
            "activity_count": count,
        },
    )


@login_required
def plan_progress(request, pk):
    """Per unit: target against the actual figure from the rollup, % reached, who is behind.
    One target at a time (tabs), read at one level of the tree (drill down by unit)."""
    user = request.user
    plan = scoped_get(user, _documents(), pk=pk)
    plan_targets = list(plan.targets.order_by("id"))
    chosen = None
    wanted = request.GET.get("chi_tieu", "")
    for t in plan_targets:
        if str(t.pk) == wanted:
            chosen = t
    chosen = chosen or (plan_targets[0] if plan_targets else None)
    table = None
    error = ""
    if chosen is not None:
        chosen.plan = plan
        level = None
        code = request.GET.get("don_vi", "").strip()
        if code:
            level = Unit.objects.visible_to(user).filter(code=code).first()
            if level is None:
                error = _("Không tìm thấy đơn vị “%(code)s” trong phạm vi của bạn.") % {
                    "code": code
                }
        table = progress.target_progress(chosen, level or plan.unit, user=user)
    # a plan without targets still shows what was recorded as carrying it out (its first year);
    # with a target, the table carries the plan's figures row by row
    figures = (
        chain.plan_figures(plan, documents_chain.default_period(plan), user)
        if chosen is None
        else None
    )
    return render(
        request,
        "reporting/plans/progress.html",
        {
            "plan": plan,
            "targets": plan_targets,
            "chosen": chosen,
            "table": table,
            "error": error,
            "can_edit": holds_role_over(user, EDIT_ROLES, plan.unit),
            "figures": figures,
        },
    )


def _plan_for_edit(request, pk):
    return scoped_get(request.user, _documents(), editable=True, pk=pk)


class TargetFormView(ServiceFormView):
    template_name = "reporting/plans/target_form.html"
    form_class = TargetForm
    error_fields = {"plan": None}
    target = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.plan = _plan_for_edit(request, kwargs["pk"])
            if "target_pk" in kwargs:
                self.target = get_object_or_404(self.plan.targets, pk=kwargs["target_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        if self.target is None:
            year = self.plan.issued_on.year if self.plan.issued_on else periods.today().year
            return {"period": str(year), "applies_to": AppliesTo.GRASSROOTS}
        t = self.target
        indicator, only_plan = targets.split_plan_only(t.indicator, self.plan)
        return {
            "description": t.description,
            "indicator": indicator,
            "only_plan": only_plan,
            "period": t.period,
            "value": t.value,
            "applies_to": t.applies_to,
            "units": ", ".join(u.code for u in t.units.all()),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(plan=self.plan, target=self.target, indicators=all_indicators())
        return context

    def perform(self, form):
        data = form.cleaned_data
        indicator = (
            targets.plan_only(data["indicator"], self.plan)
            if data["only_plan"]
            else data["indicator"]
        )
        fields = dict(
            indicator=indicator,
            period=data["period"],
            value=data["value"],
            applies_to=data["applies_to"],
            units=data["units"],
            description=data["description"],
        )
        if self.target is None:
            target = targets.set_target(self.request.user, self.plan, **fields)
            messages.success(
                self.request,
                _("Đã giao chỉ tiêu cho %(n)d đơn vị.") % {"n": target.assignments.count()},
            )
        else:
            target = targets.update_target(self.request.user, self.target, **fields)
            messages.success(
                self.request,
                _("Đã lưu chỉ tiêu; %(n)d đơn vị đang giữ chỉ tiêu này.")
                % {"n": target.assignments.count()},
            )
        return reverse("plans:progress", args=[self.plan.pk]) + f"?chi_tieu={target.pk}"


@login_required
@require_POST
def target_delete(request, pk, target_pk):
    plan = _plan_for_edit(request, pk)
    target = get_object_or_404(plan.targets, pk=target_pk)
    targets.delete_target(request.user, target)
    messages.success(request, _("Đã xóa chỉ tiêu và các bản giao cho đơn vị."))
    return redirect(plan.get_absolute_url())
