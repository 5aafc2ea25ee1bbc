"""The schedule: which tasks run when, queued by `binhyen scheduler` (one process per
installation is enough; a second one is harmless, each slot is queued once).

`settings.BINHYEN_SCHEDULE` maps a name to the task's import path and when it runs:
`{"every": seconds}` (slots aligned on the epoch) or `{"at": "HH:MM"}` (daily, local time).
"""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduleRun
from .tasks import reap, submit

log = logging.getLogger(__name__)


def entries():
    return dict(getattr(settings, "BINHYEN_SCHEDULE", {}))


def slot_of(rule, now):
    """The latest slot of `rule` at or before `now` (aware)."""
    if "every" in rule:
        every = int(rule["every"])
        stamp = int(now.timestamp()) // every * every
        return datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)
    hour, minute = (int(part) for part in rule["at"].split(":"))
    local = timezone.localtime(now)
    slot = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if slot > local:
        slot -= datetime.timedelta(days=1)
    return slot


def tick(now=None):
    """Queue every entry whose current slot has not been queued yet; fail and requeue what
    dead workers left running. Returns the names queued."""
    now = now or timezone.now()
    queued = []
    for name, rule in entries().items():
        slot = slot_of(rule, now)
        try:
            with transaction.atomic():
                run = ScheduleRun.objects.create(name=name, slot=slot)
                task_id = submit(import_string(rule["task"]))
                if task_id:
                    ScheduleRun.objects.filter(pk=run.pk).update(task_id=task_id)
        except IntegrityError:
            continue  # this slot is queued already (by us earlier, or another scheduler)
        queued.append(name)
    reap(now)
    return queued
