"""Background work on Django's tasks API (the django-tasks backport; PostgreSQL or SQLite is
the queue through django-tasks-db, run by `binhyen worker`).

- `background`: a module-level function becomes a task that is retried with backoff when it
  raises (not when the input was bad: `ValidationError`/`Permanent` fail at once).
- `submit(task, **kwargs)`: queue it with the current transaction (with the database backend
  the task row commits with the request's work, or not at all); other backends after commit.
- `job_task` / `start_job`: work a person started from a page (import, export, rebuild) is a
  `Job` row the task claims, reports progress on and finishes; the page reads the row.
- `reap`: a task left "running" by a worker that stopped beating (killed mid-run) is failed
  and queued again as its next attempt. The work itself runs in one transaction, so the
  killed attempt left nothing half-written.

Every task is idempotent: running it twice writes what running it once writes.
"""

import functools
import inspect
import logging
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task, task_backends

from .models import Job, JobStatus, WorkerBeat

log = logging.getLogger(__name__)

BEAT_SECONDS = 10


class Permanent(Exception):
    """Raised by a task when another attempt cannot help (the input itself is wrong)."""


def attempts_allowed():
    return int(getattr(settings, "BINHYEN_TASK_ATTEMPTS", 3))


def backoff(attempt):
    """Seconds before attempt `attempt + 1`: 30 s, 2 min, 8 min…, at most an hour (the first
    wait is settings.BINHYEN_TASK_RETRY_SECONDS)."""
    first = int(getattr(settings, "BINHYEN_TASK_RETRY_SECONDS", 30))
    return min(3600, first * 4 ** (attempt - 1))


def _uses_database(backend=None):
    backend = backend or task_backends["default"]
    return type(backend).__module__.startswith("django_tasks_db")


def background(func=None, *, queue="default", priority=0, attempts=None):
    """`@background` on a module-level function: the task object takes its name, so the
    queue finds it again by the function's import path."""
    if func is None:
        return functools.partial(background, queue=queue, priority=priority, attempts=attempts)

    wants_attempt = "_attempt" in inspect.signature(func, follow_wrapped=False).parameters

    @functools.wraps(func)
    def run(*args, _attempt=1, **kwargs):
        extra = {"_attempt": _attempt} if wants_attempt else {}
        try:
            return func(*args, **kwargs, **extra)
        except (ValidationError, Permanent):
            raise
        except Exception:
            allowed = attempts or attempts_allowed()
            if _attempt < allowed:
                log.warning(
                    "task %s failed (attempt %s of %s); retrying", the_task.name, _attempt, allowed
                )
                _again(the_task, args, kwargs, _attempt + 1)
            raise

    the_task = task(queue_name=queue, priority=priority)(run)
    return the_task


def _again(the_task, args, kwargs, attempt):
    backend = the_task.get_backend()
    if backend.supports_defer:
        the_task = the_task.using(
            run_after=timezone.now() + timedelta(seconds=backoff(attempt - 1))
        )
    return the_task.enqueue(*args, _attempt=attempt, **kwargs)


def submit(the_task, *args, **kwargs):
    """Queue `the_task` as part of the current transaction (database queue) or once it
    commits (any other backend, e.g. the immediate one in tests). Returns the task's id when
    it is known now, else None."""
    if _uses_database(the_task.get_backend()) or not connection.in_atomic_block:
        return the_task.enqueue(*args, **kwargs).id
    transaction.on_commit(lambda: the_task.enqueue(*args, **kwargs))
    return None


# ---------------------------------------------------------------- jobs a person started


class Progress:
    """Handed to a job's function: `progress(done, total, step)` records how far it got.
    Inside a transaction on the job's own connection the row cannot be seen by the page
    until the end, so updates are only written outside one (a job reads and checks its input
    first, with progress, then writes everything in one transaction)."""

    def __init__(self, job):
        self.job = job

    def __call__(self, done=None, total=None, step=None):
        fields = {}
        if done is not None:
            fields["done"] = self.job.done = done
        if total is not None:
            fields["total"] = self.job.total = total
        if step is not None:
            fields["step"] = self.job.step = str(step)[:255]
        if fields and not connection.in_atomic_block:
            Job.objects.filter(pk=self.job.pk).update(**fields)


def job_task(func=None, *, queue="default", priority=0):
    """`@job_task` on `func(job, progress)`: the task takes a Job id, claims the row, runs
    `func` and records its end. `func` returns the outcome to show (a dict), and may set
    `job.result` (a file). A ValidationError ends the job with its messages, at once."""
    if func is None:
        return functools.partial(job_task, queue=queue, priority=priority)

    @functools.wraps(func)
    def run(job_id, _attempt=1):
        claimed = Job.objects.filter(
            pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
        ).update(status=JobStatus.RUNNING, started_at=timezone.now(), attempts=_attempt, error="")
        if not claimed:
            return None  # finished already, or gone
        job = Job.objects.get(pk=job_id)
        try:
            outcome = func(job, Progress(job))
        except ValidationError as exc:
            _finish(job, JobStatus.FAILED, error="\n".join(exc.messages))
            return None
        except Exception as exc:
            last = _attempt >= attempts_allowed()
            log.exception("job %s (%s) failed, attempt %s", job_id, job.kind, _attempt)
            if last:
                _finish(job, JobStatus.FAILED, error=_("Lỗi hệ thống: %(e)s") % {"e": exc})
            else:
                Job.objects.filter(pk=job_id).update(
                    status=JobStatus.QUEUED,
                    step=_("Lần chạy %(n)s không thành công; sẽ tự chạy lại.") % {"n": _attempt},
                )
            raise
        job.outcome = outcome or {}
        _finish(job, JobStatus.DONE)
        return job.pk

    return background(run, queue=queue, priority=priority)


def _finish(job, status, error=""):
    job.status = status
    job.error = error[:5000]
    job.finished_at = timezone.now()
    if status == JobStatus.DONE:
        job.step = ""
        job.done = job.total = max(job.total, job.done)
    job.save(
        update_fields=[
            "status",
            "error",
            "finished_at",
            "step",
            "done",
            "total",
            "outcome",
            "result",
            "result_name",
        ]
    )


def start_job(the_task, *, kind, title, user, params=None):
    """Create the Job row and queue the task that runs it (with the current transaction)."""
    job = Job.objects.create(
        kind=kind, title=str(title)[:255], requested_by=user, params=params or {}
    )
    task_id = submit(the_task, job.pk)
    if task_id:
        Job.objects.filter(pk=job.pk).update(task_id=task_id)
        job.task_id = task_id
    return job


# ---------------------------------------------------------------- workers


def beat(worker_id, *, stopping=False):
    now = timezone.now()
    fields = {"seen_at": now, "host": socket.gethostname()[:255], "pid": os.getpid()}
    if stopping:
        fields["stopped_at"] = now
    WorkerBeat.objects.update_or_create(worker_id=worker_id, defaults=fields)


def stale_after():
    return timedelta(seconds=int(getattr(settings, "BINHYEN_WORKER_STALE_SECONDS", 60)))


def live_workers(now=None):
    now = now or timezone.now()
    return WorkerBeat.objects.filter(seen_at__gte=now - stale_after(), stopped_at__isnull=True)


def reap(now=None):
    """Fail and queue again every task a dead worker left running. Returns how many."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    alive = set(live_workers(now).values_list("worker_id", flat=True))
    reaped = 0
    for alias in task_backends:
        backend = task_backends[alias]
        if not _uses_database(backend):
            continue
        for row in DBTaskResult.objects.running().filter(backend_name=alias):
            if row.worker_ids and row.worker_ids[-1] in alive:
                continue
            if row.started_at and row.started_at > now - stale_after():
                continue  # just claimed: its worker may not have beaten yet
            with transaction.atomic():
                claimed = DBTaskResult.objects.filter(pk=row.pk, status=row.status).update(
                    status="FAILED",
                    finished_at=now,
                    exception_class_path="binhyen.ops.tasks.WorkerLost",
                    traceback=_("Worker dừng khi đang chạy tác vụ này; đã đưa vào hàng đợi lại."),
                )
                if not claimed:
                    continue
                args = row.args_kwargs.get("args", [])
                kwargs = dict(row.args_kwargs.get("kwargs", {}))
                attempt = int(kwargs.pop("_attempt", 1))
                if attempt < attempts_allowed():
                    again = _again(row.task, args, kwargs, attempt + 1)
                    _repoint_job(args, row.id, again.id)
                else:
                    _fail_job(args, row.id)
            reaped += 1
    return reaped


def _job_of(args, task_id):
    if len(args) != 1 or not isinstance(args[0], int):
        return None
    return Job.objects.filter(pk=args[0], task_id=str(task_id)).first()


def _repoint_job(args, old_id, new_id):
    job = _job_of(args, old_id)
    if job is not None:
        Job.objects.filter(pk=job.pk).update(
            task_id=str(new_id),
            status=JobStatus.QUEUED,
            step=_("Worker dừng giữa chừng; việc sẽ tự chạy lại."),
        )


def _fail_job(args, old_id):
    job = _job_of(args, old_id)
    if job is not None:
        _finish(job, JobStatus.FAILED, error=_("Worker dừng giữa chừng nhiều lần."))


class WorkerLost(Exception):
    """Recorded as the failure of a task whose worker died while running it."""
