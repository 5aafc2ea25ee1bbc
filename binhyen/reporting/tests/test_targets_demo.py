"""The demo's plans and their targets: the targets reporting's demo gives the plans reach the
units of 2022, and each plan shows its own figures (the activities the activities demo links to
329/KH-LĐLĐ, 330/KH-LĐLĐ, 311/KH-LĐLĐ (Mỹ Tho) and HCMC's yearly plans), read through the
registry's document filter, equal to a count of the raw activities, and the cube exact."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Sum
from django.test import Client

from binhyen.activities import cube as facts
from binhyen.activities.models import Activity
from binhyen.documents import chain as documents_chain
from binhyen.documents.models import Document, Target
from binhyen.org import demo as org_demo
from binhyen.reporting import chain, demo, progress


@pytest.fixture
def demo_data(full_demo):
    """The whole demo, loaded once for every test that reads it (conftest.py): what the
    reporting loader created."""
    return full_demo["reporting"]


def test_the_demo_plans_get_their_targets(demo_data):
    assert demo_data == {"targets": 7}


def test_a_second_run_changes_nothing(demo_data):
    assert demo.load() == {"targets": 0}


def test_targets_reach_the_units_of_2022(demo_data):
    grassroots = Target.objects.get(
        plan__symbol="329/KH-LĐLĐ", indicator="activity.sessions[kind=tuyen_truyen]"
    )
    assert grassroots.assignments.count() == 23  # Mỹ Tho's unions and guild open in 2022
    table = progress.target_progress(grassroots)
    assert len(table.rows) == 23 and table.total_target == 46
    children = Target.objects.get(
        plan__symbol="118/KH-LĐLĐ", indicator="activity.sessions[kind=tuyen_truyen]"
    )
    assert sorted(children.assignments.values_list("unit__code", flat=True)) == sorted(
        [
            org_demo.THU_DUC,
            org_demo.Q7,
            org_demo.BINH_TAN,
            org_demo.CU_CHI,
            org_demo.Q12,
            org_demo.KCN,
            org_demo.GTVT,
        ]
    )


def _raw(plan, period):
    linked = Activity.objects.filter(documents=plan, date__gte=period.start, date__lte=period.end)
    got = linked.aggregate(n=Count("id"), s=Sum("sessions"), a=Sum("attendances"))
    return got["n"], got["s"] or 0, got["a"] or 0


def test_each_demo_plan_shows_the_activities_linked_to_it(full_demo):
    assert facts.verify() == []
    admin = get_user_model().objects.get(username=org_demo.ACCOUNTS[0].username)
    seen = 0
    for symbol in ("329/KH-LĐLĐ", "330/KH-LĐLĐ", "311/KH-LĐLĐ", "118/KH-LĐLĐ", "127/KH-LĐLĐ"):
        plan = Document.objects.select_related("unit").get(symbol=symbol)
        figures = chain.plan_figures(plan, documents_chain.default_period(plan), admin)
        assert (figures.activities, figures.sessions, figures.attendances) == _raw(
            plan, figures.period
        ), symbol
        assert sum(r["sessions"] for r in figures.rows) == figures.sessions
        seen += figures.activities
    assert seen > 1000  # the demo links thousands of activities to these plans


def test_the_chain_of_kl13_and_a_partly_met_plan_target(full_demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username=org_demo.ACCOUNTS[0].username))
    kh329 = Document.objects.get(symbol="329/KH-LĐLĐ")
    period = documents_chain.default_period(Document.objects.get(symbol="13-KL/TW"))
    page = client.get(f"/van-ban/{kh329.pk}/so-lieu/", {"ky": period.code}).content.decode()
    activities, sessions, _attendances = _raw(kh329, documents_chain.plan_period(kh329, period))
    assert f"{activities} hoạt động" in page and f"{sessions} cuộc" in page
    drugs = Target.objects.get(plan__symbol="330/KH-LĐLĐ")
    assert drugs.indicator == f"activity.sessions[topic=ma_tuy;document={drugs.plan_id}]"
    table = progress.target_progress(drugs)
    assert table.behind and len(table.behind) < len(table.rows)  # partly met
