"""The groups, members and boarding-houses import as a background job, on the shared
import-job plumbing (binhyen.ops.imports: the private upload, the row count, the
progress from inside the transaction, the outcome the page shows back).

A groups import appends (a group has no key a second copy would meet), so it is idempotent
by the committed outcome alone: the import's transaction records it on the Job row, a re-run
returns it without importing, and a finished job is never claimed again (ops.tasks.job_task).
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from binhyen.core.text import format_number
from binhyen.ops.imports import import_outcome, run_import_job, save_upload, upload_params
from binhyen.ops.tasks import job_task, start_job

from . import excel

KIND = "groups.import"


def start_import(actor, sheet, upload, *, dry_run=False):
    """Keep the upload and queue the import of `sheet` (excel.GROUPS, MEMBERS or HOUSES) with
    the current transaction; returns the Job. ValidationError when the upload is not a
    readable .xlsx."""
    path = save_upload(upload)
    params = upload_params(upload, path, sheet=sheet, dry_run=bool(dry_run))
    names = {"what": str(excel.TITLES[sheet]).lower(), "name": params["file_name"]}
    title = (
        _("Kiểm tra tệp %(what)s %(name)s") if dry_run else _("Nhập %(what)s từ tệp %(name)s")
    ) % names
    return start_job(import_groups, kind=KIND, title=title, user=actor, params=params)


@job_task
def import_groups(job, progress):
    sheet = job.params.get("sheet")
    if sheet not in excel.SPECS:
        sheet = excel.GROUPS

    def do_import(actor, upload, on_rows):
        return excel.import_spreadsheet(
            actor, sheet, upload, dry_run=job.params.get("dry_run", False), on_rows=on_rows
        )

    return run_import_job(job, progress, excel.SPECS[sheet](), do_import, _describe)


def _describe(job, result):
    sheet = job.params.get("sheet", excel.GROUPS)
    imported = _("Đã nhập %(n)s dòng %(what)s.") % {
        "n": format_number(result.created),
        "what": str(excel.TITLES.get(sheet, "")).lower(),
    }
    return import_outcome(
        job,
        result,
        imported.replace("%", "%%"),
        f"{reverse('groups:import')}?sheet={sheet}&job={job.pk}",
    )
