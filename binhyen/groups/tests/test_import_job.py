"""The groups import as a background job: the upload queues it, the page shows its result, a
finished or committed job never imports twice, a failed attempt leaves nothing, and a job is
seen only by whoever started it."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from binhyen import factories as f
from binhyen.groups import excel, services, tasks
from binhyen.groups.models import Group, GroupMember
from binhyen.ops.models import Job, JobStatus
from binhyen.org.scoping import Role

from .test_excel import xlsx

D = datetime.date
URL = reverse("groups:import")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def editor(world):
    client = Client()
    client.force_login(f.user(role=Role.EDITOR, unit=world["hcm"]))
    return client


def two_groups():
    return xlsx(
        excel.group_spec(),
        [
            {
                "unit": "G-HCM-LT-CS1",
                "kind": "nha_tro",
                "code": "NT-B",
                "name": "Tổ trọ Linh Xuân 2",
                "ward": "Phường Linh Xuân",
                "founded": D(2022, 3, 1),
            },
            {
                "unit": "G-HCM-LT",
                "kind": "du_luan_xa_hoi",
                "name": "Tổ dư luận Linh Trung",
                "ward": "26800",
                "founded": D(2021, 1, 15),
            },
        ],
    ).getvalue()


def post(client, content, capture, sheet=excel.GROUPS, **data):
    with capture(execute=True):
        response = client.post(
            URL, {"sheet": sheet, "file": SimpleUploadedFile("to.xlsx", content), **data}
        )
    assert response.status_code == 302
    return response["Location"]


def imported():
    return sorted(
        Group.objects.filter(name__in=["Tổ trọ Linh Xuân 2", "Tổ dư luận Linh Trung"]).values_list(
            "name", flat=True
        )
    )


def test_upload_runs_as_a_job_and_imports_once(
    editor, media, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks() as queued:
        with django_assert_max_num_queries(15):  # the page itself; the job runs after it
            target = editor.post(
                URL, {"sheet": excel.GROUPS, "file": SimpleUploadedFile("to.xlsx", two_groups())}
            )["Location"]
    for run in queued:
        run()
    job = Job.objects.get()
    assert target == f"{URL}?sheet=to&job={job.pk}"
    assert (job.kind, job.status, job.done, job.total) == (tasks.KIND, JobStatus.DONE, 2, 2)
    assert job.title == "Nhập tổ, mô hình từ tệp to.xlsx"
    with django_assert_max_num_queries(15):
        page = editor.get(target).content.decode()
    assert "Đã nhập 2 dòng tổ, mô hình." in page and "hx-get" not in page
    assert imported() == ["Tổ dư luận Linh Trung", "Tổ trọ Linh Xuân 2"]
    assert not list((media / "jobs").rglob("*.xlsx"))
    # A finished job is not claimed again…
    assert tasks.import_groups.call(job.pk) is None
    # …and one whose worker died after the commit returns what it committed, importing nothing.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    tasks.import_groups.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.outcome["created"] == 2
    assert len(imported()) == 2


def test_a_failed_attempt_leaves_nothing_and_the_next_imports_once(
    editor, monkeypatch, django_capture_on_commit_callbacks
):
    real = services.create_group
    calls = []

    def fail_on_the_second_row_once(*args, **kwargs):
        calls.append(kwargs["name"])
        if len(calls) == 2:  # the first row is written, inside the import's transaction
            raise RuntimeError("mất kết nối giữa chừng")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "create_group", fail_on_the_second_row_once)
    page = editor.get(post(editor, two_groups(), django_capture_on_commit_callbacks))
    job = Job.objects.get()
    assert job.status == JobStatus.DONE and len(calls) == 4  # two rows, twice
    assert imported() == ["Tổ dư luận Linh Trung", "Tổ trọ Linh Xuân 2"]  # one copy each
    assert "Đã nhập 2 dòng tổ, mô hình." in page.content.decode()


def test_a_file_with_errors_fails_the_job_and_saves_nothing(
    world, editor, django_capture_on_commit_callbacks
):
    members = GroupMember.objects.count()
    upload = xlsx(
        excel.member_spec(),
        [
            {"group": "NT-A", "full_name": "Nguyễn Văn Tư", "joined": D(2023, 1, 1)},
            {"group": "NT-A", "full_name": "", "joined": D(2023, 1, 1)},
        ],
    )
    target = post(
        editor, upload.getvalue(), django_capture_on_commit_callbacks, sheet=excel.MEMBERS
    )
    page = editor.get(target).content.decode()
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert "Chưa nhập dòng nào: 1 lỗi trong 2 dòng." in page
    assert "Dòng 3, cột &#x27;Họ và tên&#x27;: bắt buộc nhập." in page
    assert job.error == "Dòng 3, cột 'Họ và tên': bắt buộc nhập."
    assert GroupMember.objects.count() == members


def test_dry_run_writes_nothing(editor, django_capture_on_commit_callbacks):
    page = editor.get(
        post(editor, two_groups(), django_capture_on_commit_callbacks, dry_run="1")
    ).content.decode()
    assert "Tệp hợp lệ: 2 dòng, không có lỗi." in page
    assert Job.objects.get().title == "Kiểm tra tệp tổ, mô hình to.xlsx"
    assert imported() == []


def test_junk_is_refused_at_once_and_nothing_is_queued(editor, media):
    response = editor.post(URL, {"file": SimpleUploadedFile("to.xlsx", b"junk" * 100)})
    assert "Tệp không phải là bảng tính Excel (.xlsx)" in response.content.decode()
    assert not Job.objects.exists() and not list(media.rglob("*.xlsx"))


def test_someone_elses_job_is_not_found(world, editor, django_capture_on_commit_callbacks):
    post(editor, two_groups(), django_capture_on_commit_callbacks)
    job = Job.objects.get()
    other = Client()
    other.force_login(f.user(role=Role.EDITOR, unit=world["hcm"]))
    assert other.get(f"{URL}?job={job.pk}").status_code == 404
    assert other.get(reverse("job_detail", args=[job.pk])).status_code == 404
