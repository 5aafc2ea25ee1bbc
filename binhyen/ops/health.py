"""Health endpoints for load balancers and monitoring.

`/healthz` (liveness): the process answers. No database, no cache, no session: a load
balancer or systemd that restarts on a failed liveness probe must not restart every web
server because PostgreSQL is down.

`/readyz` (readiness): this server can do its work now. Each check reports `ok` and how long
it took; the answer is 200 when every required check passes, 503 otherwise, and names the
failing ones:

- database: `SELECT 1` on the default connection. A database that is down answers 503, not
  500: every Django database error is caught. How long a connection attempt may wait is the
  connection's `connect_timeout` (put `?connect_timeout=5` in DATABASE_URL, or PGCONNECT_TIMEOUT
  in the environment), since a check cannot shorten it without changing every connection.
  When the database fails, the checks that need it are not run (each would wait again).
- cache: a key set, read back and deleted.
- migrations: no migration left to apply. Building the graph costs 20–50 ms (312 ms the first
  time in a process), so "all applied" is remembered for HEALTH_MIGRATIONS_CACHE_SECONDS; a
  pending migration is looked at again on every probe.
- worker: a `binhyen worker` beat within HEALTH_WORKER_MAX_AGE seconds.
- queue: how many tasks wait to run and how long the oldest has waited; not ready past
  HEALTH_QUEUE_MAX_WAIT seconds.

The worker and the queue are required only when tasks go through the database queue and
HEALTH_REQUIRE_WORKER is on (the default): a web-only install (TASK_BACKEND=immediate, or
HEALTH_REQUIRE_WORKER=0) is ready without a worker, and both checks are still reported.

Nothing personal and no secret is in the answer: counts, durations, a time and the class of an
error (the error itself, which may name the database host, goes to the log). Both views are
outside any login and answer GET and HEAD; the probe must send a Host header listed in
ALLOWED_HOSTS, as every request must.
"""

import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import Error as DatabaseError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Max, Min, Q
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django_tasks import task_backends

from . import tasks
from .models import WorkerBeat

log = logging.getLogger(__name__)

PROBE_PATHS = ("/healthz", "/readyz")


def _setting(name, default):
    return getattr(settings, name, default)


def _answer(body, status=200):
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _ms(started):
    return round((time.perf_counter() - started) * 1000, 1)


def _failed(started, exc):
    return {"ok": False, "ms": _ms(started), "error": type(exc).__name__}


@require_safe
def healthz(request):
    return _answer({"status": "ok"})


# ---------------------------------------------------------------- the checks


def check_database():
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:  # OperationalError, InterfaceError…: down, not a bug
        log.warning("readyz: database check failed: %s", exc)
        return _failed(started, exc)
    return {"ok": True, "ms": _ms(started)}


def check_cache():
    started = time.perf_counter()
    key = f"binhyen:readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=30)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception as exc:  # noqa: BLE001 — each cache backend raises its own errors
        log.warning("readyz: cache check failed: %s", exc)
        return _failed(started, exc)
    return {"ok": ok, "ms": _ms(started)}


_migrations = {"applied_until": 0.0}


def check_migrations():
    started = time.perf_counter()
    if time.monotonic() < _migrations["applied_until"]:
        return {"ok": True, "ms": _ms(started), "pending": 0, "cached": True}
    try:
        executor = MigrationExecutor(connection)
        pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except DatabaseError as exc:
        log.warning("readyz: migrations check failed: %s", exc)
        return _failed(started, exc)
    if not pending:
        keep = _setting("HEALTH_MIGRATIONS_CACHE_SECONDS", 300)
        _migrations["applied_until"] = time.monotonic() + keep
    return {"ok": not pending, "ms": _ms(started), "pending": pending}


def forget_migrations():
    """After `migrate` in the same process (tests): look again on the next probe."""
    _migrations["applied_until"] = 0.0


def _iso(moment):
    return moment.isoformat(timespec="seconds") if moment else None


def check_worker(now):
    started = time.perf_counter()
    fresh = now - timedelta(seconds=_setting("HEALTH_WORKER_MAX_AGE", 120))
    try:
        beats = WorkerBeat.objects.aggregate(
            live=Count("pk", filter=Q(seen_at__gte=fresh, stopped_at__isnull=True)),
            last_seen=Max("seen_at"),
        )
    except DatabaseError as exc:
        return _failed(started, exc)
    return {
        "ok": beats["live"] > 0,
        "ms": _ms(started),
        "live": beats["live"],
        "last_seen": _iso(beats["last_seen"]),
    }


def check_queue(now):
    """Tasks ready to run now; one waits since it was queued, or since its `run_after` (a
    retry's backoff) when it had one."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    started = time.perf_counter()
    undated = Q(run_after=get_date_max())
    try:
        ready = DBTaskResult.objects.ready().aggregate(
            ready=Count("pk"),
            queued=Min("enqueued_at", filter=undated),
            due=Min("run_after", filter=~undated),
        )
    except DatabaseError as exc:
        return _failed(started, exc)
    since = min((t for t in (ready["queued"], ready["due"]) if t), default=None)
    wait = round((now - since).total_seconds(), 1) if since else None
    limit = _setting("HEALTH_QUEUE_MAX_WAIT", 600)
    return {
        "ok": wait is None or wait <= limit,
        "ms": _ms(started),
        "ready": ready["ready"],
        "oldest_wait_s": wait,
    }


def worker_required():
    """Only tasks queued in the database need a worker (every alias of settings.TASKS)."""
    return bool(_setting("HEALTH_REQUIRE_WORKER", True)) and any(
        tasks._uses_database(task_backends[alias]) for alias in task_backends
    )


def readiness():
    """Every check's result by name, and the names of the required ones that failed."""
    checks = {"database": check_database(), "cache": check_cache()}
    needs_db = ("migrations", "worker", "queue")
    if checks["database"]["ok"]:
        now = timezone.now()
        checks["migrations"] = check_migrations()
        checks["worker"] = check_worker(now)
        checks["queue"] = check_queue(now)
    else:
        for name in needs_db:
            checks[name] = {"ok": False, "skipped": "database"}
    required = {"database", "cache", "migrations"}
    if worker_required():
        required |= {"worker", "queue"}
    for name, result in checks.items():
        result["required"] = name in required
    failing = [name for name in checks if name in required and not checks[name]["ok"]]
    return checks, failing


# What the last probe in this process found, so a change is logged once, not on every probe.
_last = {"failing": []}


@require_safe
def readyz(request):
    checks, failing = readiness()
    if failing != _last["failing"]:
        if failing:
            log.warning("readyz: not ready: %s", ", ".join(failing))
        else:
            log.warning("readyz: ready again")
        _last["failing"] = failing
    body = {"status": "unavailable" if failing else "ok", "failing": failing, **checks}
    response = _answer(body, status=503 if failing else 200)
    # Django would log every 503 at ERROR ("Service Unavailable"), a line per probe for as
    # long as an outage lasts; the change is logged above, and each probe at INFO.
    response._has_been_logged = True
    return response
