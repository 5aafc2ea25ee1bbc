"""Tasks, jobs, the schedule and the nightly cleanup, on the immediate backend (the tests'
default) or the database queue where the queue itself is what is tested."""

import datetime
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from binhyen import factories as f
from binhyen.ops import housekeeping, schedule
from binhyen.ops.models import Job, JobStatus, ScheduleRun, WorkerBeat
from binhyen.ops.tasks import background, job_task, reap, start_job, submit

pytestmark = pytest.mark.django_db

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CALLS = []


@background
def flaky(fail_times):
    CALLS.append("flaky")
    if CALLS.count("flaky") <= fail_times:
        raise ConnectionError("máy chủ thư không trả lời")
    return "sent"


@background
def refuses():
    CALLS.append("refuses")
    raise ValidationError("Ô B7: ngày không hợp lệ.")


@job_task
def counting(job, progress):
    total = job.params["n"]
    progress(0, total, "Đang đọc")
    for done in range(1, total + 1):
        progress(done, total)
    if job.params.get("bad"):
        raise ValidationError(["Dòng 3, cột B: thiếu tên đơn vị.", "Dòng 9, cột D: số âm."])
    job.result.save("ket-qua.txt", ContentFile(b"42"), save=False)
    job.result_name = "ket-qua.txt"
    return {"message": f"Đã xử lý {total} dòng."}


def _run_as_the_worker(worker_id):
    """Claim the one queued task and run it as the worker's loop does."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    row = DBTaskResult.objects.get()
    row.claim(worker_id)
    worker.run_task(row)


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()


def test_a_failing_task_is_retried_until_it_succeeds():
    result = flaky.enqueue(2)
    assert CALLS == ["flaky"] * 3
    assert result.status == "FAILED"  # the first attempt's own record; the retries succeeded


def test_a_task_gives_up_after_the_allowed_attempts(settings):
    settings.BINHYEN_TASK_ATTEMPTS = 2
    flaky.enqueue(5)
    assert CALLS == ["flaky"] * 2


def test_bad_input_is_not_retried():
    refuses.enqueue()
    assert CALLS == ["refuses"]


def test_on_the_database_queue_a_retry_waits_its_backoff(settings):
    settings.TASKS = DATABASE_BACKEND
    settings.BINHYEN_TASK_RETRY_SECONDS = 30
    flaky.enqueue(1)
    _run_as_the_worker("test")
    rows = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [r.status for r in rows] == ["FAILED", "READY"]
    assert rows[1].args_kwargs["kwargs"] == {"_attempt": 2}
    wait = (rows[1].run_after - rows[0].finished_at).total_seconds()
    assert 25 < wait < 35


def test_a_job_records_progress_outcome_and_file(django_capture_on_commit_callbacks):
    user = f.superuser()
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(counting, kind="test", title="Đếm", user=user, params={"n": 120})
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.attempts) == (JobStatus.DONE, 120, 120, 1)
    assert job.outcome == {"message": "Đã xử lý 120 dòng."}
    assert job.result.read() == b"42" and job.percent == 100


def test_a_job_with_bad_input_ends_at_once_with_every_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            counting, kind="test", title="Đếm", user=f.superuser(), params={"n": 3, "bad": 1}
        )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.attempts == 1
    assert job.error == "Dòng 3, cột B: thiếu tên đơn vị.\nDòng 9, cột D: số âm."


def test_a_job_page_is_its_owners_alone(client, django_capture_on_commit_callbacks):
    owner, other = f.user(), f.user()
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(counting, kind="test", title="Xuất số liệu", user=owner, params={"n": 2})
    client.force_login(other)
    assert client.get(f"/viec-nen/{job.pk}/").status_code == 404
    assert client.get(f"/viec-nen/{job.pk}/tep/").status_code == 404
    assert "Bạn chưa yêu cầu việc chạy nền nào." in client.get("/viec-nen/").content.decode()
    client.force_login(owner)
    page = client.get(f"/viec-nen/{job.pk}/").content.decode()
    assert "Xuất số liệu" in page and "Hoàn thành" in page and "Tải về ket-qua.txt" in page
    download = client.get(f"/viec-nen/{job.pk}/tep/")
    assert b"".join(download.streaming_content) == b"42"
    assert "Xuất số liệu" in client.get("/viec-nen/").content.decode()


def test_a_running_job_page_refreshes_itself_and_a_finished_one_stops(client):
    owner = f.user()
    job = Job.objects.create(
        kind="test", title="Nhập", requested_by=owner, status=JobStatus.RUNNING, done=40, total=160
    )
    client.force_login(owner)
    page = client.get(f"/viec-nen/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and "Đã xử lý 40/160 (25%)." in page
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE)
    partial = client.get(f"/viec-nen/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and "<html" not in partial


def test_the_job_list_keeps_to_a_few_queries(client, django_assert_max_num_queries):
    owner = f.user()
    Job.objects.bulk_create(
        Job(kind="t", title=f"Việc {i}", requested_by=owner, status=JobStatus.DONE)
        for i in range(120)
    )
    client.force_login(owner)
    with django_assert_max_num_queries(15):
        page = client.get("/viec-nen/")
    assert page.content.decode().count("<tr>") == 51  # a page of 50 and the header


def test_submit_queues_with_the_transaction(settings):
    settings.TASKS = DATABASE_BACKEND
    task_id = submit(flaky, 0)
    assert DBTaskResult.objects.get().id.hex == task_id.replace("-", "")


def _claimed(worker_id, started):
    row = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=row.pk).update(
        status="RUNNING", worker_ids=[worker_id], started_at=started
    )


def test_the_reaper_requeues_what_a_dead_worker_left_and_spares_a_live_one(settings):
    settings.TASKS = DATABASE_BACKEND
    now = timezone.now()
    flaky.enqueue(0)
    WorkerBeat.objects.create(worker_id="alive", host="h", pid=1, seen_at=now)
    _claimed("alive", now - timedelta(minutes=5))
    assert reap(now) == 0
    WorkerBeat.objects.filter(worker_id="alive").update(seen_at=now - timedelta(minutes=5))
    assert reap(now) == 1
    rows = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [r.status for r in rows] == ["FAILED", "READY"]
    assert rows[0].exception_class_path == "binhyen.ops.tasks.WorkerLost"
    assert rows[1].args_kwargs == {"args": [0], "kwargs": {"_attempt": 2}}
    assert reap(now) == 0  # once


def test_the_reaper_repoints_a_job_and_fails_it_after_the_last_attempt(settings):
    settings.TASKS = DATABASE_BACKEND
    settings.BINHYEN_TASK_ATTEMPTS = 2
    job = start_job(counting, kind="t", title="Nhập", user=f.user(), params={"n": 1})
    _claimed("gone", timezone.now() - timedelta(minutes=5))
    assert reap() == 1
    job.refresh_from_db()
    new = DBTaskResult.objects.get(status="READY")
    assert job.status == JobStatus.QUEUED and job.task_id == str(new.id)
    _claimed_again = DBTaskResult.objects.filter(pk=new.pk)
    _claimed_again.update(
        status="RUNNING", worker_ids=["gone"], started_at=timezone.now() - timedelta(minutes=5)
    )
    assert reap() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "Worker dừng giữa chừng" in job.error


def test_the_schedule_queues_each_slot_once(settings):
    settings.TASKS = DATABASE_BACKEND
    settings.BINHYEN_SCHEDULE = {
        "mail": {"task": "binhyen.ops.tests.test_tasks.flaky", "every": 60},
        "daily": {"task": "binhyen.ops.housekeeping.cleanup", "at": "07:00"},
    }
    moment = datetime.datetime(2026, 12, 7, 9, 30, 15, tzinfo=datetime.UTC)  # 16:30 in Hà Nội
    assert sorted(schedule.tick(moment)) == ["daily", "mail"]
    assert schedule.tick(moment + timedelta(seconds=30)) == []
    assert schedule.tick(moment + timedelta(seconds=50)) == ["mail"]
    daily = ScheduleRun.objects.get(name="daily")
    assert timezone.localtime(daily.slot).strftime("%d/%m %H:%M") == "07/12 07:00"
    assert DBTaskResult.objects.filter(status="READY").count() == 3


def test_a_daily_slot_before_its_hour_is_yesterdays():
    moment = datetime.datetime(2026, 12, 7, 23, 0, tzinfo=datetime.UTC)  # 06:00 on the 8th
    slot = schedule.slot_of({"at": "07:00"}, moment)
    assert timezone.localtime(slot).strftime("%d/%m %H:%M") == "07/12 07:00"


def test_the_cleanup_removes_old_jobs_with_their_files_and_keeps_recent_ones(settings):
    settings.BINHYEN_JOB_KEEP_DAYS = 7
    now = timezone.now()
    old = Job.objects.create(
        kind="t", title="cũ", status=JobStatus.DONE, finished_at=now - timedelta(days=8)
    )
    old.result.save("cu.xlsx", ContentFile(b"x"))
    path = old.result.path
    recent = Job.objects.create(
        kind="t", title="mới", status=JobStatus.DONE, finished_at=now - timedelta(days=1)
    )
    running = Job.objects.create(kind="t", title="đang chạy", status=JobStatus.RUNNING)
    done = housekeeping.clean(now)
    assert done["jobs"] == 1 and done["job files"] == 1
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, running.pk}
    import os

    assert not os.path.exists(path)
    assert housekeeping.clean(now)["jobs"] == 0


def test_administrators_see_every_task_with_its_attempt_duration_and_error(settings, client):
    settings.TASKS = DATABASE_BACKEND
    settings.BINHYEN_TASK_RETRY_SECONDS = 0
    flaky.enqueue(1)
    _run_as_the_worker("w0rker-of-the-test")
    client.force_login(f.superuser())
    page = client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()
    assert "binhyen.ops.tests.test_tasks.flaky" in page
    assert "builtins.ConnectionError" in page and "w0rker-o" in page
    assert page.count("FAILED") >= 1 and "READY" in page
    client.force_login(f.user())
    assert client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 302


@job_task
def always_broken(job, progress):
    CALLS.append("broken")
    raise RuntimeError("ổ đĩa đầy")


def test_a_job_that_fails_every_attempt_ends_failed_and_counts_them(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(always_broken, kind="t", title="Hỏng", user=f.user())
    job.refresh_from_db()
    assert CALLS == ["broken"] * 3
    assert (job.status, job.attempts) == (JobStatus.FAILED, 3)
    assert job.error == "Lỗi hệ thống: ổ đĩa đầy"
