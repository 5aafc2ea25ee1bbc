"""The demo carries the seeds' figures: 1.304 groups, 98.007 members, 93 wards on 31/12/2023."""

import datetime

import pytest

from binhyen.groups import demo as groups_demo
from binhyen.groups import stats
from binhyen.groups.models import Group, GroupMember
from binhyen.org import demo as org_demo
from binhyen.org.models import Unit

D = datetime.date


@pytest.fixture
def hcm(full_demo):
    """Hồ Chí Minh City's union in the whole demo, loaded once for every test that reads it
    (conftest.py)."""
    return Unit.objects.get(code=org_demo.HCM)


def test_the_seeds_figures_hold_on_31_12_2023(hcm):
    s = stats.group_stats(hcm, D(2023, 12, 31))
    assert s["by_kind"]["nha_tro"] == {"groups": 1304, "members": 98007, "wards": 93}
    wards = Group.objects.filter(unit__path__startswith=hcm.path).active_on(D(2023, 12, 31))
    assert set(wards.values_list("ward__province__code", flat=True)) == {"79"}


def test_other_days_give_other_figures(hcm):
    earlier = stats.group_stats(hcm, D(2019, 12, 31))["by_kind"]["nha_tro"]
    later = stats.group_stats(hcm, D(2025, 12, 31))["by_kind"]["nha_tro"]
    assert earlier["groups"] < 1304 and later["groups"] != 1304
    assert earlier["members"] < 98007 and later["members"] != 98007


def test_demo_has_a_motorbike_taxi_group_and_cameras(hcm):
    guild = Unit.objects.get(code=org_demo.XE_OM)
    assert Group.objects.get(unit=guild).kind.code == "xe_om"
    assert stats.cameras_working(hcm, D(2025, 12, 31)) > 20
    assert stats.boarding_houses_covered(hcm, D(2023, 12, 31)) > 1304


def test_demo_people_are_well_formed(hcm):
    sample = GroupMember.objects.filter(group__unit__path__startswith=hcm.path)[:500]
    for m in sample:
        assert len(m.full_name.split()) >= 3
        assert m.phone[0] == "0" and len(m.phone) == 10 and m.phone.isdigit()
        assert m.id_number == "" or (len(m.id_number) == 12 and m.id_number.isdigit())
    leaders = GroupMember.objects.filter(role="to_truong").active_on(D(2023, 12, 31))
    assert leaders.values("group").distinct().count() == leaders.count()


def test_second_run_changes_nothing(hcm):
    before = (Group.all_objects.count(), GroupMember.objects.count())
    assert groups_demo.load() == {"created": 0}
    assert (Group.all_objects.count(), GroupMember.objects.count()) == before


def test_demo_rows_obey_the_services_rules(hcm):
    from django.db.models import F

    assert not GroupMember.objects.filter(joined__lt=F("group__founded")).exists()
    assert not GroupMember.objects.filter(group__closed__isnull=False, left__isnull=True).exists()
    assert not Group.objects.filter(founded__lt=F("unit__valid_from")).exists()


def test_stats_endpoint_gives_the_seeds_figures(hcm, api_as):
    from django.contrib.auth.models import User

    client = api_as(User.objects.get(username="demo-tinh"))
    body = client.get("/api/v1/groups/stats", {"unit": org_demo.HCM, "date": "2023-12-31"}).json()
    assert body["by_kind"]["nha_tro"] == {"groups": 1304, "members": 98007, "wards": 93}
    assert body["groups"] >= 1304 and body["members"] >= 98007 and body["cameras_working"] > 0
    other = api_as(User.objects.get(username="demo-mytho"))
    response = other.get("/api/v1/groups/stats", {"unit": org_demo.HCM, "date": "2023-12-31"})
    assert response.status_code == 404


def test_pages_stay_within_15_queries_at_demo_size(hcm, client, django_assert_max_num_queries):
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username="demo-tinh"))
    group = Group.objects.get(code="NT-79-0001")
    for url, params in (
        ("/mo-hinh/", {"unit": org_demo.HCM, "kind": "nha_tro", "ngay": "31/12/2023"}),
        ("/mo-hinh/", {"q": "phuong 12", "page": "2"}),
        ("/mo-hinh/ban-do/", {"ngay": "31/12/2023"}),
        (f"/mo-hinh/{group.pk}/", {"tat_ca": "1"}),
        ("/mo-hinh/nha-tro/", {}),
        ("/mo-hinh/camera/", {}),
    ):
        with django_assert_max_num_queries(15):
            response = client.get(url, params)
        assert response.status_code == 200


def test_list_page_shows_the_seeds_headline(hcm, client):
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username="demo-tinh"))
    html = client.get(
        "/mo-hinh/", {"unit": org_demo.HCM, "kind": "nha_tro", "ngay": "31/12/2023"}
    ).content.decode()
    assert (
        "<strong>1.304</strong> tổ với <strong>98.007</strong> thành viên, hoạt động tại <strong>93</strong> phường, xã"
        in html
    )
    svg = client.get("/mo-hinh/ban-do/", {"ngay": "31/12/2023"}).content.decode()
    assert svg.count('class="has-groups"') == 93


def test_the_rollup_gives_the_seeds_figures_from_the_stock_cube(hcm):
    from binhyen.core.periods import parse_period
    from binhyen.groups import cube as stock_facts
    from binhyen.reporting.rollup import rollup

    keys = [
        "groups.active[kind=nha_tro]",
        "groups.members[kind=nha_tro]",
        "groups.wards[kind=nha_tro]",
    ]
    total = rollup(hcm, parse_period("2023"), keys, by="none")["total"]
    assert [total[k] for k in keys] == [1304, 98007, 93]
    assert stock_facts.verify() == []
