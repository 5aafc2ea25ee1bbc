"""The demo carries the seeds' activity figures exactly, on units open on each activity's date."""

import datetime

import pytest
from django.db.models import Sum
from django.test import Client

from binhyen.activities import demo as activities_demo
from binhyen.activities.models import Activity
from binhyen.core import periods
from binhyen.documents.models import Document
from binhyen.org import demo as org_demo
from binhyen.org.models import Unit

D = datetime.date


@pytest.fixture
def demo(full_demo):
    """The whole demo (tree, plans, then activities), loaded once for every test that reads it
    (conftest.py): what the activities' loader created, and in how many seconds."""
    return {
        "created": full_demo["activities"]["created"],
        "seconds": full_demo["seconds"]["activities"],
    }


def sums(queryset):
    return queryset.aggregate(sessions=Sum("sessions"), attendances=Sum("attendances"))


def test_hcmc_figures_2018_2023(demo):
    hcm = Unit.objects.get(code=org_demo.HCM)
    period = Activity.objects.in_subtree(hcm).in_period(D(2018, 1, 1), D(2023, 12, 31))
    assert sums(period.filter(kind__code="tuyen_truyen")) == {
        "sessions": 3807,
        "attendances": 840528,
    }
    assert sums(period.filter(kind__code="hoi_nghi")) == {"sessions": 45284, "attendances": 3740917}
    kinds = set(period.values_list("kind__code", flat=True).distinct())
    assert {"hoi_thi", "hoi_thao", "to_roi", "tap_huan"} <= kinds
    units = period.values("unit").distinct().count()
    assert units > 60  # spread over the tree, not piled on one unit


def test_my_tho_figures_2021_2022(demo):
    start, end = D(2021, 8, 16), D(2022, 8, 15)
    my_tho = Unit.objects.get(code=org_demo.MY_THO)
    grassroots = list(org_demo.grassroots(org_demo.MY_THO, on=end))
    in_period = Activity.objects.in_period(start, end).filter(kind__code="tuyen_truyen")
    own = in_period.filter(unit=my_tho)
    assert sums(own) == {"sessions": 16, "attendances": 1116}
    assert set(own.values_list("audiences__code", flat=True)) == {"can_bo_cong_doan"}
    assert sums(in_period.filter(unit__in=grassroots)) == {"sessions": 648, "attendances": 17879}
    officers = Activity.objects.in_period(start, end).filter(
        unit__in=[my_tho, *grassroots], audiences__code="can_bo_cong_doan"
    )
    assert set(officers.values_list("unit", flat=True)) == {my_tho.pk}
    assert in_period.filter(unit__in=grassroots).values("unit").distinct().count() >= 15


def test_the_reporting_cube_gives_the_same_figures(demo):
    from binhyen.core.periods import parse_period
    from binhyen.reporting.rollup import rollup

    hcm = Unit.objects.get(code=org_demo.HCM)
    data = rollup(
        hcm,
        parse_period("2018-01-01..2023-12-31"),
        ["activity.sessions[kind=hoi_nghi]", "activity.attendances[kind=tuyen_truyen]"],
        by="none",
    )
    assert data["total"] == {
        "activity.sessions[kind=hoi_nghi]": 45284,
        "activity.attendances[kind=tuyen_truyen]": 840528,
    }


def test_every_activity_sits_on_a_unit_open_that_day(demo):
    today = periods.today()
    rows = Activity.objects.values_list("date", "unit__valid_from", "unit__valid_to")
    assert all(f <= d <= (t or today) and d <= today for d, f, t in rows)
    q9 = Unit.objects.get(code=org_demo.Q9)
    assert not Activity.objects.in_subtree(q9).filter(unit=q9, date__gt=q9.valid_to).exists()
    assert Activity.objects.filter(unit=q9).exists()
    after_reform = Activity.objects.filter(date__gte=D(2025, 7, 1), unit__kind__code="ldld_huyen")
    assert not after_reform.exists()


def test_loads_in_seconds_and_once(demo):
    assert demo["created"] > 15000
    assert demo["seconds"] < 60
    before = Activity.objects.count()
    assert activities_demo.load() == {"created": 0}
    assert Activity.objects.count() == before


def test_demo_is_reproducible():
    """Two plans from the same tree are the same rows (seeded generator)."""
    first = [
        (r.unit_id, r.date, r.kind_id, r.title, r.sessions, r.attendances)
        for r in activities_demo.plan(D(2026, 1, 1))[:500]
    ]
    second = [
        (r.unit_id, r.date, r.kind_id, r.title, r.sessions, r.attendances)
        for r in activities_demo.plan(D(2026, 1, 1))[:500]
    ]
    assert first == second


test_demo_is_reproducible = pytest.mark.usefixtures("demo")(test_demo_is_reproducible)


def test_list_page_at_demo_size(demo, django_assert_max_num_queries):
    from django.contrib.auth.models import User

    client = Client()
    client.force_login(User.objects.get(username="demo-tinh"))
    with django_assert_max_num_queries(15):
        page = client.get(
            "/hoat-dong/",
            {"unit": org_demo.HCM, "start": "01/01/2018", "end": "31/12/2023", "kind": "hoi_nghi"},
        ).content.decode()
    assert 'data-total="sessions">45.284<' in page and 'data-total="attendances">3.740.917<' in page
    hcm = Unit.objects.get(code=org_demo.HCM)
    with django_assert_max_num_queries(15):
        assert (
            client.get(f"/hoat-dong/{Activity.objects.in_subtree(hcm).first().pk}/").status_code
            == 200
        )
    admin = Client()
    admin.force_login(User.objects.get(username="demo-admin"))
    period = {"start": "16/08/2021", "end": "15/08/2022", "kind": "tuyen_truyen"}
    page = admin.get(
        "/hoat-dong/", {**period, "unit": org_demo.MY_THO, "audience": "can_bo_cong_doan"}
    ).content.decode()
    assert 'data-total="sessions">16<' in page and 'data-total="attendances">1.116<' in page
    # Mỹ Tho's unions now sit under Đồng Tháp, and Đồng Tháp's admin reads the history of the
    # federations it succeeded: the unions' 648 sessions and the city federation's own 16
    mytho = Client()
    mytho.force_login(User.objects.get(username="demo-mytho"))
    page = mytho.get("/hoat-dong/", period).content.decode()
    assert 'data-total="sessions">664<' in page and 'data-total="attendances">18.995<' in page


def test_demo_activities_carry_out_the_demo_plans(demo):
    my_tho = Unit.objects.get(code=org_demo.MY_THO)
    units = [
        my_tho.pk,
        *org_demo.grassroots(org_demo.MY_THO, on=D(2022, 8, 15)).values_list("pk", flat=True),
    ]
    year = Activity.objects.filter(unit__in=units, date__range=(D(2021, 8, 16), D(2022, 8, 15)))
    for symbol, topic in (
        ("329/KH-LĐLĐ", "phong_chong_toi_pham"),
        ("330/KH-LĐLĐ", "ma_tuy"),
        ("311/KH-LĐLĐ", "mua_ban_nguoi"),
    ):
        plan = Document.objects.get(issuer_unit=my_tho, symbol=symbol)
        linked = year.filter(documents=plan)
        assert linked.exists(), symbol
        assert not linked.exclude(topics__code=topic).exists()
    hcm = Unit.objects.get(code=org_demo.HCM)
    plan_2022 = Document.objects.get(issuer_unit=hcm, symbol="118/KH-LĐLĐ")
    linked = Activity.objects.filter(documents=plan_2022)
    assert linked.exists() and not linked.exclude(date__year=2022).exists()
    assert not linked.exclude(unit__path__startswith=hcm.path).exists()
    assert (
        not Activity.objects.filter(documents__isnull=False)
        .exclude(document_ref__in=Document.objects.values("symbol"))
        .exists()
    )


def test_demo_leaves_the_reporting_cube_equal_to_the_raw_activities(demo):
    from binhyen.activities import cube as facts

    assert facts.verify(limit=5) == []
