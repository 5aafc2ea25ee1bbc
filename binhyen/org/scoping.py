"""The one scoping mechanism: every query that returns records to a person goes through here.

A model opts in by using `ScopedQuerySet.as_manager()` (or a subclass) and naming, as class
attributes, the path from itself to its owning `org.Unit` (`scope_unit`, "" for Unit itself)
and optionally to the ward a police liaison is scoped to (`scope_ward`). Roles are held
over a unit's whole subtree, so a scope is a handful of materialized-path prefixes.

Figures follow the same scope as records: `figure_scope(user, unit)` says which figures of a
unit's subtree a person reads, and every figure endpoint and page asks it (the rollup API and
the dashboard with its Excel export and figure-source page, the groups' stock figures, panel
and ward map) — no view builds its own filter.

- **full**: a unit role (viewer, editor, approver, admin) over the unit, or a superuser: every
  figure of the whole subtree. A person holding both a unit role and a police role keeps these
  figures for the units they hold.
- **wards**: a police liaison (or a unit role holder on a unit they do not hold but see through
  their wards): only what the records of their wards add up to — groups, their members and
  the boarding houses they cover, cameras, units located there — counted through each model's
  own `scope_ward`, so a figure never exceeds what `visible_to` lists. A record type with no
  ward (activities, and what is counted from them: units with activities, the outreach share)
  gives no figure at all: the API refuses such an indicator with 403 and a message naming it,
  pages leave it out and say "không thuộc phạm vi xem", and a breakdown by child unit lists only
  the children with a figure in those wards.
- **nothing**: neither (the callers have already answered 404 for a unit the person cannot see).

Writes ask here too, by what the person does over a unit: `Unit.objects.administered_by(user)`
(admins: the units themselves, roles, restructures) and `Unit.objects.recordable_by(user)`
(editors and admins: activities, documents, groups) are the named unit sets; a service refuses
with `require_role_over(actor, unit, roles)`, a page asks `holds_role_over` or `may_record`.
A record's own `Model.objects.editable_by(user)` means "may change this record", and a service
refuses a change with `require_editable(actor, record, message)`.

**Heirs read their closed predecessors' history, read-only.** The 2025 reform closed every
district federation (its grassroots unions moved to ward unions, often under another province)
and merged provinces. Whoever holds a unit role over a closed unit's heir reads the closed
unit: its page, lists, figures, reports and history. The heirs of a closed unit (one whose
`valid_to` is set) are its `successor` and the new parents of the units that moved out of it
(MOVED events whose old_parent it is), transitively: an heir that is itself closed passes on
its own heirs. A closed unit is read when one of its heirs lies inside the units the person
holds a role over, and with it its current subtree (what stayed under it: closed too, since
`close_unit` refuses open children). So LĐLĐ TP Mỹ Tho (closed 30/06/2025, its unions moved to
Đồng Tháp's ward unions) and LĐLĐ tỉnh Tiền Giang (merged into Đồng Tháp, Mỹ Tho still under it)
are read by Đồng Tháp's people, and a district merged into Mỹ Tho in 2021 through it. Only the
read scope (`VIEW_ROLES`: `visible_to`, `held_by`, `figure_scope`, `holds_role_over(user,
VIEW_ROLES, …)`) gains these paths, after the person's own; editing, recording, approving and
administering (`editable_by`, `recordable_by`, `approvable_by`, `administered_by`,
`require_role_over`) stay on the units they hold. `_inherited_paths` finds them once per
request and user, with the rest of the scope: one query, and one more for each further step of
a chain of closed predecessors (a district merged into another before both closed).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VIEWER = "viewer", _("Xem")
    EDITOR = "editor", _("Nhập liệu")
    APPROVER = "approver", _("Phê duyệt")
    ADMIN = "admin", _("Quản trị")
    POLICE = "police", _("Công an phường (liên lạc)")
    # reads the sealed identity of tips' senders over the subtree (binhyen.incidents.seal);
    # held beside a unit role, never implied by one, not even by a superuser's
    IDENTITY = "identity", _("Xem danh tính người báo tin")


VIEW_ROLES = frozenset({Role.VIEWER, Role.EDITOR, Role.APPROVER, Role.ADMIN})
EDIT_ROLES = frozenset({Role.EDITOR, Role.ADMIN})
APPROVE_ROLES = frozenset({Role.APPROVER, Role.ADMIN})
ADMIN_ROLES = frozenset({Role.ADMIN})


@dataclass
class Scope:
    everything: bool = False
    paths: list = field(default_factory=list)
    ward_ids: list = field(default_factory=list)

    @property
    def empty(self):
        return not (self.everything or self.paths or self.ward_ids)

    def covers_path(self, path):
        return self.everything or any(path.startswith(p) for p in self.paths)

    def q(self, prefix_field="path"):
        """The Q for "inside one of the scope's subtrees" on `prefix_field` (a materialized
        path, e.g. "unit__path"): Q() when the scope is everything, a Q matching nothing when
        it holds no subtree. Wards are not in it: a model's `scope_ward` adds them."""
        if self.everything:
            return Q()
        if not self.paths:
            return Q(pk__in=[])
        q = Q()
        for p in self.paths:
            q |= Q(**{f"{prefix_field}__startswith": p})
        return q


def outermost(paths):
    """Drop paths that lie inside another path of the list; the rest highest first (then by
    path), so the first is the person's top unit."""
    kept = []
    for p in sorted(set(paths), key=lambda p: (len(p), p)):
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return kept


def _inherited_paths(paths):
    """The outermost paths of the closed units read as heirs by a person holding roles over
    `paths` (see the module docstring), one query per step. The first step looks for the
    closed units outside `paths` whose successor, or the new parent of a unit that moved out
    of them, lies under `paths` (asking only for the MOVED events whose new_parent lies there, not
    the ~135,000 of a national reform); each further step for those whose heir is a unit the
    step before found, and runs only if that step saw such a unit exists."""
    from binhyen.org.models import Unit, UnitEvent, UnitEventKind

    held = Scope(paths=paths).q("path")
    heirs, found = Unit.objects.filter(held), {}
    while True:
        closed = (
            Unit.objects.filter(valid_to__isnull=False)
            .exclude(held)
            .exclude(pk__in=list(found))
            .order_by()  # no ORDER BY inside the UNION
            # some closed unit names this one as its heir: the chain goes on from it
            .annotate(
                passes_on=Exists(
                    Unit.objects.filter(successor=OuterRef("pk"), valid_to__isnull=False)
                )
                | Exists(
                    UnitEvent.objects.filter(
                        kind=UnitEventKind.MOVED,
                        new_parent=OuterRef("pk"),
                        old_parent__valid_to__isnull=False,
                    )
                )
            )
        )
        moved_out = UnitEvent.objects.filter(kind=UnitEventKind.MOVED, new_parent__in=heirs)
        # `successor__isnull` lets the database start from the few units that have one
        by_successor = closed.filter(successor__isnull=False, successor__in=heirs)
        by_move = closed.filter(pk__in=moved_out.values("old_parent"))
        rows = by_successor.values_list("pk", "path", "passes_on").union(
            by_move.values_list("pk", "path", "passes_on")
        )
        heirs = []
        for pk, path, passes_on in rows:
            found[pk] = path
            if passes_on:
                heirs.append(pk)
        if not heirs:
            return outermost(found.values())


def scope_of(user, roles, include_police=False):
    """The unit paths (and wards) over which `user` holds any of `roles`, and for the read
    scope (`VIEW_ROLES`) after them the closed units they read as heirs; cached per user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True)
    cache = user.__dict__.setdefault("_binhyen_scope", {})
    key = (frozenset(roles), include_police)
    if key not in cache:
        from binhyen.org.models import Assignment

        # every active assignment, read once per user and request whatever the role sets asked
        if "rows" not in cache:
            cache["rows"] = list(
                Assignment.objects.filter(user=user, active=True).values_list(
                    "role", "unit__path", "id"
                )
            )
        rows = cache["rows"]
        paths = outermost(path for role, path, _ in rows if role in roles and path)
        if paths and frozenset(roles) == VIEW_ROLES:  # reading only: heirs never edit
            if "inherited" not in cache:
                cache["inherited"] = _inherited_paths(paths)
            paths += cache["inherited"]
        ward_ids = []
        police_ids = [pk for role, _, pk in rows if role == Role.POLICE] if include_police else []
        if police_ids:
            if "wards" not in cache:
                cache["wards"] = list(
                    Assignment.wards.through.objects.filter(
                        assignment_id__in=police_ids
                    ).values_list("area_id", flat=True)
                )
            ward_ids = cache["wards"]
        cache[key] = Scope(paths=paths, ward_ids=sorted(set(ward_ids)))
    return cache[key]


def holds_role_over(user, roles, unit):
    """Whether `user` holds one of `roles` over `unit` (a Unit read from the database; None or
    an unsaved one: no): the same rule as the named unit sets (`administered_by`,
    `recordable_by`), answered from the user's scope without a query for the unit."""
    if unit is None or unit.pk is None:
        return False
    return scope_of(user, roles).covers_path(unit.path or "")


def may_record(user):
    """Whether `user` may record for any unit (`recordable_by(user)` is not empty): the pages'
    "add" and "import" buttons and the import pages. No query beyond the cached scope."""
    return not scope_of(user, EDIT_ROLES).empty


# What a refusal says when the caller gives no words of its own. Unknown and unseen units get
# the same words: a refusal never confirms that a unit outside the scope exists.
REFUSALS = {
    ADMIN_ROLES: _("Đơn vị không tồn tại hoặc nằm ngoài phạm vi bạn được quản trị."),
    EDIT_ROLES: _("Đơn vị không tồn tại hoặc nằm ngoài phạm vi bạn được nhập liệu."),
}


def require_role_over(actor, unit, roles, field="unit", message=None, missing=None):
    """The one write-side check: raise ValidationError({field: message}) unless `actor` holds
    one of `roles` over `unit`. A None unit gets `missing` when given ("Hãy chọn đơn vị…"),
    else the same refusal; `message` defaults to REFUSALS[roles]."""
    if unit is None and missing is not None:
        raise ValidationError({field: missing})
    if not holds_role_over(actor, roles, unit):
        raise ValidationError({field: message or REFUSALS[frozenset(roles)]})


def require_editable(actor, record, message, field="unit"):
    """require_role_over's twin for a record: raise ValidationError({field: message}) unless
    `actor` may change `record` (its model's `editable_by`; an unsaved one: no). 1 query."""
    if (
        record.pk is None
        or not type(record).objects.editable_by(actor).filter(pk=record.pk).exists()
    ):
        raise ValidationError({field: message})


FULL, WARDS, NOTHING = "full", "wards", "nothing"


@dataclass(frozen=True)
class FigureScope:
    """Which figures of one unit's subtree a person reads (see the module docstring)."""

    kind: str
    ward_ids: tuple = ()

    @property
    def full(self):
        return self.kind == FULL

    @property
    def wards_only(self):
        return self.kind == WARDS

    @property
    def nothing(self):
        return self.kind == NOTHING

    def covers(self, model):
        """Whether figures counting `model`'s records may be given at all: any under the full
        scope, those of a model that names its ward (`scope_ward`) under a ward scope."""
        if self.full:
            return True
        return self.wards_only and getattr(model, "scope_ward", None) is not None

    def restrict(self, queryset):
        """`queryset` (already cut to the unit's subtree) cut to this scope: unchanged when
        full, the records of the scope's wards through the model's `scope_ward`, else none."""
        if self.full:
            return queryset
        if not self.covers(queryset.model):
            return queryset.none()
        return queryset.filter(**{f"{queryset.model.scope_ward}__in": list(self.ward_ids)})


FULL_SCOPE = FigureScope(FULL)
NO_FIGURES = FigureScope(NOTHING)


def figure_scope(user, unit):
    """The FigureScope of `user` over `unit`'s subtree: full where they hold a unit role over
    it (or are a superuser), their police wards only otherwise, else nothing. No query beyond
    the user's cached scope."""
    if unit is None:
        return NO_FIGURES
    if scope_of(user, VIEW_ROLES).covers_path(unit.path or ""):
        return FULL_SCOPE
    wards = scope_of(user, VIEW_ROLES, include_police=True).ward_ids
    if wards:
        return FigureScope(WARDS, tuple(wards))
    return NO_FIGURES


def forget_scope(user):
    """Call after changing a user's assignments inside one request."""
    user.__dict__.pop("_binhyen_scope", None)


class ScopedQuerySet(models.QuerySet):
    """`visible_to(user)` / `editable_by(user)`: the only permission filters in the project."""

    def _unit_prefix(self):
        path = getattr(self.model, "scope_unit", "unit")
        return f"{path}__" if path else ""

    def _filter_scope(self, scope):
        if scope.everything:
            return self
        if scope.empty:
            return self.none()
        q = scope.q(f"{self._unit_prefix()}path") if scope.paths else Q()
        ward_field = getattr(self.model, "scope_ward", None)
        if scope.ward_ids and ward_field:
            q |= Q(**{f"{ward_field}__in": scope.ward_ids})
        if not q:
            return self.none()
        return self.filter(q)

    def visible_to(self, user):
        police = getattr(self.model, "scope_ward", None) is not None
        return self._filter_scope(scope_of(user, VIEW_ROLES, include_police=police))

    def editable_by(self, user):
        """Records `user` may change: the model's `scope_edit_roles` (editors and admins unless
        it says otherwise) over the record's unit."""
        return self._filter_scope(
            scope_of(user, getattr(self.model, "scope_edit_roles", EDIT_ROLES))
        )

    def approvable_by(self, user):
        return self._filter_scope(scope_of(user, APPROVE_ROLES))

    def held_by(self, user):
        """Records under the units over which `user` holds a unit role: those whose whole
        figures they read (`figure_scope` is full), without what police wards add."""
        return self._filter_scope(scope_of(user, VIEW_ROLES))


class UnitScopedQuerySet(ScopedQuerySet):
    """The union tree's queryset: besides the scoping of any record, the named unit sets a
    person acts for, by what they do there."""

    def administered_by(self, user):
        """Units in whose subtree `user` holds an admin role: they change the units themselves,
        assign roles and restructure (a restructure also needs the parent)."""
        return self._filter_scope(scope_of(user, ADMIN_ROLES))

    def recordable_by(self, user):
        """Units `user` may record for (editor or admin over the subtree): activities,
        documents, groups and what hangs on them."""
        return self._filter_scope(scope_of(user, EDIT_ROLES))
