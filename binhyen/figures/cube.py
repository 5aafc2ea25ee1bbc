"""The cube library: what every app's cube shares — the materialized path read as ancestor
ids, the grassroots union that has no row of its own, a move's chains of ancestors and the
one statement that carries a subtree's sums along them, month arithmetic in SQL on SQLite and
PostgreSQL, and the split of a period into whole months (read from a cube) and edge days (read
from the records).

A cube here is a table of derived cells keyed (ancestor, child on the path down — or the
ancestor itself for its own records —, …): a rollup of unit X by child is a GROUP BY over X's
rows only, whatever the size of X's subtree. Each app owns its cube table and its upkeep
(binhyen.activities.cube, binhyen.groups.cube); nothing here knows an app.
"""

import datetime
from collections import defaultdict

from django.db import connection

from binhyen.core.periods import _add_months, _month_end
from binhyen.org.history import grassroots_kinds
from binhyen.org.models import PATH_STEP, Unit


def is_leaf(unit):
    """A grassroots union below the root: its figures are its parent's row for it."""
    return unit.depth > 1 and unit.kind_id in grassroots_kinds()


def path_ids(path):
    return [int(path[i : i + PATH_STEP - 1]) for i in range(0, len(path), PATH_STEP)]


def month_sql(column):
    """SQL for the first day of `column`'s month (a date), on SQLite and PostgreSQL."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def leaf_sql(column="u"):
    """SQL true for a unit (alias `column`) that is a grassroots union below the root."""
    kinds = sorted(grassroots_kinds())
    if not kinds:
        return "1 = 0"
    return f"({column}.depth > 1 AND {column}.kind_id IN ({', '.join(str(int(k)) for k in kinds)}))"


def moved_chains(unit, old_parent, paths=None):
    """{(level, ancestor, child): +1 or −1}: the cells of `unit`'s subtree totals that a move
    from `old_parent` to its current parent removes (old chain of ancestors) and adds (new
    chain), netted where the two chains share a row. One query (both paths) unless given."""
    if paths is None:
        paths = dict(Unit.objects.filter(pk__in=[unit.pk, old_parent.pk]).values_list("pk", "path"))
    new = path_ids(paths[unit.pk])
    if len(new) > 1 and new[-2] == old_parent.pk:
        return {}
    net = defaultdict(int)
    for chain, sign in ((path_ids(paths[old_parent.pk]) + [unit.pk], -1), (new, 1)):
        for level in range(len(chain) - 1):
            net[(level, chain[level], chain[level + 1])] += sign
    return {k: v for k, v in net.items() if v}


def carry_sql(table, unit_id, chains, group_columns, sums, conflict):
    """One INSERT … SELECT … ON CONFLICT that adds, for every (level, ancestor, child, sign) of
    `chains`, sign × the unit's own row of the cube (summed over its children) to the cell
    (ancestor, child, …): a unit move carried by the database in one statement, root first."""
    q = connection.ops.quote_name
    values = ", ".join(
        f"({int(lv)}, {int(a)}, {int(c)}, {int(sign)})"
        for (lv, a, c), sign in sorted(chains.items())
    )
    groups = ", ".join(f"s.{q(g)}" for g in group_columns)
    columns = ", ".join(q(c) for c in ("ancestor_id", "child_id", *group_columns, *sums))
    totals = ", ".join(f"c.column4 * SUM(s.{q(m)})" for m in sums)
    updates = ", ".join(f"{q(m)} = {table}.{q(m)} + EXCLUDED.{q(m)}" for m in sums)
    return (
        f"INSERT INTO {table} ({columns}) SELECT c.column2, c.column3, {groups}, {totals} "
        f"FROM {table} s CROSS JOIN (VALUES {values}) AS c WHERE s.ancestor_id = {int(unit_id)} "
        f"GROUP BY c.column1, c.column2, c.column3, c.column4, {groups} "
        f"ORDER BY c.column1, c.column2, c.column3, {groups} "
        f"ON CONFLICT ({', '.join(q(c) for c in conflict)}) DO UPDATE SET {updates}"
    )


_DAYS = {}


def as_date(value):
    if type(value) is datetime.date:
        return value
    if isinstance(value, str):  # SQLite returns dates as text: parse each distinct one once
        if value not in _DAYS:
            _DAYS[value] = datetime.date.fromisoformat(value[:10])
        return _DAYS[value]
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


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
