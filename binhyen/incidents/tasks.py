"""The incidents import as a background job, on the import-job plumbing of binhyen.ops.imports
(the private upload, the row count, the progress from inside the transaction, the outcome the
page shows back).

A case already recorded (same kind, place and start day) is refused by the service, so a file
imported twice fails the second time instead of doubling its cases; a re-run of a committed
job returns the committed outcome without importing (the Job row holds it).
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from binhyen.ops.imports import import_outcome, run_import_job, save_upload, upload_params
from binhyen.ops.tasks import job_task, start_job

from . import excel

KIND = "incidents.import"


def start_import(actor, upload, *, dry_run=False):
    """Keep the upload and queue its import (with the current transaction); returns the Job.
    ValidationError when the upload is not a readable .xlsx."""
    path = save_upload(upload)
    params = upload_params(upload, path, dry_run=bool(dry_run))
    title = (
        _("Kiểm tra tệp vụ việc %(name)s") if dry_run else _("Nhập vụ việc từ tệp %(name)s")
    ) % {"name": params["file_name"]}
    return start_job(import_incidents, kind=KIND, title=title, user=actor, params=params)


@job_task
def import_incidents(job, progress):
    def do_import(actor, upload, on_rows):
        return excel.import_incidents(
            actor, upload, dry_run=job.params.get("dry_run", False), on_rows=on_rows
        )

    return run_import_job(job, progress, excel.incident_spec(), do_import, describe)


def describe(job, result):
    return import_outcome(
        job,
        result,
        _("Đã nhập %(c)s vụ việc từ %(n)s dòng."),
        f"{reverse('incidents_io:import')}?job={job.pk}",
    )
