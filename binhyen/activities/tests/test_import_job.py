"""The activities import as a background job: the upload queues it, the page follows its
progress and then shows what it found; a re-run writes nothing twice, a failed attempt leaves
nothing behind, and a job is seen only by whoever started it."""

import threading
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from binhyen.activities import excel, tasks
from binhyen.activities.models import Activity, ImportBatch
from binhyen.ops import imports
from binhyen.ops.models import Job, JobStatus

from .conftest import row, xlsx

URL = reverse("activities:import")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def uploads(media):
    return sorted(p.name for p in (media / "jobs" / "uploads").rglob("*.xlsx"))


def login(user):
    client = Client()
    client.force_login(user)
    return client


def post(client, content, capture, **data):
    """Upload on the page; the job runs when the request's transaction commits (immediate
    backend). Returns the redirect's target."""
    with capture(execute=True):
        response = client.post(URL, {"file": SimpleUploadedFile("hd.xlsx", content), **data})
    assert response.status_code == 302
    return response["Location"]


def rows(n):
    return [row(**{"Tên hoạt động": f"Buổi {i}", "Số lượt người": 10 + i}) for i in range(n)]


def test_upload_runs_as_a_job_and_the_page_shows_its_result(
    people, media, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client = login(people["cs1_editor"])
    upload = SimpleUploadedFile("hd.xlsx", xlsx(rows(3)).getvalue())
    with django_capture_on_commit_callbacks() as queued:
        with django_assert_max_num_queries(15):  # the page itself; the job runs after it
            target = client.post(URL, {"file": upload})["Location"]
    assert Job.objects.get().status == JobStatus.QUEUED
    for run in queued:
        run()
    job = Job.objects.get()
    assert target == f"{URL}?job={job.pk}"
    assert (job.kind, job.status, job.requested_by) == (
        tasks.KIND,
        JobStatus.DONE,
        people["cs1_editor"],
    )
    assert (job.done, job.total, job.attempts) == (3, 3, 1)
    assert job.title == "Nhập hoạt động từ tệp hd.xlsx"
    with django_assert_max_num_queries(15):
        page = client.get(target).content.decode()
    assert "Đã nhập 3 hoạt động mới từ 3 dòng; bỏ qua 0 dòng trùng." in page
    assert "hx-get" not in page  # finished: nothing to poll
    assert Activity.objects.count() == 3 and ImportBatch.objects.count() == 1
    # the generic job page says the same, and leads back to the full result
    detail = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "Đã nhập 3 hoạt động mới từ 3 dòng" in detail and target in detail
    assert uploads(media) == []  # the upload goes when the job ends


def test_running_the_same_job_again_writes_nothing_more(
    people, media, django_capture_on_commit_callbacks
):
    client = login(people["cs1_editor"])
    post(client, xlsx(rows(2)).getvalue(), django_capture_on_commit_callbacks)
    job = Job.objects.get()
    # A worker that died after the commit, before the job's end: the reaper runs it again.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    tasks.import_activities.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.outcome["created"] == 2
    assert Activity.objects.count() == 2 and ImportBatch.objects.count() == 1
    # Even without the recorded outcome (and with the file back), the rows are not written twice.
    path = imports.save_upload(xlsx(rows(2)))
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.QUEUED, outcome={}, params={**job.params, "upload": path}
    )
    tasks.import_activities.call(job.pk)
    job.refresh_from_db()
    assert (job.outcome["created"], job.outcome["skipped"]) == (0, 2)
    assert Activity.objects.count() == 2
    # A finished job is not claimed again.
    assert tasks.import_activities.call(job.pk) is None


def test_an_attempt_that_fails_mid_write_leaves_nothing_and_the_next_writes_once(
    people, media, monkeypatch, django_capture_on_commit_callbacks
):
    real = excel.add_import_to_cube
    calls = []

    def fail_first(sums):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("mất kết nối giữa chừng")
        return real(sums)

    monkeypatch.setattr(excel, "add_import_to_cube", fail_first)
    page = login(people["cs1_editor"]).get(
        post(
            login(people["cs1_editor"]),
            xlsx(rows(4)).getvalue(),
            django_capture_on_commit_callbacks,
        )
    )
    job = Job.objects.get()
    assert (job.status, len(calls)) == (JobStatus.DONE, 2)
    assert Activity.objects.count() == 4 and ImportBatch.objects.count() == 1
    assert "Đã nhập 4 hoạt động mới từ 4 dòng" in page.content.decode()
    assert uploads(media) == []


def test_the_last_failed_attempt_ends_the_job_and_drops_the_upload(
    people, media, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(sums):
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setattr(excel, "add_import_to_cube", broken)
    page = (
        login(people["cs1_editor"])
        .get(
            post(
                login(people["cs1_editor"]),
                xlsx(rows(1)).getvalue(),
                django_capture_on_commit_callbacks,
            )
        )
        .content.decode()
    )
    job = Job.objects.get()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 3)
    assert "Lỗi hệ thống: ổ đĩa đầy" in page and "không có dữ liệu nào được ghi" in page
    assert Activity.all_objects.count() == 0 and uploads(media) == []


def test_a_file_with_errors_fails_the_job_lists_them_and_saves_nothing(
    people, media, django_capture_on_commit_callbacks
):
    client = login(people["cs1_editor"])
    bad = xlsx([row(), row(**{"Tên hoạt động": "B", "Số lượt người": "nhiều"})])
    page = client.get(post(client, bad.getvalue(), django_capture_on_commit_callbacks))
    page = page.content.decode()
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert "Chưa nhập dòng nào: có 1 lỗi (tệp có 2 dòng dữ liệu)" in page
    assert '<td class="num">3</td>' in page and "<td>Số lượt người</td>" in page
    assert "&#x27;nhiều&#x27; phải là số nguyên không âm" in page
    # the job list and the generic job page name the row and the column too
    assert job.error.startswith("Dòng 3, cột 'Số lượt người': 'nhiều' phải là số nguyên")
    assert Activity.all_objects.count() == 0 and ImportBatch.objects.count() == 0
    assert uploads(media) == []


def test_dry_run_checks_in_the_job_and_writes_nothing(people, django_capture_on_commit_callbacks):
    client = login(people["cs1_editor"])
    target = post(
        client, xlsx(rows(2)).getvalue(), django_capture_on_commit_callbacks, dry_run="on"
    )
    page = client.get(target).content.decode()
    assert "Tệp hợp lệ: 2 dòng, không có lỗi — sẽ ghi 2 hoạt động mới" in page
    job = Job.objects.get()
    assert job.status == JobStatus.DONE and job.title == "Kiểm tra tệp hoạt động hd.xlsx"
    assert Activity.all_objects.count() == 0 and ImportBatch.objects.count() == 0


def test_while_queued_the_page_shows_the_job_and_polls_itself(people):
    """Without the commit the job stays queued, as it does until a worker takes it."""
    client = login(people["cs1_editor"])
    response = client.post(URL, {"file": SimpleUploadedFile("hd.xlsx", xlsx(rows(1)).getvalue())})
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED and uploads_exist(job)
    page = client.get(response["Location"]).content.decode()
    assert f'hx-get="{URL}?job={job.pk}"' in page and "Đang chờ" in page
    assert "hx-disable" in page  # the job's own partial does not poll as well
    part = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert part.lstrip().startswith("<section") and "<html" not in part
    assert "<progress" in part


def uploads_exist(job):
    from django.core.files.storage import default_storage

    return default_storage.exists(job.params["upload"])


def test_someone_elses_job_is_not_found(people, django_capture_on_commit_callbacks):
    owner = login(people["cs1_editor"])
    post(owner, xlsx(rows(1)).getvalue(), django_capture_on_commit_callbacks)
    job = Job.objects.get()
    other = login(people["hcm_editor"])
    assert other.get(f"{URL}?job={job.pk}").status_code == 404
    assert other.get(reverse("job_detail", args=[job.pk])).status_code == 404
    for junk in ("abc", "0", "99999999999999999999999"):
        assert owner.get(f"{URL}?job={junk}").status_code == 404


def test_progress_is_written_a_few_dozen_times_at_most():
    seen = []
    progress = imports.RowProgress(lambda done, total, step: seen.append((done, total)), 100_000)
    progress.start()
    for read in range(2000, 100_001, 2000):  # the handler's batches
        progress(read)
    assert len(seen) <= 51 and seen[0] == (0, 100_000) and seen[-1] == (100_000, 100_000)
    seen.clear()
    progress = imports.RowProgress(lambda done, total, step: seen.append((done, total)), 0)
    for read in range(200, 100_001, 200):
        progress(read)
    assert len(seen) == 20 and seen[-1] == (100_000, 0)


def test_rows_are_counted_before_the_import_for_the_progress_bar(people):
    spec = excel.activity_spec()
    assert imports.count_rows(xlsx(rows(7)), spec) == 7  # Excel's <dimension>
    wb = Workbook(write_only=True)  # our own exports carry no <dimension>
    sheet = wb.create_sheet("Dữ liệu")
    sheet.append(["Mã đơn vị"])
    for i in range(1200):
        sheet.append([f"CS{i}"])
    sheet.append([None])  # rows without a value do not count
    out = BytesIO()
    wb.save(out)
    assert imports.count_rows(out, spec) == 1200
    assert imports.count_rows(BytesIO(b"junk"), spec) == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer: progress waits for the end"
)
def test_progress_reaches_the_page_while_the_import_transaction_is_open():
    from binhyen.ops.tasks import Progress

    job = Job.objects.create(kind=tasks.KIND, title="t")
    side = imports.SideProgress(Progress(job))
    seen = {}

    def page_reads():  # another connection, as the job page's request has
        seen["done"] = Job.objects.get(pk=job.pk).done
        connection.close()

    with transaction.atomic():
        side(1234, 5000, "đọc")
        side.close()
        reader = threading.Thread(target=page_reads)
        reader.start()
        reader.join()
    assert seen["done"] == 1234


def test_the_job_answers_in_the_language_of_whoever_asked(
    people, english, django_capture_on_commit_callbacks
):
    from django.utils import translation

    client = login(people["cs1_editor"])
    client.post("/i18n/setlang/", {"language": "en"})
    bad = xlsx([row(**{"Số lượt người": -2})]).getvalue()
    with django_capture_on_commit_callbacks() as queued:
        target = client.post(URL, {"file": SimpleUploadedFile("hd.xlsx", bad)})["Location"]
    with translation.override("vi"):  # the worker's own language
        for run in queued:
            run()
    page = client.get(target).content.decode()
    assert "Nothing was imported" in page and "must be a whole number ≥ 0" in page
    assert "must be a whole number ≥ 0" in Job.objects.get().error
