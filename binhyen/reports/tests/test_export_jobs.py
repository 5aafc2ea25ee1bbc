"""A submission's DOCX and PDF are made in the background: the page's buttons queue a job and
open its page, the file is downloaded from there by the person who asked, and the job checks
again, when it runs, that this person may still read the report."""

import datetime
import io
import re

import pytest
from django.test import Client
from docx import Document
from pypdf import PdfReader

from binhyen import factories
from binhyen.ops.models import Job, JobStatus
from binhyen.org import services as org_services
from binhyen.org.models import Assignment
from binhyen.org.scoping import Role
from binhyen.reports import render, services, tasks
from binhyen.reports.models import Submission

D = datetime.date
SESSIONS = "activity.sessions[kind=tuyen_truyen]"


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def sent(tree):
    """Thủ Đức's 2022 report to HCM, sent: 3.807 + 12 outreach sessions, 840.528 + 300
    attendances."""
    approver = factories.user("ex-hcm", Role.APPROVER, tree["hcm"])
    editor = factories.user("ex-td", Role.EDITOR, tree["td"])
    factories.activity(tree["cs2"], date=D(2022, 4, 2), sessions=3807, attendances=840528)
    factories.activity(tree["td"], date=D(2022, 5, 2), sessions=12, attendances=300)
    request = services.issue_request(
        approver, unit=tree["hcm"], period="2022", deadline=D(2023, 1, 15)
    )
    s = Submission.objects.get(request=request, unit=tree["td"])
    s = services.save_draft(editor, s, version=s.version, generate=True)
    s = services.save_draft(editor, s, version=s.version, assessment="Phong trào được duy trì.")
    s = services.submit(editor, s, version=s.version)
    return {"approver": approver, "editor": editor, "s": s}


def shown_figure(page, key):
    """The figure of `key` as the submission page shows it (as sent)."""
    row = page.split(f'data-indicator="{key}"')[1].split("</tr>")[0]
    return re.findall(r'<td class="text-end">([^<]*)</td>', row)[0]


def test_the_page_buttons_post_and_the_job_gives_the_docx_with_the_page_figures(
    sent, export_file, django_assert_max_num_queries
):
    s, c = sent["s"], client_for(sent["approver"])
    with django_assert_max_num_queries(15):
        page = c.get(f"/tong-hop/bao-cao/{s.pk}/").content.decode()
    assert shown_figure(page, SESSIONS) == "3.819"
    form = re.search(rf'<form method="post" action="/tong-hop/bao-cao/{s.pk}/tai-ve.docx">', page)
    assert form and 'href="/tong-hop/bao-cao/' + str(s.pk) + "/tai-ve" not in page

    job, data = export_file(c, f"/tong-hop/bao-cao/{s.pk}/tai-ve.docx")
    assert job.title == (
        "Báo cáo công tác phòng, chống tội phạm năm 2022 của "
        "Liên đoàn Lao động Thành phố Thủ Đức — DOCX"
    )
    assert job.requested_by == sent["approver"] and job.kind == tasks.DOCUMENT_KIND
    assert job.result_name == "bao-cao-HCM-TD-2022.docx"
    assert job.outcome["link"] == f"/tong-hop/bao-cao/{s.pk}/"
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    assert "Phong trào được duy trì." in texts
    assert any("3.819 buổi tuyên truyền" in t for t in texts)
    total = doc.tables[2].rows[-1].cells
    assert total[1].text == "Tổng cộng" and total[2].text == shown_figure(page, SESSIONS)


def test_the_pdf_is_a_pdf_with_the_same_figures(sent, export_file):
    s = sent["s"]
    job, data = export_file(client_for(sent["editor"]), f"/tong-hop/bao-cao/{s.pk}/tai-ve.pdf")
    assert job.title.endswith(" — PDF") and job.result_name == "bao-cao-HCM-TD-2022.pdf"
    assert data.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "3.819" in text and "840.828" in text and "Phong trào được duy trì." in text


def test_the_job_builds_what_the_renderer_builds(sent, export_file):
    """The same function as the `export-report` command and the old download: the document
    made now from the same text and kept figures reads the same, paragraph by paragraph and
    cell by cell (the bytes differ only by the zip's timestamps)."""
    s = Submission.objects.select_related("request__unit", "request__template", "unit").get(
        pk=sent["s"].pk
    )
    _job, data = export_file(client_for(sent["editor"]), f"/tong-hop/bao-cao/{s.pk}/tai-ve.docx")
    story, _missing = services.story(s)
    direct = render.build(
        s.unit,
        s.request.period,
        story=story,
        assessment=s.assessment,
        shortcomings=s.shortcomings,
        proposals=s.proposals,
        figures=services.frozen_rollup(s),
    )

    def words(blob):
        doc = Document(io.BytesIO(blob))
        cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
        return [p.text for p in doc.paragraphs] + cells

    assert words(data) == words(direct)


def test_only_the_person_who_asked_sees_the_job_and_its_file(sent, tree, export_file):
    s = sent["s"]
    job, _data = export_file(client_for(sent["editor"]), f"/tong-hop/bao-cao/{s.pk}/tai-ve.docx")
    # the approver reads the same report, but the job and its file are the editor's
    other = client_for(sent["approver"])
    assert other.get(f"/viec-nen/{job.pk}/").status_code == 404
    assert other.get(f"/viec-nen/{job.pk}/tep/").status_code == 404
    stranger = client_for(factories.user("ex-mt", Role.VIEWER, tree["mt"]))
    assert stranger.get(f"/viec-nen/{job.pk}/tep/").status_code == 404
    # and one cannot even ask for a report out of one's scope, nor in another format
    assert stranger.post(f"/tong-hop/bao-cao/{s.pk}/tai-ve.docx").status_code == 404
    assert client_for(sent["editor"]).post(f"/tong-hop/bao-cao/{s.pk}/tai-ve.odt").status_code == (
        404
    )
    assert Job.objects.count() == 1


def test_a_person_who_lost_the_role_before_the_job_ran_gets_a_clear_failure(
    sent, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    s, editor = sent["s"], sent["editor"]
    c = client_for(editor)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = c.post(f"/tong-hop/bao-cao/{s.pk}/tai-ve.docx")
    assert response.status_code == 303 and len(queued) == 1
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED
    # moved to another unit while the job waited for a worker
    for assignment in Assignment.objects.filter(user=editor, active=True):
        org_services.revoke_assignment(factories.superuser(), assignment)
    queued[0]()  # the worker runs it now
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.result and not job.result_name
    assert "Bạn không còn quyền xem báo cáo này" in job.error
    page = c.get(f"/viec-nen/{job.pk}/").content.decode()
    assert "Bạn không còn quyền xem báo cáo này" in page and "/tep/" not in page
    assert c.get(f"/viec-nen/{job.pk}/tep/").status_code == 404
    assert not list(tmp_path.rglob("*.docx"))


def test_a_get_on_the_old_link_queues_nothing(sent, tree):
    """An old link or bookmark opens the report's page, where the buttons are."""
    s = sent["s"]
    response = client_for(sent["editor"]).get(f"/tong-hop/bao-cao/{s.pk}/tai-ve.docx")
    assert response.status_code == 302 and response["Location"] == f"/tong-hop/bao-cao/{s.pk}/"
    outsider = client_for(factories.user("ex-tg", Role.VIEWER, tree["mt"]))
    assert outsider.get(f"/tong-hop/bao-cao/{s.pk}/tai-ve.pdf").status_code == 404
    assert not Job.objects.exists()


def test_running_the_job_again_replaces_its_file(sent, export_file, tmp_path):
    s = sent["s"]
    job, first = export_file(client_for(sent["editor"]), f"/tong-hop/bao-cao/{s.pk}/tai-ve.docx")
    place = job.result.name
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    tasks.export_submission_document.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result.name == place
    files = list((tmp_path / "media").rglob("*.docx"))
    assert [f.name for f in files] == [place.rsplit("/", 1)[1]]
    assert Document(io.BytesIO(files[0].read_bytes())).paragraphs[-1].text == (
        Document(io.BytesIO(first)).paragraphs[-1].text
    )


def test_the_post_and_the_job_page_stay_within_15_queries(
    sent, settings, tmp_path, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    settings.MEDIA_ROOT = tmp_path
    s, c = sent["s"], client_for(sent["editor"])
    with django_capture_on_commit_callbacks(execute=True):
        with django_assert_max_num_queries(15):
            response = c.post(f"/tong-hop/bao-cao/{s.pk}/tai-ve.pdf")
    with django_assert_max_num_queries(15):
        page = c.get(response["Location"]).content.decode()
    assert "bao-cao-HCM-TD-2022.pdf" in page
