"""The chain from a directive down to what was done: the plans that carry it out at every
level (following "carries out" links), the activities recorded under each plan, and each
plan's own figures: the activities linked to it (Activity.documents), read through the
indicator registry with a document filter (`activity.sessions[document=<plan id>]`), in total
and by child unit of the plan's unit."""

import datetime
from dataclasses import dataclass, field

from binhyen.core.periods import parse_period, today
from binhyen.org.models import Unit

from .models import Document
from .services import MAX_CHAIN_DEPTH, as_of_for

FIGURES = ("activity.count", "activity.sessions", "activity.attendances")
BREAKDOWN_OPEN = 8  # rows of the table by unit shown without a click
RELATED = ("doc_type", "unit", "issuer", "issuer_unit")


@dataclass
class Node:
    document: Document
    depth: int
    children: list = field(default_factory=list)
    repeated: bool = False  # already shown under another document of the chain


def implementation_tree(document, user):
    """The documents the reader sees that carry out `document`, directly or through other
    plans, as a tree (one query per level). A document reached twice is listed twice but
    opened once."""
    through = Document.implements.through
    visible = Document.objects.visible_to(user)
    root = Node(document, 0)
    nodes = {document.pk: root}
    frontier = [document.pk]
    for depth in range(1, MAX_CHAIN_DEPTH + 1):
        if not frontier:
            break
        edges = (
            through.objects.filter(to_document_id__in=frontier, from_document__in=visible)
            .select_related(*(f"from_document__{r}" for r in RELATED))
            .order_by("from_document__issued_on", "from_document__id")
        )
        nxt = []
        for edge in edges:
            child = edge.from_document
            parent = nodes[edge.to_document_id]
            if child.pk in nodes:
                parent.children.append(Node(child, depth, repeated=True))
                continue
            node = Node(child, depth)
            nodes[child.pk] = node
            parent.children.append(node)
            nxt.append(child.pk)
        frontier = nxt
    return root


def flatten(root):
    """The tree in reading order, without the root."""
    out = []

    def walk(node):
        for child in node.children:
            out.append(child)
            walk(child)

    walk(root)
    return out


def default_period(document, day=None):
    """"1 năm thực hiện": a year from the directive's date (up to today); the current year
    for a document without a date."""
    day = day or today()
    if document.issued_on is None or document.issued_on > day:
        return parse_period(str(day.year))
    start = document.issued_on
    end = min(_years_after(start, 1) - datetime.timedelta(days=1), day)
    return parse_period(f"{start.isoformat()}..{end.isoformat()}")


def period_choices(document, day=None):
    """[(years, Period)] for "1 năm, 2 năm, … thực hiện" up to today."""
    day = day or today()
    if document.issued_on is None:
        return []
    out = []
    for years in range(1, 11):
        end = _years_after(document.issued_on, years) - datetime.timedelta(days=1)
        out.append((years, parse_period(f"{document.issued_on.isoformat()}..{min(end, day).isoformat()}")))
        if end >= day:
            break
    return out


def _years_after(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/02
        return day.replace(year=day.year + years, day=28)


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


def plan_period(plan, period):
    """`period` from the day the plan was issued (an activity cannot carry out a plan not yet
    issued); None when the plan came after the period."""
    if plan.issued_on is None or plan.issued_on <= period.start:
        return period
    if plan.issued_on > period.end:
        return None
    return parse_period(f"{plan.issued_on.isoformat()}..{period.end.isoformat()}")


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
    from binhyen.reporting import indicators

    return [indicators.parse(f"{code}[document={plan.pk}]", resolve=False) for code in FIGURES]


def plan_figures(plan, period, user, unit=None):
    """The sessions, attendances and number of the activities linked to `plan` in `period`,
    within `unit`'s subtree (default: figures_unit) and by its child units; None for an
    outside body's document or a reader who sees no unit. The plan's own unit is read through
    the tree as it stood for the period; a reader's unit through today's tree (their units as
    they are now)."""
    from binhyen.reporting.rollup import rollup

    unit = unit or figures_unit(plan, user)
    if plan.shared or unit is None:
        return None
    span = plan_period(plan, period)
    figures = PlanFigures(plan, unit, span or period, later=span is None)
    if span is None:
        return figures
    requests = figure_requests(plan)
    keys = [r.key for r in requests]
    as_of = as_of_for(span) if unit.pk == plan.unit_id else None
    data = rollup(unit, span, requests, by="child", as_of=as_of)
    figures.activities, figures.sessions, figures.attendances = (data["total"][k] for k in keys)
    for row in data["rows"]:
        values = [row["values"][k] for k in keys]
        if any(values):
            figures.rows.append({
                "code": row["unit"]["code"], "name": row["unit"]["name"], "own": row["unit"]["code"] == unit.code,
                "activities": values[0], "sessions": values[1], "attendances": values[2],
            })
    return figures


def _activity_model():
    try:
        from binhyen.activities.models import Activity
    except ImportError:
        return None
    return Activity


def activities_under(plan, period, user):
    """The activities the reader sees that were recorded as carrying out `plan` in `period`:
    linked to it (Activity.documents) and dated from the day it was issued."""
    Activity = _activity_model()
    if Activity is None or plan.shared:
        return None
    span = plan_period(plan, period)
    if span is None:
        return Activity.objects.none()
    return Activity.objects.visible_to(user).filter(
        documents=plan, date__gte=span.start, date__lte=span.end
    )
