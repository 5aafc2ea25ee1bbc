"""The tree as it stood: which child of a unit a record counts under, through today's tree or
through the tree on an earlier day (`Attribution`), and the unit kinds that are grassroots
unions. Read by every rollup (binhyen.reporting.rollup) and by the apps' figure sources."""

from django.db.models import Q

from .models import PATH_STEP, Unit, UnitEvent, UnitEventKind, UnitKind

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
                .order_by("date", "id")
                .values_list("unit_id", "old_parent_id")
            ):
                relocated.setdefault(unit_id, old_parent)
            if relocated:
                self._build(relocated)

    def _build(self, relocated):
        tree = {
            pk: (parent, path, kind, depth)
            for pk, parent, path, kind, depth in Unit.objects.values_list(
                "id", "parent_id", "path", "kind_id", "depth"
            )
        }
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
        current = Unit.objects.filter(pk__in=touched, parent=self.unit).values_list(
            "path", flat=True
        )
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
