"""Rollups: any unit × period × indicator, broken down by child unit, by month or not at all.

`rollup(unit, period, indicators, by="child", as_of=None)` is the one function every figure
goes through. Flow indicators read only unit X's rows of the per-level cube for the whole
months of the period; the days of a partial month at either edge of a date range
(2021-08-16..2022-08-15) are read from the raw activities, so any range is exact. A filter on
two or more of topic/audience/channel/document at once cannot be answered by the cube (each
cell holds one dimension slot) and is answered from the raw activities for the whole period.
A document filter (`activity.sessions[document=329]`, the activities that carry out plan 329)
is one more such slot.

Stock indicators are valued on the period's last day from the stock cube (stock_facts.py):
unit X's rows of the years, months and days before it. As of an earlier tree, the children
whose subtree did not change read X's rows too, and the others the own rows of the units that
made them up then; the groups app's querysets (binhyen.groups.stats) count the raw records
only to verify the cube (Engine.stock_raw).

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

import datetime
import re
from collections import defaultdict

from django.apps import apps
from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from binhyen.activities.models import ActivityFact, Dim
from binhyen.core.periods import _add_months, _month_end
from binhyen.core.text import fold
from binhyen.org.models import PATH_STEP, Unit, UnitEvent, UnitEventKind
from binhyen.org.scoping import FULL_SCOPE

from . import indicators as registry
from . import stock_facts
from .facts import DIM_LEVELS, grassroots_kinds, is_leaf, leaf_sql, month_sql

BY_CHOICES = ("child", "month", "none")
MEASURE_INDEX = {"activities": 0, "sessions": 1, "attendances": 2, "leaflets": 3}
M2M_FILTERS = {"topic": ("topics", "topic_id", Dim.TOPIC), "audience": ("audiences", "audience_id", Dim.AUDIENCE),
               "channel": ("channels", "channel_id", Dim.CHANNEL),
               "document": ("documents", "document_id", Dim.DOCUMENT)}
SELF = "self"

# The records each measure counts: a figure scope gives a measure only if it covers that model
# (FigureScope.covers: under a ward scope, a model with a ward). Units with activities are
# counted from the activities, so they go with them.
MEASURE_RECORDS = {
    "activities": "activities.Activity", "sessions": "activities.Activity",
    "attendances": "activities.Activity", "leaflets": "activities.Activity",
    "reporting_units": "activities.Activity",
    "grassroots_open": "org.Unit", "units": "org.Unit", "grassroots": "org.Unit",
    "groups": "groups.Group", "wards": "groups.Group", "members": "groups.GroupMember",
    "boarding_houses": "groups.BoardingHouseCoverage", "resident_workers": "groups.BoardingHouseCoverage",
    "cameras": "groups.Camera",
}


class OutOfScope(Exception):
    """Indicators the reader's figure scope does not give (`requests`, in the order asked)."""

    def __init__(self, requests):
        super().__init__(", ".join(r.key for r in requests))
        self.requests = requests


def in_scope(request, scope):
    """Whether `scope` (a FigureScope; None is full) gives the figure `request` asks for; a
    ratio needs both its numerator and its denominator."""
    if scope is None or scope.full:
        return True
    ind = request.indicator
    if ind.kind == registry.RATIO:
        return all(in_scope(registry.parse(part, resolve=False), scope)
                   for part in (ind.numerator, ind.denominator))
    label = MEASURE_RECORDS.get(ind.measure)
    try:
        model = apps.get_model(label) if label else None
    except LookupError:  # the app that owns those records is not installed
        model = None
    return model is not None and scope.covers(model)


def split_by_scope(requests, scope):
    """(the requests `scope` gives, those it does not): for pages that leave the latter out."""
    kept, refused = [], []
    for request in requests:
        (kept if in_scope(request, scope) else refused).append(request)
    return kept, refused


_DAYS = {}


def _as_date(value):
    if type(value) is datetime.date:
        return value
    if isinstance(value, str):  # SQLite returns dates as text: parse each distinct one once
        if value not in _DAYS:
            _DAYS[value] = datetime.date.fromisoformat(value[:10])
        return _DAYS[value]
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


class Attribution:
    """Which child of `unit` a record of unit u counts under: through today's tree (in SQL,
    from the materialized path) or through the tree as it stood on `as_of` (in Python)."""

    def __init__(self, unit, as_of=None):
        self.unit = unit
        self.as_of = as_of
        self.length = len(unit.path)
        self.mapped = False
        self.prefixes = [unit.path]
        if as_of is not None:
            relocated = {}
            for unit_id, old_parent in (
                UnitEvent.objects.filter(kind=UnitEventKind.MOVED, date__gt=as_of)
                .order_by("date", "id").values_list("unit_id", "old_parent_id")
            ):
                relocated.setdefault(unit_id, old_parent)
            if relocated:
                self._build(relocated)

    def _build(self, relocated):
        tree = {pk: (parent, path, kind, depth) for pk, parent, path, kind, depth in
                Unit.objects.values_list("id", "parent_id", "path", "kind_id", "depth")}
        self.tree = tree
        parents = {pk: row[0] for pk, row in tree.items()}
        up = {u: relocated.get(u, p) for u, p in parents.items()}
        top = self.unit.pk
        position = {top: SELF}
        for start in up:
            if start in position:
                continue
            chain, u = [], start
            while u is not None and u not in position and len(chain) < 64:
                chain.append(u)
                u = up.get(u)
            if u is None or u not in position:
                result = [None] * len(chain)
            elif u == top:
                result = [chain[-1]] * len(chain)
            else:
                result = [position[u]] * len(chain)
            position.update(zip(chain, result, strict=True))
        self.position = position
        self.child_ids = [u for u, p in up.items() if p == top]
        paths = {u: tree[u][1] for u in relocated if u in tree}
        moved_in = {u: paths[u] for u in relocated if position.get(u) is not None and u in paths}
        self.prefixes = [self.unit.path] + sorted(
            p for p in moved_in.values() if not p.startswith(self.unit.path)
        )
        # The children whose subtree differs between the two trees: one holding (today) a
        # unit that moved since, or receiving one (then). Every other child's figures are
        # its row in today's cube.
        touched = set()
        for u, path in paths.items():
            if path.startswith(self.unit.path) and len(path) > self.length:
                touched.add(self.key_of_path(path[: self.length + PATH_STEP]))
            if position.get(u) not in (None, SELF):
                touched.add(position[u])
        self.touched = touched
        current = Unit.objects.filter(pk__in=touched, parent=self.unit).values_list("path", flat=True)
        self.touched_prefixes = sorted(
            set(current) | {p for u, p in moved_in.items() if position[u] in touched}
        )
        self.mapped = True

    def leaf_pairs(self):
        """(parent, unit) of each touched prefix that is itself a grassroots union not inside
        another prefix: its own figures are its parent's row for it (read once per rollup)."""
        if not hasattr(self, "_leaf_pairs"):
            prefixes = set(self.touched_prefixes)
            leaves = grassroots_kinds()
            self._leaf_pairs = [
                (parent, pk) for pk, (parent, path, kind, depth) in self.tree.items()
                if path in prefixes and depth > 1 and kind in leaves
                and not any(path.startswith(p) and path != p for p in prefixes)
            ]
        return self._leaf_pairs

    def paths_sql(self, column="u.path", prefixes=None):
        prefixes = self.prefixes if prefixes is None else prefixes
        sql = " OR ".join(f"{column} LIKE %s" for _p in prefixes) or "1 = 0"
        return f"({sql})", [p + "%" for p in prefixes]

    def key_of_unit(self, unit_id):
        """child id, SELF, or None (not in the subtree) for a unit id (mapped mode)."""
        return self.position.get(unit_id)

    def key_of_path(self, path_prefix):
        """child id or SELF for substr(path, 1, len(X.path) + 9) (as-now mode)."""
        if len(path_prefix) <= self.length:
            return SELF
        return int(path_prefix[self.length : self.length + PATH_STEP - 1])

    def paths_q(self, field):
        q = Q()
        for p in self.prefixes:
            q |= Q(**{f"{field}__startswith": p})
        return q

    def children(self, period):
        """The child units to list: those open on at least one day of the period."""
        if self.mapped:
            qs = Unit.objects.filter(pk__in=self.child_ids)
        else:
            qs = Unit.objects.filter(parent=self.unit)
        qs = qs.filter(valid_from__lte=period.end).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=period.start)
        )
        return list(qs.values_list("pk", "code", "name"))


def split_period(start, end):
    """(first whole month, last whole month or None, [(day from, day to), …] of partial edges)."""
    first = start if start.day == 1 else _add_months(start, 1)
    last = end.replace(day=1) if end == _month_end(end) else _add_months(end, -1)
    if first > last:
        return None, None, [(start, end)]
    edges = []
    if start < first:
        edges.append((start, first - datetime.timedelta(days=1)))
    if _month_end(last) < end:
        edges.append((_month_end(last) + datetime.timedelta(days=1), end))
    return first, last, edges


class Engine:
    """Evaluates requests for one unit, period, breakdown and tree."""

    def __init__(self, unit, period, as_of=None, detail=False, attribution=None, scope=None):
        self.unit = unit
        self.period = period
        self.detail = detail
        self.scope = scope or FULL_SCOPE  # the reader's FigureScope over the unit
        # a page reading one unit over two periods that end on the same day shares the tree
        self.attr = attribution if attribution is not None else Attribution(unit, as_of)
        self.q = connection.ops.quote_name
        self.day = connection.ops.adapt_datefield_value
        self._flows = {}  # sessions, attendances… of one filter set come from one query
        self._stocks = {}
        self._pending = None  # queries queued by prefetch(), sent together by shape

    # --- queries ----------------------------------------------------------------------------

    def _query(self, shape, sql, params, consume):
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
        leaves = []
        for request in requests:
            ind = request.indicator
            if ind.kind == registry.RATIO:
                leaves += [registry.parse(ind.numerator, resolve=False), registry.parse(ind.denominator, resolve=False)]
            else:
                leaves.append(request)
        self._pending = []
        try:
            for request in leaves:
                measure = request.indicator.measure
                if measure in MEASURE_INDEX:
                    base = "detail" if self.detail else by
                    if (request.filters, base) not in self._flows:
                        self._flows[(request.filters, base)] = self._flow(request, base)
                elif measure == "reporting_units" and by in ("child", "none"):
                    self.reporting_units(request, by)
                elif measure == "grassroots_open" and by in ("child", "none"):
                    self.grassroots_open(by == "child", self.period.start, self.period.end)
                elif (request.indicator.kind == registry.STOCK and by in ("child", "none")
                      and measure not in ("reporting_units", "grassroots_open")):
                    if by == "child":
                        self.stock(request, True, self.period.end)
                    if by == "none" or not request.indicator.additive:
                        self.stock(request, False, self.period.end)
        finally:
            pending, self._pending = self._pending, None
        self._send(pending)

    # --- keys -------------------------------------------------------------------------------

    def _group_sql(self, by, path_col="u.path", month_col="a.date", unit_col="a.unit_id"):
        """SELECT key columns for `by` ([] for none; "detail" = child and month)."""
        cols = []
        if self.attr.mapped:
            cols.append(unit_col)
        elif by in ("child", "detail"):
            cols.append(f"substr({path_col}, 1, {self.attr.length + PATH_STEP})")
        if by in ("month", "detail"):
            cols.append(month_col)
        return cols

    def _key(self, by, raw):
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
            return _as_date(raw.pop(0)).replace(day=1)
        if by == "detail":
            return where, _as_date(raw.pop(0)).replace(day=1)
        return ()

    def _run(self, sql, params, by, ncols, out, merge="sum", width=4):
        """Rows of `ncols` key columns and `width` values summed into out[key] (or, merged as
        "distinct", an id added to a set)."""
        shape = ("total",) if by == "none" and width == 1 and not self.attr.mapped else (
            "run", by, self.attr.mapped, ncols, width, merge)
        self._query(shape, sql, params, lambda rows: self._consume(rows, by, ncols, out, merge))

    def _consume(self, rows, by, ncols, out, merge):
        for row in rows:
            key = self._key(by, row[:ncols])
            if key is None:
                continue
            if merge == "sum":
                acc = out[key]
                for i, v in enumerate(row[ncols:]):
                    acc[i] += int(v or 0)
            else:  # distinct members: row[ncols] is an id
                out[key].add(row[ncols])

    # --- flows ------------------------------------------------------------------------------

    def flow(self, request, by):
        """{key: [activities, sessions, attendances, leaflets]} over the period.

        One query per filter set and breakdown, shared by all four measures. With `detail`
        set (a page showing a table by child and a trend by month), one query per filter set
        grouped by child and month together serves both breakdowns."""
        memo = (request.filters, by)
        if memo in self._flows:
            return self._flows[memo]
        if not self.detail:
            self._flows[memo] = self._flow(request, by)
            return self._flows[memo]
        detail = self._flows.get((request.filters, "detail"))
        if detail is None:
            detail = self._flows[(request.filters, "detail")] = self._flow(request, "detail")
        out = defaultdict(lambda: [0, 0, 0, 0])
        pick = {"child": 0, "month": 1}.get(by)
        for key, values in detail.items():
            acc = out[key[pick] if pick is not None else ()]
            acc[0] += values[0]
            acc[1] += values[1]
            acc[2] += values[2]
            acc[3] += values[3]
        self._flows[memo] = out
        return out

    def _flow(self, request, by):
        start, end = self.period.start, self.period.end
        f = request.filter_ids()
        m2m = [d for d in M2M_FILTERS if d in f]
        out = defaultdict(lambda: [0, 0, 0, 0])
        if self.reads_cube(m2m):
            first, last, edges = split_period(start, end)
            if first is not None:
                self._cube(f, m2m, by, first, last, out)
            if edges:
                self._raw(f, by, edges, out)
        else:
            self._raw(f, by, [(start, end)], out)
        return out

    def reads_cube(self, m2m):
        """Whether the cube answers a flow filtered on the dimensions `m2m`: none or one, on
        rows that keep dimension slots (facts.DIM_LEVELS), and for a grassroots union only
        through today's tree (its figures are its parent's row for it)."""
        leaf = is_leaf(self.unit)
        if leaf and self.attr.mapped:
            return False
        if not m2m:
            return True
        if len(m2m) > 1 or self.attr.mapped:
            return False
        return self.unit.depth - (1 if leaf else 0) <= DIM_LEVELS

    def _cube(self, f, m2m, by, first, last, out):
        table = self.q(ActivityFact._meta.db_table)
        dim, (dim_sql, dim_params) = (M2M_FILTERS[m2m[0]][2], _ref(m2m[0], f)) if m2m else (Dim.NONE, ("%s", [0]))
        sums = "SUM(f.activities), SUM(f.sessions), SUM(f.attendances), SUM(f.leaflets)"
        cond = f"f.month >= %s AND f.month <= %s AND f.dim = %s AND f.dim_id = {dim_sql}"
        params = [self.day(first), self.day(last), int(dim), *dim_params]
        if "kind" in f:
            kind_sql, kind_params = _ref("kind", f)
            cond += f" AND f.kind_id = {kind_sql}"
            params += kind_params
        if self.attr.mapped:
            self._cube_as_of(table, sums, cond, params, by, out)
            return
        else:
            cols = {"child": ["f.child_id"], "month": ["f.month"], "none": [],
                    "detail": ["f.child_id", "f.month"]}[by]
            if is_leaf(self.unit):  # a grassroots union's figures: its parent's row for it
                sql = (f"SELECT {', '.join(cols + [sums])} FROM {table} f "
                       f"WHERE f.ancestor_id = %s AND f.child_id = %s AND {cond}")
                params = [self.unit.parent_id, self.unit.pk] + params
            else:
                sql = f"SELECT {', '.join(cols + [sums])} FROM {table} f WHERE f.ancestor_id = %s AND {cond}"
                params = [self.unit.pk] + params
        if cols:
            sql += " GROUP BY " + ", ".join(cols)
        if not self.attr.mapped and by in ("child", "detail"):
            # child_id is already the key: no path to parse
            me = self.unit.pk

            def consume(rows):
                for row in rows:
                    child = SELF if row[0] == me else row[0]
                    if by == "detail":
                        key, values = (child, _as_date(row[1])), row[2:]
                    else:
                        key, values = child, row[1:]
                    acc = out[key]
                    acc[0] += int(values[0] or 0)
                    acc[1] += int(values[1] or 0)
                    acc[2] += int(values[2] or 0)
                    acc[3] += int(values[3] or 0)

            self._query(("cube", by), sql, params, consume)
            return
        self._run(sql, params, by, len(cols), out)

    def _cube_as_of(self, table, sums, cond, params, by, out):
        """Untouched children from today's cube row of X; the touched ones (see Attribution)
        summed from their units' own cells through the tree as it stood."""
        month = ["f.month"] if by in ("month", "detail") else []
        sql = (f"SELECT f.child_id, {', '.join(month + [sums])} FROM {table} f "
               f"WHERE f.ancestor_id = %s AND {cond} GROUP BY f.child_id{', f.month' if month else ''}")
        touched, me = self.attr.touched, self.unit.pk

        def consume(rows):
            for row in rows:
                child = SELF if row[0] == me else row[0]
                if child in touched:
                    continue
                values = row[1 + len(month):]
                if by == "child":
                    key = child
                elif by == "month":
                    key = _as_date(row[1])
                elif by == "detail":
                    key = (child, _as_date(row[1]))
                else:
                    key = ()
                acc = out[key]
                for i, v in enumerate(values):
                    acc[i] += int(v or 0)

        self._query(("as_of", bool(month)), sql, [self.unit.pk] + params, consume)
        if not self.attr.touched_prefixes:
            return
        # Each unit's own cell: its "self" row, or for a grassroots union its parent's row for
        # it — read through the parents inside the prefixes, and for a prefix that is itself a
        # grassroots union (moved in from elsewhere) through its parent named directly.
        prefixes = self.attr.touched_prefixes
        paths, path_params = self.attr.paths_sql(prefixes=prefixes)
        cols = self._group_sql(by, month_col="f.month", unit_col="f.child_id")
        units = self.q(Unit._meta.db_table)
        sql = (f"SELECT {', '.join(cols + [sums])} FROM {table} f "
               f"JOIN {units} u ON u.id = f.ancestor_id JOIN {units} c ON c.id = f.child_id "
               f"WHERE (f.child_id = f.ancestor_id OR {leaf_sql('c')}) AND {paths} AND {cond} "
               f"GROUP BY {', '.join(cols)}")
        self._run(sql, path_params + params, by, len(cols), out)
        pairs = self.attr.leaf_pairs()
        if pairs:
            which = " OR ".join("(f.ancestor_id = %s AND f.child_id = %s)" for _p in pairs)
            sql = f"SELECT {', '.join(cols + [sums])} FROM {table} f WHERE ({which}) AND {cond} GROUP BY {', '.join(cols)}"
            self._run(sql, [v for pair in pairs for v in pair] + params, by, len(cols), out)

    def _raw_from(self, f, ranges):
        """FROM/WHERE over the alive activities of the subtree, filtered, in date ranges."""
        from binhyen.activities.models import Activity

        q = self.q
        joins = [f"JOIN {q(Unit._meta.db_table)} u ON u.id = a.unit_id"]
        params = []
        for n, (dim, (name, column, _slot)) in enumerate(M2M_FILTERS.items()):
            if dim in f:
                through = q(getattr(Activity, name).through._meta.db_table)
                ref_sql, ref_params = _ref(dim, f)
                joins.append(f"JOIN {through} t{n} ON t{n}.activity_id = a.id AND t{n}.{column} = {ref_sql}")
                params += ref_params
        paths, path_params = self.attr.paths_sql()
        days = " OR ".join("(a.date >= %s AND a.date <= %s)" for _r in ranges)
        where = f"a.deleted_at IS NULL AND {paths} AND ({days})"
        params += path_params + [self.day(d) for r in ranges for d in r]
        if "kind" in f:
            kind_sql, kind_params = _ref("kind", f)
            where += f" AND a.kind_id = {kind_sql}"
            params += kind_params
        return f"FROM {q(Activity._meta.db_table)} a {' '.join(joins)} WHERE {where}", params

    def _raw(self, f, by, ranges, out):
        source, params = self._raw_from(f, ranges)
        cols = self._group_sql(by, month_col=month_sql("a.date"))
        sums = "COUNT(*), SUM(a.sessions), SUM(a.attendances), SUM(COALESCE(a.leaflets, 0))"
        sql = f"SELECT {', '.join(cols + [sums])} {source}"
        if cols:
            sql += " GROUP BY " + ", ".join(cols)
        self._run(sql, params, by, len(cols), out)

    # --- grassroots units with at least one activity ---------------------------------------

    def reporting_units(self, request, by):
        """{key: number of distinct grassroots units (below X) with ≥ 1 matching activity}."""
        from binhyen.org.models import UnitKind

        memo = ("reporting_units", request.filters, by)
        if memo in self._stocks:
            return self._stocks[memo]

        f = request.filter_ids()
        m2m = [d for d in M2M_FILTERS if d in f]
        kinds = self.q(UnitKind._meta.db_table)
        grassroots = f"JOIN {kinds} k ON k.id = u.kind_id"
        parts, params = [], []
        month_on = by == "month"
        first, last, edges = (None, None, [(self.period.start, self.period.end)])
        # from the cube: the parents' rows for their grassroots children (no dimension slots
        # there); filtered on a dimension or through an earlier tree, from the raw records
        if not m2m and not self.attr.mapped:
            first, last, edges = split_period(self.period.start, self.period.end)
        if first is not None:
            paths, path_params = self.attr.paths_sql(column="p.path")
            sql = (f"SELECT u.id AS uid, u.path AS upath{', f.month AS umonth' if month_on else ''} "
                   f"FROM {self.q(ActivityFact._meta.db_table)} f "
                   f"JOIN {self.q(Unit._meta.db_table)} p ON p.id = f.ancestor_id "
                   f"JOIN {self.q(Unit._meta.db_table)} u ON u.id = f.child_id {grassroots} "
                   f"WHERE f.child_id <> f.ancestor_id AND f.activities > 0 AND {paths} "
                   f"AND f.month >= %s AND f.month <= %s AND f.dim = %s AND f.dim_id = %s")
            p = path_params + [self.day(first), self.day(last), int(Dim.NONE), 0]
            if "kind" in f:
                kind_sql, kind_params = _ref("kind", f)
                sql += f" AND f.kind_id = {kind_sql}"
                p += kind_params
            parts.append(sql + " AND u.id <> %s AND k.is_grassroots")
            params += p + [self.unit.pk]
        if edges:
            source, p = self._raw_from(f, edges)
            source = source.replace(" WHERE ", f" {grassroots} WHERE ", 1)
            month = f", {month_sql('a.date')} AS umonth" if month_on else ""
            parts.append(f"SELECT u.id AS uid, u.path AS upath{month} {source} AND u.id <> %s AND k.is_grassroots")
            params += p + [self.unit.pk]
        union = " UNION ".join(parts)
        found = self._stocks[memo] = {}
        if self.attr.mapped:
            cols = ["s.uid"] + (["s.umonth"] if month_on else [])
            sql = f"SELECT DISTINCT {', '.join(cols)}, s.uid FROM ({union}) s"

            def distinct(rows):
                out = defaultdict(set)
                self._consume(rows, by, len(cols), out, "distinct")
                found.update({k: len(v) for k, v in out.items()})

            self._query(("run", by, True, len(cols), 1, "distinct"), sql, params, distinct)
            return found
        cols = {"child": [f"substr(s.upath, 1, {self.attr.length + PATH_STEP})"], "month": ["s.umonth"], "none": []}[by]
        sql = f"SELECT {', '.join(cols + ['COUNT(DISTINCT s.uid)'])} FROM ({union}) s"
        if cols:
            sql += " GROUP BY " + ", ".join(cols)
        counts = defaultdict(lambda: [0])

        def count(rows):
            self._consume(rows, by, len(cols), counts, "sum")
            found.update({k: v[0] for k, v in counts.items()})

        self._query(("total",) if by == "none" else ("run", by, False, len(cols), 1, "sum"), sql, params, count)
        return found

    # --- stocks -----------------------------------------------------------------------------

    def _units(self, grassroots=False):
        qs = self.scope.restrict(Unit.objects.filter(self.attr.paths_q("path")).exclude(pk=self.unit.pk))
        return qs.filter(kind__is_grassroots=True) if grassroots else qs

    def _stock_source(self, measure, day, kind):
        """(queryset over the subtree(s) cut to the figure scope, path field, unit id field,
        aggregate, distinct field)."""
        qs, *rest = self._stock_records(measure, day, kind)
        return (self.scope.restrict(qs), *rest)

    def _stock_records(self, measure, day, kind):
        from binhyen.groups import stats
        from binhyen.groups.models import Camera

        def union(make):
            # the groups app's querysets take a unit and read only its path
            qs = None
            for p in self.attr.prefixes:
                part = make(_PathOnly(p))
                qs = part if qs is None else qs | part
            return qs

        if measure == "groups":
            return union(lambda u: stats.groups_on(u, day, kind)), "unit__path", "unit_id", "count", None
        if measure == "members":
            return (union(lambda u: stats.members_on(u, day, kind)), "group__unit__path", "group__unit_id",
                    "count", None)
        if measure == "wards":
            return union(lambda u: stats.groups_on(u, day, kind)), "unit__path", "unit_id", "distinct", "ward"
        if measure == "boarding_houses":
            return (union(lambda u: stats.coverages_on(u, day)), "group__unit__path", "group__unit_id",
                    "distinct", "house")
        if measure == "resident_workers":
            return (union(lambda u: stats.coverages_on(u, day)), "group__unit__path", "group__unit_id",
                    "sum", "house__resident_workers")
        if measure == "cameras":
            qs = Camera.objects.filter(self.attr.paths_q("unit__path")).working_on(day)
            return qs, "unit__path", "unit_id", "count", None
        if measure == "units":
            return self._units().open_on(day), "path", "id", "count", None
        if measure == "grassroots":
            return self._units(True).open_on(day), "path", "id", "count", None
        raise ValueError(measure)

    def stock(self, request, by_child, day):
        """{key: value on `day`}; key is a child id / SELF, or () when not by child.

        The groups' figures read unit X's rows of the stock cube (stock_facts), through the
        tree as it stood as well (_stock_as_of); counts of units read the units. Asked inside
        prefetch(), the query is queued and the result filled in when it is sent."""
        measure = request.indicator.measure
        kind = request.filter_codes().get("kind")
        cube = not self.attr.mapped and measure in stock_facts.MEASURES
        memo = (measure, kind, day, by_child)
        if memo in self._stocks:
            return self._stocks[memo]
        found = self._stocks[memo] = {}
        if not self.scope.full:
            if cube and measure in ("groups", "wards"):
                self._stock_wards(measure, kind, by_child, day, found)
            else:
                self.stock_raw(request, by_child, day, into=found)
        elif cube:
            me = self.unit.pk
            sql, params, convert = stock_facts.figure_query(me, measure, day, kind, by_child)

            def consume(rows):
                values = convert(rows)
                found.update(values if not by_child else {SELF if k == me else k: v for k, v in values.items()})

            self._query(("total",) if not by_child else ("stock",), sql, params, consume)
        elif measure in stock_facts.MEASURES:
            self._stock_as_of(measure, kind, by_child, day, found)
        else:
            self.stock_raw(request, by_child, day, into=found)
        return found

    def _stock_wards(self, measure, kind, by_child, day, found):
        """Active groups, or wards with one, of the scope's wards only: unit X's per-ward cells
        of the stock cube (each cell counts the active groups of one child in one ward)."""
        me, wards = self.unit.pk, list(self.scope.ward_ids)
        sql, params = stock_facts.ward_sums_query("wards", day, kind, ancestor=me)
        marks = ", ".join(["%s"] * len(wards)) or "NULL"
        sql = f"SELECT * FROM ({sql}) w WHERE w.ward_id IN ({marks})"

        def consume(rows):
            held = defaultdict(lambda: defaultdict(int))  # where → ward → active groups
            for child, ward, value in rows:
                held[SELF if child == me else child][ward] += int(value or 0)
            if measure == "groups":
                values = {where: sum(v for v in cells.values() if v > 0) for where, cells in held.items()}
            else:
                values = {where: sum(1 for v in cells.values() if v > 0) for where, cells in held.items()}
            if by_child:
                found.update({where: v for where, v in values.items() if v})
            elif measure == "groups":
                found[()] = sum(values.values())
            else:  # a ward held under two children counts once in the total
                found[()] = len({ward for cells in held.values() for ward, v in cells.items() if v > 0})

        self._query(("stock_cells",), sql, [*params, *wards], consume)

    def _stock_as_of(self, measure, kind, by_child, day, found):
        """A groups figure through the tree as it stood (see Attribution): the children whose
        subtree did not change from unit X's cells of the stock cube, the others from the own
        cells of the units that made them up then — never the records themselves."""
        me, touched, wards = self.unit.pk, self.attr.touched, measure == "wards"
        parts = {}  # where (child id or SELF) → {ward id: value}

        def add(where, rows_for_where):
            bucket = parts.setdefault(where, defaultdict(int))
            for ward, value in rows_for_where:
                bucket[ward] += int(value or 0)

        def from_x(rows):
            for child, ward, value in rows:
                where = SELF if child == me else child
                if where not in touched:
                    add(where, [(ward, value)])

        def from_units(rows):
            for unit_id, ward, value in rows:
                where = self.attr.key_of_unit(unit_id)
                if where is not None:
                    add(where, [(ward, value)])

        def settle(_rows=None):
            if wards:  # a ward counts where its value is above zero, once in the total
                held = {where: {w for w, v in bucket.items() if v > 0} for where, bucket in parts.items()}
                if by_child:
                    found.update({where: len(ws) for where, ws in held.items() if ws})
                else:
                    found[()] = len(set().union(*held.values())) if held else 0
                return
            values = {where: sum(bucket.values()) for where, bucket in parts.items()}
            if by_child:
                found.update({where: v for where, v in values.items() if v})
            else:
                found[()] = sum(values.values())

        sql, params = stock_facts.ward_sums_query(measure, day, kind, ancestor=me)
        if not self.attr.touched_prefixes:
            self._query(("stock_cells",), sql, params, lambda rows: (from_x(rows), settle()))
            return
        self._query(("stock_cells",), sql, params, from_x)
        sql, params = stock_facts.ward_sums_query(measure, day, kind, self_cells_in=self.attr.touched_prefixes)
        self._query(("stock_cells",), sql, params, lambda rows: (from_units(rows), settle()))

    def stock_raw(self, request, by_child, day, into=None):
        """`stock` counted from the raw records (the groups app's querysets): the verifier."""
        measure = request.indicator.measure
        kind = request.filter_codes().get("kind")
        qs, path_field, unit_field, agg, field = self._stock_source(measure, day, kind)
        aggregate = {"count": Count("id"), "sum": Sum(field), "distinct": Count(field, distinct=True)}[agg]
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

            self._query(("stock_rows",), sql, list(params), consume)
            return out
        if not by_child:
            out[()] = qs.aggregate(v=aggregate)["v"] or 0
            return out
        rows = (qs.annotate(rk=Substr(path_field, 1, self.attr.length + PATH_STEP))
                .values("rk").annotate(v=aggregate).order_by())
        out.update({self.attr.key_of_path(r["rk"]): r["v"] or 0 for r in rows})
        return out

    def grassroots_open(self, by_child, start, end):
        """{child or (): number of grassroots unions below X open on at least one day of
        start..end}."""
        memo = ("grassroots_open", by_child, start, end)
        if memo in self._stocks:
            return self._stocks[memo]
        found = self._stocks[memo] = {}
        qs = self._units(True).filter(valid_from__lte=end).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=start)
        ).order_by()
        if self.attr.mapped:
            sql, params = qs.values_list("id").query.sql_with_params()

            def units(rows):
                for (unit_id,) in rows:
                    where = self.attr.key_of_unit(unit_id)
                    if where is not None:
                        key = where if by_child else ()
                        found[key] = found.get(key, 0) + 1

            self._query(("ids",), sql, list(params), units)
            return found
        if not by_child:
            sql, params = qs.values_list("id").query.sql_with_params()
            self._query(("total",), f"SELECT COUNT(*) FROM ({sql}) g", list(params),
                        lambda rows: found.update({(): int(rows[0][0] or 0) if rows else 0}))
            return found
        sql, params = (qs.annotate(rk=Substr("path", 1, self.attr.length + PATH_STEP))
                       .values_list("rk").annotate(v=Count("id")).query.sql_with_params())

        def by_child_rows(rows):
            found.update({self.attr.key_of_path(rk): int(v) for rk, v in rows})

        self._query(("run", "child", False, 1, 1, "sum"), sql, list(params), by_child_rows)
        return found

    # --- one request, broken down and totalled ---------------------------------------------

    def evaluate(self, request, by):
        """({key: value} for the breakdown `by`, total) for one non-ratio request."""
        ind = request.indicator
        months = self.period.months()
        if ind.measure in MEASURE_INDEX:
            i = MEASURE_INDEX[ind.measure]
            if by == "none":
                values = {}
                total = self.flow(request, "none").get((), [0, 0, 0, 0])[i]
            else:
                values = {k: v[i] for k, v in self.flow(request, by).items()}
                total = sum(values.values())
            return values, total
        # Counts of units add up over children (each unit lies under one child), not over months.
        if ind.measure == "reporting_units":
            if by == "child":
                values = self.reporting_units(request, by)
                return values, sum(values.values())
            values = self.reporting_units(request, by) if by != "none" else {}
            return values, self.reporting_units(request, "none").get((), 0)
        if ind.measure == "grassroots_open":
            if by == "child":
                values = self.grassroots_open(True, self.period.start, self.period.end)
                return values, sum(values.values())
            total = self.grassroots_open(False, self.period.start, self.period.end).get((), 0)
            if by == "month":
                return {m: self.grassroots_open(False, max(m, self.period.start),
                                                min(_month_end(m), self.period.end)).get((), 0)
                        for m in months}, total
            return {}, total
        # stock: valued on the period's last day (each month's last day when by month)
        if by == "child":
            values = self.stock(request, True, self.period.end)
            if ind.additive:
                return values, sum(values.values())
            return values, self.stock(request, False, self.period.end).get((), 0)
        total = self.stock(request, False, self.period.end).get((), 0)
        if by == "month":
            return {m: self.stock(request, False, min(_month_end(m), self.period.end)).get((), 0)
                    for m in months}, total
        return {}, total


def _ref(dim, f):
    """SQL and parameters for a filter's reference id: the id itself once known, else a
    subquery on its stable code (the indicator definitions' own filters, e.g. the outreach
    share's kind=tuyen_truyen, cost no lookup query)."""
    code, pk = f[dim]
    if pk is not None:
        return "%s", [pk]
    if dim == "document":  # a document has no code but its id
        return "%s", [int(code)]
    from binhyen.activities.models import ActivityKind, Audience, Channel, Topic

    model = {"kind": ActivityKind, "topic": Topic, "audience": Audience, "channel": Channel}[dim]
    return f"(SELECT id FROM {connection.ops.quote_name(model._meta.db_table)} WHERE code = %s)", [code]


class _PathOnly:
    """Stands for a unit where only its materialized path is read."""

    def __init__(self, path):
        self.path = path


def _natural(name):
    """Sort key reading numbers as numbers: "Quận 2" before "Quận 10"."""
    return [int(part) if part.isdecimal() else part for part in re.split(r"(\d+)", fold(name))]


def _ratio(num, den):
    if not den:
        return None
    return round(100.0 * num / den, 1)


def rollup(unit, period, indicators, by="child", as_of=None, engine=None, scope=None):
    """The figures of `indicators` (codes with optional [filters], or Requests) for `unit`'s
    subtree over `period`, broken down `by` "child", "month" or "none", through today's tree or
    the tree as it stood on `as_of`. Plain Python, in the API's shape.

    `scope` is the reader's FigureScope over `unit` (binhyen.org.scoping.figure_scope; None: the
    whole subtree, for the platform's own figures); OutOfScope names the indicators it does
    not give. Pass the same `engine` (an Engine for this unit, period, as_of and scope) to
    several calls to share their queries, e.g. a table by child and a trend by month."""
    if by not in BY_CHOICES:
        raise ValueError(by)
    requests = registry.parse_list(indicators)
    if engine is None:
        engine = Engine(unit, period, as_of, scope=scope)
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
        children = engine.attr.children(period) if engine.scope.full else []
        listed = {pk for pk, _c, _n in children}
        with_data = {k for values, _t in columns.values() for k, v in values.items()
                     if v and k != SELF and k not in listed}
        if with_data:
            children += list(Unit.objects.filter(pk__in=with_data).values_list("pk", "code", "name"))
        children.sort(key=lambda c: (_natural(c[2]), c[1]))
        own = {key: values.get(SELF) for key, (values, _t) in columns.items()}
        for pk, code, name in children:
            rows.append({"unit": {"code": code, "name": name},
                         "values": {key: _zero(values.get(pk), key, requests) for key, (values, _t) in columns.items()}})
        if any(own.values()):
            # the unit's own records (a federation's own conferences) are part of its total
            rows.append({"unit": {"code": unit.code, "name": unit.name},
                         "values": {key: _zero(v, key, requests) for key, v in own.items()}})
    elif by == "month":
        for m in period.months():
            rows.append({"month": f"{m:%Y-%m}",
                         "values": {key: _zero(values.get(m), key, requests) for key, (values, _t) in columns.items()}})
    return {
        "unit": {"code": unit.code, "name": unit.name},
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": str(period.label)},
        "rows": rows,
        "total": {key: total for key, (_v, total) in columns.items()},
    }


def _zero(value, key, requests):
    if value is not None:
        return value
    ratio = any(r.key == key and r.indicator.kind == registry.RATIO for r in requests)
    return None if ratio else 0
