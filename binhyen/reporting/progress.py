"""How far each unit has come on a plan's targets: the units' copies of a target set against
the actual figure read live from the rollup engine (never a total of our own).

A progress table is read at one level of the tree, like every rollup: the rows are the children
of that unit (as the tree stood for the target's period) that hold a copy of the target or
have units below them that do, plus the unit itself when it holds one. A row's target is the
sum of the copies it covers (for a ratio target: the percentage asked); its actual is the
rollup of that child's subtree. A row covering several copies links one level down.

Beside the target, each row carries the plan's own figures in that child's subtree: the
activities linked to the plan (`activity.*[document=<plan id>]`, from the plan's date on), so a
reader sees how much of what a unit did was recorded as carrying out this plan.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from binhyen.core.periods import parse_period, today
from binhyen.documents.chain import plan_period
from binhyen.documents.models import TargetAssignment
from binhyen.figures import registry
from binhyen.org.history import SELF
from binhyen.org.models import PATH_STEP, Unit

from .rollup import Engine, rollup
from .targets import as_of_for, is_ratio, parse_indicator

REACHED, ON_TRACK, BEHIND, MISSED, NO_DATA = "reached", "on_track", "behind", "missed", "no_data"
STATUS_LABELS = {
    REACHED: _("Đã đạt"),
    ON_TRACK: _("Đúng tiến độ"),
    BEHIND: _("Chậm tiến độ"),
    MISSED: _("Không đạt"),
    NO_DATA: _("Chưa có số liệu"),
}
LAGGING = (BEHIND, MISSED)


@dataclass
class Row:
    unit_id: int
    code: str
    name: str
    target: float
    actual: float | None
    assigned: int  # copies of the target this row covers
    direct: bool  # the row's unit holds the copy itself (nothing below to open)
    own: bool = False  # the level unit's own row
    percent: float | None = None
    status: str = NO_DATA
    plan: tuple = (0, 0, 0)  # activities, sessions, attendances linked to the plan

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def lagging(self):
        return self.status in LAGGING


@dataclass
class Progress:
    target: object
    request: object
    period: object
    level: Unit
    day: datetime.date
    share: float  # the part of the period elapsed on `day` (1 for stocks and ended periods)
    ratio: bool
    rows: list = field(default_factory=list)
    level_actual: float | None = None  # the rollup total of the level unit's whole subtree
    indicator_label: str = ""
    # (activities, sessions, attendances) linked to the plan in the level's whole subtree; None
    # when the reader does not see the level unit
    plan_total: tuple | None = None
    plan_period: object = None  # the period those cover: from the plan's date on

    @property
    def counts_a_document(self):
        """The target itself counts only the activities under a document: the plan's own
        column would repeat its actual."""
        return "document" in self.request.filter_codes()

    @property
    def plan_activities(self):
        return self.plan_total[0] if self.plan_total else 0

    @property
    def plan_sessions(self):
        return self.plan_total[1] if self.plan_total else 0

    @property
    def plan_attendances(self):
        return self.plan_total[2] if self.plan_total else 0

    @property
    def behind(self):
        return [r for r in self.rows if r.lagging]

    @property
    def total_target(self):
        return self.target.value if self.ratio else sum(r.target for r in self.rows)

    @property
    def total_actual(self):
        if self.ratio:
            return self.level_actual
        return sum(r.actual or 0 for r in self.rows)

    @property
    def total_percent(self):
        return _percent(self.total_actual, self.total_target)

    @property
    def expected(self):
        """What should be reached by `day` at an even pace (for the whole table)."""
        return self.total_target * self.share


def elapsed_share(period, day, flow=True):
    if not flow or day >= period.end:
        return 1.0
    if day < period.start:
        return 0.0
    return ((day - period.start).days + 1) / ((period.end - period.start).days + 1)


def _percent(actual, target):
    if actual is None or not target:
        return None
    return round(100.0 * actual / target, 1)


def status_of(actual, target, share, ended):
    if actual is None:
        return NO_DATA
    if actual >= target:
        return REACHED
    if ended:
        return MISSED
    return ON_TRACK if actual >= target * share else BEHIND


def _copies_by_child(target, level, attr):
    """{child id or SELF: (copies, sum of values, held by the child itself)}."""
    copies = TargetAssignment.objects.filter(target=target)
    out = {}
    if attr.mapped:
        for unit_id, value in copies.filter(attr.paths_q("unit__path")).values_list(
            "unit_id", "value"
        ):
            key = attr.key_of_unit(unit_id)
            if key is None:
                continue
            n, total, direct = out.get(key, (0, 0, False))
            out[key] = (n + 1, total + value, direct or key == unit_id)
        return out
    rows = (
        copies.filter(unit__path__startswith=level.path)
        .annotate(rk=Substr("unit__path", 1, len(level.path) + PATH_STEP))
        .values("rk")
        .annotate(
            n=Count("id"), s=Sum("value"), direct=Count("id", filter=Q(unit__depth=level.depth + 1))
        )
        .order_by()
    )
    for row in rows:
        out[attr.key_of_path(row["rk"])] = (row["n"], row["s"] or 0, bool(row["direct"]))
    return out


def plan_flows(plan, level, period, attr):
    """{child id or SELF: [activities, sessions, attendances, leaflets]} of the activities
    linked to `plan` in `period` (from the plan's date on) under `level`, read through the
    tree `attr` that the target's own rollup used (no second read of it)."""
    span = plan_period(plan, period)
    if span is None or plan.shared:
        return {}, span or period
    request = registry.parse(
        registry.with_filter("activity.count", document=plan.pk), resolve=False
    )
    return Engine(level, span, attribution=attr).flow(request, "child"), span


def target_progress(target, level=None, day=None, user=None):
    """The progress table of `target` at `level` (default: the plan's own unit) on `day`.

    With `user`, only rows of units that person holds a role over are kept (figures follow
    the records' scope: not units seen only through police wards), and the level's own row and
    totals only when they hold the level: a grassroots officer reading their superior's plan
    sees their own unit's line, not their neighbours'."""
    day = day or today()
    level = level or target.plan.unit
    period = parse_period(target.period)
    request = parse_indicator(target.indicator)
    ratio = is_ratio(request)
    as_of = as_of_for(period, day)
    engine = Engine(level, period, as_of)  # shared with the grouping below: one tree read
    data = rollup(level, period, [request], by="child", as_of=as_of, engine=engine)
    key = request.key
    actual_by_code = {row["unit"]["code"]: row["values"][key] for row in data["rows"]}
    share = elapsed_share(period, day, flow=request.indicator.kind != registry.STOCK)
    progress = Progress(
        target,
        request,
        period,
        level,
        day,
        share,
        ratio,
        level_actual=data["total"][key],
        indicator_label=request.label,
    )

    copies = _copies_by_child(target, level, engine.attr)
    flows, progress.plan_period = plan_flows(target.plan, level, period, engine.attr)
    units = Unit.objects.filter(pk__in=[level.pk, *(k for k in copies if k != SELF)])
    if user is not None:
        units = units.held_by(user)  # one query names the rows and says which may be shown
    names = {
        pk: (code, short or name)
        for pk, code, name, short in units.values_list("pk", "code", "name", "short_name")
    }
    seen = set(names) if user is not None else None
    if seen is None or level.pk in seen:
        progress.plan_total = tuple(sum(v[i] for v in flows.values()) for i in range(3))
    else:
        progress.level_actual = None
    ended = day >= period.end
    rows = []
    for unit_key, (n, total, direct) in copies.items():
        own = unit_key == SELF
        if own:
            unit_id, code, name = level.pk, level.code, level.short_name or level.name
            actual = data["total"][key]
        else:
            unit_id = unit_key
            code, name = names.get(unit_key, ("", ""))
            actual = actual_by_code.get(code, None if ratio else 0)
        if seen is not None and unit_id not in seen:
            continue
        wanted = target.value if ratio else total
        row = Row(
            unit_id,
            code,
            name,
            wanted,
            actual,
            n,
            direct=own or (direct and n == 1),
            own=own,
            plan=tuple(flows.get(unit_key, (0, 0, 0))[:3]),
        )
        row.percent = _percent(actual, wanted)
        row.status = status_of(actual, wanted, share, ended)
        rows.append(row)
    rows.sort(key=lambda r: (not r.own, r.percent if r.percent is not None else -1, r.name))
    progress.rows = rows
    return progress
