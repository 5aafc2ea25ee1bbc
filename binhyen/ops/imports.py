"""Spreadsheet imports as background jobs: the plumbing every import job shares (activities,
groups, enterprises, incidents), below the apps so that any of them may use it.

The page checks what it can without reading rows (empty, too big, not an .xlsx), keeps the
upload privately under MEDIA_ROOT (`jobs/uploads/…`, never served; the worker, on this machine
or another with the same MEDIA_ROOT, reads it) and queues the job; the person follows it on the
import page (`?job=N`). The task counts the sheet's rows for the progress bar, then runs the
app's importer — reading, checking and writing interleaved in one transaction, all or
nothing — and reports the rows read and checked every few batches. The page reads the Job row
on another connection, which would see nothing of an open transaction, so on PostgreSQL those
updates go through a connection of their own (`SideProgress`).

Idempotent: an import that committed records its outcome on the Job row in the same
transaction, so a re-run (the worker died between the commit and the job's end, the reaper
queued it again) returns that outcome and writes nothing; a run that failed rolled back and
wrote nothing, so the next attempt writes what one run writes. The upload is deleted when the
job ends (done, refused, or failed at its last attempt); a file a dead worker left behind goes
with the daily cleanup (ops.housekeeping, `params["upload"]`).
"""

import logging
import queue
import re
import threading
import uuid
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from binhyen.core import spreadsheets
from binhyen.core.bounds import parse_id
from binhyen.core.text import format_number
from binhyen.core.views import scoped_get

from .models import Job
from .tasks import attempts_allowed

log = logging.getLogger(__name__)

UPLOADS = "jobs/uploads"
PROGRESS_UPDATES = 50  # at most this many progress writes per job (plus the first)
UNKNOWN_TOTAL_EVERY = 5000  # rows between progress writes when the row count is unknown


# ---------------------------------------------------------------- the upload


def save_upload(upload):
    """Check `upload` as far as can be done without reading its rows and keep it privately for
    the worker; returns its storage path (Job.params["upload"]). ValidationError with the
    check's message when it is not a readable .xlsx."""
    try:
        spreadsheets.check_upload(upload).close()
    except spreadsheets.SpreadsheetError as exc:
        raise ValidationError([e.message for e in exc.errors]) from None
    upload.seek(0)
    # a random name: the person's file name (kept in params) may say who is in it
    return default_storage.save(f"{UPLOADS}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx", upload)


def delete_upload(job):
    path = job.params.get("upload")
    if path:
        try:
            default_storage.delete(path)
        except OSError:
            log.warning("job %s: could not delete its upload", job.pk)


def upload_params(upload, path, **params):
    name = getattr(upload, "name", "") or _("tệp tải lên")
    # the worker answers in the language of the person who asked
    language = translation.get_language()
    return {"upload": path, "file_name": str(name)[:255], "language": language, **params}


# ---------------------------------------------------------------- progress

_DIMENSION = re.compile(
    rb"<(?:[\w.-]+:)?dimension\b[^>]*?\sref=\"\$?[A-Z]+\$?(\d+)(?::\$?[A-Z]+\$?(\d+))?\""
)
_ROW = re.compile(rb"<(?:[\w.-]+:)?row\b[^>]*?\sr=\"(\d+)\"")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?(?:v|t)[\s>]")


def count_rows(upload, spec):
    """About how many data rows the sheet has, for the progress bar, without parsing it: the
    <dimension> Excel and LibreOffice write at the top of the sheet, else the number of the
    last row holding a value (the part is inflated once, which costs a small fraction of the
    import). 0 when it cannot tell; the import itself says what is wrong with the file."""
    try:
        sheet = spreadsheets.open_sheet(upload, spec)
    except spreadsheets.SpreadsheetError:
        return 0
    try:
        with sheet.archive.open(sheet.stream.path) as part:
            head = part.read(1 << 14)
            found = _DIMENSION.search(head)
            if found and found.group(2):
                return max(0, int(found.group(2)) - 1)
            tail = head
            while chunk := part.read(1 << 20):
                tail = tail[-(1 << 16) :] + chunk
        return max(0, _last_row_with_value(tail) - 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return 0
    finally:
        sheet.archive.close()
        upload.seek(0)


def _last_row_with_value(xml):
    starts = [(m.start(), int(m.group(1))) for m in _ROW.finditer(xml)]
    for index in range(len(starts) - 1, -1, -1):
        begin, number = starts[index]
        end = starts[index + 1][0] if index + 1 < len(starts) else len(xml)
        if _VALUE.search(xml, begin, end):
            return number
    return starts[-1][1] if starts else 0


class SideProgress:
    """`progress(done, total, step)` that reaches the page from inside the import's
    transaction. ops.tasks.Progress writes only outside one (the page's connection could not
    see the row before the commit); on PostgreSQL this hands each update to a thread with its
    own connection, which commits it at once. Elsewhere (SQLite has one writer at a time, and
    the import is it) the updates inside the transaction wait for the job's end."""

    def __init__(self, progress):
        self.progress = progress
        self.job_id = progress.job.pk
        self.pending = queue.SimpleQueue()
        self.thread = None

    def __call__(self, done=None, total=None, step=None):
        self.progress(done, total, step)  # writes now outside a transaction; else keeps them
        if not connection.in_atomic_block or connection.vendor != "postgresql":
            return
        fields = {"done": self.progress.job.done, "total": self.progress.job.total}
        if step is not None:
            fields["step"] = self.progress.job.step
        if self.thread is None:
            self.thread = threading.Thread(
                target=self._write, name="binhyen-job-progress", daemon=True
            )
            self.thread.start()
        self.pending.put(fields)

    def close(self):
        """Wait for the updates handed over (before the transaction writes the Job row)."""
        if self.thread is not None:
            self.pending.put(None)
            self.thread.join()
            self.thread = None

    def _write(self):
        try:
            while (fields := self.pending.get()) is not None:
                try:
                    Job.objects.filter(pk=self.job_id).update(**fields)
                except Exception:  # noqa: BLE001 — a lost progress update must not stop the import
                    log.exception("job %s: progress update failed", self.job_id)
        finally:
            connection.close()


class RowProgress:
    """The `on_rows(n)` an import handler calls after each batch (n rows read and checked so
    far), passed on to the job's progress at most PROGRESS_UPDATES times."""

    def __init__(self, progress, total):
        self.progress = progress
        self.total = total
        self.every = -(-total // PROGRESS_UPDATES) if total else UNKNOWN_TOTAL_EVERY
        self.last = 0

    def start(self):
        self.progress(0, self.total, _("Đang đọc và kiểm tra tệp."))

    def __call__(self, rows):
        if rows - self.last < self.every:
            return
        self.last = rows
        self.progress(
            min(rows, self.total) if self.total else rows,
            self.total,
            _("Đã đọc và kiểm tra %(n)s dòng.") % {"n": format_number(rows)},
        )


# ---------------------------------------------------------------- the job


def run_import_job(job, progress, spec, do_import, describe):
    """The body of an import job: `do_import(actor, upload, on_rows)` runs the app's importer
    and returns its spreadsheets.ImportResult; `describe(job, result)` the outcome (a dict:
    `outcome_of` plus the job page's message and link). A file with errors ends the job as
    failed (nothing was written), its errors by row and column in the outcome and the error."""
    if job.outcome.get("committed"):
        return job.outcome  # an earlier attempt committed; its worker stopped before saying so
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        return _run_import_job(job, progress, spec, do_import, describe)


def _run_import_job(job, progress, spec, do_import, describe):
    last = True
    try:
        actor = job.requested_by
        if actor is None or not actor.is_active:
            raise ValidationError(
                _("Tài khoản đã yêu cầu việc này không còn hoạt động; không có dòng nào được ghi.")
            )
        path = job.params.get("upload") or ""
        if not path or not default_storage.exists(path):
            raise FileNotFoundError(
                _(
                    "Không tìm thấy tệp đã tải lên. Máy chạy việc nền phải dùng chung thư mục "
                    "MEDIA_ROOT với máy chủ web."
                )
            )
        with default_storage.open(path, "rb") as upload:
            rows = RowProgress(SideProgress(progress), count_rows(upload, spec))
            rows.start()
            try:
                with transaction.atomic():
                    result = do_import(actor, upload, rows)
                    rows.progress.close()  # its thread is done with the Job row
                    outcome = describe(job, result)
                    if result.ok and not result.dry_run:
                        outcome["committed"] = True
                        Job.objects.filter(pk=job.pk).update(outcome=outcome)
            finally:
                rows.progress.close()
        if not result.ok:
            job.outcome = outcome
            raise ValidationError(error_lines(result))
        return outcome
    except ValidationError:
        raise
    except Exception:
        last = job.attempts >= attempts_allowed()
        raise
    finally:
        if last:
            delete_upload(job)


def outcome_of(result):
    """What the import page shows of an ImportResult, as JSON (`result_of` reads it back)."""
    outcome = result.as_dict()
    outcome["notices_total"] = result.notices.count
    return outcome


def import_outcome(job, result, imported, link):
    """The outcome of an all-or-nothing import in words: the errors when refused, "valid" for a
    dry run, else `imported` (a translated message with %(c)s records created from %(n)s
    rows); `link` is the import page that shows it."""
    outcome = outcome_of(result)
    numbers = {"n": format_number(result.rows), "c": format_number(result.created)}
    if not result.ok:
        outcome["message"] = _("Chưa nhập dòng nào: %(e)s lỗi trong %(n)s dòng.") % {
            "e": format_number(result.errors.count),
            "n": numbers["n"],
        }
    elif result.dry_run:
        outcome["message"] = _("Tệp hợp lệ: %(n)s dòng, không có lỗi.") % numbers
    else:
        outcome["message"] = imported % numbers
    outcome["link"] = link
    outcome["link_label"] = _("Xem kết quả nhập")
    return outcome


def result_of(job):
    """The finished job's ImportResult, rebuilt from its outcome for the import templates;
    None when the job ended without one (a system error: the job's own error says it)."""
    outcome = job.outcome or {}
    if "rows" not in outcome:
        return None
    result = spreadsheets.ImportResult(
        rows=outcome["rows"],
        created=outcome["created"],
        skipped=outcome["skipped"],
        dry_run=outcome["dry_run"],
    )
    for name in ("errors", "notices"):
        kept = getattr(result, name)
        for item in outcome.get(name, ()):
            kept.add(item["row"], item["column"], item["message"])
        kept.count = max(kept.count, outcome.get(f"{name}_total") or 0)
    return result


def error_lines(result):
    lines = [str(e) for e in result.errors]
    if result.errors.hidden:
        lines.append(_("… và %(n)s lỗi khác.") % {"n": format_number(result.errors.hidden)})
    return lines


def job_of(user, kind, value):
    """The import job `value` (the page's ?job=) of `kind` that `user` may see, else 404."""
    return scoped_get(user, Job.objects.filter(kind=kind), pk=parse_id(value))
