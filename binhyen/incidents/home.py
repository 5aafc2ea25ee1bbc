"""What the incidents app adds to the officer's home page (binhyen.org.home): the cases and
tips past their deadlines in the reader's scope, counted, with the first few linked. A police
liaison lands on their wards' open tips and cases, shown above everything else."""

from django.utils import timezone

from binhyen.org import home
from binhyen.org.scoping import VIEW_ROLES, scope_of

from .models import Incident, State, Tip

SHOWN = 5  # links per list; the count says how many there are


def _listed(queryset, related):
    """(count, first SHOWN rows): two queries, whatever the number."""
    return queryset.count(), list(queryset.select_related(*related)[:SHOWN])


def panel(request):
    user = request.user
    units = scope_of(user, VIEW_ROLES)
    police = not scope_of(user, VIEW_ROLES, include_police=True).empty and units.empty
    if units.empty and not police:
        return None
    now = timezone.now()
    incidents = Incident.objects.visible_to(user)
    tips = Tip.objects.visible_to(user)
    if police:
        # the liaison's wards: what is still open there, the oldest deadline first
        cases = incidents.exclude(state=State.CLOSED).order_by("resolve_due", "id")
        tips = tips.exclude(state=State.CLOSED).order_by("answer_due", "id")
    else:
        cases = incidents.overdue(now).order_by("rapid_report_due", "resolve_due", "id")
        tips = tips.overdue(now).order_by("answer_due", "id")
    n_cases, case_rows = _listed(cases, ("kind", "ward"))
    n_tips, tip_rows = _listed(tips, ("ward",))
    if not police and not (n_cases or n_tips):
        return None
    return home.Panel(
        "incidents/_home_panel.html",
        {
            "police": police,
            "n_cases": n_cases,
            "cases": case_rows,
            "n_tips": n_tips,
            "tips": tip_rows,
            "now": now,
        },
        first=police,
    )


def register():
    home.register(panel)
