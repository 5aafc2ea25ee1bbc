"""Recomputing a unit's rollup figures from a page: queued by an administrator, run in the
background, followed on the page; scoped like everything else."""

from django.urls import reverse

from binhyen import factories as f
from binhyen.activities import cube as facts
from binhyen.activities.models import ActivityFact
from binhyen.org.scoping import Role
from binhyen.reporting.models import FactRebuild, RebuildStatus
from binhyen.reporting.tests.helpers import record

URL = reverse("reporting:rebuild")


def _spoil(unit):
    """Damage the cube the way a direct database edit would."""
    ActivityFact.objects.filter(ancestor_id=unit.pk).update(sessions=999)
    assert facts.verify() != []


def test_an_administrator_repairs_the_figures_from_the_page(
    client, tree, django_capture_on_commit_callbacks
):
    record(tree["cs1"], "2022-03-05", sessions=2, attendances=50)
    _spoil(tree["q9"])
    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    client.force_login(admin)
    page = client.get(URL, {"unit": "HCM-Q9"}).content.decode()
    assert "Tính lại số liệu của Liên đoàn Lao động Quận 9" in page
    assert "Chưa có lần tính lại nào" in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"{URL}?unit=HCM-Q9", follow=True)
    text = answer.content.decode()
    assert "vào hàng chờ" in text
    job = FactRebuild.objects.get()
    assert (job.unit, job.requested_by, job.status) == (tree["q9"], admin, RebuildStatus.DONE)
    assert job.rows_written > 0 and job.finished_at >= job.started_at
    assert facts.verify() == []
    assert "Xong" in client.get(URL, {"unit": "HCM-Q9"}).content.decode()


def test_a_viewer_sees_the_runs_but_cannot_start_one(client, tree):
    viewer = f.user(role=Role.VIEWER, unit=tree["hcm"])
    client.force_login(viewer)
    page = client.get(URL, {"unit": "HCM"}).content.decode()
    assert "Chỉ người quản trị đơn vị mới yêu cầu tính lại được." in page
    answer = client.post(f"{URL}?unit=HCM", follow=True).content.decode()
    assert "bạn không quản trị đơn vị này" in answer
    assert not FactRebuild.objects.exists()


def test_units_outside_ones_scope_are_not_found(client, tree):
    client.force_login(f.user(role=Role.ADMIN, unit=tree["hcm"]))
    assert client.get(URL, {"unit": "TG"}).status_code == 404
    assert client.post(f"{URL}?unit=TG").status_code == 404
    assert not FactRebuild.objects.exists()


def test_a_second_request_while_one_waits_is_the_same_run(tree):
    from binhyen.reporting import jobs

    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    first = jobs.request_rebuild(admin, tree["hcm"])  # not committed: still queued
    assert jobs.request_rebuild(admin, tree["hcm"]) == first
    assert FactRebuild.objects.count() == 1


def test_a_failed_run_says_why(tree, monkeypatch, django_capture_on_commit_callbacks):
    from binhyen.reporting import jobs

    def broken(unit=None):
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setattr(facts, "rebuild", broken)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.request_rebuild(f.superuser(), tree["hcm"])
    job = FactRebuild.objects.get()
    assert (job.status, job.error) == (RebuildStatus.FAILED, "ổ đĩa đầy")


def test_the_runs_page_keeps_to_a_few_queries(client, tree, django_assert_max_num_queries):
    admin = f.user(role=Role.ADMIN, unit=tree["root"])
    from binhyen.core.views import PAGE_SIZE

    for unit in (tree["hcm"], tree["q9"], tree["tg"]) * PAGE_SIZE:
        FactRebuild.objects.create(unit=unit, requested_by=admin, status=RebuildStatus.DONE)
    client.force_login(admin)
    with django_assert_max_num_queries(15):
        page = client.get(URL, {"unit": "TLD"})
    assert (
        page.status_code == 200 and page.content.decode().count("<tr>") == PAGE_SIZE + 1
    )  # and the header
