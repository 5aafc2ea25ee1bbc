"""The portal's scheduled task: move the buffered visit and view counts into the database
(queued every PORTAL_COUNTER_FLUSH_SECONDS by `binhyen scheduler`)."""

from binhyen.ops.tasks import background

from . import counters


@background
def flush_counters():
    visits, views = counters.flush()
    return {"visits": visits, "views": sum(views.values())}
