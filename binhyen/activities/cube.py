"""Keeping the per-level cube (ActivityFact) equal to the activities, in their own transaction.

The activities services call, inside their transaction:

- `activity_changed(before, after)` for a create, an edit (unit, date, kind, counts, topics…),
  a soft delete or a restore, with `state_of(activity)` taken before and after the change
  (None for "did not exist / deleted"). The delta (+after −before) of every cell goes to the
  database as ONE upsert statement whose rows are sorted root first, so two writers always
  lock the hot national rows in the same order and never deadlock.
- `activities_created(ids)` after a bulk import wrote `ids`: the batch is aggregated first and
  each cube cell is upserted once (in chunks of rows, still root first).

What the cube stores, and what it leaves out because a cheaper row already holds it:
- every ancestor's rows without a dimension slot (dim = NONE), child by child;
- the topic/audience/channel/document slots only on the rows of the top DIM_LEVELS levels
  (the national and provincial federations), where a slot row sums many activities. Below,
  each slot row would hold one or two activities: ten times the rows to write on every
  import for figures that the raw activities of a district-sized subtree give as fast;
- no "self" row for a grassroots union (a leaf, except at the root): its parent's row for it
  (parent, child = the union) holds exactly the same sums.
rollup.py reads accordingly (`reads_cube`, `own_cell`).

After the tree is restructured (a unit moved or merged), `rebuild(unit)` recomputes from the
raw activities the cells that the move touched; `verify()` recomputes the whole cube from the
raw activities and returns every difference. Both generate the cells in SQL, independently of
the Python cell generation that the write hooks use, so each checks the other.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction

from binhyen.core.db import copy_text, in_pipeline
from binhyen.figures.cube import leaf_sql, month_sql, moved_chains, path_ids
from binhyen.figures.signals import facts_rebuilt
from binhyen.org.history import grassroots_kinds
from binhyen.org.models import PATH_STEP, Unit, UnitEvent, UnitEventKind

from .models import Activity, ActivityFact, Dim

DIM_LEVELS = 2  # ancestors at depth 1..DIM_LEVELS keep the dimension slots
UPSERT_CHUNK = 500  # cube rows per statement in a bulk upsert (10 parameters each)
MEASURES = ("activities", "sessions", "attendances", "leaflets")
KEY = ("ancestor_id", "month", "child_id", "kind_id", "dim", "dim_id")
CONFLICT = ("ancestor_id", "dim", "dim_id", "month", "child_id", "kind_id")  # the unique index
# (Activity's many-to-many field, dimension slot, column of its link table)
M2M_DIMS = (
    ("topics", Dim.TOPIC, "topic_id"),
    ("audiences", Dim.AUDIENCE, "audience_id"),
    ("channels", Dim.CHANNEL, "channel_id"),
    ("documents", Dim.DOCUMENT, "document_id"),
)


@dataclass(frozen=True)
class ActivityState:
    """What of an activity the cube depends on, frozen at one moment of a transaction."""

    unit_id: int
    date: datetime.date
    kind_id: int
    sessions: int
    attendances: int
    leaflets: int
    topics: tuple = ()
    audiences: tuple = ()
    channels: tuple = ()
    documents: tuple = ()  # the plans, letters… the activity carries out


def _ids(items):
    return tuple(sorted({getattr(i, "pk", i) for i in items}))


def state_of(activity, topics=None, audiences=None, channels=None, documents=None):
    """The activity's cube-relevant state now; None if it is unsaved or soft-deleted.

    Pass the topic/audience/channel/document lists (objects or ids) when the caller already
    holds them (one query saved for each); the others are read from the database."""
    if activity is None or activity.pk is None or activity.deleted_at is not None:
        return None
    m2m = {"topics": topics, "audiences": audiences, "channels": channels, "documents": documents}
    for name, items in m2m.items():
        if items is None:
            m2m[name] = getattr(activity, name).values_list("pk", flat=True)
    return ActivityState(
        unit_id=activity.unit_id,
        date=activity.date,
        kind_id=activity.kind_id,
        sessions=activity.sessions or 0,
        attendances=activity.attendances or 0,
        leaflets=activity.leaflets or 0,
        topics=_ids(m2m["topics"]),
        audiences=_ids(m2m["audiences"]),
        channels=_ids(m2m["channels"]),
        documents=_ids(m2m["documents"]),
    )


def add_cells(cells, state, path, sign=1, leaf=False):
    """Add (sign=1) or remove (sign=-1) `state`'s contribution to every cell it touches
    (`leaf`: the activity's unit is a grassroots union below the root, with no row of its own).

    Keys start with the ancestor's level so that sorting them puts the root first."""
    ids = path_ids(path)
    month = state.date.replace(day=1)
    values = (sign, sign * state.sessions, sign * state.attendances, sign * state.leaflets)
    slots = [(Dim.NONE, 0)]
    for name, dim, _column in M2M_DIMS:
        slots += [(dim, ref) for ref in getattr(state, name)]
    last = len(ids) - 1
    for level, ancestor in enumerate(ids):
        if level == last and leaf and level > 0:
            break
        child = ids[level + 1] if level < last else ancestor
        for dim, dim_id in slots if level < DIM_LEVELS else slots[:1]:
            cell = cells[(level, ancestor, month, child, state.kind_id, int(dim), dim_id)]
            for i in range(4):
                cell[i] += values[i]


def _new_cells():
    return defaultdict(lambda: [0, 0, 0, 0])


def _table():
    return connection.ops.quote_name(ActivityFact._meta.db_table)


COPY_FROM = 2_000  # on PostgreSQL, more cells than this go in by COPY through a temporary table


def _upsert_by_copy(rows):
    """PostgreSQL: the cells (key, values) by COPY into a temporary table, then one INSERT …
    SELECT … ON CONFLICT in root-first order (the database sorts them)."""
    table = _table()
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in KEY + MEASURES)
    updates = ", ".join(f"{q(m)} = {table}.{q(m)} + EXCLUDED.{q(m)}" for m in MEASURES)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS binhyen_cube_delta (level integer, ancestor_id integer, "
            "month date, child_id integer, kind_id integer, dim smallint, dim_id integer, activities bigint, "
            "sessions bigint, attendances bigint, leaflets bigint) ON COMMIT DELETE ROWS"
        )
        copy_text(
            cursor.cursor,
            "binhyen_cube_delta",
            ["level", *KEY, *MEASURES],
            (
                f"{level}\t{ancestor}\t{month.isoformat()}\t{child}\t{kind}\t{dim}\t{dim_id}\t"
                f"{n}\t{sessions}\t{attendances}\t{leaflets}\n"
                for (level, ancestor, month, child, kind, dim, dim_id), (
                    n,
                    sessions,
                    attendances,
                    leaflets,
                ) in rows
            ),
        )
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM binhyen_cube_delta "
            f"ORDER BY level, ancestor_id, month, child_id, kind_id, dim, dim_id "
            f"ON CONFLICT ({', '.join(q(c) for c in CONFLICT)}) DO UPDATE SET {updates}"
        )
        cursor.execute("TRUNCATE binhyen_cube_delta")
    return len(rows)


def upsert(cells):
    """Add the deltas of `cells` to the cube: root first, each cell once, zero deltas skipped."""
    if connection.vendor == "postgresql" and len(cells) > COPY_FROM and not in_pipeline():
        rows = [(key, v) for key, v in cells.items() if any(v)]
        return _upsert_by_copy(rows) if rows else 0
    rows = [(key, v) for key, v in sorted(cells.items()) if any(v)]
    if not rows:
        return 0
    table = _table()
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in KEY + MEASURES)
    conflict = ", ".join(q(c) for c in CONFLICT)
    updates = ", ".join(f"{q(m)} = {table}.{q(m)} + EXCLUDED.{q(m)}" for m in MEASURES)
    day = connection.ops.adapt_datefield_value
    one = "(" + ", ".join(["%s"] * 10) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_CHUNK):
            chunk = rows[start : start + UPSERT_CHUNK]
            params = []
            for (_level, ancestor, month, child, kind, dim, dim_id), values in chunk:
                params += (ancestor, day(month), child, kind, dim, dim_id, *values)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} "
                f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}",
                params,
            )
    return len(rows)


def activity_changed(before, after, units=None):
    """Apply one activity's change to the cube (call inside the service's transaction).

    `before`/`after` are `state_of()` results; None stands for "absent" (a create has no
    before, a soft delete no after). One query for the units' paths and kinds (none when the
    caller passes `units`, {unit id: (path, kind id)}), one upsert statement."""
    if before == after:
        return 0
    unit_ids = {s.unit_id for s in (before, after) if s is not None}
    if units is None or not unit_ids <= units.keys():  # the caller may hand over what it holds
        units = {
            pk: (path, kind)
            for pk, path, kind in Unit.objects.filter(pk__in=unit_ids).values_list(
                "pk", "path", "kind_id"
            )
        }
    leaves = grassroots_kinds()
    cells = _new_cells()
    for state, sign in ((before, -1), (after, 1)):
        if state is not None:
            path, kind = units[state.unit_id]
            add_cells(cells, state, path, sign, leaf=kind in leaves)
    return upsert(cells)


_SLOTS = tuple((name, int(dim)) for name, dim, _column in M2M_DIMS)


def dim_anchor(path):
    """The unit whose slot cells (topic, audience, channel, document) an activity of the unit
    at `path` touches exactly as that unit would: its ancestor DIM_LEVELS levels below the
    root, or the unit itself when it is not deeper. Slot cells stop above that level, so the
    grassroots unions of one district can share one slot sum instead of one each."""
    ids = path_ids(path)
    return ids[min(DIM_LEVELS, len(ids) - 1)]


class Sums:
    """Many activities summed per (unit, month, kind, dimension slot) first, then spread over
    each unit's ancestors once per sum, not once per activity: the cube update of a bulk
    import. A few dictionary additions per activity, one query for the units' paths and a
    few multi-row upserts; no plan for the database to get wrong on a table it has not yet
    analysed."""

    def __init__(self):
        self.base = defaultdict(lambda: [0, 0, 0, 0])

    def __bool__(self):
        return bool(self.base)

    def add(self, unit_id, date, kind_id, sessions, attendances, leaflets, links, dim_unit=None):
        """One activity; `links` maps topics/audiences/channels/documents to their ids.
        `dim_unit`: the unit's dim_anchor() when the caller knows it (its slot sums are then
        shared with the other units under that ancestor), else the unit itself."""
        month = date.replace(day=1)
        sessions, attendances, leaflets = sessions or 0, attendances or 0, leaflets or 0
        base = self.base
        cells = [base[(unit_id, month, kind_id, 0, 0)]]
        anchor = unit_id if dim_unit is None else dim_unit
        for name, dim in _SLOTS:
            for ref in links.get(name, ()):
                cells.append(base[(anchor, month, kind_id, dim, ref)])
        for cell in cells:
            cell[0] += 1
            cell[1] += sessions
            cell[2] += attendances
            cell[3] += leaflets

    def cells(self, units):
        """The cube cells of the sums; `units` maps unit ids to (path, kind id)."""
        leaves = grassroots_kinds()
        out = _new_cells()
        chains = {}
        for (unit_id, month, kind_id, dim, dim_id), values in self.base.items():
            chain = chains.get(unit_id)
            if chain is None:
                path, unit_kind = units[unit_id]
                ids = path_ids(path)
                last = len(ids) - 1
                chain = chains[unit_id] = [
                    (level, ancestor, ids[level + 1] if level < last else ancestor)
                    for level, ancestor in enumerate(ids)
                    if not (level == last and level > 0 and unit_kind in leaves)
                ]
            for level, ancestor, child in chain:
                if dim and level >= DIM_LEVELS:
                    break
                cell = out[(level, ancestor, month, child, kind_id, dim, dim_id)]
                cell[0] += values[0]
                cell[1] += values[1]
                cell[2] += values[2]
                cell[3] += values[3]
        return out

    def write(self):
        """Add the sums to the cube (inside the caller's transaction); returns the rows written."""
        if not self.base:
            return 0
        units = {
            pk: (path, kind)
            for pk, path, kind in Unit.objects.filter(
                pk__in={key[0] for key in self.base}
            ).values_list("pk", "path", "kind_id")
        }
        return upsert(self.cells(units))


def activities_created(ids):
    """Add the activities `ids`, just bulk-inserted, to the cube: the batch is summed in memory
    first (Sums) and each cell is upserted once (a few statements per batch, not per row)."""
    ids = list(ids)
    if not ids:
        return 0
    links = {name: defaultdict(list) for name, _dim, _col in M2M_DIMS}
    for name, _dim, column in M2M_DIMS:
        through = getattr(Activity, name).through
        for activity_id, ref in through.objects.filter(activity_id__in=ids).values_list(
            "activity_id", column
        ):
            links[name][activity_id].append(ref)
    sums = Sums()
    rows = Activity.all_objects.filter(pk__in=ids, deleted_at__isnull=True).values_list(
        "pk", "unit_id", "date", "kind_id", "sessions", "attendances", "leaflets"
    )
    for pk, unit_id, date, kind_id, sessions, attendances, leaflets in rows:
        sums.add(
            unit_id,
            date,
            kind_id,
            sessions,
            attendances,
            leaflets,
            {name: _ids(links[name][pk]) for name, _dim, _col in M2M_DIMS},
        )
    return sums.write()


# --------------------------------------------------------------------------------------------
# Cells generated in SQL from the raw activities (rebuild and verify)


def _levels_sql(max_depth):
    return "(VALUES " + ", ".join(f"({k})" for k in range(1, max_depth + 1)) + ") AS lv"


def levels_on(dim, level="lv.column1"):
    """The ancestor levels an activity of unit `u` has cells at, in dimension slot `dim`:
    every level down to u's own, but u's own when u is a leaf, and only the top DIM_LEVELS
    levels for a dimension slot."""
    sql = f"u.depth >= {level} AND NOT (u.depth = {level} AND {leaf_sql()})"
    if dim != Dim.NONE:
        sql += f" AND {level} <= {DIM_LEVELS}"
    return sql


def cells_sql(dim, where="", order=False, index_order=False, level_where=""):
    """SELECT of every cube cell of dimension slot `dim` computed from the raw activities
    (alive ones), one row per cell in KEY + MEASURES order. `where` is extra SQL over the
    activity `a` and its unit `u`; `level_where` over `u` and `lv.column1` (the ancestor's
    level, 1 = root); parameters in that order. `order` sorts by KEY (for merging with the
    stored cells); `index_order` by the unique index, so a rebuilt table lies on disk in the
    order rollups read it.

    The activities are first summed per (unit, month, kind, slot value), then each sum is
    spread over the unit's ancestors: a unit's month of twenty activities is one row to spread,
    and a link table is read once per activity, not once per level."""
    q = connection.ops.quote_name
    activity = q(Activity._meta.db_table)
    unit = q(Unit._meta.db_table)
    max_depth = Unit.objects.order_by("-depth").values_list("depth", flat=True).first() or 1
    level = "lv.column1"
    ancestor = f"CAST(substr(u.path, {PATH_STEP} * ({level} - 1) + 1, {PATH_STEP - 1}) AS INTEGER)"
    below = f"CAST(substr(u.path, {PATH_STEP} * {level} + 1, {PATH_STEP - 1}) AS INTEGER)"
    child = f"CASE WHEN u.depth = {level} THEN {ancestor} ELSE {below} END"
    join, dim_value, dim_group = "", "0", ""
    for name, slot, column in M2M_DIMS:
        if slot == dim:
            through = q(getattr(Activity, name).through._meta.db_table)
            join = f"JOIN {through} t ON t.activity_id = a.id"
            dim_value = f"t.{column}"
            dim_group = f", {dim_value}"
    month = month_sql("a.date")
    sums = (
        f"SELECT a.unit_id AS s_unit, {month} AS s_month, a.kind_id AS s_kind, {dim_value} AS s_dim_id, "
        f"COUNT(*) AS s_n, SUM(a.sessions) AS s_sessions, SUM(a.attendances) AS s_attendances, "
        f"SUM(COALESCE(a.leaflets, 0)) AS s_leaflets "
        f"FROM {activity} a JOIN {unit} u ON u.id = a.unit_id {join} "
        f"WHERE a.deleted_at IS NULL {('AND ' + where) if where else ''} "
        f"GROUP BY a.unit_id, {month}, a.kind_id{dim_group}"
    )
    sql = (
        f"SELECT {ancestor} AS f_anc, s.s_month AS f_month, {child} AS f_child, "
        f"s.s_kind AS f_kind, {int(dim)} AS f_dim, s.s_dim_id AS f_dim_id, SUM(s.s_n), "
        f"SUM(s.s_sessions), SUM(s.s_attendances), SUM(s.s_leaflets) "
        f"FROM ({sums}) s JOIN {unit} u ON u.id = s.s_unit "
        f"JOIN {_levels_sql(max_depth)} ON {levels_on(dim)} "
        f"WHERE 1 = 1 {('AND ' + level_where) if level_where else ''} "
        f"GROUP BY f_anc, f_month, f_child, f_kind, f_dim_id"
    )
    if order:
        sql += " ORDER BY f_anc, f_month, f_child, f_kind, f_dim, f_dim_id"
    elif index_order:
        sql += " ORDER BY f_anc, f_dim, f_dim_id, f_month, f_child, f_kind"
    return sql


def _anchor_where(anchor):
    """The cells a rebuild anchored at `anchor` recomputes: every cell of an ancestor inside
    anchor's subtree, and for each ancestor above it the one cell row towards anchor."""
    depth, path = anchor.depth, anchor.path
    parts = [f"(lv.column1 >= {depth} AND u.path LIKE %s)"]
    params = [path + "%"]
    for k in range(1, depth):
        parts.append(f"(lv.column1 = {k} AND u.path LIKE %s)")
        params.append(path[: PATH_STEP * (k + 1)] + "%")
    return "(" + " OR ".join(parts) + ")", params


def _lock_cube(cursor):
    # Writers wait while a rebuild runs, so none of their deltas lands on a row it deletes.
    if connection.vendor == "postgresql":
        cursor.execute(f"LOCK TABLE {_table()} IN EXCLUSIVE MODE")


@transaction.atomic
def rebuild(unit=None):
    """Recompute from the raw activities the cube rows a restructure around `unit` may have
    changed (every row when unit is None). Returns the number of cube rows written."""
    table = _table()
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in KEY + MEASURES)
    unit_table = q(Unit._meta.db_table)
    written = 0
    with connection.cursor() as cursor:
        _lock_cube(cursor)
        if unit is None:
            # TRUNCATE on PostgreSQL gives a fresh heap that the ordered insert fills in index order
            cursor.execute(
                f"TRUNCATE {table}" if connection.vendor == "postgresql" else f"DELETE FROM {table}"
            )
            where, level_where, params = "", "", []
        else:
            unit = Unit.objects.get(pk=unit.pk)
            cursor.execute(
                f"DELETE FROM {table} WHERE ancestor_id IN (SELECT id FROM {unit_table} WHERE path LIKE %s)",
                [unit.path + "%"],
            )
            ids = path_ids(unit.path)
            for k in range(len(ids) - 1):
                cursor.execute(
                    f"DELETE FROM {table} WHERE ancestor_id = %s AND child_id = %s",
                    [ids[k], ids[k + 1]],
                )
            level_where, params = _anchor_where(unit)
            # every activity the anchored cells sum lies under the anchor's top ancestor below the root
            where, params = "u.path LIKE %s", [unit.path[: PATH_STEP * 2] + "%"] + params
        for dim in Dim:
            sql = cells_sql(dim, where, index_order=True, level_where=level_where)
            cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
            written += max(cursor.rowcount, 0)
    facts_rebuilt.send(sender=rebuild, unit=unit)
    return written


def anchors_for(unit):
    """The unit itself and every former parent of a unit moved out of or into it: the cube rows
    of both the old and the new place of a move are recomputed."""
    anchors = {unit.pk: unit}
    events = UnitEvent.objects.filter(kind=UnitEventKind.MOVED).filter(
        unit=unit
    ) | UnitEvent.objects.filter(kind=UnitEventKind.MOVED, new_parent=unit)
    for event in events.select_related("old_parent"):
        if event.old_parent is not None:
            anchors.setdefault(event.old_parent_id, event.old_parent)
    return list(anchors.values())


def unit_moved(unit, old_parent):
    """Carry `unit`'s subtree from its old place to its new one in the cube, right after
    org.services.move_unit (inside its transaction): the subtree's sums leave every row of the
    old chain of ancestors and join every row of the new chain; rows inside the subtree do not
    change. The sums are read from the subtree's raw activities (the cube has no row holding
    a district's topic slots, see the module's docstring): one INSERT … SELECT per dimension
    slot, root first. A move that changes the unit's depth changes which of its own rows keep
    slots: then the cells around both places are rebuilt. Two statements (paths, one INSERT)."""
    paths = dict(Unit.objects.filter(pk__in=[unit.pk, old_parent.pk]).values_list("pk", "path"))
    chains = moved_chains(unit, old_parent, paths)
    if not chains:
        return 0
    if len(paths[unit.pk]) != len(paths[old_parent.pk]) + PATH_STEP:
        return rebuild_after_move(unit, old_parent)
    q = connection.ops.quote_name
    table = _table()
    columns = ", ".join(
        q(c) for c in ("ancestor_id", "child_id", "month", "kind_id", "dim", "dim_id", *MEASURES)
    )
    updates = ", ".join(f"{q(m)} = {table}.{q(m)} + EXCLUDED.{q(m)}" for m in MEASURES)
    conflict = ", ".join(q(c) for c in CONFLICT)
    selects = []
    for dim in Dim:
        rows = {k: v for k, v in chains.items() if dim == Dim.NONE or k[0] < DIM_LEVELS}
        if not rows:
            continue
        values = ", ".join(
            f"({int(lv)}, {int(a)}, {int(c)}, {int(sign)})"
            for (lv, a, c), sign in sorted(rows.items())
        )
        join, dim_value = "", "0"
        for name, slot, column in M2M_DIMS:
            if slot == dim:
                join = f"JOIN {q(getattr(Activity, name).through._meta.db_table)} t ON t.activity_id = a.id"
                dim_value = f"t.{column}"
        month = month_sql("a.date")
        selects.append(
            f"SELECT c.column1 AS m_level, c.column2 AS m_anc, c.column3 AS m_child, {month} AS m_month, "
            f"a.kind_id AS m_kind, {int(dim)} AS m_dim, {dim_value} AS m_dim_id, c.column4 * COUNT(*) AS m_a, "
            f"c.column4 * SUM(a.sessions) AS m_s, c.column4 * SUM(a.attendances) AS m_p, "
            f"c.column4 * SUM(COALESCE(a.leaflets, 0)) AS m_l "
            f"FROM {q(Activity._meta.db_table)} a JOIN {q(Unit._meta.db_table)} u ON u.id = a.unit_id {join} "
            f"CROSS JOIN (VALUES {values}) AS c WHERE a.deleted_at IS NULL AND u.path LIKE %s "
            f"GROUP BY c.column1, c.column2, c.column3, c.column4, {month}, a.kind_id"
            + (f", {dim_value}" if join else "")
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT m_anc, m_child, m_month, m_kind, m_dim, m_dim_id, "
            f"m_a, m_s, m_p, m_l FROM ({' UNION ALL '.join(selects)}) AS m WHERE 1 = 1 "
            f"ORDER BY m_level, m_anc, m_child, m_month, m_kind, m_dim, m_dim_id "
            f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}",
            [paths[unit.pk] + "%"] * len(selects),
        )
        return max(cursor.rowcount, 0)


def tidy():
    """After a large rebuild on PostgreSQL: fresh statistics and visibility map for the cube
    (outside any transaction; a no-op elsewhere)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {_table()}")


def rebuild_after_move(unit, old_parent):
    """The cells a move of `unit` away from `old_parent` changed: those around the old place
    and those around the new one (the relative rows inside the subtree do not change)."""
    written = rebuild(old_parent) if old_parent is not None else 0
    return written + rebuild(unit)


def stored_cells_sql():
    return (
        f"SELECT {', '.join(KEY + MEASURES)} FROM {_table()} "
        "WHERE activities <> 0 OR sessions <> 0 OR attendances <> 0 OR leaflets <> 0 "
        "ORDER BY ancestor_id, month, child_id, kind_id, dim, dim_id"
    )


def _normal(row):
    row = list(row)
    if isinstance(row[1], str):
        row[1] = datetime.date.fromisoformat(row[1])
    elif isinstance(row[1], datetime.datetime):
        row[1] = row[1].date()
    return tuple(int(v) if i != 1 else v for i, v in enumerate(row))


def _stream(sql, params=()):
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            batch = cursor.fetchmany(5000)
            if not batch:
                return
            for row in batch:
                yield _normal(row)


def verify(limit=None):
    """Every difference between the stored cube and the cube recomputed from the raw
    activities, as (key, stored measures or None, expected measures or None). Streams both
    sides sorted and merges them, so memory stays flat at national scale."""
    differences = []
    with transaction.atomic():  # one snapshot for both sides; server-side cursors on PostgreSQL
        expected = _merged_expected()
        stored = _stream(stored_cells_sql())
        e, s = next(expected, None), next(stored, None)
        while e is not None or s is not None:
            ek = e[:6] if e else None
            sk = s[:6] if s else None
            if s is None or (e is not None and ek < sk):
                differences.append((ek, None, e[6:]))
                e = next(expected, None)
            elif e is None or sk < ek:
                differences.append((sk, s[6:], None))
                s = next(stored, None)
            else:
                if e[6:] != s[6:]:
                    differences.append((ek, s[6:], e[6:]))
                e, s = next(expected, None), next(stored, None)
            if limit and len(differences) >= limit:
                break
    return differences


def _merged_expected():
    """The expected cells of all dimension slots in one sorted stream (each slot's query is
    sorted; a k-way merge on the key keeps the order without sorting everything at once)."""
    import heapq

    streams = [_stream(cells_sql(dim, order=True)) for dim in Dim]
    yield from heapq.merge(*streams, key=lambda r: r[:6])


# --------------------------------------------------------------------------------------------
# The tree's announcements and the registry's Cube (binhyen.figures.registry.Cube)


def on_unit_moved(sender, unit, old_parent, **_kwargs):
    """Receiver of org.signals.unit_moved (connected in ActivitiesConfig.ready())."""
    unit_moved(unit, old_parent)


def on_unit_kind_changed(sender, unit, **_kwargs):
    """Receiver of org.signals.unit_kind_changed: a grassroots union has no row of its own (its
    parent's row holds it), so becoming one, or ceasing to be, changes which rows it has."""
    rebuild(unit)


MEASURE_WORDS = ("hoạt động", "cuộc", "lượt người", "tờ rơi")


def rebuild_for(unit=None, say=None):
    """Cube.rebuild: the cells around `unit` and every former parent of a unit moved out of or
    into it (anchors_for), or the whole cube (then tidied)."""
    if unit is None:
        if say:
            say("Tính lại toàn bộ số liệu tổng hợp…")
        written = rebuild()
        tidy()
        return written
    written = 0
    for anchor in anchors_for(unit):
        if say:
            say(f"Tính lại quanh {anchor.code} — {anchor.name}…")
        written += rebuild(anchor)
    return written


def _describe(values):
    if values is None:
        return "(không có)"
    return ", ".join(f"{v} {m}" for v, m in zip(values, MEASURE_WORDS, strict=True))


def verify_lines(limit=None):
    """Cube.verify: a line per stored cell that differs from its recomputation."""
    lines = []
    for (ancestor, month, child, kind, dim, dim_id), stored, expected in verify(limit=limit):
        lines.append(
            f"đơn vị {ancestor} / nhánh {child}, tháng {month:%m/%Y}, loại {kind}, "
            f"{Dim(dim).label} {dim_id}: đang lưu {_describe(stored)}; tính lại {_describe(expected)}"
        )
    return lines
