"""The activities import as a background job, on the import-job plumbing of binhyen.ops.imports
(the private upload, the row count, the progress from inside the transaction, the outcome the
page shows back)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from binhyen.core.text import format_number
from binhyen.ops.imports import (
    outcome_of,
    run_import_job,
    save_upload,
    upload_params,
)
from binhyen.ops.tasks import job_task, start_job

from . import excel, services

KIND = "activities.import"

# ---------------------------------------------------------------- the activities import


def start_import(actor, upload, *, dry_run=False):
    """Keep the upload and queue its import (with the current transaction); returns the Job.
    ValidationError when the upload is not a readable .xlsx."""
    path = save_upload(upload)
    params = upload_params(upload, path, dry_run=bool(dry_run))
    title = (
        _("Kiểm tra tệp hoạt động %(name)s") if dry_run else _("Nhập hoạt động từ tệp %(name)s")
    ) % {"name": params["file_name"]}
    return start_job(import_activities, kind=KIND, title=title, user=actor, params=params)


@job_task
def import_activities(job, progress):
    def do_import(actor, upload, on_rows):
        return services.import_activities(
            actor,
            upload,
            file_name=job.params.get("file_name"),
            dry_run=job.params.get("dry_run", False),
            on_rows=on_rows,
        )

    return run_import_job(job, progress, excel.activity_spec(), do_import, _describe)


def _describe(job, result):
    outcome = outcome_of(result)
    numbers = {
        "n": format_number(result.rows),
        "c": format_number(result.created),
        "s": format_number(result.skipped),
    }
    if not result.ok:
        outcome["message"] = _("Chưa nhập dòng nào: có %(e)s lỗi.") % {
            "e": format_number(result.errors.count)
        }
    elif result.dry_run:
        outcome["message"] = (
            _(
                "Tệp hợp lệ: %(n)s dòng, không có lỗi — sẽ ghi %(c)s hoạt động mới, bỏ qua %(s)s dòng trùng."
            )
            % numbers
        )
    else:
        outcome["message"] = (
            _("Đã nhập %(c)s hoạt động mới từ %(n)s dòng; bỏ qua %(s)s dòng trùng.") % numbers
        )
    outcome["link"] = f"{reverse('activities:import')}?job={job.pk}"
    outcome["link_label"] = _("Xem kết quả nhập")
    return outcome
