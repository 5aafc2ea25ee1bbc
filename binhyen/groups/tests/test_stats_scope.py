"""The groups' stock figures within a reader's figure scope: a police liaison's figures count the
records of their wards only — the same records `visible_to` lists them — and nothing else."""

import datetime

from binhyen import factories as f
from binhyen.groups import stats
from binhyen.groups.models import BoardingHouseCoverage, Camera, Group, GroupMember
from binhyen.org.scoping import FULL_SCOPE, NO_FIGURES, Role, figure_scope

D = datetime.date
DAY = D(2021, 6, 30)


def _listed(user, unit, day):
    """The same figures counted from the records `user` can list."""
    groups = Group.objects.visible_to(user).filter(unit__path__startswith=unit.path).active_on(day)
    houses = BoardingHouseCoverage.objects.visible_to(user).active_on(day).filter(group__in=groups)
    return {
        "groups": groups.count(),
        "members": GroupMember.objects.visible_to(user)
        .active_on(day)
        .filter(group__in=groups)
        .count(),
        "wards": groups.values("ward").distinct().count(),
        "boarding_houses": houses.values("house").distinct().count(),
        "cameras_working": Camera.objects.visible_to(user)
        .filter(unit__path__startswith=unit.path)
        .working_on(day)
        .count(),
    }


def test_a_liaisons_figures_are_those_of_the_records_they_list(world):
    hcm = world["hcm"]
    for wards in ([f.area("26794")], [f.area("27478")], [f.area("26794"), f.area("27478")]):
        police = f.user(role=Role.POLICE, unit=None, wards=wards)
        scope = figure_scope(police, hcm)
        assert scope.wards_only
        got = stats.group_stats(hcm, DAY, scope)
        assert {k: got[k] for k in _listed(police, hcm, DAY)} == _listed(police, hcm, DAY)
        assert stats.headline(hcm, DAY, scope=scope) == {
            k: got[k] for k in ("groups", "members", "wards")
        }
        assert sum(stats.ward_counts(hcm, DAY, scope=scope).values()) == got["groups"]


def test_linh_xuan_liaison_gets_its_two_groups_house_and_camera(world):
    police = f.user(role=Role.POLICE, unit=None, wards=[f.area("26794")])
    got = stats.group_stats(world["hcm"], DAY, figure_scope(police, world["hcm"]))
    assert (got["groups"], got["members"], got["wards"]) == (
        2,
        3,
        1,
    )  # a, and Linh Trung (now Linh Xuân)
    assert (got["boarding_houses"], got["resident_workers"], got["cameras_working"]) == (1, 45, 1)
    assert got["by_kind"]["du_luan_xa_hoi"] == {"groups": 0, "members": 0, "wards": 0}
    everything = stats.group_stats(world["hcm"], DAY)
    assert everything == stats.group_stats(world["hcm"], DAY, FULL_SCOPE)
    assert (everything["groups"], everything["members"]) == (3, 4)


def test_no_scope_counts_nothing(world):
    got = stats.group_stats(world["hcm"], DAY, NO_FIGURES)
    assert (
        got["groups"],
        got["members"],
        got["wards"],
        got["boarding_houses"],
        got["cameras_working"],
    ) == (0, 0, 0, 0, 0)
    assert stats.ward_counts(world["hcm"], DAY, scope=NO_FIGURES) == {}
