"""The enterprises import as a background job, on the import-job plumbing of binhyen.ops.imports
(the private upload, the row count, the progress from inside the transaction, the outcome the
page shows back).

An enterprise import creates (an MST already recorded is an error, not a skip), so it is
idempotent by the committed outcome alone: the import's transaction records it on the Job
row, a re-run returns it without importing, and a finished job is never claimed again.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from binhyen.ops.imports import import_outcome, run_import_job, save_upload, upload_params
from binhyen.ops.tasks import job_task, start_job

from . import excel

KIND = "enterprises.import"


def start_import(actor, upload, *, dry_run=False):
    """Keep the upload and queue its import (with the current transaction); returns the Job.
    ValidationError when the upload is not a readable .xlsx."""
    path = save_upload(upload)
    params = upload_params(upload, path, dry_run=bool(dry_run))
    title = (
        _("Kiểm tra tệp doanh nghiệp %(name)s")
        if dry_run
        else _("Nhập doanh nghiệp từ tệp %(name)s")
    ) % {"name": params["file_name"]}
    return start_job(import_enterprises, kind=KIND, title=title, user=actor, params=params)


@job_task
def import_enterprises(job, progress):
    def do_import(actor, upload, on_rows):
        return excel.import_enterprises(
            actor, upload, dry_run=job.params.get("dry_run", False), on_rows=on_rows
        )

    return run_import_job(job, progress, excel.enterprise_spec(), do_import, describe)


def describe(job, result):
    return import_outcome(
        job,
        result,
        _("Đã nhập %(c)s doanh nghiệp từ %(n)s dòng."),
        f"{reverse('enterprises:import')}?job={job.pk}",
    )
