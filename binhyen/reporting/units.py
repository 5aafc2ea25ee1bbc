"""The figures of the tree itself — open units and grassroots unions below a unit, those open
during a period — and the outreach share, registered in ReportingConfig.ready(). They count
org's units, so they are answered here, above the apps, and need no cube."""

from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_noop

from binhyen.core.periods import _month_end
from binhyen.figures import registry
from binhyen.figures.registry import FLOW, RATIO, STOCK, indicator
from binhyen.org.models import PATH_STEP, Unit


class UnitSource(registry.StockSource):
    """Open units on a day (stocks), and grassroots unions open on at least one day of a
    period (a flow that adds up over children, not over months)."""

    def _units(self, engine, grassroots=False):
        qs = engine.scope.restrict(
            Unit.objects.filter(engine.attr.paths_q("path")).exclude(pk=engine.unit.pk)
        )
        return qs.filter(kind__is_grassroots=True) if grassroots else qs

    def grassroots_open(self, engine, by_child, start, end):
        """{child or (): number of grassroots unions below X open on at least one day of
        start..end}."""
        memo = ("grassroots_open", by_child, start, end)
        if memo in engine.memos:
            return engine.memos[memo]
        found = engine.memos[memo] = {}
        qs = (
            self._units(engine, True)
            .filter(valid_from__lte=end)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
            .order_by()
        )
        if engine.attr.mapped or engine.keep_ids:
            # the units themselves: mapped through the tree as it stood, or kept for a period
            # read in parts (combine)
            ids = engine.memos[("grassroots_open_ids", by_child, start, end)] = defaultdict(set)
            if engine.attr.mapped:
                listed = qs.values_list("id", "id")
            else:
                listed = qs.annotate(
                    rk=Substr("path", 1, engine.attr.length + PATH_STEP)
                ).values_list("rk", "id")
            sql, params = listed.query.sql_with_params()

            def units(rows):
                for where, unit_id in rows:
                    where = (
                        engine.attr.key_of_unit(where)
                        if engine.attr.mapped
                        else engine.attr.key_of_path(where)
                    )
                    if where is not None:
                        ids[where if by_child else ()].add(unit_id)
                found.update({key: len(members) for key, members in ids.items()})

            # rows of (key column, unit id): the shape of the units with activity
            # (binhyen.activities.figures), sent with them as one query
            shape = ("unit ids", "int" if engine.attr.mapped else "path")
            engine.query(shape, sql, list(params), units)
            return found
        if not by_child:
            sql, params = qs.values_list("id").query.sql_with_params()
            engine.query(
                ("total",),
                f"SELECT COUNT(*) FROM ({sql}) g",
                list(params),
                lambda rows: found.update({(): int(rows[0][0] or 0) if rows else 0}),
            )
            return found
        sql, params = (
            qs.annotate(rk=Substr("path", 1, engine.attr.length + PATH_STEP))
            .values_list("rk")
            .annotate(v=Count("id"))
            .query.sql_with_params()
        )

        def by_child_rows(rows):
            found.update({engine.attr.key_of_path(rk): int(v) for rk, v in rows})

        engine.query(("run", "child", False, 1, 1, "sum"), sql, list(params), by_child_rows)
        return found

    def stock(self, engine, request, by_child, day):
        measure = request.indicator.measure
        memo = (measure, None, day, by_child)
        if memo in engine.memos:
            return engine.memos[memo]
        found = engine.memos[memo] = {}
        qs = self._units(engine, grassroots=measure == "grassroots").open_on(day)
        return engine.count(engine.scope.restrict(qs), "path", "id", "count", None, by_child, found)

    def stock_raw(self, engine, request, by_child, day, into=None):
        found = self.stock(engine, request, by_child, day)
        if into is not None:
            into.update(found)
        return found

    def prefetch(self, engine, request, by):
        if request.indicator.measure == "grassroots_open":
            if by in ("child", "none"):
                self.grassroots_open(engine, by == "child", engine.period.start, engine.period.end)
            return
        super().prefetch(engine, request, by)

    def _open_ids(self, engine, by_child, start, end):
        self.grassroots_open(engine, by_child, start, end)
        return engine.memos[("grassroots_open_ids", by_child, start, end)]

    def combine(self, parts, request, by):
        """Grassroots unions open during a period read in parts: the parts' units united (a
        union open in two parts counts once); the stocks as StockSource says."""
        if request.indicator.measure != "grassroots_open":
            return super().combine(parts, request, by)
        values, everyone = defaultdict(set), set()
        for part in parts:
            start, end = part.period.start, part.period.end
            for key, ids in self._open_ids(part, by == "child", start, end).items():
                everyone |= ids
                if by == "child":
                    values[key] |= ids
            if by == "month":
                for m in part.period.months():
                    day_from, day_to = max(m, start), min(_month_end(m), end)
                    values[m] |= self._open_ids(part, False, day_from, day_to).get((), set())
        counts = {key: len(ids) for key, ids in values.items()}
        return ({} if by == "none" else counts), len(everyone)

    def evaluate(self, engine, request, by):
        if request.indicator.measure != "grassroots_open":
            return super().evaluate(engine, request, by)
        period = engine.period
        if by == "child":
            values = self.grassroots_open(engine, True, period.start, period.end)
            return values, sum(values.values())
        total = self.grassroots_open(engine, False, period.start, period.end).get((), 0)
        if by == "month":
            return {
                m: self.grassroots_open(
                    engine, False, max(m, period.start), min(_month_end(m), period.end)
                ).get((), 0)
                for m in period.months()
            }, total
        return {}, total


SOURCE = UnitSource()

# gettext_noop lists the labels and units in the app's catalog (makemessages reads only
# literals); indicator() translates them lazily, in each reader's language.
INDICATORS = (
    indicator(
        "units.count",
        gettext_noop("Số đơn vị trực thuộc đang hoạt động"),
        "Open units below",
        gettext_noop("đơn vị"),
        STOCK,
        measure="units",
        source=SOURCE,
        records="org.Unit",
    ),
    indicator(
        "units.grassroots",
        gettext_noop("Số công đoàn cơ sở đang hoạt động"),
        "Open grassroots unions",
        gettext_noop("đơn vị"),
        STOCK,
        measure="grassroots",
        source=SOURCE,
        records="org.Unit",
    ),
    indicator(
        "units.grassroots_open",
        gettext_noop("Số công đoàn cơ sở hoạt động trong kỳ"),
        "Grassroots unions open during the period",
        gettext_noop("đơn vị"),
        FLOW,
        measure="grassroots_open",
        additive=False,
        source=SOURCE,
        records="org.Unit",
    ),
    indicator(
        "units.outreach_share",
        gettext_noop("Tỷ lệ công đoàn cơ sở có tổ chức tuyên truyền"),
        "Share of grassroots unions that held an outreach session",
        "%",
        RATIO,
        numerator="units.reporting[kind=tuyen_truyen]",
        denominator="units.grassroots_open",
        additive=False,
    ),
)


def register():
    registry.register(*INDICATORS)
