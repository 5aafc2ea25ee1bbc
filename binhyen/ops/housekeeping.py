"""The nightly cleanup (queued by `binhyen scheduler`, settings.BINHYEN_SCHEDULE "cleanup"):
expired sessions, lockouts whose cool-off is over, and — after BINHYEN_JOB_KEEP_DAYS —
finished jobs with their files, finished task rows, schedule slots and stopped workers."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.utils import timezone

from .models import Job, JobStatus, ScheduleRun, WorkerBeat
from .tasks import background


def keep_days():
    return int(getattr(settings, "BINHYEN_JOB_KEEP_DAYS", 14))


def clean(now=None):
    """Delete what is no longer needed; returns {what: how many}. Safe to run twice."""
    from axes.models import AccessAttempt
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    before = now - timedelta(days=keep_days())
    done = {}
    done["sessions"] = Session.objects.filter(expire_date__lt=now).delete()[0]
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    if isinstance(cooloff, timedelta):
        done["lockouts"] = AccessAttempt.objects.filter(attempt_time__lt=now - cooloff).delete()[0]
    old_jobs = Job.objects.filter(
        status__in=[JobStatus.DONE, JobStatus.FAILED], finished_at__lt=before
    )
    files = 0
    for job in old_jobs.exclude(result=""):
        job.result.delete(save=False)
        files += 1
    upload_paths = [p for p in old_jobs.values_list("params__upload", flat=True) if p]
    for path in upload_paths:
        if default_storage.exists(path):
            default_storage.delete(path)
            files += 1
    done["job files"] = files
    done["jobs"] = old_jobs.delete()[0]
    done["task rows"] = DBTaskResult.objects.finished().filter(finished_at__lt=before).delete()[0]
    done["schedule slots"] = ScheduleRun.objects.filter(slot__lt=before).delete()[0]
    done["workers"] = WorkerBeat.objects.filter(seen_at__lt=before).delete()[0]
    return done


@background
def cleanup():
    return clean()
