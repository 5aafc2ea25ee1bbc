"""A real `binhyen worker` process runs what a page queued, the page follows it to its end,
and a worker killed mid-task leaves nothing half-written: the next worker fails the orphaned
attempt and runs it again."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django_tasks_db.models import DBTaskResult

from binhyen import factories as f
from binhyen.activities import cube as facts
from binhyen.activities.models import ActivityFact
from binhyen.ops.models import WorkerBeat
from binhyen.reporting.models import FactRebuild, RebuildStatus
from binhyen.reporting.tests.helpers import record

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared(settings, tmp_path):
    """The database queue, on a database another process can open: PostgreSQL's test
    database itself, or for SQLite a file this test switches its own connection to (the
    in-memory test database is invisible to other processes). Yields the workers' env."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "binhyen.settings",
        "TASK_BACKEND": "database",
        "TASK_RETRY_SECONDS": "1",
        "WORKER_STALE_SECONDS": "2",
    }
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings_dict.get("USER") or "postgres"
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        yield {**env, "DATABASE_URL": f"postgres://{user}@{host}:{port}/{settings_dict['NAME']}"}
        return
    path = tmp_path / "shared.sqlite3"
    shutil.copy(os.environ["BINHYEN_TEST_SEEDED_SQLITE"], path)  # root conftest.py
    memory = settings_dict["NAME"]
    keeper = sqlite3.connect(memory, uri=True)  # the in-memory database lives while one is open
    # Django never closes an in-memory database's connection; close it for real
    BaseDatabaseWrapper.close(connection)
    settings_dict["NAME"] = str(path)
    try:
        yield {**env, "DATABASE_URL": f"sqlite:///{path}"}
    finally:
        BaseDatabaseWrapper.close(connection)
        settings_dict["NAME"] = memory
        connection.ensure_connection()
        keeper.close()


def _fresh():
    """Read what the worker committed, not a snapshot."""
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        BaseDatabaseWrapper.close(connection)
    else:
        connection.close()


def _worker(env):
    code = "import sys; from binhyen.cli import main; main(['binhyen', *sys.argv[1:]])"
    args = ["worker", "--no-reload", "--interval", "0.2", "--no-startup-delay"]
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(worker):
    worker.send_signal(signal.SIGTERM)  # graceful: an idle worker stops at once
    output, _ = worker.communicate(timeout=60)
    assert worker.returncode == 0, output
    return output


def _wait_for(predicate, what, process, timeout=120):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        _fresh()
        if predicate():
            return
        if process.poll() is not None:
            raise AssertionError(f"the worker stopped before {what}: {process.stdout.read()}")
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _spoiled_tree():
    tree = f.small_tree()
    record(tree["cs1"], "2022-03-05", sessions=2, attendances=50)
    ActivityFact.objects.filter(ancestor_id=tree["hcm"].pk).update(sessions=999)
    assert facts.verify() != []
    return tree


def test_the_worker_runs_what_a_page_queued_and_the_page_shows_its_end(shared, client):
    _spoiled_tree()
    client.force_login(f.superuser())
    client.post("/tong-hop/tinh-lai/?unit=HCM")
    job = FactRebuild.objects.get()
    assert job.status == RebuildStatus.QUEUED  # the page answered; nothing ran in it
    page = client.get("/tong-hop/tinh-lai/?unit=HCM").content.decode()
    assert "Đang chờ" in page and 'http-equiv="refresh"' in page
    worker = _worker(shared)
    try:
        _wait_for(lambda: FactRebuild.objects.get().status == RebuildStatus.DONE, "the run", worker)
    finally:
        _stop(worker)
    page = client.get("/tong-hop/tinh-lai/?unit=HCM").content.decode()
    assert "Xong" in page and 'http-equiv="refresh"' not in page
    assert facts.verify() == []
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"]
    assert WorkerBeat.objects.get().stopped_at is not None


def test_a_killed_worker_leaves_no_half_written_cells_and_the_task_runs_again(shared, tmp_path):
    tree = _spoiled_tree()
    spoiled = facts.verify()
    job = FactRebuild.objects.create(unit=tree["hcm"], requested_by=f.superuser())
    marker = tmp_path / "hanging"
    from binhyen.ops.tests.worker_tasks import rebuild_hanging_once

    rebuild_hanging_once.enqueue(job.pk, str(marker))
    first = _worker(shared)
    try:
        _wait_for(marker.exists, "the first attempt to reach the middle of its transaction", first)
    finally:
        os.kill(first.pid, signal.SIGKILL)  # no chance to clean up: the process is gone
        first.wait(timeout=10)
    _fresh()
    # the rebuild had rewritten the cells inside its transaction: none of it is visible
    assert facts.verify() == spoiled
    assert FactRebuild.objects.get().status == RebuildStatus.RUNNING
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["RUNNING"]

    time.sleep(2.5)  # the dead worker's last beat is now older than WORKER_STALE_SECONDS
    second = _worker(shared)
    try:
        _wait_for(
            lambda: FactRebuild.objects.get().status == RebuildStatus.DONE,
            "the second attempt to finish",
            second,
        )
    finally:
        output = _stop(second)
    assert "Đã đưa lại 1 tác vụ" in output
    assert facts.verify() == []
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == [
        "FAILED",
        "SUCCESSFUL",
    ]
    lost = DBTaskResult.objects.get(status="FAILED")
    assert lost.exception_class_path == "binhyen.ops.tasks.WorkerLost"
