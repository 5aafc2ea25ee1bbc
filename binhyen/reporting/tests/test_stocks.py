"""Stock indicators are valued on the period's last day, by child unit, equal to the groups
app's own counts for the whole subtree."""

import datetime

import pytest

from binhyen import factories as f
from binhyen.core.periods import parse_period
from binhyen.groups import services, stats
from binhyen.groups.models import CameraStateKind, FunderKind
from binhyen.reporting.rollup import rollup

D = datetime.date
GROUPS = [
    "groups.active",
    "groups.members",
    "groups.wards",
    "groups.boarding_houses",
    "groups.resident_workers",
    "cameras.working",
]


@pytest.fixture
def city(db):
    gt = f.group_tree()
    root = f.superuser()
    linh_xuan = f.area("26794")
    other_ward = services.wards_for_unit(gt["cs"]).exclude(pk=linh_xuan.pk).first()
    a = f.group(gt["cs"], ward=linh_xuan, founded=D(2020, 1, 1))
    b = f.group(gt["ward_union"], ward=other_ward, founded=D(2021, 6, 1))
    xe_om = f.group(gt["ward_union"], ward=linh_xuan, kind="xe_om", founded=D(2019, 1, 1))
    f.member(a, joined=D(2020, 1, 1))
    f.member(a, joined=D(2020, 1, 1), left=D(2022, 1, 1))
    f.member(b, joined=D(2021, 6, 1))
    f.member(xe_om, joined=D(2019, 1, 1))
    services.create_boarding_house(
        root,
        unit=gt["cs"],
        address="12 Đường số 8",
        ward=linh_xuan,
        rooms=20,
        resident_workers=45,
        group=a,
        coverage_start=D(2020, 3, 1),
    )
    services.create_boarding_house(
        root,
        unit=gt["ward_union"],
        address="5 Hẻm 3",
        ward=other_ward,
        rooms=8,
        resident_workers=17,
        group=b,
        coverage_start=D(2021, 6, 1),
    )
    services.close_group(root, b, D(2023, 1, 1))
    cam = services.create_camera(
        root,
        unit=gt["cs"],
        place="Cổng khu trọ",
        ward=linh_xuan,
        funder_kind=FunderKind.UNION,
        cost=12_000_000,
        installed=D(2021, 1, 1),
    )
    services.set_camera_state(root, cam, CameraStateKind.BROKEN, D(2022, 5, 1))
    return gt


def test_stock_values_on_the_last_day_of_each_period(city):
    hcm = city["hcm"]
    for period, expected in [
        ("2021", [3, 4, 2, 2, 62, 1]),
        ("2022Q2", [3, 3, 2, 2, 62, 0]),  # a member left on 01/01/2022, the camera broke in May
        ("2023", [2, 2, 1, 1, 45, 0]),  # group b closed on 01/01/2023
    ]:
        p = parse_period(period)
        total = rollup(hcm, p, GROUPS, by="none")["total"]
        assert [total[k] for k in GROUPS] == expected, period
        s = stats.group_stats(hcm, p.end)
        assert expected == [
            s["groups"],
            s["members"],
            s["wards"],
            s["boarding_houses"],
            s["resident_workers"],
            s["cameras_working"],
        ]


def test_by_child_adds_up_and_respects_the_kind_filter(city):
    result = rollup(
        city["root"],
        parse_period("2021"),
        ["groups.active", "groups.members[kind=nha_tro]", "groups.wards"],
    )
    rows = {r["unit"]["code"]: r["values"] for r in result["rows"]}
    assert rows["G-HCM"] == {
        "groups.active": 3,
        "groups.members[kind=nha_tro]": 3,
        "groups.wards": 2,
    }
    assert rows["G-TG"] == {
        "groups.active": 0,
        "groups.members[kind=nha_tro]": 0,
        "groups.wards": 0,
    }
    inner = rollup(city["hcm"], parse_period("2021"), ["groups.active", "groups.wards"])
    ward_union = {r["unit"]["code"]: r["values"] for r in inner["rows"]}["G-HCM-LT"]
    assert ward_union == {"groups.active": 3, "groups.wards": 2}
    drill = rollup(city["ward_union"], parse_period("2021"), ["groups.active", "groups.wards"])
    rows = {r["unit"]["code"]: r["values"] for r in drill["rows"]}
    # the ward union's own two groups form its own row; wards are distinct, not summed
    assert rows == {
        "G-HCM-LT-CS1": {"groups.active": 1, "groups.wards": 1},
        "G-HCM-LT": {"groups.active": 2, "groups.wards": 2},
    }
    assert drill["total"] == {"groups.active": 3, "groups.wards": 2}


def test_stock_by_month_takes_each_month_end(city):
    result = rollup(
        city["hcm"], parse_period("2022-04-10..2022-06-20"), ["cameras.working"], by="month"
    )
    assert [r["values"]["cameras.working"] for r in result["rows"]] == [1, 0, 0]
    assert result["total"] == {"cameras.working": 0}


def test_units_count_as_of_period_end(tree):
    from binhyen.org import services as org_services

    org_services.close_unit(f.superuser(), tree["cs3"], D(2022, 6, 30))
    before = rollup(
        tree["root"], parse_period("2022Q1"), ["units.count", "units.grassroots"], by="none"
    )
    after = rollup(
        tree["root"], parse_period("2022Q3"), ["units.count", "units.grassroots"], by="none"
    )
    assert before["total"] == {"units.count": 8, "units.grassroots": 3}
    assert after["total"] == {"units.count": 7, "units.grassroots": 2}


def test_stocks_as_of_an_earlier_tree_read_the_cube_and_equal_the_raw_counts(city):
    """A grassroots union moves to a new ward union: as of a day before the move, every unit's
    groups figures (by child and in total) come from the stock cube — X's cells for unchanged
    children, the units' own cells for the changed ones — and equal the raw counting."""
    from binhyen.figures import registry
    from binhyen.org import services as org_services
    from binhyen.reporting.rollup import Engine

    admin = f.superuser()
    second = f.unit(
        city["hcm"],
        "cd_xa",
        code="G-HCM-LT2",
        name="Công đoàn phường Linh Xuân 2",
        ward=f.area("26794"),
        province=f.area("79", "province"),
        valid_from=D(2023, 1, 1),
    )
    org_services.move_unit(admin, city["cs"], second, D(2024, 1, 1))
    f.group(second, ward=f.area("26794"), founded=D(2023, 3, 1))
    period = parse_period("2023")
    units = [city["root"], city["hcm"], city["ward_union"], second, city["cs"]]
    checked = 0
    for as_of in (D(2023, 12, 31), D(2022, 6, 30)):
        for unit in units:
            unit.refresh_from_db()
            engine = Engine(unit, period, as_of)
            assert engine.attr.mapped
            if unit == city["hcm"]:
                assert engine.attr.touched  # the two ward unions' subtrees differ between the trees
            for code in GROUPS[:5]:
                request = registry.parse(code)
                for day in (D(2021, 12, 31), D(2022, 12, 31), D(2023, 12, 31), D(2024, 6, 30)):
                    for by_child in (True, False):
                        cube = Engine(unit, period, as_of).stock(request, by_child, day)
                        raw = Engine(unit, period, as_of).stock_raw(request, by_child, day)
                        assert {k: v for k, v in cube.items() if v} == {
                            k: v for k, v in raw.items() if v
                        }, (unit.code, as_of, code, day, by_child)
                        checked += 1
    assert checked == 2 * 5 * 5 * 4 * 2
    # and the figures tell the story: as of 2023, Linh Xuân still held the union and its group
    before = rollup(city["hcm"], period, ["groups.active"], by="child", as_of=D(2023, 12, 31))
    now = rollup(city["hcm"], period, ["groups.active"], by="child", basis="now")
    names = {"Công đoàn phường Linh Xuân": "old", "Công đoàn phường Linh Xuân 2": "new"}
    as_of_rows = {
        names[r["unit"]["name"]]: r["values"]["groups.active"]
        for r in before["rows"]
        if r["unit"]["name"] in names
    }
    now_rows = {
        names[r["unit"]["name"]]: r["values"]["groups.active"]
        for r in now["rows"]
        if r["unit"]["name"] in names
    }
    assert as_of_rows["old"] == now_rows["old"] + 1 and as_of_rows["new"] == now_rows["new"] - 1
