"""Figures follow the same scope as records: the outside probe of issue #23 reproduced.

A police liaison over two wards reads grassroots union CS-HCM-QTD-01, which manages four
groups, two of them in those wards, and holds activities. They used to get the whole union's
figures from the stock figures, the rollup API, the dashboard and its Excel file; now they get
the two groups of their wards and no activity figure anywhere."""

import datetime
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from binhyen import factories as f
from binhyen.core import periods
from binhyen.groups import services as group_services
from binhyen.groups.models import FunderKind
from binhyen.org import services as org_services
from binhyen.org.models import Area, AreaLevel, Unit
from binhyen.org.scoping import Role, figure_scope
from binhyen.reporting.tests.helpers import record

D = datetime.date
ACTIVITY_INDICATORS = "groups.active,groups.members,activity.count,activity.attendances"


@pytest.fixture
def probe(db):
    gt = f.group_tree()
    linh_xuan, tan_thuan = f.area("26794"), f.area("27478")
    elsewhere = list(
        Area.objects.filter(level=AreaLevel.WARD, province__code="79")
        .exclude(pk__in=[linh_xuan.pk, tan_thuan.pk])
        .order_by("code")[:2]
    )
    cs = f.unit(
        gt["ward_union"],
        "cd_co_so",
        code="CS-HCM-QTD-01",
        name="Công đoàn cơ sở Công ty Thử Thủ Đức",
        ward=linh_xuan,
        province=f.area("79", "province"),
    )
    inside = [
        f.group(cs, ward=linh_xuan, name="Tổ tự quản trong phường 1", founded=D(2020, 1, 1)),
        f.group(
            cs,
            ward=tan_thuan,
            name="Tổ dư luận trong phường 2",
            kind="du_luan_xa_hoi",
            founded=D(2020, 1, 1),
        ),
    ]
    outside = [
        f.group(cs, ward=elsewhere[0], name="Tổ tự quản ngoài phường 1", founded=D(2020, 1, 1)),
        f.group(cs, ward=elsewhere[1], name="Tổ tự quản ngoài phường 2", founded=D(2020, 1, 1)),
    ]
    for group, n in zip(inside + outside, (3, 2, 4, 6), strict=True):
        for _i in range(n):
            f.member(group)
    root = f.superuser()
    group_services.create_boarding_house(
        root,
        unit=cs,
        address="1 Đường trong phường",
        ward=linh_xuan,
        resident_workers=7,
        group=inside[0],
        coverage_start=D(2020, 2, 1),
    )
    group_services.create_boarding_house(
        root,
        unit=cs,
        address="2 Đường ngoài phường",
        ward=elsewhere[0],
        resident_workers=300,
        group=outside[0],
        coverage_start=D(2020, 2, 1),
    )
    group_services.create_camera(
        root,
        unit=cs,
        place="Cổng ngoài phường",
        ward=elsewhere[0],
        funder_kind=FunderKind.UNION,
        installed=D(2021, 1, 1),
    )
    record(cs, "2025-03-10", sessions=4, attendances=4321)
    record(gt["ward_union"], "2025-04-10", sessions=1, attendances=99)
    police = f.user(role=Role.POLICE, unit=gt["hcm"], wards=[linh_xuan, tan_thuan])
    admin = f.user(role=Role.ADMIN, unit=gt["hcm"])
    return dict(gt, cs=cs, police=police, admin=admin, inside=inside, outside=outside)


def _login(client, user):
    client.force_login(user)
    return client


def test_figure_scope_is_full_for_a_unit_role_and_the_wards_for_a_police_liaison(probe):
    assert figure_scope(probe["admin"], probe["cs"]).full
    scope = figure_scope(probe["police"], probe["cs"])
    assert scope.wards_only and set(scope.ward_ids) == {f.area("26794").pk, f.area("27478").pk}
    # a police role beside a unit role: the units held keep their whole figures
    both = f.user(role=Role.EDITOR, unit=probe["cs"])
    org_services.assign_role(
        f.superuser(), both, probe["hcm"], Role.POLICE, wards=[f.area("26794")]
    )
    assert figure_scope(both, probe["cs"]).full
    assert figure_scope(both, probe["ward_union"]).wards_only
    assert figure_scope(f.user(), probe["cs"]).nothing


def test_group_stats_count_only_the_groups_of_the_liaisons_wards(probe, api_as):
    police = api_as(probe["police"]).get("/api/v1/groups/stats", {"unit": "CS-HCM-QTD-01"})
    assert police.status_code == 200, police.content
    body = police.json()
    assert (body["groups"], body["members"], body["wards"]) == (2, 5, 2)
    assert (body["boarding_houses"], body["resident_workers"], body["cameras_working"]) == (1, 7, 0)
    assert body["by_kind"]["du_luan_xa_hoi"] == {"groups": 1, "members": 2, "wards": 1}
    admin = api_as(probe["admin"]).get("/api/v1/groups/stats", {"unit": "CS-HCM-QTD-01"}).json()
    assert (admin["groups"], admin["members"], admin["wards"], admin["boarding_houses"]) == (
        4,
        15,
        4,
        2,
    )


def test_rollup_refuses_activity_indicators_to_a_police_liaison(probe, api_as):
    client = api_as(probe["police"])
    for by in ("child", "none", "month"):
        refused = client.get(
            "/api/v1/rollup",
            {
                "unit": "CS-HCM-QTD-01",
                "period": "2025",
                "indicators": ACTIVITY_INDICATORS,
                "by": by,
            },
        )
        assert refused.status_code == 403
        detail = refused.json()["detail"]
        assert (
            "activity.count, activity.attendances" in detail and "không thuộc phạm vi xem" in detail
        )
        assert "4321" not in refused.content.decode()
    for ratio in ("units.outreach_share", "units.reporting"):  # counted from the activities
        assert (
            client.get(
                "/api/v1/rollup", {"unit": "CS-HCM-QTD-01", "period": "2025", "indicators": ratio}
            ).status_code
            == 403
        )
    admin = (
        api_as(probe["admin"])
        .get(
            "/api/v1/rollup",
            {"unit": "CS-HCM-QTD-01", "period": "2025", "indicators": ACTIVITY_INDICATORS},
        )
        .json()
    )
    assert admin["total"] == {
        "groups.active": 4,
        "groups.members": 15,
        "activity.count": 1,
        "activity.attendances": 4321,
    }


def test_rollup_gives_a_police_liaison_the_groups_of_their_wards(probe, api_as):
    client = api_as(probe["police"])
    body = client.get(
        "/api/v1/rollup",
        {
            "unit": "CS-HCM-QTD-01",
            "period": "2025",
            "indicators": "groups.active,groups.members,groups.wards,groups.boarding_houses,"
            "groups.resident_workers,cameras.working,groups.active[kind=du_luan_xa_hoi]",
        },
    ).json()
    assert body["total"] == {
        "groups.active": 2,
        "groups.members": 5,
        "groups.wards": 2,
        "groups.boarding_houses": 1,
        "groups.resident_workers": 7,
        "cameras.working": 0,
        "groups.active[kind=du_luan_xa_hoi]": 1,
    }
    # one level up: the ward union lies in their ward too; by child, only the child with figures
    up = client.get(
        "/api/v1/rollup",
        {
            "unit": "G-HCM-LT",
            "period": "2025",
            "indicators": "groups.active,groups.wards",
            "by": "child",
        },
    ).json()
    assert up["total"] == {"groups.active": 2, "groups.wards": 2}
    assert [r["unit"]["code"] for r in up["rows"]] == ["CS-HCM-QTD-01"]
    assert "G-HCM-LT-CS1" not in str(up)  # a sibling without groups in their wards is not named
    # through the tree as it stood on a day (the raw counting path) the same figures
    as_of = client.get(
        "/api/v1/rollup",
        {
            "unit": "G-HCM-LT",
            "period": "2025",
            "as_of": "2025-12-31",
            "indicators": "groups.active,groups.members",
        },
    ).json()
    assert as_of["total"] == {"groups.active": 2, "groups.members": 5}


def test_dashboard_shows_a_police_liaison_no_activity_figures(
    probe, client, django_assert_max_num_queries
):
    _login(client, probe["police"])
    with django_assert_max_num_queries(15):
        page = client.get("/tong-hop/", {"unit": "CS-HCM-QTD-01", "period": "2025"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "4.321" not in html and "4321" not in html
    assert (
        "Không thuộc phạm vi xem của bạn: Số hoạt động, Số cuộc, buổi, Số lượt người tham dự"
        in html
    )
    assert "<svg" not in html  # the monthly sessions chart is an activity figure
    assert "Phường Linh Xuân" in html and "Phường Tân Thuận" in html  # the wards the figures cover
    table = html.split('id="table-title"', 1)[1]
    assert "Số lượt người tham dự" not in table and "Số tổ, mô hình đang hoạt động" in table
    admin = _login(client, probe["admin"]).get(
        "/tong-hop/", {"unit": "CS-HCM-QTD-01", "period": "2025"}
    )
    assert "4.321" in admin.content.decode() and "không thuộc phạm vi" not in admin.content.decode()


def test_excel_export_leaves_activity_figures_out_for_a_police_liaison(probe, client, export_file):
    _login(client, probe["police"])
    _job, data = export_file(
        client, "/tong-hop/xuat-excel/", {"unit": "CS-HCM-QTD-01", "period": "2025"}
    )
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    cells = [c for row in rows for c in row if c is not None]
    assert 4321 not in cells and not any("Số lượt người tham dự (" in str(c) for c in cells)
    header = next(row for row in rows if row[0] == "Mã đơn vị")
    assert header[2:] == ("Số tổ, mô hình đang hoạt động (tổ)", "Số thành viên tổ, mô hình (người)")
    assert rows[-1][1:] == ("Tổng cộng", 2, 5)
    assert any("không thuộc phạm vi xem" in str(c).lower() for c in cells)


def test_figure_source_page_follows_the_scope(probe, client):
    _login(client, probe["police"])
    refused = client.get(
        "/tong-hop/nguon-so-lieu/",
        {"unit": "CS-HCM-QTD-01", "period": "2025", "indicator": "activity.attendances"},
    )
    assert refused.status_code == 403
    assert (
        "không thuộc phạm vi xem" in refused.content.decode()
        and "4.321" not in refused.content.decode()
    )
    shown = client.get(
        "/tong-hop/nguon-so-lieu/",
        {"unit": "CS-HCM-QTD-01", "period": "2025", "indicator": "groups.members"},
    )
    assert shown.status_code == 200
    assert '<div class="display-6 fw-semibold" id="figure-total">5</div>' in shown.content.decode()


def test_group_pages_panel_and_map_count_the_liaisons_wards(probe, client):
    _login(client, probe["police"])
    for url in ("/mo-hinh/", "/mo-hinh/ban-do/"):
        html = client.get(url, {"unit": "CS-HCM-QTD-01"}).content.decode()
        assert (
            "<strong>2</strong> tổ với <strong>5</strong> thành viên, hoạt động tại <strong>2</strong> phường, xã"
            in html
        )
        assert "Cổng ngoài phường" not in html
    admin = (
        _login(client, probe["admin"]).get("/mo-hinh/", {"unit": "CS-HCM-QTD-01"}).content.decode()
    )
    assert "<strong>4</strong> tổ với <strong>15</strong> thành viên" in admin


def test_the_demo_police_liaison_gets_only_their_wards(full_demo, api_as):
    """The probe itself, on the demo: demo-congan reading CS-HCM-QTD-01."""
    from django.contrib.auth.models import User

    from binhyen.groups.models import Group, GroupMember
    from binhyen.org.models import Unit

    congan = User.objects.get(username="demo-congan")
    unit = Unit.objects.get(code="CS-HCM-QTD-01")
    today = periods.today()
    groups = (
        Group.objects.visible_to(congan).filter(unit__path__startswith=unit.path).active_on(today)
    )
    members = GroupMember.objects.visible_to(congan).filter(group__in=groups).active_on(today)
    client = api_as(congan)
    body = client.get("/api/v1/groups/stats", {"unit": unit.code}).json()
    assert (body["groups"], body["members"]) == (groups.count(), members.count())
    assert (
        body["groups"]
        < Group.objects.filter(unit__path__startswith=unit.path).active_on(today).count()
    )
    refused = client.get(
        "/api/v1/rollup", {"unit": unit.code, "period": "2025", "indicators": ACTIVITY_INDICATORS}
    )
    assert refused.status_code == 403


def test_a_plans_figures_give_a_unit_role_with_police_wards_only_the_units_held(tree, api_as):
    """An editor of a district union who is also a ward's police liaison reads a plan of their
    federation: its progress rows and its own figures cover the district they hold, not the
    federation or the sibling district they see through their ward (whose activities they
    cannot list)."""
    from binhyen.reporting import targets

    ward = f.area("26794")
    Unit.objects.filter(pk__in=[tree["hcm"].pk, tree["td"].pk, tree["cs2"].pk]).update(ward=ward)
    plan = f.document(tree["hcm"], number="63", issued_on=D(2025, 1, 2))
    targets.set_target(
        f.superuser(),
        plan,
        indicator="activity.sessions",
        period="2025",
        value=4,
        applies_to="children",
    )
    record(tree["cs1"], "2025-03-03", sessions=2, attendances=20, documents=[plan])
    record(tree["cs2"], "2025-03-03", sessions=5, attendances=777, documents=[plan])
    both = f.user(role=Role.EDITOR, unit=tree["q9"])
    org_services.assign_role(f.superuser(), both, tree["hcm"], Role.POLICE, wards=[ward])
    assert (
        Unit.objects.visible_to(both).filter(pk__in=[tree["hcm"].pk, tree["td"].pk]).count() == 2
    )  # by the ward
    body = api_as(both).get(f"/api/v1/plans/{plan.pk}/progress").json()
    rows = body["targets"][0]["rows"]
    assert [(r["unit"]["code"], r["actual"]) for r in rows] == [("HCM-Q9", 2)]
    assert body["targets"][0]["total_actual"] != 7 and body["targets"][0]["plan"] is None
    client = Client()
    client.force_login(both)
    html = client.get(f"/van-ban/{plan.pk}/so-lieu/", {"ky": "2025"}).content.decode()
    assert "777" not in html and "797" not in html


def test_ward_figures_through_the_tree_as_it_stood(probe, api_as):
    """CS-HCM-QTD-01 moved away from the ward union after 2025: read as of the end of 2025,
    the union's figures still hold it (the engine's raw counting path), within the wards."""
    org_services.move_unit(f.superuser(), probe["cs"], probe["hcm"], D(2026, 1, 1))
    query = {
        "unit": "G-HCM-LT",
        "period": "2025",
        "as_of": "2025-12-31",
        "by": "child",
        "indicators": "groups.active,groups.members,groups.wards,groups.resident_workers,units.count",
    }
    police = api_as(probe["police"]).get("/api/v1/rollup", query).json()
    assert police["total"] == {
        "groups.active": 2,
        "groups.members": 5,
        "groups.wards": 2,
        "groups.resident_workers": 7,
        "units.count": 1,
    }
    assert [r["unit"]["code"] for r in police["rows"]] == ["CS-HCM-QTD-01"]
    admin = api_as(probe["admin"]).get("/api/v1/rollup", query).json()
    assert admin["total"] == {
        "groups.active": 4,
        "groups.members": 15,
        "groups.wards": 4,
        "groups.resident_workers": 307,
        "units.count": 2,
    }
    now = (
        api_as(probe["police"])
        .get("/api/v1/rollup", {**query, "as_of": "", "period": "2026"})
        .json()
    )
    assert now["total"]["groups.active"] == 0  # today the union no longer holds it
