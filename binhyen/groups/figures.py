"""The groups app's figures: the six stock indicators of groups, members, wards, boarding houses
and cameras, registered in GroupsConfig.ready(), and the source that answers them from the
stock cube (binhyen.groups.cube) — through today's tree, through the tree as it stood on
another day, or cut to a police liaison's wards — and from the records (binhyen.groups.stats),
which verifies the cube."""

from collections import defaultdict

from django.utils.translation import gettext_lazy, gettext_noop

from binhyen.figures import registry
from binhyen.figures.registry import STOCK, Reference, indicator
from binhyen.org.history import SELF

from . import cube, stats
from .models import Camera

KIND = Reference("kind", gettext_lazy("loại"), "groups.GroupKind")


class _PathOnly:
    """Stands for a unit where only its materialized path is read."""

    def __init__(self, path):
        self.path = path


class StockSource(registry.StockSource):
    """Values on a day, from the stock cube; `stock_raw` counts the records instead."""

    def _stock_source(self, engine, measure, day, kind):
        """(queryset over the subtree(s) cut to the figure scope, path field, unit id field,
        aggregate, distinct field)."""
        qs, *rest = self._stock_records(engine, measure, day, kind)
        return (engine.scope.restrict(qs), *rest)

    def _stock_records(self, engine, measure, day, kind):
        def union(make):
            # the groups app's querysets take a unit and read only its path
            qs = None
            for p in engine.attr.prefixes:
                part = make(_PathOnly(p))
                qs = part if qs is None else qs | part
            return qs

        if measure == "groups":
            return (
                union(lambda u: stats.groups_on(u, day, kind)),
                "unit__path",
                "unit_id",
                "count",
                None,
            )
        if measure == "members":
            return (
                union(lambda u: stats.members_on(u, day, kind)),
                "group__unit__path",
                "group__unit_id",
                "count",
                None,
            )
        if measure == "wards":
            return (
                union(lambda u: stats.groups_on(u, day, kind)),
                "unit__path",
                "unit_id",
                "distinct",
                "ward",
            )
        if measure == "boarding_houses":
            return (
                union(lambda u: stats.coverages_on(u, day)),
                "group__unit__path",
                "group__unit_id",
                "distinct",
                "house",
            )
        if measure == "resident_workers":
            return (
                union(lambda u: stats.coverages_on(u, day)),
                "group__unit__path",
                "group__unit_id",
                "sum",
                "house__resident_workers",
            )
        if measure == "cameras":
            qs = Camera.objects.filter(engine.attr.paths_q("unit__path")).working_on(day)
            return qs, "unit__path", "unit_id", "count", None
        raise ValueError(measure)

    def stock(self, engine, request, by_child, day):
        """{key: value on `day`}; key is a child id / SELF, or () when not by child.

        The groups' figures read unit X's rows of the stock cube (stock_facts), through the
        tree as it stood as well (_stock_as_of); counts of units read the units. Asked inside
        prefetch(), the query is queued and the result filled in when it is sent."""
        measure = request.indicator.measure
        kind = request.filter_codes().get("kind")
        from_cube = not engine.attr.mapped and measure in cube.MEASURES
        memo = (measure, kind, day, by_child)
        if memo in engine.memos:
            return engine.memos[memo]
        found = engine.memos[memo] = {}
        if not engine.scope.full:
            if from_cube and measure in ("groups", "wards"):
                self._stock_wards(engine, measure, kind, by_child, day, found)
            else:
                self.stock_raw(engine, request, by_child, day, into=found)
        elif from_cube:
            me = engine.unit.pk
            sql, params, convert = cube.figure_query(me, measure, day, kind, by_child)

            def consume(rows):
                values = convert(rows)
                found.update(
                    values
                    if not by_child
                    else {SELF if k == me else k: v for k, v in values.items()}
                )

            engine.query(("total",) if not by_child else ("stock",), sql, params, consume)
        elif measure in cube.MEASURES:
            self._stock_as_of(engine, measure, kind, by_child, day, found)
        else:
            self.stock_raw(engine, request, by_child, day, into=found)
        return found

    def _stock_wards(self, engine, measure, kind, by_child, day, found):
        """Active groups, or wards with one, of the scope's wards only: unit X's per-ward cells
        of the stock cube (each cell counts the active groups of one child in one ward)."""
        me, wards = engine.unit.pk, list(engine.scope.ward_ids)
        sql, params = cube.ward_sums_query("wards", day, kind, ancestor=me)
        marks = ", ".join(["%s"] * len(wards)) or "NULL"
        sql = f"SELECT * FROM ({sql}) w WHERE w.ward_id IN ({marks})"

        def consume(rows):
            held = defaultdict(lambda: defaultdict(int))  # where → ward → active groups
            for child, ward, value in rows:
                held[SELF if child == me else child][ward] += int(value or 0)
            if measure == "groups":
                values = {
                    where: sum(v for v in cells.values() if v > 0) for where, cells in held.items()
                }
            else:
                values = {
                    where: sum(1 for v in cells.values() if v > 0) for where, cells in held.items()
                }
            if by_child:
                found.update({where: v for where, v in values.items() if v})
            elif measure == "groups":
                found[()] = sum(values.values())
            else:  # a ward held under two children counts once in the total
                found[()] = len(
                    {ward for cells in held.values() for ward, v in cells.items() if v > 0}
                )

        engine.query(("stock_cells",), sql, [*params, *wards], consume)

    def _stock_as_of(self, engine, measure, kind, by_child, day, found):
        """A groups figure through the tree as it stood (see Attribution): the children whose
        subtree did not change from unit X's cells of the stock cube, the others from the own
        cells of the units that made them up then — never the records themselves."""
        me, touched, wards = engine.unit.pk, engine.attr.touched, measure == "wards"
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
                where = engine.attr.key_of_unit(unit_id)
                if where is not None:
                    add(where, [(ward, value)])

        def settle(_rows=None):
            if wards:  # a ward counts where its value is above zero, once in the total
                held = {
                    where: {w for w, v in bucket.items() if v > 0}
                    for where, bucket in parts.items()
                }
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

        sql, params = cube.ward_sums_query(measure, day, kind, ancestor=me)
        if not engine.attr.touched_prefixes:
            engine.query(("stock_cells",), sql, params, lambda rows: (from_x(rows), settle()))
            return
        engine.query(("stock_cells",), sql, params, from_x)
        sql, params = cube.ward_sums_query(
            measure, day, kind, self_cells_in=engine.attr.touched_prefixes
        )
        engine.query(("stock_cells",), sql, params, lambda rows: (from_units(rows), settle()))

    def stock_raw(self, engine, request, by_child, day, into=None):
        """`stock` counted from the raw records (binhyen.groups.stats querysets): the verifier."""
        measure = request.indicator.measure
        kind = request.filter_codes().get("kind")
        return engine.count(*self._stock_source(engine, measure, day, kind), by_child, into)


SOURCE = StockSource()


def _stock(code, label, label_en, unit, measure, records, kinds=True, **kw):
    return indicator(
        code,
        label,
        label_en,
        unit,
        STOCK,
        references=(KIND,) if kinds else (),
        measure=measure,
        source=SOURCE,
        records=records,
        **kw,
    )


# gettext_noop lists the labels and units in the app's catalog (makemessages reads only
# literals); indicator() translates them lazily, in each reader's language.
INDICATORS = (
    _stock(
        "groups.active",
        gettext_noop("Số tổ, mô hình đang hoạt động"),
        "Active groups",
        gettext_noop("tổ"),
        "groups",
        "groups.Group",
    ),
    _stock(
        "groups.members",
        gettext_noop("Số thành viên tổ, mô hình"),
        "Group members",
        gettext_noop("người"),
        "members",
        "groups.GroupMember",
    ),
    _stock(
        "groups.wards",
        gettext_noop("Số phường, xã có tổ, mô hình hoạt động"),
        "Wards with an active group",
        gettext_noop("phường, xã"),
        "wards",
        "groups.Group",
        additive=False,
    ),
    _stock(
        "groups.boarding_houses",
        gettext_noop("Số nhà trọ được tổ phụ trách"),
        "Boarding houses covered",
        gettext_noop("nhà trọ"),
        "boarding_houses",
        "groups.BoardingHouseCoverage",
        kinds=False,
        additive=False,
    ),
    _stock(
        "groups.resident_workers",
        gettext_noop("Số công nhân lưu trú tại nhà trọ được phụ trách"),
        "Workers living in covered boarding houses",
        gettext_noop("người"),
        "resident_workers",
        "groups.BoardingHouseCoverage",
        kinds=False,
    ),
    _stock(
        "cameras.working",
        gettext_noop("Số camera an ninh đang hoạt động"),
        "Security cameras working",
        gettext_noop("camera"),
        "cameras",
        "groups.Camera",
        kinds=False,
    ),
)


def register():
    registry.register(*INDICATORS)
    registry.register_cube(
        registry.Cube(
            name="groups",
            label=gettext_noop("mô hình, thành viên, nhà trọ, camera"),
            order=20,
            rebuild=cube.rebuild_for,
            verify=cube.verify_lines,
        )
    )
