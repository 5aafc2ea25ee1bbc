"""The tree as it stood: which child of a unit a record counts under, through today's tree or
through the tree on an earlier day (`Attribution`), the two bases a figure is given on, and the
unit kinds that are grassroots unions. Read by every rollup (binhyen.reporting.rollup), by the
apps' figure sources and by the lists whose totals are those figures.

The two bases, named the same way on every page, export, report and in the API:

- **WAS** — "theo cơ cấu tại thời điểm phát sinh": each record counts under the tree as it
  stood on the record's own date, so a restructure never changes a past figure and the four
  quarters add up to the year; a stock is valued on the period's last day under that day's
  tree. `segments(period)` cuts the period at the dates units moved inside it: within one
  segment the tree does not change, so the segment is read through the tree of its last day.
- **NOW** — "theo cơ cấu hiện nay": today's tree for every record, history restated (what a
  merged province uses to compare its whole history).

`choose(unit, period, asked)` is the one place a basis is chosen: what the reader asked, else
WAS for a period that has ended and NOW for the current one; a closed unit has no subtree
today, so it is always read as it was. The API's `as_of=DATE` (any tree on any day) stays
beside the two bases.
"""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhyen.core.periods import Period, today

from .models import PATH_STEP, Unit, UnitEvent, UnitEventKind, UnitKind
from .scoping import outermost

WAS, NOW = "was", "now"
BASES = {
    WAS: _("theo cơ cấu tại thời điểm phát sinh"),
    NOW: _("theo cơ cấu hiện nay"),
}


def choose(unit, period, asked=None):
    """The basis to read `unit` over `period` on: `asked` (WAS or NOW) when it may be, else the
    default. A closed unit is always read as it was."""
    if unit is not None and unit.valid_to is not None and unit.valid_to < today():
        return WAS
    if asked in BASES:
        return asked
    return WAS if period.end < today() else NOW


def other(basis):
    return NOW if basis == WAS else WAS


def switchable(unit):
    """Whether the reader may switch bases for `unit` (not for a closed unit)."""
    return not (unit.valid_to is not None and unit.valid_to < today())


def note(query, unit, basis):
    """What a page says of its basis, for binhyen/templates/_basis.html: the basis read and,
    unless the unit is closed, the link to the same page on the other basis (`query`: the
    page's GET parameters, a QueryDict)."""
    switch = None
    if switchable(unit):
        q = query.copy()
        q["basis"] = other(basis)
        q.pop("page", None)
        switch = {"label": BASES[other(basis)], "url": "?" + q.urlencode()}
    return {"code": basis, "label": BASES[basis], "other": switch}


def open_part(unit, period, basis):
    """On WAS, the part of `period` while `unit` was open when it closed inside it: nothing
    counted under it after its last day, and its stocks are valued on that day."""
    if basis == WAS and unit.valid_to is not None and period.start <= unit.valid_to < period.end:
        return Period(period.start, unit.valid_to, f"{period.start}..{unit.valid_to}", "range")
    return period


def within(unit, period, basis, unit_field="unit", date_field="date", moment=False):
    """A Q over dated records (`date_field`) in `period` whose unit (`unit_field`) lay under
    `unit` on `basis`: on WAS under the tree of the record's own date, on NOW under today's.
    What a list shows is then what the rollup counts (the activity list, a report's changed
    records). The units of an earlier tree are named by id (the subtree's units then).
    With `moment`, `date_field` is a date and time: a day runs from its local midnight to the
    next (a range the column's index answers, not a cast of every row to a date)."""

    def bounds(part):
        if not moment:
            return {f"{date_field}__gte": part.start, f"{date_field}__lte": part.end}
        zone = timezone.get_current_timezone()
        first = datetime.datetime.combine(part.start, datetime.time.min, tzinfo=zone)
        after = datetime.datetime.combine(
            part.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return {f"{date_field}__gte": first, f"{date_field}__lt": after}

    q = Q(pk__in=[])
    for part, attr in trees(unit, open_part(unit, period, basis), basis):
        if attr.mapped:
            ids = sorted(u for u, where in attr.position.items() if where is not None)
            cond = Q(**{f"{unit_field}_id__in": ids})
        else:
            cond = Q(**{f"{unit_field}__path__startswith": unit.path})
        q |= cond & Q(**bounds(part))
    return q


def moves_after(day):
    """[(unit id, old parent id, date)] of the moves dated after `day`, in date order."""
    return list(
        UnitEvent.objects.filter(kind=UnitEventKind.MOVED, date__gt=day)
        .order_by("date", "id")
        .values_list("unit_id", "old_parent_id", "date")
    )


def segments(period, basis, events=None):
    """[(part of `period`, as_of day or None for today's tree)]: one part on NOW; on WAS, the
    period cut at the days units moved inside it (a move dated D puts the unit under its new
    parent from D on), each part read through the tree of its last day. One query on WAS
    unless `events` (moves_after(period.start)) are given."""
    if basis != WAS:
        return [(period, None)]
    if events is None:
        events = moves_after(period.start)
    days = sorted({day for _u, _p, day in events if day <= period.end})
    starts = [period.start, *days]
    parts = []
    for n, start in enumerate(starts):
        end = starts[n + 1] - datetime.timedelta(days=1) if n + 1 < len(starts) else period.end
        part = period if len(starts) == 1 else Period(start, end, f"{start}..{end}", "range")
        parts.append((part, end))
    return parts


class Snapshot:
    """The moves since a day and the whole tree, each read once for all the engines of one
    page (a dashboard reads its period and the one before it through the same reads)."""

    def __init__(self, since):
        self.since = since
        self._events = None
        self._units = None

    def moves_after(self, day):
        if day < self.since:
            return moves_after(day)
        if self._events is None:
            self._events = moves_after(self.since)
        return [e for e in self._events if e[2] > day]

    def units(self):
        if self._units is None:
            self._units = _read_units()
        return self._units


def trees(unit, period, basis, snapshot=None):
    """[(part of `period`, Attribution)]: the tree each part of the period is read through on
    `basis` (see segments), from one read of the moves (none on NOW), shared through
    `snapshot` when given."""
    if basis != WAS:
        return [(period, Attribution(unit))]
    snapshot = snapshot or Snapshot(period.start)
    events = snapshot.moves_after(period.start)
    return [
        (part, Attribution(unit, day, events=events, snapshot=snapshot))
        for part, day in segments(period, basis, events)
    ]


def _read_units():
    return {
        pk: (parent, path, kind, depth)
        for pk, parent, path, kind, depth in Unit.objects.values_list(
            "id", "parent_id", "path", "kind_id", "depth"
        )
    }


SELF = "self"  # the breakdown key of a unit's own records (a federation's own conferences)

_GRASSROOTS_KINDS = None


def grassroots_kinds():
    """The ids of the unit kinds that are grassroots unions (kept per process; see forget_kinds)."""
    global _GRASSROOTS_KINDS
    if _GRASSROOTS_KINDS is None:
        _GRASSROOTS_KINDS = frozenset(
            UnitKind.objects.filter(is_grassroots=True).values_list("pk", flat=True)
        )
    return _GRASSROOTS_KINDS


def forget_kinds(**_kwargs):
    """Receiver: a unit kind was saved or deleted, or the database migrated."""
    global _GRASSROOTS_KINDS
    _GRASSROOTS_KINDS = None


class Attribution:
    """Which child of `unit` a record of unit u counts under: through today's tree (in SQL,
    from the materialized path) or through the tree as it stood on `as_of` (in Python)."""

    def __init__(self, unit, as_of=None, events=None, snapshot=None):
        """`events`: the moves dated after `as_of` (or later ones too), as (unit id, old
        parent id, date) in date order, when the caller has read them already (`trees`);
        `snapshot`: the page's Snapshot, whose tree is read once."""
        self.unit = unit
        self.snapshot = snapshot
        self.as_of = as_of
        self.length = len(unit.path)
        self.mapped = False
        self.prefixes = [unit.path]
        if as_of is not None:
            if events is None:
                events = (snapshot.moves_after if snapshot else moves_after)(as_of)
            relocated = {}
            for unit_id, old_parent, day in events:
                if day > as_of:
                    relocated.setdefault(unit_id, old_parent)
            if relocated:
                self._build(relocated)

    def _build(self, relocated):
        tree = self.snapshot.units() if self.snapshot is not None else _read_units()
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
        self.prefixes = outermost(
            [self.unit.path] + [p for p in moved_in.values() if not p.startswith(self.unit.path)]
        )
        # The children whose subtree differs between the two trees: a unit that moved since
        # from one child to another (or into or out of the unit) touches both. A move inside
        # one child's subtree (a union from its district to a new ward of the same province)
        # touches nothing here. Every other child's figures are its row in today's cube.
        touched = set()
        top = self.unit.pk
        for u, path in paths.items():
            if u == top:
                continue
            inside = path.startswith(self.unit.path) and len(path) > self.length
            new = self.key_of_path(path[: self.length + PATH_STEP]) if inside else None
            old = position.get(u)
            if old != new:
                touched |= {k for k in (old, new) if k is not None}
        self.touched = touched
        current = [tree[pk][1] for pk in touched if pk in tree and tree[pk][0] == self.unit.pk]
        # the prefixes whose units' own cells are read: nested ones are read once
        self.touched_prefixes = outermost(
            current + [p for u, p in moved_in.items() if position[u] in touched]
        )
        self.mapped = True

    def leaf_pairs(self):
        """(parent, unit) of each touched prefix that is itself a grassroots union not inside
        another prefix: its own figures are its parent's row for it (read once per rollup)."""
        if not hasattr(self, "_leaf_pairs"):
            prefixes = set(self.touched_prefixes)
            leaves = grassroots_kinds()
            self._leaf_pairs = [
                (parent, pk)
                for pk, (parent, path, kind, depth) in self.tree.items()
                if path in prefixes
                and depth > 1
                and kind in leaves
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

    def children_q(self, period):
        """Q for the child units to list: those open on at least one day of the period."""
        under = Q(pk__in=self.child_ids) if self.mapped else Q(parent=self.unit)
        return (
            under
            & Q(valid_from__lte=period.end)
            & (Q(valid_to__isnull=True) | Q(valid_to__gte=period.start))
        )

    def children(self, period):
        return list(Unit.objects.filter(self.children_q(period)).values_list("pk", "code", "name"))
