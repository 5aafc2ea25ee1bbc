"""Keeping the stock cube (groups.StockFact) equal to the groups' records, in their own transaction.

Design. Every stock figure of the groups app is a count (or a sum) of records in force on a
day, so each record contributes +v on the first day it counts and −v on the first day it no
longer does ("events"):

- groups.active: a group, from `founded` to `closed`;
- groups.members: a member, from max(joined, founded) to min(left, closed);
- groups.boarding_houses / groups.resident_workers: a coverage, from max(start, founded) to
  min(end, closed), +1 house / +resident_workers (a house is covered by one group at a time —
  the services refuse overlaps —, so coverages in force count distinct houses);
- cameras.working: each stretch between two dated states of a camera whose state is "hoạt động";
- groups.wards: the same events as groups.active, kept per ward (`ward_id`). A ward counts on
  day D when its running total of active groups is > 0, so "distinct wards" is a COUNT over
  the (child, ward) sums of one ancestor's rows — a table as small as the number of wards
  with groups, never a scan of the groups.

Soft-deleted groups, houses and cameras contribute nothing. Events are rolled up like the
activity cube (facts.py): for each ancestor of the record's unit, a cell (ancestor, child on
the path or the ancestor itself, figure, kind, ward, day) → delta. Each event is written three
times: into its year's YEAR cell, its month's MONTH cell and its DAY cell. The figure on day D
reads the YEAR cells before D's year, the MONTH cells of D's year before D's month and the DAY
cells from D's 1st to D — at most a few years, eleven months and a month of days per child,
kind (and ward), so no question scans a province's records, and any day is exact.

Writes: the groups services open a `tracked` batch (one per service call; an import or a
close that calls other services shares the outer batch). `watch(groups=…, cameras=…)` reads
the events of those records before they change; at the end of the batch their events are
read again and only the difference is upserted — each cell once, root first (no deadlock
between two writers). Bulk loads call `records_created`. A unit move carries its subtree's
totals from the old chain of ancestors to the new one (`unit_moved`), like the activity cube.

`rebuild()` recomputes the whole cube from the records; `verify()` returns every difference
between the stored cube and a recomputation; the tests also check the figures against the
raw counting querysets of binhyen.groups.stats at many dates.
"""

import datetime
import threading
from collections import defaultdict
from contextlib import contextmanager
from functools import wraps

from django.db import connection, transaction

from binhyen.figures.cube import carry_sql, moved_chains, path_ids
from binhyen.figures.signals import facts_rebuilt
from binhyen.org.models import Unit

from .models import (
    BoardingHouseCoverage,
    Camera,
    CameraState,
    CameraStateKind,
    Group,
    GroupMember,
    StockFact,
)

GROUPS, MEMBERS, WARDS, HOUSES, WORKERS, CAMERAS = 1, 2, 3, 4, 5, 6
MEASURES = {
    "groups": GROUPS,
    "members": MEMBERS,
    "wards": WARDS,
    "boarding_houses": HOUSES,
    "resident_workers": WORKERS,
    "cameras": CAMERAS,
}
KEY = ("ancestor_id", "measure", "grain", "day", "child_id", "kind_id", "ward_id")
CHUNK = 500  # cube rows per upsert statement
ID_CHUNK = 2000  # record ids per read

_local = threading.local()


# --------------------------------------------------------------------------------------------
# Events of records


def _interval(events, key, start, end, value):
    if not value or (end is not None and end <= start):
        return
    events[key + (start,)] += value
    if end is not None:
        events[key + (end,)] -= value


def _chunks(ids):
    ids = sorted(ids)
    for i in range(0, len(ids), ID_CHUNK):
        yield ids[i : i + ID_CHUNK]


def events(group_ids=(), camera_ids=()):
    """{(unit id, figure, kind id, ward id, day): delta} of the groups `group_ids` (with their
    members and coverages) and the cameras `camera_ids`, as the database holds them now."""
    out = defaultdict(int)
    for ids in _chunks(group_ids):
        info = {}
        for pk, unit, kind, ward, founded, closed in Group.all_objects.filter(
            pk__in=ids, deleted_at__isnull=True
        ).values_list("pk", "unit_id", "kind_id", "ward_id", "founded", "closed"):
            info[pk] = (unit, kind, founded, closed)
            _interval(out, (unit, GROUPS, kind, 0), founded, closed, 1)
            _interval(out, (unit, WARDS, kind, ward), founded, closed, 1)
        if not info:
            continue
        for group_id, joined, left in GroupMember.objects.filter(
            group_id__in=list(info)
        ).values_list("group_id", "joined", "left"):
            unit, kind, founded, closed = info[group_id]
            _interval(out, (unit, MEMBERS, kind, 0), max(joined, founded), _first(left, closed), 1)
        for group_id, start, end, workers in BoardingHouseCoverage.objects.filter(
            group_id__in=list(info), house__deleted_at__isnull=True
        ).values_list("group_id", "start", "end", "house__resident_workers"):
            unit, kind, founded, closed = info[group_id]
            begin, stop = max(start, founded), _first(end, closed)
            _interval(out, (unit, HOUSES, kind, 0), begin, stop, 1)
            _interval(out, (unit, WORKERS, kind, 0), begin, stop, workers or 0)
    for ids in _chunks(camera_ids):
        units = dict(
            Camera.all_objects.filter(pk__in=ids, deleted_at__isnull=True).values_list(
                "pk", "unit_id"
            )
        )
        states = defaultdict(list)
        for camera_id, state, since in (
            CameraState.objects.filter(camera_id__in=list(units))
            .order_by("camera_id", "since", "id")
            .values_list("camera_id", "state", "since")
        ):
            states[camera_id].append((since, state))
        for camera_id, rows in states.items():
            for i, (since, state) in enumerate(rows):
                if state == CameraStateKind.WORKING:
                    until = rows[i + 1][0] if i + 1 < len(rows) else None
                    _interval(out, (units[camera_id], CAMERAS, 0, 0), since, until, 1)
    return out


def _first(a, b):
    if a is None:
        return b
    return a if b is None else min(a, b)


# --------------------------------------------------------------------------------------------
# Cells and upserts


def cells_of(events_by_key):
    """Roll events up the tree: {(level, ancestor, figure, grain, day, child, kind, ward): delta}."""
    units = {key[0] for key, v in events_by_key.items() if v}
    paths = {}
    for ids in _chunks(units):
        paths.update(Unit.objects.filter(pk__in=ids).values_list("pk", "path"))
    cells = defaultdict(int)
    for (unit, measure, kind, ward, day), delta in events_by_key.items():
        if not delta:
            continue
        ids = path_ids(paths[unit])
        month = day.replace(day=1)
        year = day.replace(month=1, day=1)
        last = len(ids) - 1
        for level, ancestor in enumerate(ids):
            child = ids[level + 1] if level < last else ancestor
            cells[(level, ancestor, measure, StockFact.YEAR, year, child, kind, ward)] += delta
            cells[(level, ancestor, measure, StockFact.MONTH, month, child, kind, ward)] += delta
            cells[(level, ancestor, measure, StockFact.DAY, day, child, kind, ward)] += delta
    return cells


def _table():
    return connection.ops.quote_name(StockFact._meta.db_table)


def upsert(cells):
    """Add the deltas of `cells` to the cube: root first, each cell once, zeros skipped."""
    rows = [(key, v) for key, v in sorted(cells.items()) if v]
    if not rows:
        return 0
    q = connection.ops.quote_name
    table = _table()
    columns = ", ".join(q(c) for c in (*KEY, "delta"))
    conflict = ", ".join(q(c) for c in KEY)
    day = connection.ops.adapt_datefield_value
    one = "(" + ", ".join(["%s"] * 8) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            params = []
            for (_level, ancestor, measure, grain, d, child, kind, ward), delta in chunk:
                params += (ancestor, measure, grain, day(d), child, kind, ward, delta)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} "
                f"ON CONFLICT ({conflict}) DO UPDATE SET delta = {table}.delta + EXCLUDED.delta",
                params,
            )
    return len(rows)


def _difference(before, after):
    diff = defaultdict(int)
    for key, v in after.items():
        diff[key] += v
    for key, v in before.items():
        diff[key] -= v
    return diff


# --------------------------------------------------------------------------------------------
# Write hooks


class Batch:
    """The records a service call touches, with their events before the first change."""

    def __init__(self):
        self.groups, self.cameras = set(), set()
        self.before = defaultdict(int)

    def watch(self, groups=(), cameras=()):
        groups = {g for g in groups if g is not None} - self.groups
        cameras = {c for c in cameras if c is not None} - self.cameras
        if groups:
            # Every write to a group's members or coverages goes through here first: the group
            # row's lock makes the "before" read and the change one step for other writers.
            list(
                Group.all_objects.select_for_update()
                .filter(pk__in=sorted(groups))
                .values_list("pk", flat=True)
            )
        if groups or cameras:
            for key, v in events(groups, cameras).items():
                self.before[key] += v
            self.groups |= groups
            self.cameras |= cameras

    def created(self, groups=(), cameras=()):
        # a new record had no events before: nothing to read
        self.groups |= set(groups)
        self.cameras |= set(cameras)

    def flush(self):
        if not (self.groups or self.cameras):
            return 0
        return upsert(cells_of(_difference(self.before, events(self.groups, self.cameras))))


@contextmanager
def batch():
    """Collect the watched records of everything run inside; upsert the difference at the end
    (call inside the transaction of the writes). Nested batches join the outer one."""
    current = getattr(_local, "batch", None)
    if current is not None:
        yield current
        return
    _local.batch = Batch()
    try:
        yield _local.batch
        _local.batch.flush()
    finally:
        _local.batch = None


def tracked(func):
    """Decorator for a groups service (under its @transaction.atomic): runs it in a batch."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        with batch():
            return func(*args, **kwargs)

    return wrapper


def watch(groups=(), cameras=()):
    """Before changing these records (ids) inside a tracked service."""
    _local.batch.watch(groups, cameras)


def created(groups=(), cameras=()):
    """After creating these records (ids) inside a tracked service."""
    _local.batch.created(groups, cameras)


def records_created(groups=(), cameras=()):
    """After a bulk load created these groups (with members, coverages) and cameras: their
    events are aggregated first and each cube cell is upserted once."""
    return upsert(cells_of(events(groups, cameras)))


def unit_moved(unit, old_parent):
    """Carry `unit`'s subtree totals from the old chain of ancestors to the new one (right
    after org.services.move_unit, in its transaction). Two statements: the paths, and one
    INSERT … SELECT of the unit's own cells onto both chains."""
    chains = moved_chains(unit, old_parent)
    if not chains:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            carry_sql(
                _table(),
                unit.pk,
                chains,
                ("measure", "grain", "day", "kind_id", "ward_id"),
                ("delta",),
                KEY,
            )
        )
        return max(cursor.rowcount, 0)


def on_unit_moved(sender, unit, old_parent, **_kwargs):
    """Receiver of org.signals.unit_moved (connected in GroupsConfig.ready())."""
    unit_moved(unit, old_parent)


def _date(value):
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


# --------------------------------------------------------------------------------------------
# Rebuild and verify


def _all_events():
    groups = Group.all_objects.filter(deleted_at__isnull=True).values_list("pk", flat=True)
    cameras = Camera.all_objects.filter(deleted_at__isnull=True).values_list("pk", flat=True)
    return events(list(groups), list(cameras))


def expected_cells():
    """{cube key without level: delta} recomputed from every record, zeros dropped."""
    return {key[1:]: v for key, v in cells_of(_all_events()).items() if v}


def stored_cells():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(KEY)}, delta FROM {_table()} WHERE delta <> 0")
        return {
            (a, m, g, _date(d), c, k, w): int(v) for a, m, g, d, c, k, w, v in cursor.fetchall()
        }


@transaction.atomic
def rebuild():
    """Recompute the whole stock cube from the records. Returns the number of cells written."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {_table()} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {_table()}")
    written = upsert(cells_of(_all_events()))
    facts_rebuilt.send(sender=rebuild, unit=None)
    return written


def verify(limit=None):
    """Every difference between the stored and the recomputed stock cube, as
    (key, stored delta or None, expected delta or None); key follows KEY."""
    with transaction.atomic():
        expected, stored = expected_cells(), stored_cells()
    out = []
    for key in sorted(set(expected) | set(stored)):
        if expected.get(key) != stored.get(key):
            out.append((key, stored.get(key), expected.get(key)))
            if limit and len(out) >= limit:
                break
    return out


LABELS = {
    "groups": "tổ, mô hình",
    "members": "thành viên",
    "wards": "phường, xã",
    "boarding_houses": "nhà trọ",
    "resident_workers": "công nhân lưu trú",
    "cameras": "camera",
}


def rebuild_for(unit=None, say=None):
    """The registry's Cube.rebuild: the stock cube is small (a few cells per group and member
    event), so it is always rebuilt whole, whatever `unit` was restructured."""
    if say:
        say("Tính lại số liệu tổng hợp mô hình, thành viên, nhà trọ, camera…")
    return rebuild()


def verify_lines(limit=None):
    """The registry's Cube.verify: a line per stored cell that differs from its recomputation."""
    names = {v: k for k, v in MEASURES.items()}
    lines = []
    for (ancestor, measure, grain, day, child, kind, ward), stored, expected in verify(limit=limit):
        when = f"ngày {day:%d/%m/%Y}" if grain else f"tháng {day:%m/%Y}"
        lines.append(
            f"đơn vị {ancestor} / nhánh {child}, {LABELS[names[measure]]}, {when}, loại {kind}, "
            f"phường {ward}: đang lưu {stored if stored is not None else '(không có)'}; "
            f"tính lại {expected if expected is not None else '(không có)'}"
        )
    return lines


# --------------------------------------------------------------------------------------------
# Reading figures


def _cells_sql(measure, kind_code, columns):
    """SELECT `columns`, delta of one ancestor's cells of `measure` that make the figure on a
    day: YEAR cells before the day's year, MONTH cells of its year before its month, DAY cells
    of its month up to the day. Parameters: (ancestor, 1 January, month's 1st, day) and the
    kind code after each of the three ranges when filtered."""
    from binhyen.groups.models import GroupKind

    q = connection.ops.quote_name
    kind = ""
    if kind_code:
        kind = f" AND kind_id = (SELECT id FROM {q(GroupKind._meta.db_table)} WHERE code = %s)"
    part = f"SELECT {columns}, delta FROM {_table()} WHERE ancestor_id = %s AND measure = {int(measure)} "
    return (
        f"{part}AND grain = {StockFact.YEAR} AND day < %s{kind} UNION ALL "
        f"{part}AND grain = {StockFact.MONTH} AND day >= %s AND day < %s{kind} UNION ALL "
        f"{part}AND grain = {StockFact.DAY} AND day >= %s AND day <= %s{kind}"
    )


def figure_query(unit_id, measure_name, day, kind_code=None, by_child=True):
    """(sql, params, convert): the query of `figure` and what turns its rows into the result."""
    measure = MEASURES[measure_name]
    adapt = connection.ops.adapt_datefield_value
    year, month, d = adapt(day.replace(month=1, day=1)), adapt(day.replace(day=1)), adapt(day)
    extra = [kind_code] if kind_code else []
    params = [unit_id, year, *extra, unit_id, year, month, *extra, unit_id, month, d, *extra]
    cells = _cells_sql(measure, kind_code, "child_id, ward_id")
    if measure == WARDS:
        inner = (
            f"SELECT child_id, ward_id, SUM(delta) AS s FROM ({cells}) c GROUP BY child_id, ward_id"
        )
        if by_child:
            sql = f"SELECT child_id, COUNT(*) FROM ({inner}) w WHERE s > 0 GROUP BY child_id"
        else:
            sql = (
                f"SELECT COUNT(*) FROM (SELECT ward_id FROM ({cells}) c GROUP BY ward_id "
                "HAVING SUM(delta) > 0) w"
            )
    elif by_child:
        sql = f"SELECT child_id, SUM(delta) FROM ({cells}) c GROUP BY child_id"
    else:
        sql = f"SELECT SUM(delta) FROM ({cells}) c"

    def convert(rows):
        if not by_child:
            return {(): int(rows[0][0] or 0) if rows else 0}
        return {child: int(v) for child, v in rows if v}

    return sql, params, convert


def _day_params(day, kind_code):
    adapt = connection.ops.adapt_datefield_value
    year, month, d = adapt(day.replace(month=1, day=1)), adapt(day.replace(day=1)), adapt(day)
    extra = [kind_code] if kind_code else []
    return [year, *extra], [year, month, *extra], [month, d, *extra]


def ward_sums_query(measure_name, day, kind_code=None, ancestor=None, self_cells_in=()):
    """(sql, params) of rows (child id, ward id, value on `day`) — for unit `ancestor`'s cells
    (its children and itself, as the tree stands now), or, with `self_cells_in` (path
    prefixes), of the own cells (child = ancestor) of every unit under those prefixes. An
    as-of rollup adds these up through the tree as it stood (rollup.Engine); wards are
    counted from the (child, ward) values, so a ward held under two children counts once."""
    measure = MEASURES[measure_name]
    first, second, third = _day_params(day, kind_code)
    if ancestor is not None:
        where, where_params = "ancestor_id = %s", [ancestor]
    else:
        units = connection.ops.quote_name(Unit._meta.db_table)
        likes = " OR ".join("path LIKE %s" for _p in self_cells_in) or "1 = 0"
        where = f"child_id = ancestor_id AND ancestor_id IN (SELECT id FROM {units} WHERE {likes})"
        where_params = [p + "%" for p in self_cells_in]
    cells = _cells_sql(measure, kind_code, "child_id, ward_id").replace("ancestor_id = %s", where)
    sql = f"SELECT child_id, ward_id, SUM(delta) FROM ({cells}) c GROUP BY child_id, ward_id"
    return sql, [*where_params, *first, *where_params, *second, *where_params, *third]


def figure(unit_id, measure_name, day, kind_code=None, by_child=True):
    """{child id: value} (the unit's own records under its own id), or {(): total}."""
    sql, params, convert = figure_query(unit_id, measure_name, day, kind_code, by_child)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return convert(cursor.fetchall())
