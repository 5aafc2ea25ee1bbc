"""The activities app's figures: activities, sessions, attendances and leaflets (flows), and
the grassroots unions with at least one activity, registered in ActivitiesConfig.ready() with
the dimensions they filter on (kind, topic, audience, channel, the document carried out), and
the source that answers them from the activity cube (binhyen.activities.cube) for whole months
and from the raw activities for the days of a partial month, or for filters the cube cannot
answer (two or more of topic/audience/channel/document at once, see cube.py)."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from binhyen.core.bounds import parse_id
from binhyen.documents.citations import symbol_key
from binhyen.documents.models import Document
from binhyen.figures import registry
from binhyen.figures.cube import as_date, is_leaf, leaf_sql, month_sql, split_period
from binhyen.figures.registry import FLOW, Reference, indicator
from binhyen.org.history import SELF
from binhyen.org.models import PATH_STEP, Unit, UnitKind

from .cube import DIM_LEVELS
from .models import ActivityFact, ActivityKind, Audience, Channel, Dim, Topic

MEASURE_INDEX = {"activities": 0, "sessions": 1, "attendances": 2, "leaflets": 3}
M2M_FILTERS = {
    "topic": ("topics", "topic_id", Dim.TOPIC),
    "audience": ("audiences", "audience_id", Dim.AUDIENCE),
    "channel": ("channels", "channel_id", Dim.CHANNEL),
    "document": ("documents", "document_id", Dim.DOCUMENT),
}
CODE_TABLES = {"kind": ActivityKind, "topic": Topic, "audience": Audience, "channel": Channel}


def _ref(dim, f):
    """SQL and parameters for a filter's reference id: the id itself once known, else a
    subquery on its stable code (the indicator definitions' own filters, e.g. the outreach
    share's kind=tuyen_truyen, cost no lookup query)."""
    code, pk = f[dim]
    if pk is not None:
        return "%s", [pk]
    if dim == "document":  # a document has no code but its id
        return "%s", [int(code)]
    model = CODE_TABLES[dim]
    return f"(SELECT id FROM {connection.ops.quote_name(model._meta.db_table)} WHERE code = %s)", [
        code
    ]


class ActivitySource(registry.Source):
    """Flows of activities (one query per filter set and breakdown serves all four measures)
    and the count of grassroots unions with activity."""

    def prefetch(self, engine, request, by):
        measure = request.indicator.measure
        if measure in MEASURE_INDEX:
            base = "detail" if engine.detail else by
            if (request.filters, base) not in engine.flows:
                engine.flows[(request.filters, base)] = self._flow(engine, request, base)
        elif measure == "reporting_units" and by in ("child", "none"):
            self.reporting_units(engine, request, by)

    def evaluate(self, engine, request, by):
        measure = request.indicator.measure
        if measure in MEASURE_INDEX:
            i = MEASURE_INDEX[measure]
            if by == "none":
                return {}, self.flow(engine, request, "none").get((), [0, 0, 0, 0])[i]
            values = {k: v[i] for k, v in self.flow(engine, request, by).items()}
            return values, sum(values.values())
        # Counts of units add up over children (each unit lies under one child), not over months.
        if by == "child":
            values = self.reporting_units(engine, request, by)
            return values, sum(values.values())
        values = self.reporting_units(engine, request, by) if by != "none" else {}
        return values, self.reporting_units(engine, request, "none").get((), 0)

    def combine(self, parts, request, by):
        """Flows add up over the parts of a period; the grassroots unions with activity are
        united (a union active in two parts counts once)."""
        if request.indicator.measure != "reporting_units":
            return super().combine(parts, request, by)
        for part in parts:
            self.reporting_units(part, request, by)
            if by == "month":
                self.reporting_units(part, request, "none")
        total_by = "none" if by == "month" else by
        values, total = self.unite(
            parts,
            ("reporting_unit_ids", request.filters, by),
            ("reporting_unit_ids", request.filters, total_by),
        )
        return ({} if by == "none" else values), total

    def flow(self, engine, request, by):
        """{key: [activities, sessions, attendances, leaflets]} over the period.

        One query per filter set and breakdown, shared by all four measures. With `detail`
        set (a page showing a table by child and a trend by month), one query per filter set
        grouped by child and month together serves both breakdowns."""
        memo = (request.filters, by)
        if memo in engine.flows:
            return engine.flows[memo]
        if not engine.detail:
            engine.flows[memo] = self._flow(engine, request, by)
            return engine.flows[memo]
        detail = engine.flows.get((request.filters, "detail"))
        if detail is None:
            detail = engine.flows[(request.filters, "detail")] = self._flow(
                engine, request, "detail"
            )
        out = defaultdict(lambda: [0, 0, 0, 0])
        pick = {"child": 0, "month": 1}.get(by)
        for key, values in detail.items():
            acc = out[key[pick] if pick is not None else ()]
            acc[0] += values[0]
            acc[1] += values[1]
            acc[2] += values[2]
            acc[3] += values[3]
        engine.flows[memo] = out
        return out

    def _flow(self, engine, request, by):
        start, end = engine.period.start, engine.period.end
        f = request.filter_ids()
        m2m = [d for d in M2M_FILTERS if d in f]
        out = defaultdict(lambda: [0, 0, 0, 0])
        if self.reads_cube(engine, m2m):
            first, last, edges = split_period(start, end)
            if first is not None:
                self._cube(engine, f, m2m, by, first, last, out)
            if edges:
                self._raw(engine, f, by, edges, out)
        else:
            self._raw(engine, f, by, [(start, end)], out)
        return out

    def reads_cube(self, engine, m2m):
        """Whether the cube answers a flow filtered on the dimensions `m2m`: none or one, on
        rows that keep dimension slots (cube.DIM_LEVELS), and for a grassroots union only
        through today's tree (its figures are its parent's row for it)."""
        leaf = is_leaf(engine.unit)
        if leaf and engine.attr.mapped:
            return False
        if not m2m:
            return True
        if len(m2m) > 1 or engine.attr.mapped:
            return False
        return engine.unit.depth - (1 if leaf else 0) <= DIM_LEVELS

    def _cube(self, engine, f, m2m, by, first, last, out):
        table = engine.q(ActivityFact._meta.db_table)
        dim, (dim_sql, dim_params) = (
            (M2M_FILTERS[m2m[0]][2], _ref(m2m[0], f)) if m2m else (Dim.NONE, ("%s", [0]))
        )
        sums = "SUM(f.activities), SUM(f.sessions), SUM(f.attendances), SUM(f.leaflets)"
        cond = f"f.month >= %s AND f.month <= %s AND f.dim = %s AND f.dim_id = {dim_sql}"
        params = [engine.day(first), engine.day(last), int(dim), *dim_params]
        if "kind" in f:
            kind_sql, kind_params = _ref("kind", f)
            cond += f" AND f.kind_id = {kind_sql}"
            params += kind_params
        if engine.attr.mapped:
            self._cube_as_of(engine, table, sums, cond, params, by, out)
            return
        else:
            cols = {
                "child": ["f.child_id"],
                "month": ["f.month"],
                "none": [],
                "detail": ["f.child_id", "f.month"],
            }[by]
            if is_leaf(engine.unit):  # a grassroots union's figures: its parent's row for it
                sql = (
                    f"SELECT {', '.join(cols + [sums])} FROM {table} f "
                    f"WHERE f.ancestor_id = %s AND f.child_id = %s AND {cond}"
                )
                params = [engine.unit.parent_id, engine.unit.pk] + params
            else:
                sql = f"SELECT {', '.join(cols + [sums])} FROM {table} f WHERE f.ancestor_id = %s AND {cond}"
                params = [engine.unit.pk] + params
        if cols:
            sql += " GROUP BY " + ", ".join(cols)
        if not engine.attr.mapped and by in ("child", "detail"):
            # child_id is already the key: no path to parse
            me = engine.unit.pk

            def consume(rows):
                for row in rows:
                    child = SELF if row[0] == me else row[0]
                    if by == "detail":
                        key, values = (child, as_date(row[1])), row[2:]
                    else:
                        key, values = child, row[1:]
                    acc = out[key]
                    acc[0] += int(values[0] or 0)
                    acc[1] += int(values[1] or 0)
                    acc[2] += int(values[2] or 0)
                    acc[3] += int(values[3] or 0)

            # the shape of the as-of cells (a period read in parts sends both as one query)
            engine.query(("run", by, True, len(cols), 4, "sum"), sql, params, consume)
            return
        engine.run(sql, params, by, len(cols), out)

    def _cube_as_of(self, engine, table, sums, cond, params, by, out):
        """Untouched children from today's cube row of X; the touched ones (see Attribution)
        summed from their units' own cells through the tree as it stood."""
        month = ["f.month"] if by in ("month", "detail") else []
        sql = (
            f"SELECT f.child_id, {', '.join(month + [sums])} FROM {table} f "
            f"WHERE f.ancestor_id = %s AND {cond} GROUP BY f.child_id{', f.month' if month else ''}"
        )
        touched, me = engine.attr.touched, engine.unit.pk

        def consume(rows):
            for row in rows:
                child = SELF if row[0] == me else row[0]
                if child in touched:
                    continue
                values = row[1 + len(month) :]
                if by == "child":
                    key = child
                elif by == "month":
                    key = as_date(row[1])
                elif by == "detail":
                    key = (child, as_date(row[1]))
                else:
                    key = ()
                acc = out[key]
                for i, v in enumerate(values):
                    acc[i] += int(v or 0)

        # the shape of the units' own cells below: the two go to the database as one query
        shape = ("run", by, True, 1 + len(month), 4, "sum")
        engine.query(shape, sql, [engine.unit.pk] + params, consume)
        if not engine.attr.touched_prefixes:
            return
        # Each unit's own cell: its "self" row, or for a grassroots union its parent's row for
        # it — read through the parents inside the prefixes, and for a prefix that is itself a
        # grassroots union (moved in from elsewhere) through its parent named directly.
        prefixes = engine.attr.touched_prefixes
        paths, path_params = engine.attr.paths_sql(prefixes=prefixes)
        cols = engine.group_sql(by, month_col="f.month", unit_col="f.child_id")
        units = engine.q(Unit._meta.db_table)
        sql = (
            f"SELECT {', '.join(cols + [sums])} FROM {table} f "
            f"JOIN {units} u ON u.id = f.ancestor_id JOIN {units} c ON c.id = f.child_id "
            f"WHERE (f.child_id = f.ancestor_id OR {leaf_sql('c')}) AND {paths} AND {cond} "
            f"GROUP BY {', '.join(cols)}"
        )
        engine.run(sql, path_params + params, by, len(cols), out)
        pairs = engine.attr.leaf_pairs()
        if pairs:
            which = " OR ".join("(f.ancestor_id = %s AND f.child_id = %s)" for _p in pairs)
            sql = f"SELECT {', '.join(cols + [sums])} FROM {table} f WHERE ({which}) AND {cond} GROUP BY {', '.join(cols)}"
            engine.run(sql, [v for pair in pairs for v in pair] + params, by, len(cols), out)

    def _raw_from(self, engine, f, ranges):
        """FROM/WHERE over the alive activities of the subtree, filtered, in date ranges."""
        from binhyen.activities.models import Activity

        q = engine.q
        joins = [f"JOIN {q(Unit._meta.db_table)} u ON u.id = a.unit_id"]
        params = []
        for n, (dim, (name, column, _slot)) in enumerate(M2M_FILTERS.items()):
            if dim in f:
                through = q(getattr(Activity, name).through._meta.db_table)
                ref_sql, ref_params = _ref(dim, f)
                joins.append(
                    f"JOIN {through} t{n} ON t{n}.activity_id = a.id AND t{n}.{column} = {ref_sql}"
                )
                params += ref_params
        paths, path_params = engine.attr.paths_sql()
        days = " OR ".join("(a.date >= %s AND a.date <= %s)" for _r in ranges)
        where = f"a.deleted_at IS NULL AND {paths} AND ({days})"
        params += path_params + [engine.day(d) for r in ranges for d in r]
        if "kind" in f:
            kind_sql, kind_params = _ref("kind", f)
            where += f" AND a.kind_id = {kind_sql}"
            params += kind_params
        return f"FROM {q(Activity._meta.db_table)} a {' '.join(joins)} WHERE {where}", params

    def _raw(self, engine, f, by, ranges, out):
        source, params = self._raw_from(engine, f, ranges)
        cols = engine.group_sql(by, month_col=month_sql("a.date"))
        sums = "COUNT(*), SUM(a.sessions), SUM(a.attendances), SUM(COALESCE(a.leaflets, 0))"
        sql = f"SELECT {', '.join(cols + [sums])} {source}"
        if cols:
            sql += " GROUP BY " + ", ".join(cols)
        engine.run(sql, params, by, len(cols), out)

    def reporting_units(self, engine, request, by):
        """{key: number of distinct grassroots units (below X) with ≥ 1 matching activity}."""
        memo = ("reporting_units", request.filters, by)
        if memo in engine.memos:
            return engine.memos[memo]

        f = request.filter_ids()
        m2m = [d for d in M2M_FILTERS if d in f]
        kinds = engine.q(UnitKind._meta.db_table)
        grassroots = f"JOIN {kinds} k ON k.id = u.kind_id"
        parts, params = [], []
        month_on = by == "month"
        first, last, edges = (None, None, [(engine.period.start, engine.period.end)])
        # from the cube: the parents' rows for their grassroots children (no dimension slots
        # there); filtered on a dimension or through an earlier tree, from the raw records
        if not m2m and not engine.attr.mapped:
            first, last, edges = split_period(engine.period.start, engine.period.end)
        if first is not None:
            paths, path_params = engine.attr.paths_sql(column="p.path")
            sql = (
                f"SELECT u.id AS uid, u.path AS upath{', f.month AS umonth' if month_on else ''} "
                f"FROM {engine.q(ActivityFact._meta.db_table)} f "
                f"JOIN {engine.q(Unit._meta.db_table)} p ON p.id = f.ancestor_id "
                f"JOIN {engine.q(Unit._meta.db_table)} u ON u.id = f.child_id {grassroots} "
                f"WHERE f.child_id <> f.ancestor_id AND f.activities > 0 AND {paths} "
                f"AND f.month >= %s AND f.month <= %s AND f.dim = %s AND f.dim_id = %s"
            )
            p = path_params + [engine.day(first), engine.day(last), int(Dim.NONE), 0]
            if "kind" in f:
                kind_sql, kind_params = _ref("kind", f)
                sql += f" AND f.kind_id = {kind_sql}"
                p += kind_params
            parts.append(sql + " AND u.id <> %s AND k.is_grassroots")
            params += p + [engine.unit.pk]
        if edges:
            source, p = self._raw_from(engine, f, edges)
            source = source.replace(" WHERE ", f" {grassroots} WHERE ", 1)
            month = f", {month_sql('a.date')} AS umonth" if month_on else ""
            parts.append(
                f"SELECT u.id AS uid, u.path AS upath{month} {source} AND u.id <> %s AND k.is_grassroots"
            )
            params += p + [engine.unit.pk]
        union = " UNION ".join(parts)
        found = engine.memos[memo] = {}
        if engine.attr.mapped or engine.keep_ids:
            # the units themselves: mapped through the tree as it stood, or kept for a period
            # read in parts (Source.unite)
            if engine.attr.mapped:
                cols = ["s.uid"] + (["s.umonth"] if month_on else [])
            else:
                cols = {
                    "child": [f"substr(s.upath, 1, {engine.attr.length + PATH_STEP})"],
                    "month": ["s.umonth"],
                    "none": [],
                }[by]
            sql = f"SELECT DISTINCT {', '.join(cols + ['s.uid'])} FROM ({union}) s"
            ids = engine.memos[("reporting_unit_ids", request.filters, by)] = defaultdict(set)

            def distinct(rows):
                engine.consume(rows, by, len(cols), ids, "distinct")
                found.update({k: len(v) for k, v in ids.items()})

            # rows of (key columns…, unit id): a shape shared with the units open in a period
            # (reporting.units), so the two go to the database as one query
            kinds = {"child": "path", "month": "date", "none": None}[by]
            signature = ("int",) if engine.attr.mapped else ()
            signature += (kinds,) if kinds and not (engine.attr.mapped and by == "child") else ()
            engine.query(("unit ids", *signature), sql, params, distinct)
            return found
        cols = {
            "child": [f"substr(s.upath, 1, {engine.attr.length + PATH_STEP})"],
            "month": ["s.umonth"],
            "none": [],
        }[by]
        sql = f"SELECT {', '.join(cols + ['COUNT(DISTINCT s.uid)'])} FROM ({union}) s"
        if cols:
            sql += " GROUP BY " + ", ".join(cols)
        counts = defaultdict(lambda: [0])

        def count(rows):
            engine.consume(rows, by, len(cols), counts, "sum")
            found.update({k: v[0] for k, v in counts.items()})

        engine.query(
            ("total",) if by == "none" else ("run", by, False, len(cols), 1, "sum"),
            sql,
            params,
            count,
        )
        return found


SOURCE = ActivitySource()


# ---------------------------------------------------------------- dimensions


def _document(code, indicator, user):
    """The id of the document a `document=` filter names: its id, or its symbol when one
    document alone carries it. With `user`, only among the documents that person sees; the
    same message for a document that does not exist and one out of scope."""
    docs = Document.all_objects.all() if user is None else Document.objects.visible_to(user)
    if code.isdecimal():
        # an id (one a bigint cannot hold is no document)
        pk = parse_id(code)
        found = list(docs.filter(pk=pk).values_list("pk", flat=True)[:1]) if pk else []
    else:
        found = list(docs.filter(symbol_key=symbol_key(code)).values_list("pk", flat=True)[:2])
    if not found:
        raise ValidationError(
            {
                "indicators": _(
                    "Không có văn bản “%(v)s” trong phạm vi bạn xem được (chỉ tiêu %(c)s). Ghi văn bản bằng "
                    "mã số của nó (số cuối địa chỉ trang văn bản, ví dụ document=12) hoặc bằng ký hiệu "
                    "(ví dụ document=329/KH-LĐLĐ)."
                )
                % {"v": code, "c": indicator.code}
            }
        )
    if len(found) > 1:
        raise ValidationError(
            {
                "indicators": _(
                    "Có nhiều văn bản cùng ký hiệu “%(v)s” (chỉ tiêu %(c)s); hãy ghi văn bản bằng mã số của nó "
                    "(số cuối địa chỉ trang văn bản, ví dụ document=%(id)d)."
                )
                % {"v": code, "c": indicator.code, "id": found[0]}
            }
        )
    return found[0]


def _document_name(pk):
    doc = Document.all_objects.select_related("doc_type").filter(pk=pk).first()
    return doc.label if doc is not None else str(pk)


DIMENSIONS = (
    Reference("kind", gettext_lazy("loại"), "activities.ActivityKind"),
    Reference("topic", gettext_lazy("chủ đề"), "activities.Topic"),
    Reference("audience", gettext_lazy("đối tượng"), "activities.Audience"),
    Reference("channel", gettext_lazy("hình thức"), "activities.Channel"),
    Reference(
        "document",
        gettext_lazy("văn bản thực hiện"),
        "documents.Document",
        by_id=True,
        resolve=_document,
        describe=_document_name,
    ),
)


def _flow(code, label, label_en, unit, measure, **kw):
    return indicator(
        code,
        label,
        label_en,
        unit,
        FLOW,
        references=DIMENSIONS,
        measure=measure,
        source=SOURCE,
        records="activities.Activity",
        **kw,
    )


# gettext_noop lists the labels and units in the app's catalog (makemessages reads only
# literals); indicator() translates them lazily, in each reader's language.
INDICATORS = (
    _flow(
        "activity.count",
        gettext_noop("Số hoạt động"),
        "Activities",
        gettext_noop("hoạt động"),
        "activities",
    ),
    _flow(
        "activity.sessions",
        gettext_noop("Số cuộc, buổi"),
        "Sessions",
        gettext_noop("cuộc"),
        "sessions",
    ),
    _flow(
        "activity.attendances",
        gettext_noop("Số lượt người tham dự"),
        "Attendances",
        gettext_noop("lượt người"),
        "attendances",
    ),
    _flow(
        "activity.leaflets",
        gettext_noop("Số tờ rơi phát hành"),
        "Leaflets handed out",
        gettext_noop("tờ"),
        "leaflets",
    ),
    # units with activities are counted from the activities, so a figure scope gives them
    # exactly when it gives the activities
    _flow(
        "units.reporting",
        gettext_noop("Số công đoàn cơ sở có hoạt động trong kỳ"),
        "Grassroots unions with at least one activity",
        gettext_noop("đơn vị"),
        "reporting_units",
        additive=False,
    ),
)


def register():
    from . import cube

    registry.register(*INDICATORS)
    registry.register_cube(
        registry.Cube(
            name="activities",
            label=gettext_noop("hoạt động"),
            order=10,
            rebuild=cube.rebuild_for,
            verify=cube.verify_lines,
        )
    )
