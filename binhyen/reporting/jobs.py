"""Rebuilding a unit's rollup figures from a page, in the background.

An administrator asks (`request_rebuild`); the request is a FactRebuild row, queued with the
asking transaction as a task (`rebuild`) that `binhyen worker` runs (`run`): the activity
cube and the stock cube (every cube the apps registered) of the unit's subtree and of its row in each ancestor are recomputed
from the raw records in one transaction (the same work as `binhyen rebuild-facts --unit`),
and the row records when it ran, how many cells it wrote or what went wrong. The page reads
the row to show progress. A rebuild replaces the cells it covers in one transaction, so running
one twice, or again after a worker died mid-run (the reaper queues it again, ops.tasks.reap),
is harmless and leaves no half-written cells.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.figures import registry
from binhyen.ops.tasks import background, submit
from binhyen.org.models import Unit

from .models import FactRebuild, RebuildStatus

log = logging.getLogger(__name__)


def units_to_rebuild(actor):
    """The units whose figures `actor` may have recomputed: those they administer."""
    return Unit.objects.administered_by(actor)


@transaction.atomic
def request_rebuild(actor, unit):
    """Queue a rebuild of `unit`'s figures; it starts once this transaction commits. A unit
    with a rebuild already waiting or running gets that one back instead of a second."""
    if unit is None or not units_to_rebuild(actor).filter(pk=unit.pk).exists():
        raise ValidationError(
            {"unit": _("Đơn vị không tồn tại hoặc bạn không quản trị đơn vị này.")}
        )
    pending = FactRebuild.objects.filter(
        unit=unit, status__in=[RebuildStatus.QUEUED, RebuildStatus.RUNNING]
    ).first()
    if pending is not None:
        return pending
    job = FactRebuild.objects.create(unit=unit, requested_by=actor)
    submit(rebuild, job.pk)
    return job


@background
def rebuild(job_id):
    """The task: run one queued rebuild."""
    return run(job_id)


def run(job_id):
    """Run one rebuild and record its outcome. A rebuild left "running" by a worker that died
    is claimed again by the retry the reaper queued."""
    claimed = FactRebuild.objects.filter(
        pk=job_id, status__in=[RebuildStatus.QUEUED, RebuildStatus.RUNNING]
    ).update(status=RebuildStatus.RUNNING, started_at=timezone.now())
    if not claimed:
        return None  # done already, or gone
    job = FactRebuild.objects.select_related("unit").get(pk=job_id)
    try:
        with transaction.atomic():
            # every registered cube: the activity cube around the unit, the stock cube whole
            written = sum(cube.rebuild(job.unit) for cube in registry.cubes())
    except Exception as exc:  # noqa: BLE001 — the page must learn of any failure
        log.exception("rebuild of %s failed", job.unit.code)
        FactRebuild.objects.filter(pk=job_id).update(
            status=RebuildStatus.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
        )
        return None
    FactRebuild.objects.filter(pk=job_id).update(
        status=RebuildStatus.DONE, finished_at=timezone.now(), rows_written=written
    )
    return written
