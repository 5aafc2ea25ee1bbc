"""Stock figures of the groups app, as the seeds count them: for a unit's subtree, as of a day.

"1.304 tổ, 98.007 thành viên, có mặt ở 93 phường, xã" is `group_stats(hcm, day)`.
Every function is a fixed number of aggregate queries (never a loop over rows), reads the
subtree as one materialized-path prefix and applies the app's date rule (in force on D when
start <= D and the end is empty or after D). The reporting app's indicator registry
(groups.active, groups.members, groups.wards, …) reads these querysets, grouped by child unit.

Who may ask is not decided here: callers pass a unit they already got through
`Unit.objects.visible_to(user)` and, for a person, the figure scope
`binhyen.org.scoping.figure_scope(user, unit)` as `scope`: a police liaison's figures then count
only the records of their wards (groups, the members and houses of those groups, cameras), the
same records they can list. Without `scope`, the whole subtree (the public portal).
"""

from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from .models import (
    BoardingHouseCoverage,
    Camera,
    Group,
    GroupKind,
    GroupMember,
    MemberRole,
    in_force_on,
)


def _scoped(qs, scope):
    return qs if scope is None else scope.restrict(qs)


def groups_on(unit, day, kind=None, scope=None):
    """The queryset behind the counts: groups (of `kind`) active on `day` in the subtree.
    Callers that group by something else (the reporting rollups by child unit) start here."""
    qs = Group.objects.filter(unit__path__startswith=unit.path).filter(in_force_on(day))
    return _scoped(qs.filter(kind__code=kind) if kind else qs, scope)


def members_on(unit, day, kind=None, scope=None):
    """Members on the roster on `day` of the subtree's groups active that day."""
    qs = GroupMember.objects.filter(
        in_force_on(day, "joined", "left"),
        in_force_on(day, prefix="group__"),
        group__unit__path__startswith=unit.path,
        group__deleted_at__isnull=True,
    )
    return _scoped(qs.filter(group__kind__code=kind) if kind else qs, scope)


def coverages_on(unit, day, scope=None):
    """Boarding-house coverages in force on `day` by the subtree's active groups."""
    return _scoped(
        BoardingHouseCoverage.objects.filter(
            in_force_on(day, "start", "end"),
            in_force_on(day, prefix="group__"),
            group__unit__path__startswith=unit.path,
            group__deleted_at__isnull=True,
            house__deleted_at__isnull=True,
        ),
        scope,
    )


# The names the reporting rollups were first written against.
_groups, _members, _coverages = groups_on, members_on, coverages_on


def active_groups(unit, day, kind=None, scope=None):
    """Groups (of `kind`, a GroupKind code, or all) active on `day` in the subtree. 1 query."""
    return groups_on(unit, day, kind, scope).count()


def active_members(unit, day, kind=None, scope=None):
    """Members on the roster on `day` of the groups active that day. 1 query."""
    return members_on(unit, day, kind, scope).count()


def wards_covered(unit, day, kind=None, scope=None):
    """Distinct 2025 wards where at least one such group is active on `day`. 1 query."""
    return groups_on(unit, day, kind, scope).aggregate(n=Count("ward", distinct=True))["n"]


def boarding_houses_covered(unit, day, scope=None):
    """Boarding houses covered on `day` by the subtree's active groups. 1 query."""
    return coverages_on(unit, day, scope).aggregate(n=Count("house", distinct=True))["n"]


def resident_workers(unit, day, scope=None):
    """Workers living in the boarding houses covered on `day` (one group per house). 1 query."""
    return coverages_on(unit, day, scope).aggregate(n=Sum("house__resident_workers"))["n"] or 0


def cameras_on(unit, scope=None):
    """The subtree's cameras (within `scope`), for counting or placing on the map."""
    return _scoped(Camera.objects.filter(unit__path__startswith=unit.path), scope)


def cameras_working(unit, day, scope=None):
    """Camera points of the subtree whose state on `day` is "hoạt động". 1 query."""
    return cameras_on(unit, scope).working_on(day).count()


def group_stats(unit, day, scope=None):
    """Everything at once, in the API's shape. 6 queries whatever the data size."""
    by_kind = {
        code: {"groups": 0, "members": 0, "wards": 0}
        for code in GroupKind.objects.order_by("order", "code").values_list("code", flat=True)
    }
    totals = groups_on(unit, day, scope=scope).aggregate(
        groups=Count("id"), wards=Count("ward", distinct=True)
    )
    for row in (
        groups_on(unit, day, scope=scope)
        .values("kind__code")
        .annotate(groups=Count("id"), wards=Count("ward", distinct=True))
        .order_by()
    ):
        by_kind.setdefault(row["kind__code"], {"members": 0})
        by_kind[row["kind__code"]].update(groups=row["groups"], wards=row["wards"])
    members = 0
    for row in (
        members_on(unit, day, scope=scope)
        .values("group__kind__code")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_kind[row["group__kind__code"]]["members"] = row["n"]
        members += row["n"]
    houses = coverages_on(unit, day, scope).aggregate(
        n=Count("house", distinct=True), workers=Sum("house__resident_workers")
    )
    return {
        "groups": totals["groups"],
        "members": members,
        "wards": totals["wards"],
        "boarding_houses": houses["n"],
        "resident_workers": houses["workers"] or 0,
        "cameras_working": cameras_working(unit, day, scope),
        "by_kind": by_kind,
    }


def headline(unit, day, kind=None, scope=None):
    """ "N tổ với M thành viên, hoạt động tại K phường, xã" for a page's panel. 2 queries."""
    totals = groups_on(unit, day, kind, scope).aggregate(
        groups=Count("id"), wards=Count("ward", distinct=True)
    )
    return {
        "groups": totals["groups"],
        "members": active_members(unit, day, kind, scope),
        "wards": totals["wards"],
    }


def ward_counts(unit, day, province=None, scope=None):
    """{ward id: active groups} for the map: one GROUP BY over the subtree. 1 query."""
    qs = groups_on(unit, day, scope=scope)
    if province is not None:
        qs = qs.filter(ward__province=province)
    return dict(qs.values("ward").annotate(n=Count("id")).order_by().values_list("ward", "n"))


def member_counts(groups, day):
    """{group id: members on `day`} for a page of groups. 1 query."""
    rows = (
        GroupMember.objects.filter(in_force_on(day, "joined", "left"), group__in=groups)
        .values("group")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["group"]: row["n"] for row in rows}


def groups_with_figures(qs, day):
    """Each group of `qs` with its members on `day` and its leader: subqueries on the rows of
    a list page, an API page or an export (no query of its own)."""
    members = (
        GroupMember.objects.filter(in_force_on(day, "joined", "left"), group=OuterRef("pk"))
        .order_by()
        .values("group")
        .annotate(n=Count("id"))
        .values("n")
    )
    leader = (
        GroupMember.objects.filter(
            in_force_on(day, "joined", "left"), group=OuterRef("pk"), role=MemberRole.LEADER
        )
        .order_by("-joined")
        .values("full_name")[:1]
    )
    return qs.select_related("kind", "unit", "ward", "legacy_ward").annotate(
        members_on=Coalesce(Subquery(members), 0), current_leader=Subquery(leader)
    )
