"""The incidents app's figures, registered in IncidentsConfig.ready(): incidents by kind and
enterprise ownership, the work stoppages' workers and worker-days, the stoppages at enterprises
without a union and the shares of stoppages at FDI enterprises and without a union, the cases
open on a day (stock), the median time to settle a case, and the tips received and answered.

No cube: the national volume is tens of thousands of incidents and tips a year (bench/
incidents.py measures 200,000), so every figure is read from the records themselves through the
engine's tree attribution (binhyen.org.history) — today's tree from the units' paths, an earlier
one through `Attribution.key_of_unit` — within the reader's figure scope (a police liaison:
the cases and tips of their wards, `scope_ward`).

What the figures mean (the labels say it to a reader; these are the rules):
- an incident counts on the local date it started (`started_at`), a tip on the day it was
  received (`created_at`); a soft-deleted incident counts nowhere;
- `incidents.open` on day D: started on or before D and not closed (state Đóng, `closed_at`)
  on or before D — a case resolved or transferred but not yet closed is still open; valued on
  the period's last day like every stock;
- `incidents.resolution_days_median`: over the cases settled (`settled_at`: resolved,
  transferred or closed; a case taken up again is settled when it is settled again) in the
  period, the median of the days from the start to the settlement, to one decimal. Not
  additive: each total is the median of all the cases' values, never a median of medians,
  over a period read in parts too (`combine` keeps every value);
- `tips.answered`: the tips received in the period that were answered (a first answer or
  step, `answered_at`) by the period's last day — so a past period's share does not change
  when a late answer comes, and the current period's counts the answers given so far;
- "without a union" and "FDI" are the enterprise's facts on the case's own record
  (`Incident.ownership`, `Incident.union_absent`, copied from the enterprise when the case is
  written), so a union founded later does not restate an earlier stoppage.

Every query of one engine and breakdown goes to the database as one UNION ALL (the engine's
query queue, binhyen.reporting.rollup.Engine.query): a dashboard's table of all these figures
costs one query, and its totals by none join the other sources' single totals.
"""

import datetime
import re
import statistics
from collections import defaultdict

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from binhyen.enterprises.models import Ownership
from binhyen.figures import registry
from binhyen.figures.registry import FLOW, RATIO, STOCK, Reference, indicator
from binhyen.org.models import PATH_STEP, Unit

from .models import Incident, IncidentKind, Stoppage, Tip

STOPPAGE = IncidentKind.STOPPAGE
FDI = Ownership.FDI
WIDTH = 4  # value columns of every keyed row of this source
FLOW_INDEX = {"count": 0, "workers": 1, "worker_days": 2, "without_union": 3}
TIP_INDEX = {"tips": 0, "answered": 1}


# ---------------------------------------------------------------- SQL pieces


def _tz():
    return settings.TIME_ZONE


def _start_of(day):
    """The first instant of local `day`, adapted for a query parameter."""
    moment = timezone.make_aware(
        datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone()
    )
    return connection.ops.adapt_datetimefield_value(moment)


def _between(column, start, end):
    """SQL true when `column` (a datetime) falls on a local day from `start` to `end`."""
    return f"{column} >= %s AND {column} < %s", [
        _start_of(start),
        _start_of(end + datetime.timedelta(days=1)),
    ]


def _month(column):
    """SQL (with params) for the local month of `column`, truncated to its first instant."""
    sql, params = connection.ops.datetime_trunc_sql("month", column, (), _tz())
    return sql, list(params)


def _seconds(start, end):
    """Whole seconds from `start` to `end` (two datetime columns), as a bigint."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS bigint)"
    return f"CAST(ROUND((julianday({end}) - julianday({start})) * 86400) AS INTEGER)"


_CODE = re.compile(r"^[a-z0-9_\-]+$")


def _ref(f, dim, model):
    """SQL and params for a filter's reference id: the id once resolved, else a subquery on its
    stable code (a ratio's own parts name their codes: `kind=ngung_viec`)."""
    code, pk = f[dim]
    if pk is not None:
        return "%s", [pk]
    return f"(SELECT id FROM {connection.ops.quote_name(model._meta.db_table)} WHERE code = %s)", [
        code
    ]


def _scope(engine, model, alias):
    """The figure scope as SQL: nothing when full, the scope's wards under a ward scope."""
    scope = engine.scope
    if scope.full:
        return "", []
    ids = list(scope.ward_ids) if scope.covers(model) else []
    if not ids:
        return " AND 1 = 0", []
    return f" AND {alias}.ward_id IN ({', '.join(['%s'] * len(ids))})", ids


class _Keys:
    """The key columns of a breakdown (through the engine's tree) and their params."""

    def __init__(self, engine, by, month_column):
        self.by = by
        cols, self.params = [], []
        if engine.attr.mapped:
            cols.append("x.unit_id")
        elif by in ("child", "detail"):
            cols.append(f"substr(u.path, 1, {engine.attr.length + PATH_STEP})")
        if by in ("month", "detail"):
            sql, params = _month(month_column)
            cols.append(sql)
            self.params += params
        self.cols = cols

    @property
    def n(self):
        return len(self.cols)

    def select(self, values):
        """SELECT … with the key columns first, then `values`; GROUP BY the keys by position."""
        return f"SELECT {', '.join(self.cols + values)}", list(self.params)

    def group(self):
        if not self.cols:
            return ""
        return " GROUP BY " + ", ".join(str(i + 1) for i in range(self.n))


def _queue(engine, keys, sql, params, consume):
    """Send (or queue) a query of this source: keyed rows share one shape (keys + WIDTH
    values); a single total by none joins the engine's one-value totals (`("total",)`)."""
    if keys.n == 0:
        shape = ("total",)
    else:
        shape = ("incidents", keys.by, engine.attr.mapped, keys.n, WIDTH)
    engine.query(shape, sql, params, consume)


def _sums(engine, keys, out):
    """A consumer adding each row's values (after its keys) into out[key]."""

    def consume(rows):
        for row in rows:
            key = engine.key(keys.by, row[: keys.n])
            if key is None:
                continue
            acc = out[key]
            for i, v in enumerate(row[keys.n :]):
                acc[i] += int(v or 0)

    return consume


def _pad(values):
    """The value columns of a keyed row: `values` then zeros up to WIDTH."""
    return values + ["0"] * (WIDTH - len(values))


# ---------------------------------------------------------------- the records read


def _incidents(engine, f, date_column, start, end, joins=()):
    """FROM/WHERE over the alive incidents of the subtree(s), filtered, in the figure scope,
    whose `date_column` falls from `start` to `end` (or, with start None, up to `end`)."""
    q = engine.q
    sql = f"FROM {q(Incident._meta.db_table)} x JOIN {q(Unit._meta.db_table)} u ON u.id = x.unit_id"
    if "stoppage" in joins:
        sql += f" LEFT JOIN {q(Stoppage._meta.db_table)} s ON s.incident_id = x.id"
    paths, params = engine.attr.paths_sql()
    where = f"x.deleted_at IS NULL AND {paths}"
    if start is not None:
        between, p = _between(date_column, start, end)
        where += f" AND {between}"
        params += p
    if "kind" in f:
        ref, p = _ref(f, "kind", IncidentKind)
        where += f" AND x.kind_id = {ref}"
        params += p
    if "ownership" in f:
        ref, p = _ref(f, "ownership", Ownership)
        where += f" AND x.ownership_id = {ref}"
        params += p
    scope, p = _scope(engine, Incident, "x")
    return f"{sql} WHERE {where}{scope}", params + p


def _median(values):
    return round(statistics.median(values) / 86400, 1) if values else None


# ---------------------------------------------------------------- incidents (flows)


class IncidentSource(registry.Source):
    """Incidents, stoppage workers and worker-days, stoppages without a union (one query per
    filter set and breakdown serves the four) and the median time to settle."""

    def prefetch(self, engine, request, by):
        self._read(engine, request, by)

    def _read(self, engine, request, by):
        if request.indicator.measure == "median":
            return self.settled(engine, request, by)
        return self.flows(engine, request, by)

    def evaluate(self, engine, request, by):
        if request.indicator.measure == "median":
            found = self.settled(engine, request, by)
            every = [v for values in found.values() for v in values]
            if by == "none":
                return {}, _median(every)
            return {k: _median(v) for k, v in found.items()}, _median(every)
        found, i = self.flows(engine, request, by)
        if by == "none":
            return {}, found.get((), [0] * WIDTH)[i]
        values = {k: v[i] for k, v in found.items()}
        return values, sum(values.values())

    def combine(self, parts, request, by):
        """Flows add up over the parts of a period; a median is taken over every case settled
        in any part (never a median of the parts' medians)."""
        if request.indicator.measure != "median":
            return super().combine(parts, request, by)
        gathered = defaultdict(list)
        for part in parts:
            for key, values in self.settled(part, request, by).items():
                gathered[key] += values
        every = [v for values in gathered.values() for v in values]
        if by == "none":
            return {}, _median(every)
        return {k: _median(v) for k, v in gathered.items()}, _median(every)

    def flows(self, engine, request, by):
        """({key: [incidents, stoppage workers, worker-days, stoppages without a union]} over
        the period, the index of the request's measure there). By none through today's tree,
        each measure is its own single-value total ({(): [value]}, index 0; see _queue)."""
        f = request.filter_ids()
        i = FLOW_INDEX[request.indicator.measure]
        if by == "none" and not engine.attr.mapped:
            memo = ("incidents", request.filters, "none", i)
            if memo not in engine.memos:
                out = engine.memos[memo] = defaultdict(lambda: [0])
                keys = _Keys(engine, "none", "x.started_at")
                value = [
                    "COUNT(*)",
                    "SUM(s.workers_involved)",
                    "SUM(s.worker_days)",
                    "SUM(CASE WHEN x.union_absent THEN 1 ELSE 0 END)",
                ][i]
                source, params = _incidents(
                    engine,
                    f,
                    "x.started_at",
                    engine.period.start,
                    engine.period.end,
                    joins=() if i == 0 else ("stoppage",),
                )
                if i == 3:
                    source += " AND s.incident_id IS NOT NULL"
                select, p = keys.select([value])
                _queue(engine, keys, f"{select} {source}", p + params, _sums(engine, keys, out))
            return engine.memos[memo], 0
        memo = ("incidents", request.filters, by)
        if memo in engine.memos:
            return engine.memos[memo], i
        out = engine.memos[memo] = defaultdict(lambda: [0] * WIDTH)
        keys = _Keys(engine, by, "x.started_at")
        source, params = _incidents(
            engine,
            f,
            "x.started_at",
            engine.period.start,
            engine.period.end,
            joins=("stoppage",),
        )
        select, p = keys.select(
            [
                "COUNT(*)",
                "SUM(s.workers_involved)",
                "SUM(s.worker_days)",
                "SUM(CASE WHEN s.incident_id IS NOT NULL AND x.union_absent THEN 1 ELSE 0 END)",
            ]
        )
        sql = f"{select} {source}{keys.group()}"
        _queue(engine, keys, sql, p + params, _sums(engine, keys, out))
        return out, i

    def settled(self, engine, request, by):
        """{key: [seconds from start to settlement, one per case settled in the period]}."""
        memo = ("incidents.settled", request.filters, by)
        if memo in engine.memos:
            return engine.memos[memo]
        out = engine.memos[memo] = defaultdict(list)
        keys = _Keys(engine, by, "x.settled_at")
        source, params = _incidents(
            engine, request.filter_ids(), "x.settled_at", engine.period.start, engine.period.end
        )
        seconds = _seconds("x.started_at", "x.settled_at")
        select, p = keys.select([seconds] if keys.n == 0 else _pad([seconds]))
        n = keys.n

        def consume(rows):
            for row in rows:
                key = engine.key(by, row[:n])
                if key is not None:
                    out[key].append(int(row[n] or 0))

        _queue(engine, keys, f"{select} {source}", p + params, consume)
        return out


# ---------------------------------------------------------------- open cases (stock)


class OpenSource(registry.StockSource):
    """Cases open on a day: started on or before it, not closed on or before it."""

    def _source(self, engine, request, day):
        source, params = _incidents(engine, request.filter_ids(), "x.started_at", None, None)
        after = _start_of(day + datetime.timedelta(days=1))
        source += " AND x.started_at < %s AND (x.closed_at IS NULL OR x.closed_at >= %s)"
        return source, params + [after, after]

    def stock(self, engine, request, by_child, day):
        memo = ("incidents.open", request.filters, day, by_child)
        if memo in engine.memos:
            return engine.memos[memo]
        found = engine.memos[memo] = {}
        by = "child" if by_child else "none"
        keys = _Keys(engine, by, "x.started_at")
        source, params = self._source(engine, request, day)
        select, p = keys.select(["COUNT(*)"] if keys.n == 0 else _pad(["COUNT(*)"]))
        acc = defaultdict(lambda: [0] * WIDTH)
        count = _sums(engine, keys, acc)

        def consume(rows):
            count(rows)
            found.update({k: v[0] for k, v in acc.items() if v[0] or not by_child})
            if not by_child:
                found.setdefault((), 0)

        _queue(engine, keys, f"{select} {source}{keys.group()}", p + params, consume)
        return found

    def stock_raw(self, engine, request, by_child, day, into=None):
        """The same figure counted through the ORM (engine.count): the verifier."""
        f = request.filter_codes()
        qs = Incident.objects.filter(engine.attr.paths_q("unit__path"))
        if "kind" in f:
            qs = qs.filter(kind__code=f["kind"])
        after = timezone.make_aware(
            datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min),
            timezone.get_default_timezone(),
        )
        qs = qs.filter(started_at__lt=after).exclude(closed_at__lt=after)
        return engine.count(
            engine.scope.restrict(qs), "unit__path", "unit_id", "count", None, by_child, into
        )


# ---------------------------------------------------------------- tips


class TipSource(registry.Source):
    """Tips received, and those of them answered by the period's last day."""

    def prefetch(self, engine, request, by):
        self.tips(engine, request, by, engine.period.end)

    def evaluate(self, engine, request, by, answered_by=None):
        i = TIP_INDEX[request.indicator.measure]
        found = self.tips(engine, request, by, answered_by or engine.period.end)
        if by == "none":
            return {}, found.get((), [0, 0])[i]
        values = {k: v[i] for k, v in found.items()}
        return values, sum(values.values())

    def combine(self, parts, request, by):
        """Answered by the last day of the whole period, in every part of it."""
        end = parts[-1].period.end
        values, total = defaultdict(int), 0
        for part in parts:
            part_values, part_total = self.evaluate(part, request, by, answered_by=end)
            for key, value in part_values.items():
                values[key] += value
            total += part_total
        return dict(values), total

    def tips(self, engine, request, by, answered_by):
        """{key: [tips, answered by `answered_by`, 0, 0]}; by none through today's tree, each
        measure is its own single-value total (see _queue), kept at its index."""
        single = by == "none" and not engine.attr.mapped
        i = TIP_INDEX[request.indicator.measure]
        memo = ("tips", by, answered_by) + ((i,) if single else ())
        if memo in engine.memos:
            return engine.memos[memo]
        out = engine.memos[memo] = defaultdict(lambda: [0] * WIDTH)
        q = engine.q
        keys = _Keys(engine, by, "x.created_at")
        paths, params = engine.attr.paths_sql()
        between, p = _between("x.created_at", engine.period.start, engine.period.end)
        scope, scope_params = _scope(engine, Tip, "x")
        answered = (
            "SUM(CASE WHEN x.answered_at IS NOT NULL AND x.answered_at < %s THEN 1 ELSE 0 END)"
        )
        values = ["COUNT(*)", answered] if not single else [["COUNT(*)", answered][i]]
        select, select_params = keys.select(values if single else _pad(values))
        if not single or i == 1:
            select_params.append(_start_of(answered_by + datetime.timedelta(days=1)))
        sql = (
            f"{select} FROM {q(Tip._meta.db_table)} x JOIN {q(Unit._meta.db_table)} u "
            f"ON u.id = x.unit_id WHERE {paths} AND {between}{scope}{keys.group()}"
        )
        consume = _sums(engine, keys, out)
        if single:  # one value, kept at the measure's own index

            def consume(rows):
                for (value,) in rows:
                    out[()][i] += int(value or 0)

        _queue(engine, keys, sql, select_params + params + p + scope_params, consume)
        return out


INCIDENTS = IncidentSource()
OPEN = OpenSource()
TIPS = TipSource()


# ---------------------------------------------------------------- declarations

KIND = Reference("kind", gettext_lazy("loại"), "incidents.IncidentKind")
OWNERSHIP = Reference("ownership", gettext_lazy("loại hình doanh nghiệp"), "enterprises.Ownership")
RECORDS = "incidents.Incident"

# gettext_noop lists the labels and units in the app's catalog (makemessages reads only
# literals); indicator() translates them lazily, in each reader's language.
INDICATORS = (
    indicator(
        "incidents.count",
        gettext_noop("Số vụ việc"),
        "Incidents",
        gettext_noop("vụ"),
        FLOW,
        references=(KIND, OWNERSHIP),
        measure="count",
        source=INCIDENTS,
        records=RECORDS,
        description=gettext_noop("Vụ việc bắt đầu trong kỳ (theo ngày bắt đầu), trừ vụ đã xóa."),
    ),
    indicator(
        "incidents.stoppage_workers",
        gettext_noop("Số người tham gia ngừng việc tập thể"),
        "Workers in collective work stoppages",
        gettext_noop("người"),
        FLOW,
        references=(OWNERSHIP,),
        measure="workers",
        source=INCIDENTS,
        records=RECORDS,
    ),
    indicator(
        "incidents.stoppage_worker_days",
        gettext_noop("Số ngày công bị mất do ngừng việc tập thể"),
        "Worker-days lost to collective work stoppages",
        gettext_noop("ngày công"),
        FLOW,
        references=(OWNERSHIP,),
        measure="worker_days",
        source=INCIDENTS,
        records=RECORDS,
    ),
    indicator(
        "incidents.stoppages_without_union",
        gettext_noop("Số vụ ngừng việc tập thể tại doanh nghiệp chưa có công đoàn"),
        "Collective work stoppages at enterprises without a union",
        gettext_noop("vụ"),
        FLOW,
        references=(OWNERSHIP,),
        measure="without_union",
        source=INCIDENTS,
        records=RECORDS,
    ),
    indicator(
        "incidents.stoppage_fdi_share",
        gettext_noop("Tỷ lệ vụ ngừng việc tập thể tại doanh nghiệp FDI"),
        "Share of collective work stoppages at foreign-invested enterprises",
        "%",
        RATIO,
        numerator=f"incidents.count[kind={STOPPAGE};ownership={FDI}]",
        denominator=f"incidents.count[kind={STOPPAGE}]",
        additive=False,
    ),
    indicator(
        "incidents.stoppage_without_union_share",
        gettext_noop("Tỷ lệ vụ ngừng việc tập thể tại doanh nghiệp chưa có công đoàn"),
        "Share of collective work stoppages at enterprises without a union",
        "%",
        RATIO,
        numerator="incidents.stoppages_without_union",
        denominator=f"incidents.count[kind={STOPPAGE}]",
        additive=False,
    ),
    indicator(
        "incidents.open",
        gettext_noop("Số vụ việc chưa đóng"),
        "Open incidents",
        gettext_noop("vụ"),
        STOCK,
        references=(KIND,),
        measure="open",
        source=OPEN,
        records=RECORDS,
        description=gettext_noop(
            "Vụ việc đã bắt đầu và chưa đóng hồ sơ vào ngày cuối kỳ (vụ đã giải quyết, đã "
            "chuyển cơ quan chức năng nhưng chưa đóng vẫn tính)."
        ),
    ),
    indicator(
        "incidents.resolution_days_median",
        gettext_noop("Số ngày giải quyết vụ việc (trung vị)"),
        "Median days to settle an incident",
        pgettext_lazy("đơn vị đo", "ngày"),
        FLOW,
        references=(KIND,),
        measure="median",
        source=INCIDENTS,
        records=RECORDS,
        additive=False,
        empty=None,
        description=gettext_noop(
            "Trung vị số ngày từ lúc bắt đầu đến lúc giải quyết xong, của các vụ việc giải "
            "quyết xong trong kỳ."
        ),
    ),
    indicator(
        "tips.count",
        gettext_noop("Số tin báo tiếp nhận"),
        "Tips received",
        gettext_noop("tin"),
        FLOW,
        measure="tips",
        source=TIPS,
        records="incidents.Tip",
    ),
    indicator(
        "tips.answered",
        gettext_noop("Số tin báo đã trả lời"),
        "Tips answered",
        gettext_noop("tin"),
        FLOW,
        measure="answered",
        source=TIPS,
        records="incidents.Tip",
        description=gettext_noop(
            "Tin báo tiếp nhận trong kỳ đã được trả lời hoặc xử lý đến ngày cuối kỳ."
        ),
    ),
    indicator(
        "tips.answered_share",
        gettext_noop("Tỷ lệ tin báo đã trả lời"),
        "Share of tips answered",
        "%",
        RATIO,
        numerator="tips.answered",
        denominator="tips.count",
        additive=False,
    ),
)


def ward_counts(unit, start, end, scope):
    """{ward id: incidents started from `start` to `end`} of `unit`'s subtree (today's tree) in
    the figure scope: the ward map's layer. One query."""
    after = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min),
        timezone.get_default_timezone(),
    )
    qs = Incident.objects.filter(
        unit__path__startswith=unit.path,
        started_at__gte=timezone.make_aware(
            datetime.datetime.combine(start, datetime.time.min), timezone.get_default_timezone()
        ),
        started_at__lt=after,
    )
    qs = scope.restrict(qs)
    return dict(qs.values("ward").annotate(n=Count("id")).order_by().values_list("ward", "n"))


def register():
    registry.register(*INDICATORS)
    registry.register_ward_layer(
        registry.WardLayer(
            name="incidents",
            label=gettext_lazy("Số vụ việc từ đầu năm"),
            legend=gettext_lazy("phường, xã có vụ việc từ đầu năm đến ngày xem"),
            counts=ward_counts,
        )
    )
