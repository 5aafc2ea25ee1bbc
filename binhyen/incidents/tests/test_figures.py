"""The incidents app's figures through the registry, on a handful of literal cases: incidents by
child unit and by month, the stoppages' workers and worker-days, the FDI and no-union shares,
the median days to settle (over a period cut by a move too), the cases open on a day, the tips
answered by the period's end, and a police liaison's figures cut to their ward."""

import datetime
import re

import pytest
from django.utils import timezone

from binhyen import factories as f
from binhyen.core.periods import parse_period
from binhyen.incidents import services
from binhyen.incidents.models import Tip
from binhyen.org import services as org_services
from binhyen.org.scoping import Role, figure_scope
from binhyen.reporting.rollup import OutOfScope, rollup
from binhyen.reporting.tests.helpers import by_code

STOPPAGE = "ngung_viec"


def at(day, hour=8):
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


def settle(incident, day, close_on=None):
    root = f.superuser()
    services.move_incident(root, incident, "dang_xu_ly", at=at(day, 7))
    services.move_incident(root, incident, "da_giai_quyet", what="Đã giải quyết.", at=at(day))
    if close_on:
        services.move_incident(root, incident, "dong", what="Đóng hồ sơ.", at=at(close_on))


def tip(ward, received, answered=None):
    """A tip received (and answered) on given days: the service stamps them now, the test
    dates them back."""
    t = services.submit_tip(
        ward=ward, what="Có người lạ tụ tập ở khu trọ.", happened_on=timezone.localdate()
    )
    if answered:
        services.answer_tip(f.superuser(), t, state="xac_minh", public_note="Đã tiếp nhận.")
    Tip.objects.filter(pk=t.pk).update(
        created_at=at(received), answered_at=at(answered) if answered else None
    )
    return t


@pytest.fixture
def world(db):
    gt = f.group_tree()
    lx, tt = f.area("26794"), f.area("27478")
    tt_union = f.unit(
        gt["hcm"],
        "cd_xa",
        code="G-HCM-TT",
        name="Công đoàn phường Tân Thuận",
        ward=tt,
        province=f.area("79", "province"),
    )
    cs2 = f.unit(tt_union, "cd_co_so", code="G-HCM-TT-CS1", name="Công đoàn cơ sở Công ty May")
    fdi_union = f.enterprise(gt["cs"], ward=lx, workforce=2400, union=gt["cs"])
    fdi_none = f.enterprise(gt["ward_union"], ward=lx, workforce=800)
    private = f.enterprise(cs2, ward=tt, ownership="tu_nhan", workforce=500, union=cs2)
    cases = {
        "s1": f.incident(
            gt["cs"],
            STOPPAGE,
            started_at=at("2024-03-05"),
            enterprise=fdi_union,
            stoppage={"workers_involved": 600, "worker_days": 1200},
        ),
        "s2": f.incident(
            gt["ward_union"],
            STOPPAGE,
            started_at=at("2024-03-20"),
            enterprise=fdi_none,
            stoppage={"workers_involved": 300, "worker_days": 300},
        ),
        "crime": f.incident(gt["cs"], "toi_pham", started_at=at("2024-05-10"), ward=lx),
        "s3": f.incident(
            cs2,
            STOPPAGE,
            started_at=at("2024-07-01"),
            enterprise=private,
            stoppage={"workers_involved": 100, "worker_days": 200},
        ),
        "drugs": f.incident(cs2, "ma_tuy", started_at=at("2024-07-15"), ward=tt),
        "deleted": f.incident(cs2, "ma_tuy", started_at=at("2024-08-01"), ward=tt),
        "old": f.incident(gt["cs"], "toi_pham", started_at=at("2023-06-01"), ward=lx),
    }
    services.delete_incident(f.superuser(), cases["deleted"])
    settle(cases["s1"], "2024-03-07", close_on="2024-04-01")  # 2 days
    settle(cases["crime"], "2024-05-20")  # 10 days
    settle(cases["s3"], "2024-07-05")  # 4 days
    settle(cases["old"], "2024-01-08", close_on="2024-01-10")  # settled in 2024: 221 days
    tips = [
        tip(lx, "2024-02-01", answered="2024-02-03"),
        tip(lx, "2024-02-15"),
        tip(lx, "2024-11-20", answered="2025-01-05"),  # answered after the year
        tip(tt, "2024-06-01", answered="2024-06-02"),
    ]
    return dict(gt, lx=lx, tt=tt, tt_union=tt_union, cs2=cs2, cases=cases, tips=tips)


Y2024 = parse_period("2024")


def test_incidents_by_child_and_by_month(world):
    key = "incidents.count"
    result = rollup(world["hcm"], Y2024, [key])
    assert by_code(result, key) == {"G-HCM-LT": 3, "G-HCM-TT": 2}  # the deleted one left out
    assert result["total"][key] == 5
    months = rollup(world["hcm"], Y2024, [key], by="month")
    assert {r["month"]: r["values"][key] for r in months["rows"] if r["values"][key]} == {
        "2024-03": 2,
        "2024-05": 1,
        "2024-07": 2,
    }
    kinds = f"incidents.count[kind={STOPPAGE}]"
    assert by_code(rollup(world["root"], Y2024, [kinds]), kinds) == {"G-HCM": 3}
    assert rollup(world["hcm"], parse_period("2023"), [key], by="none")["total"][key] == 1


def test_stoppage_workers_days_and_shares(world):
    keys = [
        "incidents.stoppage_workers",
        "incidents.stoppage_worker_days",
        "incidents.stoppages_without_union",
        "incidents.stoppage_fdi_share",
        "incidents.stoppage_without_union_share",
        "incidents.stoppage_workers[ownership=fdi]",
    ]
    result = rollup(world["hcm"], Y2024, keys)
    assert result["total"] == {
        "incidents.stoppage_workers": 1000,
        "incidents.stoppage_worker_days": 1700,
        "incidents.stoppages_without_union": 1,
        "incidents.stoppage_fdi_share": 66.7,  # 2 of 3 stoppages
        "incidents.stoppage_without_union_share": 33.3,  # 1 of 3
        "incidents.stoppage_workers[ownership=fdi]": 900,
    }
    rows = {r["unit"]["code"]: r["values"] for r in result["rows"]}
    assert rows["G-HCM-LT"]["incidents.stoppage_fdi_share"] == 100.0
    assert rows["G-HCM-TT"]["incidents.stoppage_fdi_share"] == 0.0
    assert rows["G-HCM-TT"]["incidents.stoppage_worker_days"] == 200
    # the same figures by none (single totals) as by child
    none = rollup(world["hcm"], Y2024, keys, by="none")
    assert none["total"] == result["total"]


def test_median_days_to_settle(world):
    key = "incidents.resolution_days_median"
    result = rollup(world["hcm"], Y2024, [key])
    # settled in 2024: 2, 10 and 221 days under Linh Xuân, 4 under Tân Thuận
    assert result["total"][key] == 7.0  # median of 2, 4, 10, 221
    assert by_code(result, key) == {"G-HCM-LT": 10.0, "G-HCM-TT": 4.0}
    stoppages = f"{key}[kind={STOPPAGE}]"
    assert rollup(world["hcm"], Y2024, [stoppages], by="none")["total"][stoppages] == 3.0
    # a unit that settled nothing has no median (not 0)
    empty = rollup(world["hcm"], parse_period("2022"), [key])
    assert empty["total"][key] is None
    assert all(r["values"][key] is None for r in empty["rows"])


def test_median_over_a_period_cut_by_a_move_uses_every_case(world):
    """On WAS, a move inside the year cuts it in two parts (January–March: 221 and 2 days;
    April–December: 10 and 4): the median is taken over the four cases (7.0), not as the
    median of the two parts' medians (59.25)."""
    org_services.move_unit(f.superuser(), world["cs"], world["tt_union"], datetime.date(2024, 4, 1))
    key = "incidents.resolution_days_median"
    result = rollup(world["hcm"], Y2024, [key, "incidents.count"], basis="was")
    assert result["total"][key] == 7.0
    assert result["total"]["incidents.count"] == 5
    # the grassroots union's cases count under Linh Xuân before the move, Tân Thuận after it
    assert by_code(result, "incidents.count") == {"G-HCM-LT": 2, "G-HCM-TT": 3}
    now = rollup(world["hcm"], Y2024, ["incidents.count"], basis="now")
    assert by_code(now, "incidents.count") == {"G-HCM-LT": 1, "G-HCM-TT": 4}


def test_open_cases_on_the_periods_last_day(world):
    key = "incidents.open"
    end = rollup(world["hcm"], Y2024, [key, f"{key}[kind={STOPPAGE}]"])
    # closed by then: s1 (1/4) and the 2023 case (10/1); the deleted one never counts
    assert end["total"][key] == 4
    assert by_code(end, key) == {"G-HCM-LT": 2, "G-HCM-TT": 2}
    assert end["total"][f"{key}[kind={STOPPAGE}]"] == 2
    q1 = rollup(world["hcm"], parse_period("2024Q1"), [key], by="none")
    assert q1["total"][key] == 2  # s1 and s2 (the 2023 case closed on 10/1)
    months = rollup(world["hcm"], parse_period("2024H1"), [key], by="month")
    assert [r["values"][key] for r in months["rows"]] == [0, 0, 2, 1, 2, 2]
    assert rollup(world["hcm"], parse_period("2023"), [key], by="none")["total"][key] == 1


def test_tips_and_the_share_answered_by_the_periods_end(world):
    keys = ["tips.count", "tips.answered", "tips.answered_share"]
    result = rollup(world["hcm"], Y2024, keys)
    assert result["total"] == {"tips.count": 4, "tips.answered": 2, "tips.answered_share": 50.0}
    rows = {r["unit"]["code"]: r["values"] for r in result["rows"]}
    assert rows["G-HCM-LT"]["tips.answered_share"] == 33.3
    assert rows["G-HCM-TT"]["tips.answered_share"] == 100.0
    # the tip of 20/11/2024 answered on 5/1/2025 counts as answered in a period ending after it
    longer = rollup(world["hcm"], parse_period("2024-01-01..2025-01-31"), keys, by="none")
    assert longer["total"]["tips.answered"] == 3


def test_a_police_liaison_reads_the_figures_of_their_ward_only(world):
    police = f.user("police-lx", Role.POLICE, world["hcm"], wards=[world["lx"]])
    scope = figure_scope(police, world["hcm"])
    keys = [
        "incidents.count",
        "incidents.stoppage_workers",
        "incidents.open",
        "tips.count",
        "tips.answered_share",
    ]
    result = rollup(world["hcm"], Y2024, keys, scope=scope)
    assert result["total"] == {
        "incidents.count": 3,
        "incidents.stoppage_workers": 900,
        "incidents.open": 2,
        "tips.count": 3,
        "tips.answered_share": 33.3,
    }
    assert [r["unit"]["code"] for r in result["rows"]] == ["G-HCM-LT"]
    with pytest.raises(OutOfScope):
        rollup(world["hcm"], Y2024, ["activity.count"], scope=scope)


def test_a_filter_on_an_unknown_kind_is_named(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        rollup(world["hcm"], Y2024, ["incidents.count[kind=dong_dat]"])
    assert "Không có mã “dong_dat”" in str(exc.value)


def _raw_stoppages(unit, start, end):
    """{child code: stoppages} counted in Python from the alive incidents: the recount."""
    from binhyen.incidents.models import Incident

    out = {}
    for case in Incident.objects.select_related("unit", "kind"):
        day = timezone.localtime(case.started_at).date()
        if case.kind.code != STOPPAGE or not (start <= day <= end):
            continue
        if not case.unit.path.startswith(unit.path) or case.unit_id == unit.pk:
            continue
        child = case.unit
        while child.parent_id != unit.pk:
            child = child.parent
        out[child.code] = out.get(child.code, 0) + 1
    return out


def test_the_api_gives_the_stoppages_as_a_raw_recount(world, api_as):
    viewer = f.user(role=Role.VIEWER, unit=world["hcm"])
    spec = f"incidents.count[kind={STOPPAGE}]"
    response = api_as(viewer).get(
        "/api/v1/rollup", {"indicators": spec, "unit": "G-HCM", "period": "2024"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    got = {row["unit"]["code"]: row["values"][spec] for row in body["rows"] if row["values"][spec]}
    raw = _raw_stoppages(world["hcm"], datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    assert got == raw == {"G-HCM-LT": 2, "G-HCM-TT": 1}
    assert body["total"][spec] == sum(raw.values())
    listed = {i["code"]: i for i in api_as(viewer).get("/api/v1/indicators").json()}
    assert listed["incidents.count"]["dimensions"] == ["kind", "ownership"]
    assert listed["tips.answered_share"]["kind"] == "ratio"


def test_the_ward_map_shows_the_incidents_since_the_years_start(world, client):
    client.force_login(f.user(role=Role.VIEWER, unit=world["hcm"]))
    html = client.get("/mo-hinh/ban-do/", {"unit": "G-HCM", "ngay": "31/12/2024"}).content.decode()
    assert "Số vụ việc từ đầu năm" in html
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert re.search(
        r"Phường Linh Xuân</a></td><td class=\"num\">\d+</td><td class=\"num\">3</td>", rows
    )
    assert re.search(
        r"Phường Tân Thuận</a></td><td class=\"num\">0</td><td class=\"num\">2</td>", rows
    )
    assert 'class="marked"' in html  # the wards with incidents ringed on the map
    police = f.user("police-map", Role.POLICE, world["hcm"], wards=[world["lx"]])
    client.force_login(police)
    html = client.get(
        "/mo-hinh/ban-do/", {"unit": "G-HCM-LT", "ngay": "31/12/2024"}
    ).content.decode()
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "Phường Tân Thuận" not in rows and "Phường Linh Xuân" in rows


@pytest.mark.parametrize("basis", ["was", "now"])
def test_the_case_list_of_a_unit_and_its_totals_are_the_rollups_figures(world, client, basis):
    """/vu-viec/?unit=…&nam=2024&basis=… lists what the rollup counts on that basis (after a
    move inside the year the two bases differ), and its totals are the rollup's figures."""
    org_services.move_unit(f.superuser(), world["cs"], world["tt_union"], datetime.date(2024, 4, 1))
    client.force_login(f.superuser())
    for unit, kind in (("G-HCM-LT", ""), ("G-HCM-TT", ""), ("G-HCM-TT", STOPPAGE)):
        spec = f"incidents.count[kind={kind}]" if kind else "incidents.count"
        workers = "incidents.stoppage_workers"  # stoppages only, whatever the kind filter
        result = rollup(world["hcm"], Y2024, [spec, workers], basis=basis)
        count = by_code(result, spec).get(unit, 0)
        people = by_code(result, workers).get(unit, 0)
        page = client.get(
            "/vu-viec/", {"unit": unit, "nam": "2024", "basis": basis, "kind": kind}
        ).content.decode()
        totals = re.search(r"data-totals>\s*(.*?)</p>", page, re.S).group(1)
        assert f"{count} vụ việc" in totals, (unit, kind, basis, totals)
        if people:
            assert f"{people:,}".replace(",", ".") + " người ngừng việc" in totals
        else:
            assert "người ngừng việc" not in totals
        assert f'data-basis="{basis}"' in page
