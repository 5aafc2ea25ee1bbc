"""Rollups: any unit × period × indicator, broken down by child unit, by month or not at all.

`rollup(unit, period, indicators, by="child", as_of=None)` is the one function every figure
goes through. The engine knows no app: each indicator names the `Source` its app registered
(binhyen.figures.registry), and the engine hands the source itself — unit, period, tree,
figure scope, query queue. What follows is what the registered sources do today.

Activity flows (binhyen.activities.figures) read only unit X's rows of the per-level cube for the whole
months of the period; the days of a partial month at either edge of a date range
(2021-08-16..2022-08-15) are read from the raw activities, so any range is exact. A filter on
two or more of topic/audience/channel/document at once cannot be answered by the cube (each
cell holds one dimension slot) and is answered from the raw activities for the whole period.
A document filter (`activity.sessions[document=329]`, the activities that carry out plan 329)
is one more such slot.

Stock indicators are valued on the period's last day from the stock cube (binhyen.groups.cube):
unit X's rows of the years, months and days before it. As of an earlier tree, the children
whose subtree did not change read X's rows too, and the others the own rows of the units that
made them up then; the groups app's querysets (binhyen.groups.stats) count the raw records
only to verify the cube (`stock_raw`).

`basis` (binhyen.org.history) says which tree each record counts under: on WAS (each record
under the tree of its own date) the period is cut at the days units moved inside it and each
part is read by its own engine through the tree of its last day (`Engine.parts`); the source
combines the parts' figures (`Source.combine`: flows add up, a stock is the last day's, a count
of distinct units unites the parts' units). A period with no move inside it is one part: the
tree of its last day, which is today's tree when no unit has moved since.

`as_of` attributes records through the tree as it stood on that day: each unit's parent on
that day is the old parent of its first move after it (UnitEvent), else its current parent.
The cube is keyed by today's tree, so an as-of rollup reads each unit's own cube row (the
"self" cell, which does not depend on the tree) and sums them up the historical tree; when no
unit has moved since that day, it is the as-now rollup.

`scope` (binhyen.org.scoping.figure_scope) limits the figures to what the reader may see. A ward
scope (a police liaison) is answered by the same engine: active groups and wards with groups
from the stock cube's per-ward cells, every other groups or units figure from the groups
app's counting querysets cut to the wards (`FigureScope.restrict`); an indicator counting
records that have no ward (activities) is refused with `OutOfScope` before any query, and a
breakdown by child lists only the children with a figure.
"""

import re
from collections import defaultdict

from django.apps import apps
from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from binhyen.core.text import fold
from binhyen.figures import registry
from binhyen.figures.cube import as_date
from binhyen.org import history
from binhyen.org.history import SELF, Attribution
from binhyen.org.models import PATH_STEP, Unit
from binhyen.org.scoping import FULL_SCOPE

BY_CHOICES = ("child", "month", "none")


class OutOfScope(Exception):
    """Indicators the reader's figure scope does not give (`requests`, in the order asked)."""

    def __init__(self, requests):
        super().__init__(", ".join(r.key for r in requests))
        self.requests = requests


def in_scope(request, scope):
    """Whether `scope` (a FigureScope; None is full) gives the figure `request` asks for: the
    records its indicator counts are covered (under a ward scope, records with a ward); a ratio
    needs both its numerator and its denominator."""
    if scope is None or scope.full:
        return True
    ind = request.indicator
    if ind.kind == registry.RATIO:
        return all(
            in_scope(registry.parse(part, resolve=False), scope)
            for part in (ind.numerator, ind.denominator)
        )
    try:
        model = apps.get_model(ind.records) if ind.records else None
    except LookupError:  # the app that owns those records is not installed
        model = None
    return model is not None and scope.covers(model)


def split_by_scope(requests, scope):
    """(the requests `scope` gives, those it does not): for pages that leave the latter out."""
    kept, refused = [], []
    for request in requests:
        (kept if in_scope(request, scope) else refused).append(request)
    return kept, refused


def leaves(requests):
    """The requests to evaluate: a ratio's numerator and denominator in its place."""
    out = []
    for request in requests:
        ind = request.indicator
        if ind.kind == registry.RATIO:
            out += [
                registry.parse(ind.numerator, resolve=False),
                registry.parse(ind.denominator, resolve=False),
            ]
        else:
            out.append(request)
    return out


class Engine:
    """Evaluates requests for one unit, period, breakdown and tree, through their sources."""

    def __init__(
        self,
        unit,
        period,
        as_of=None,
        detail=False,
        attribution=None,
        scope=None,
        basis=None,
        keep_ids=False,
        snapshot=None,
    ):
        self.unit = unit
        self.period = period
        self.detail = detail
        self.scope = scope or FULL_SCOPE  # the reader's FigureScope over the unit
        # `as_of` (the API's any tree on any day) or a given attribution read one tree;
        # otherwise the basis (binhyen.org.history.choose) says which trees the period needs
        self.basis = None
        self.parts = None  # on WAS across a move: one engine per part of the period
        self.keep_ids = keep_ids  # a part keeps the ids behind its distinct-unit counts
        self.final = True  # the last (or only) part: the one whose last day values stocks
        self.attr = attribution
        if as_of is None and attribution is None:
            self.basis = history.choose(unit, period, basis)
            period = self.period = history.open_part(unit, period, self.basis)
            parts = history.trees(unit, period, self.basis, snapshot)
            self.attr = parts[-1][1]
            if len(parts) > 1:
                self.parts = [
                    Engine(unit, part, detail=detail, attribution=attr, scope=scope, keep_ids=True)
                    for part, attr in parts
                ]
                for part in self.parts[:-1]:
                    part.final = False
        elif attribution is None:
            self.attr = Attribution(unit, as_of, snapshot=snapshot)
        self.q = connection.ops.quote_name
        self.day = connection.ops.adapt_datefield_value
        self.flows = {}  # a flow source's sums of one filter set, shared by its measures
        self.memos = {}  # the sources' other results, by (measure, filters, day, breakdown…)
        self._pending = None  # queries queued by prefetch(), sent together by shape

    # --- queries ----------------------------------------------------------------------------

    def query(self, shape, sql, params, consume):
        """Run `sql` and hand its rows to `consume`, or, inside prefetch(), queue it: queries
        of the same `shape` (same key and value columns) then go as one UNION ALL."""
        if self._pending is not None:
            self._pending.append((shape, sql, params, consume))
            return
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            consume(cursor.fetchall())

    @staticmethod
    def _send(pending):
        by_shape = defaultdict(list)
        for shape, sql, params, consume in pending:
            by_shape[shape].append((sql, params, consume))
        for queries in by_shape.values():
            if len(queries) == 1:
                sql, params, consume = queries[0]
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    consume(cursor.fetchall())
                continue
            union = " UNION ALL ".join(
                f"SELECT {n} AS q_, s_.* FROM ({sql}) s_" for n, (sql, _p, _c) in enumerate(queries)
            )
            with connection.cursor() as cursor:
                cursor.execute(union, [v for _s, params, _c in queries for v in params])
                rows = cursor.fetchall()
            parts = defaultdict(list)
            for row in rows:
                parts[row[0]].append(row[1:])
            for n, (_s, _p, consume) in enumerate(queries):
                consume(parts.get(n, []))

    def prefetch(self, requests, by):
        """Ask every query the flows and period-end stocks of `requests` need at once: a page
        showing several filter sets (outreach, conferences, all activities) and the groups'
        figures sends a handful of queries, however many indicators it shows."""
        self._send(self.queue(requests, by))

    def queue(self, requests, by):
        """The queries prefetch() sends, queued (a split engine's parts' together, so that
        queries of the same shape go as one)."""
        if self.parts:
            return [q for part in self.parts for q in part.queue(requests, by)]
        self._pending = []
        try:
            for request in leaves(requests):
                request.indicator.source.prefetch(self, request, by)
        finally:
            pending, self._pending = self._pending, None
        return pending

    # --- keys -------------------------------------------------------------------------------

    def group_sql(self, by, path_col="u.path", month_col="a.date", unit_col="a.unit_id"):
        """SELECT key columns for `by` ([] for none; "detail" = child and month)."""
        cols = []
        if self.attr.mapped:
            cols.append(unit_col)
        elif by in ("child", "detail"):
            cols.append(f"substr({path_col}, 1, {self.attr.length + PATH_STEP})")
        if by in ("month", "detail"):
            cols.append(month_col)
        return cols

    def key(self, by, raw):
        """The breakdown key for the key columns of one result row; None drops the row."""
        raw = list(raw)
        where = ()
        if self.attr.mapped:
            where = self.attr.key_of_unit(raw.pop(0))
            if where is None:
                return None
        elif by in ("child", "detail"):
            where = self.attr.key_of_path(raw.pop(0))
        if by == "child":
            return where
        if by == "month":
            return as_date(raw.pop(0)).replace(day=1)
        if by == "detail":
            return where, as_date(raw.pop(0)).replace(day=1)
        return ()

    def run(self, sql, params, by, ncols, out, merge="sum", width=4):
        """Rows of `ncols` key columns and `width` values summed into out[key] (or, merged as
        "distinct", an id added to a set)."""
        shape = (
            ("total",)
            if by == "none" and width == 1 and not self.attr.mapped
            else ("run", by, self.attr.mapped, ncols, width, merge)
        )
        self.query(shape, sql, params, lambda rows: self.consume(rows, by, ncols, out, merge))

    def consume(self, rows, by, ncols, out, merge):
        for row in rows:
            key = self.key(by, row[:ncols])
            if key is None:
                continue
            if merge == "sum":
                acc = out[key]
                for i, v in enumerate(row[ncols:]):
                    acc[i] += int(v or 0)
            else:  # distinct members: row[ncols] is an id
                out[key].add(row[ncols])

    def count(self, qs, path_field, unit_field, agg, field, by_child, into=None):
        """{key: value} counted from records: `qs` over the subtree(s) (already cut to the figure
        scope), the path and unit id fields of the records' unit, the aggregate ("count", "sum"
        of `field`, "distinct" values of `field`); through the tree as it stood when the
        attribution is mapped. A source's raw counting (the cube's verifier) goes through it."""
        aggregate = {
            "count": Count("id"),
            "sum": Sum(field),
            "distinct": Count(field, distinct=True),
        }[agg]
        out = {} if into is None else into
        if self.attr.mapped:
            # (unit, value) rows summed up the tree as it stood
            if agg == "distinct":
                rows_qs = qs.values_list(unit_field, field).distinct().order_by()
            else:
                rows_qs = qs.values_list(unit_field).annotate(v=aggregate).order_by()
            sql, params = rows_qs.query.sql_with_params()

            def consume(rows):
                acc = defaultdict(set if agg == "distinct" else int)
                for unit_id, v in rows:
                    where = self.attr.key_of_unit(unit_id)
                    if where is None:
                        continue
                    if agg == "distinct":
                        acc[where if by_child else ()].add(v)
                    else:
                        acc[where if by_child else ()] += v or 0
                out.update({k: len(v) for k, v in acc.items()} if agg == "distinct" else acc)
                if not by_child:
                    out.setdefault((), 0)  # no record under the unit then

            self.query(("stock_rows",), sql, list(params), consume)
            return out
        if not by_child:
            out[()] = qs.aggregate(v=aggregate)["v"] or 0
            return out
        rows = (
            qs.annotate(rk=Substr(path_field, 1, self.attr.length + PATH_STEP))
            .values("rk")
            .annotate(v=aggregate)
            .order_by()
        )
        out.update({self.attr.key_of_path(r["rk"]): r["v"] or 0 for r in rows})
        return out

    # --- through the sources ----------------------------------------------------------------

    def flow(self, request, by):
        """{key: [activities, sessions, attendances, leaflets]} of a flow source (see its flow)."""
        return request.indicator.source.flow(self, request, by)

    def stock(self, request, by_child, day):
        """{key: value on `day`} of a stock indicator, from its cube where it has one."""
        return request.indicator.source.stock(self, request, by_child, day)

    def stock_raw(self, request, by_child, day, into=None):
        """`stock` counted from the raw records: the verifier."""
        return request.indicator.source.stock_raw(self, request, by_child, day, into=into)

    def evaluate(self, request, by):
        """({key: value} for the breakdown `by`, total) for one non-ratio request; across the
        parts of a split period, their figures combined as the source says (flows add up, a
        stock is the last day's, a count of distinct units unites its parts' units)."""
        if self.parts:
            return request.indicator.source.combine(self.parts, request, by)
        return request.indicator.source.evaluate(self, request, by)

    def children(self):
        """The child units a breakdown by child lists: those open on a day of the period,
        under the tree of each part of it."""
        if not self.parts:
            return self.attr.children(self.period)
        q = Q(pk__in=[])
        for part in self.parts:
            q |= part.attr.children_q(part.period)
        return list(Unit.objects.filter(q).values_list("pk", "code", "name"))


def _natural(name):
    """Sort key reading numbers as numbers: "Quận 2" before "Quận 10"."""
    return [int(part) if part.isdecimal() else part for part in re.split(r"(\d+)", fold(name))]


def _ratio(num, den):
    if not den:
        return None
    return round(100.0 * num / den, 1)


def rollup(
    unit,
    period,
    indicators,
    by="child",
    as_of=None,
    engine=None,
    scope=None,
    basis=None,
    snapshot=None,
):
    """The figures of `indicators` (codes with optional [filters], or Requests) for `unit`'s
    subtree over `period`, broken down `by` "child", "month" or "none", on `basis`
    (binhyen.org.history: WAS, each record under the tree of its own date; NOW, today's tree;
    None: the default `history.choose` gives) or through the tree as it stood on `as_of`.
    Plain Python, in the API's shape; "basis" names the basis read, code and label (None with
    `as_of`).

    `scope` is the reader's FigureScope over `unit` (binhyen.org.scoping.figure_scope; None: the
    whole subtree, for the platform's own figures); OutOfScope names the indicators it does
    not give. `snapshot` (binhyen.org.history.Snapshot) shares the reads of the tree between
    the rollups of one page. Pass the same `engine` (an Engine for this unit, period, as_of and scope) to
    several calls to share their queries, e.g. a table by child and a trend by month."""
    if by not in BY_CHOICES:
        raise ValueError(by)
    requests = registry.parse_list(indicators)
    if engine is None:
        engine = Engine(unit, period, as_of, scope=scope, basis=basis, snapshot=snapshot)
    elif scope is not None and scope != engine.scope:
        raise ValueError("the engine was built for another figure scope")
    refused = [r for r in requests if not in_scope(r, engine.scope)]
    if refused:
        raise OutOfScope(refused)
    engine.prefetch(requests, by)
    results = {}

    def computed(request):
        if request.key not in results:
            results[request.key] = engine.evaluate(request, by)
        return results[request.key]

    columns = {}
    for request in requests:
        ind = request.indicator
        if ind.kind == registry.RATIO:
            num_values, num_total = computed(registry.parse(ind.numerator, resolve=False))
            den_values, den_total = computed(registry.parse(ind.denominator, resolve=False))
            keys = set(num_values) | set(den_values)
            columns[request.key] = (
                {k: _ratio(num_values.get(k, 0), den_values.get(k, 0)) for k in keys},
                _ratio(num_total, den_total),
            )
        else:
            columns[request.key] = computed(request)

    rows = []
    if by == "child":
        # a ward scope names only the children its wards give a figure to
        children = engine.children() if engine.scope.full else []
        listed = {pk for pk, _c, _n in children}
        with_data = {
            k
            for values, _t in columns.values()
            for k, v in values.items()
            if v and k != SELF and k not in listed
        }
        if with_data:
            children += list(
                Unit.objects.filter(pk__in=with_data).values_list("pk", "code", "name")
            )
        children.sort(key=lambda c: (_natural(c[2]), c[1]))
        own = {key: values.get(SELF) for key, (values, _t) in columns.items()}
        for pk, code, name in children:
            rows.append(
                {
                    "unit": {"code": code, "name": name},
                    "values": {
                        key: _zero(values.get(pk), key, requests)
                        for key, (values, _t) in columns.items()
                    },
                }
            )
        if any(own.values()):
            # the unit's own records (a federation's own conferences) are part of its total
            rows.append(
                {
                    "unit": {"code": unit.code, "name": unit.name},
                    "values": {key: _zero(v, key, requests) for key, v in own.items()},
                }
            )
    elif by == "month":
        for m in period.months():
            rows.append(
                {
                    "month": f"{m:%Y-%m}",
                    "values": {
                        key: _zero(values.get(m), key, requests)
                        for key, (values, _t) in columns.items()
                    },
                }
            )
    return {
        "unit": {"code": unit.code, "name": unit.name},
        "basis": (
            {"code": engine.basis, "label": str(history.BASES[engine.basis])}
            if engine.basis
            else None
        ),
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label": str(period.label),
        },
        "rows": rows,
        "total": {key: total for key, (_v, total) in columns.items()},
    }


def _zero(value, key, requests):
    """A breakdown's value for a key with nothing counted: None for a ratio (no denominator)
    and for an indicator whose `empty` says so (a median of nothing), else 0."""
    if value is not None:
        return value
    for r in requests:
        if r.key == key:
            return None if r.indicator.kind == registry.RATIO else r.indicator.empty
    return 0
