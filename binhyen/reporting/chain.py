"""The figures along the chain from a directive down to what was done: each plan's own
figures, the activities linked to it (Activity.documents) read through the indicator registry
with a document filter (`activity.sessions[document=<plan id>]`), in total and by child unit
of the plan's unit, and the latest of those activities. The chain itself (which plans carry
out which document) is the documents app's (binhyen.documents.chain)."""

from dataclasses import dataclass, field

from binhyen.activities.models import Activity
from binhyen.documents.chain import plan_period
from binhyen.documents.models import Document
from binhyen.figures import registry
from binhyen.org import history
from binhyen.org.models import Unit

from .rollup import rollup

FIGURES = ("activity.count", "activity.sessions", "activity.attendances")
BREAKDOWN_OPEN = 8  # rows of the table by unit shown without a click


@dataclass
class PlanFigures:
    """What the activities carrying out one plan add up to within one unit's subtree."""

    plan: Document
    unit: Unit  # whose subtree (as it stood for the period) the figures cover
    period: object  # the period looked at, from the plan's date on
    activities: int = 0
    sessions: int = 0
    attendances: int = 0
    rows: list = field(default_factory=list)  # child units (and the unit itself) with figures
    later: bool = False  # the plan was issued after the period: nothing can carry it out in it

    @property
    def breakdown(self):
        """The rows worth a table: more than the unit's own line."""
        if len(self.rows) > 1 or (self.rows and not self.rows[0]["own"]):
            return self.rows
        return []

    @property
    def breakdown_open(self):
        """A short table is shown open; a long one (a city's two dozen unions) folded."""
        return len(self.breakdown) <= BREAKDOWN_OPEN

    @property
    def whole(self):
        """The figures cover the plan's own unit (not only the reader's part of it)."""
        return self.unit.pk == self.plan.unit_id


def figures_unit(plan, user):
    """The unit whose figures the reader gets for `plan`: the plan's unit when they hold a
    role over it (a unit seen only through police wards gives no activity figures), else
    their highest unit inside it (a grassroots officer reached through a target), else
    their highest unit (the plan's unions have since moved under it: Mỹ Tho's went to Đồng
    Tháp in 2025)."""
    if plan.shared:
        return None
    visible = Unit.objects.held_by(user).order_by("depth", "path")
    return visible.filter(path__startswith=plan.unit.path).first() or visible.first()


def figure_requests(plan):
    """The registry requests of `plan`'s figures (the document's id is known: no lookup)."""
    return [
        registry.parse(registry.with_filter(code, document=plan.pk), resolve=False)
        for code in FIGURES
    ]


def plan_figures(plan, period, user, unit=None):
    """The sessions, attendances and number of the activities linked to `plan` in `period`,
    within `unit`'s subtree (default: figures_unit) and by its child units; None for an
    outside body's document or a reader who sees no unit. The plan's own unit is read as it
    was (each activity under the tree of its date); a reader's unit through today's tree
    (their units as they are now)."""
    unit = unit or figures_unit(plan, user)
    if plan.shared or unit is None:
        return None
    span = plan_period(plan, period)
    figures = PlanFigures(plan, unit, span or period, later=span is None)
    if span is None:
        return figures
    requests = figure_requests(plan)
    keys = [r.key for r in requests]
    basis = history.WAS if unit.pk == plan.unit_id else history.NOW
    data = rollup(unit, span, requests, by="child", basis=basis)
    figures.activities, figures.sessions, figures.attendances = (data["total"][k] for k in keys)
    for row in data["rows"]:
        values = [row["values"][k] for k in keys]
        if any(values):
            figures.rows.append(
                {
                    "code": row["unit"]["code"],
                    "name": row["unit"]["name"],
                    "own": row["unit"]["code"] == unit.code,
                    "activities": values[0],
                    "sessions": values[1],
                    "attendances": values[2],
                }
            )
    return figures


def activities_under(plan, period, user):
    """The activities the reader sees that were recorded as carrying out `plan` in `period`:
    linked to it (Activity.documents) and dated from the day it was issued."""
    if plan.shared:
        return None
    span = plan_period(plan, period)
    if span is None:
        return Activity.objects.none()
    return Activity.objects.visible_to(user).filter(
        documents=plan, date__gte=span.start, date__lte=span.end
    )
