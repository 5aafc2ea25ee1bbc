"""A real `binhyen worker` process runs what a page queued, and a worker killed mid-task
leaves nothing half-written: the next worker fails the orphaned attempt and runs it again."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.db import connection

from binhyen import factories as f
from binhyen.activities import cube as facts
from binhyen.activities.models import ActivityFact
from binhyen.reporting.models import FactRebuild
from binhyen.reporting.tests.helpers import record

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _database_url(tmp_path):
    """A URL another process can open onto what this test wrote: the PostgreSQL test
    database itself, or a copy of SQLite's in-memory test database in a file."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings_dict.get("USER") or "postgres"
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        return f"postgres://{user}@{host}:{port}/{settings_dict['NAME']}"
    path = tmp_path / "worker.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


def _binhyen(args, env, **kwargs):
    code = "import sys; from binhyen.cli import main; main(['binhyen', *sys.argv[1:]])"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def _ask(env, code):
    """Run `code` in a fresh process on the shared database; return what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


STATE = """
from binhyen.activities import cube
from binhyen.reporting.models import FactRebuild
from django_tasks_db.models import DBTaskResult
job = FactRebuild.objects.get()
print(job.status, len(cube.verify()), sorted(DBTaskResult.objects.values_list("status", flat=True)))
"""


def _wait_for(predicate, timeout, what, process):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        if process.poll() is not None:
            raise AssertionError(f"the worker stopped before {what}: {process.stdout.read()}")
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_worker_leaves_no_half_written_cells_and_the_task_runs_again(settings, tmp_path):
    settings.TASKS = DATABASE_BACKEND
    tree = f.small_tree()
    record(tree["cs1"], "2022-03-05", sessions=2, attendances=50)
    ActivityFact.objects.filter(ancestor_id=tree["hcm"].pk).update(sessions=999)
    spoiled = len(facts.verify())
    assert spoiled > 0
    job = FactRebuild.objects.create(unit=tree["hcm"], requested_by=f.superuser())
    marker = tmp_path / "hanging"
    from binhyen.ops.tests.worker_tasks import rebuild_hanging_once

    rebuild_hanging_once.enqueue(job.pk, str(marker))

    env = {
        **os.environ,
        "DATABASE_URL": _database_url(tmp_path),
        "DJANGO_SETTINGS_MODULE": "binhyen.settings",
        "TASK_BACKEND": "database",
        "TASK_RETRY_SECONDS": "1",
        "WORKER_STALE_SECONDS": "2",
    }
    first = _binhyen(["worker", "--no-reload", "--interval", "0.2", "--no-startup-delay"], env)
    try:
        _wait_for(
            marker.exists, 90, "the first attempt to reach the middle of its transaction", first
        )
    finally:
        os.kill(first.pid, signal.SIGKILL)  # no chance to clean up: the process is gone
        first.wait(timeout=10)

    # the rebuild had rewritten the cells inside its transaction: none of it is visible
    assert _ask(env, STATE) == f"running {spoiled} ['RUNNING']"

    time.sleep(2.5)  # the dead worker's last beat is now older than WORKER_STALE_SECONDS
    second = _binhyen(["worker", "--no-reload", "--interval", "0.2", "--no-startup-delay"], env)
    try:
        _wait_for(
            lambda: _ask(env, STATE).startswith("done"), 120, "the second attempt to finish", second
        )
    finally:
        second.send_signal(signal.SIGTERM)  # graceful: it is idle, it stops at once
        output, _ = second.communicate(timeout=30)
    assert second.returncode == 0, output
    assert "Đã đưa lại 1 tác vụ" in output
    assert _ask(env, STATE) == "done 0 ['FAILED', 'SUCCESSFUL']"
    assert "stopped" in _ask(
        env,
        "from binhyen.ops.models import WorkerBeat\n"
        "print(' '.join('stopped' if b.stopped_at else 'beating' for b in WorkerBeat.objects.order_by('started_at')))",
    )
