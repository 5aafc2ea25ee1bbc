"""The dashboard's Excel file is made in the background: the "Xuất Excel" button queues a job
for the table shown and opens the job's page; the file is downloaded from there by the person
who asked, within the figure scope they still have when the job runs."""

import io
import re

import pytest
from openpyxl import load_workbook

from binhyen import factories as f
from binhyen.ops.models import Job, JobStatus
from binhyen.org import services as org_services
from binhyen.org.models import Assignment
from binhyen.org.scoping import Role
from binhyen.reporting import tasks
from binhyen.reporting.tests.helpers import record

QUESTION = {"unit": "HCM", "period": "2022", "basis": "was"}


@pytest.fixture
def viewer(tree, client):
    user = f.user("xl-hcm", role=Role.VIEWER, unit=tree["hcm"])
    client.force_login(user)
    record(tree["cs1"], "2022-03-10", sessions=2, attendances=1500)
    record(tree["cs2"], "2022-07-10", sessions=3, attendances=2307)
    return user


def shown_totals(html):
    """The dashboard table's total row, as shown ("3.807")."""
    table = html.split('id="table-title"', 1)[1].split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    return re.findall(r'<td class="text-end">(.*?)</td>', table)


def test_the_button_posts_the_question_shown_and_the_file_has_the_page_figures(
    viewer, client, export_file, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        html = client.get("/tong-hop/", QUESTION).content.decode()
    form = html.split('id="export-form"', 1)[1].split("</form>", 1)[0]
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="unit" value="HCM">' in form
    assert '<input type="hidden" name="period" value="2022">' in form
    assert 'form="export-form"' in html and 'href="/tong-hop/xuat-excel/' not in html
    shown = shown_totals(html)

    job, data = export_file(client, "/tong-hop/xuat-excel/", QUESTION)
    assert (
        job.title == "Bảng tổng hợp năm 2022 của Liên đoàn Lao động Thành phố Hồ Chí Minh — Excel"
    )
    assert job.kind == tasks.DASHBOARD_KIND and job.result_name == "tong-hop-HCM-2022.xlsx"
    assert job.outcome["link"] == "/tong-hop/?unit=HCM&period=2022&basis=was"
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[-1][1] == "Tổng cộng"
    assert rows[-1][2:5] == (2, 5, 3807)
    assert shown[:3] == ["2", "5", "3.807"]
    body = {r[0]: r[2:5] for r in rows if r[0] in ("HCM-Q9", "HCM-TD")}
    assert body == {"HCM-Q9": (1, 2, 1500), "HCM-TD": (1, 3, 2307)}


def test_another_person_cannot_open_the_job_or_its_file(viewer, client, tree, export_file):
    job, _data = export_file(client, "/tong-hop/xuat-excel/", QUESTION)
    colleague = f.user("xl-hcm-2", role=Role.VIEWER, unit=tree["hcm"])  # sees the same figures
    client.force_login(colleague)
    assert client.get(f"/viec-nen/{job.pk}/").status_code == 404
    assert client.get(f"/viec-nen/{job.pk}/tep/").status_code == 404


def test_a_unit_out_of_scope_is_a_404_and_queues_nothing(viewer, client):
    assert client.post("/tong-hop/xuat-excel/", {"unit": "TG", "period": "2022"}).status_code == 404
    assert not Job.objects.exists()


def test_a_person_who_lost_the_role_before_the_job_ran_gets_a_clear_failure(
    viewer, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert client.post("/tong-hop/xuat-excel/", QUESTION).status_code == 303
    job = Job.objects.get()
    for assignment in Assignment.objects.filter(user=viewer, active=True):
        org_services.revoke_assignment(f.superuser(), assignment)
    queued[0]()  # the worker runs it now
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.result
    assert "Bạn không còn quyền xem số liệu của đơn vị này" in job.error
    assert "Không tìm thấy đơn vị “HCM” trong phạm vi của bạn." in job.error
    page = client.get(f"/viec-nen/{job.pk}/").content.decode()
    assert "Bạn không còn quyền xem số liệu của đơn vị này" in page and "/tep/" not in page
    assert not list(tmp_path.rglob("*.xlsx"))


def test_a_get_on_the_old_link_opens_the_dashboard_and_queues_nothing(viewer, client):
    response = client.get("/tong-hop/xuat-excel/", QUESTION)
    assert response.status_code == 302
    assert response["Location"] == "/tong-hop/?unit=HCM&period=2022&basis=was"
    assert not Job.objects.exists()


def test_the_post_stays_within_15_queries_and_a_second_run_replaces_the_file(
    viewer, client, export_file, tmp_path, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        assert client.post("/tong-hop/xuat-excel/", QUESTION).status_code == 303
    job, first = export_file(client, "/tong-hop/xuat-excel/", QUESTION)
    place = job.result.name
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    tasks.export_dashboard_table.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result.name == place
    files = list((tmp_path / "media").rglob(f"{job.pk}-*.xlsx"))
    assert [p.name for p in files] == [place.rsplit("/", 1)[1]]
    again = list(load_workbook(files[0]).active.iter_rows(values_only=True))
    assert again == list(load_workbook(io.BytesIO(first)).active.iter_rows(values_only=True))
