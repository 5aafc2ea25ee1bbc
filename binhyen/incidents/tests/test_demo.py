"""The demo's enterprises, incidents and tips: plausible in shape (foreign firms in the zones,
stoppages concentrated there, cases around the groups' boarding houses, tips answered and
waiting), real in their workings (deadlines, timelines, police confirmations, the sealed
sender only the identity role reads), and loaded once."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from binhyen.enterprises import demo as enterprises_demo
from binhyen.enterprises.models import Enterprise
from binhyen.incidents import demo, services
from binhyen.incidents.models import Action, ActionKind, Incident, State, Stoppage, Tip
from binhyen.incidents.seal import unseal
from binhyen.org import demo as org_demo
from binhyen.org.models import Unit
from binhyen.org.scoping import Role


@pytest.fixture
def loaded(full_demo):
    """The whole demo, loaded once for every test that reads it (conftest.py)."""
    return full_demo


def user(username):
    return get_user_model().objects.get(username=username)


def test_a_few_hundred_enterprises_foreign_ones_mostly_in_the_zones(loaded):
    assert loaded["enterprises"]["enterprises"] >= 250
    kcn = Unit.objects.get(code=org_demo.KCN)
    hcm = Enterprise.objects.filter(ward__province__code=org_demo.HCM_PROVINCE)
    zones = hcm.filter(unit__path__startswith=kcn.path)
    outside = hcm.exclude(unit__path__startswith=kcn.path)
    share = zones.filter(ownership__code="fdi").count() / zones.count()
    assert 0.5 < share < 0.8
    assert outside.filter(ownership__code="fdi").count() / outside.count() < 0.3
    countries = set(zones.exclude(investor_country="").values_list("investor_country", flat=True))
    assert {"KR", "TW", "JP", "CN"} <= countries
    assert hcm.filter(union__isnull=True).exists() and hcm.filter(union__isnull=False).exists()
    for e in Enterprise.objects.exclude(union=None).select_related("union"):
        assert e.union.kind.is_grassroots and e.union.valid_to is None
    # every tax code carries the tax office's check digit
    assert all(
        enterprises_demo.tax_code(code[:9]) == code[:10]
        for code in Enterprise.objects.values_list("tax_code", flat=True)
    )


def test_stoppages_cluster_at_foreign_firms_of_the_zones_with_sound_case_files(loaded):
    kcn = Unit.objects.get(code=org_demo.KCN)
    stoppages = Incident.objects.filter(kind__code="ngung_viec")
    n = stoppages.count()
    assert n >= 50
    years = set(stoppages.values_list("started_at__year", flat=True))
    assert set(range(2018, 2026)) <= years
    assert stoppages.filter(enterprise__ownership__code="fdi").count() / n > 0.6
    assert stoppages.filter(unit__path__startswith=kcn.path).count() / n > 0.5
    assert 0 < stoppages.filter(enterprise__union__isnull=True).count() / n < 0.5
    for s in Stoppage.objects.select_related("incident__enterprise").prefetch_related("causes"):
        assert 0 < s.workers_involved <= s.workforce == s.incident.enterprise.workforce
        assert s.causes.exists() and s.demands
        if s.resumed_on:
            assert s.resumed_on > s.incident.started_at.date()
            assert s.outcome != "chua_co" and s.worker_days >= s.workers_involved
    assert Stoppage.objects.filter(lawful=False).count() > 0.9 * n


def test_cases_around_boarding_houses_reach_the_police_and_close(loaded):
    houses = Incident.objects.exclude(boarding_house=None)
    kinds = set(houses.values_list("kind__code", flat=True))
    assert {"toi_pham", "ma_tuy", "tin_dung_den", "mat_antt_nha_tro"} <= kinds
    assert houses.count() >= 60
    closed = houses.filter(state=State.CLOSED)
    assert closed.count() > houses.count() / 2
    assert all(i.settled_at and i.closed_at for i in closed)
    # the ward police's own confirmations come from demo-congan, in demo-congan's wards only
    police = Action.objects.filter(kind=ActionKind.POLICE)
    assert police.exists()
    assert set(police.values_list("actor__username", flat=True)) == {"demo-congan"}
    wards = {w.pk for w in org_demo.police_wards()}
    assert {a.incident.ward_id if a.incident else a.tip.ward_id for a in police} <= wards
    # a timeline reads in order: received first, each step after the start
    case = closed.order_by("started_at").first()
    steps = list(case.actions.all())
    assert steps[0].what == "Tiếp nhận vụ việc." and steps[-1].state_to == State.CLOSED
    assert all(step.at >= case.started_at for step in steps)


def test_some_cases_and_tips_are_past_their_deadline(loaded):
    overdue = Incident.objects.overdue()
    assert overdue.filter(rapid_reported_at=None, rapid_report_due__isnull=False).exists()
    assert overdue.filter(settled_at=None, resolve_due__isnull=False).count() >= 2
    assert overdue.count() == 4  # the history is settled: only today's few are late
    assert Tip.objects.overdue().exists()
    assert Tip.objects.filter(answered_at__isnull=False).count() > Tip.objects.count() / 2


def test_tips_come_from_the_portal_group_leaders_and_officers_sealed(loaded):
    channels = set(Tip.objects.values_list("channel", flat=True))
    assert channels == {"cong_thong_tin", "to_truong", "can_bo"}
    assert Tip.objects.filter(incident__isnull=False).exists()  # some became cases
    named = Tip.objects.filter(anonymous=False, channel="cong_thong_tin").exclude(sealed_sender="")
    sender = unseal(named.first().sealed_sender)
    assert sender["name"] and sender["name"] not in named.first().sealed_sender
    leader = Tip.objects.filter(channel="to_truong", anonymous=False).first()
    account = get_user_model().objects.get(pk=unseal(leader.sealed_sender)["user"])
    assert account.username.startswith("totruong-") and not account.has_usable_password()
    assert Tip.objects.filter(anonymous=True, sealed_sender="").exists()


def test_only_the_identity_account_reads_who_sent_a_tip(loaded):
    tip = Tip.objects.filter(anonymous=False).exclude(sealed_sender="").first()
    bimat = user("demo-bimat")
    roles = set(bimat.assignments.filter(active=True).values_list("role", flat=True))
    assert roles == {Role.VIEWER, Role.IDENTITY}
    assert services.reveal_sender(bimat, tip) == unseal(tip.sealed_sender)
    for username in ("demo-admin", "demo-tinh", "demo-congan"):
        with pytest.raises(ValidationError):
            services.reveal_sender(user(username), tip)
    assert Action.objects.filter(kind=ActionKind.REVEAL, actor=bimat).count() >= 2
    assert "demo-bimat" in [row[0] for row in org_demo.account_rows()]


def test_a_second_run_adds_nothing(loaded):
    before = (Incident.all_objects.count(), Tip.objects.count(), Action.objects.count())
    assert demo.load() == {"stoppages": 0, "incidents": 0, "tips": 0, "overdue": 0}
    assert enterprises_demo.load() == {"enterprises": 0}
    assert (Incident.all_objects.count(), Tip.objects.count(), Action.objects.count()) == before
