"""What a load balancer sees on /healthz and /readyz: up, ready, and not ready with the reason,
including a database that cannot be reached at all."""

import json
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from binhyen.ops import health
from binhyen.ops.models import WorkerBeat

ROOT = Path(__file__).resolve().parents[3]
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _fresh_probe_state():
    health.forget_migrations()
    health._last["failing"] = []
    yield
    health.forget_migrations()
    health._last["failing"] = []


@pytest.fixture
def queue(settings):
    """Tasks go through the database queue, so a worker is needed."""
    settings.TASKS = DATABASE_QUEUE


def live_worker():
    return WorkerBeat.objects.create(worker_id="w-live", host="worker-3.internal", pid=4242)


def waiting_task(minutes, **fields):
    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="binhyen.ops.housekeeping.cleanup",
        backend_name="default",
        run_after=fields.pop("run_after", get_date_max()),
        exception_class_path="",
        traceback="",
        **fields,
    )
    DBTaskResult.objects.filter(pk=row.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=minutes)
    )
    return row


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with (
        mock.patch("binhyen.portal.middleware.counters.count_request") as counted,
        django_assert_num_queries(0),
    ):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert not counted.called


@pytest.mark.django_db
def test_healthz_needs_no_login_even_for_a_signed_in_session(client, django_assert_num_queries):
    from binhyen import factories as f

    client.force_login(f.superuser())
    with django_assert_num_queries(0):  # neither the session nor the user is loaded
        assert client.get("/healthz").status_code == 200
        assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_ready_when_everything_answers(client, queue):
    live_worker()
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    for name in ("database", "cache", "migrations", "worker", "queue"):
        assert body[name]["ok"] is True, name
        assert body[name]["required"] is True, name
    assert body["database"]["ms"] >= 0
    assert body["migrations"]["pending"] == 0
    assert body["worker"]["live"] == 1
    assert body["worker"]["last_seen"].startswith(str(timezone.now().year))
    assert body["queue"] == {
        "ok": True,
        "ms": body["queue"]["ms"],
        "ready": 0,
        "oldest_wait_s": None,
        "required": True,
    }
    assert response["Cache-Control"] == "no-store"
    # nothing about the machines behind it: no worker host, no database name or host
    text = response.content.decode()
    assert "worker-3.internal" not in text
    assert connection.settings_dict["NAME"] not in text


@pytest.mark.django_db
def test_not_ready_without_a_live_worker(client, queue):
    WorkerBeat.objects.create(
        worker_id="w-old", host="h", pid=1, seen_at=timezone.now() - timedelta(minutes=5)
    )
    WorkerBeat.objects.create(worker_id="w-stopped", host="h", pid=2, stopped_at=timezone.now())
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["worker"]
    assert body["worker"]["ok"] is False and body["worker"]["live"] == 0
    assert body["worker"]["last_seen"] is not None
    assert body["database"]["ok"] and body["queue"]["ok"]


@pytest.mark.django_db
def test_a_worker_a_little_late_is_still_live(client, queue, settings):
    settings.HEALTH_WORKER_MAX_AGE = 120
    WorkerBeat.objects.create(
        worker_id="w", host="h", pid=1, seen_at=timezone.now() - timedelta(seconds=90)
    )
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_a_web_only_install_is_ready_without_a_worker(client, queue, settings):
    settings.HEALTH_REQUIRE_WORKER = False
    waiting_task(minutes=60)
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["worker"]["ok"] is False and body["worker"]["required"] is False
    assert body["queue"]["ok"] is False and body["queue"]["required"] is False


@pytest.mark.django_db
def test_tasks_run_in_process_need_no_worker(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["worker"]["required"] is False


@pytest.mark.django_db
def test_not_ready_when_a_task_waits_too_long(client, queue, settings):
    settings.HEALTH_QUEUE_MAX_WAIT = 600
    live_worker()
    waiting_task(minutes=2)
    waiting_task(minutes=11)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["queue"]
    assert body["queue"]["ready"] == 2
    assert 660 <= body["queue"]["oldest_wait_s"] < 700


@pytest.mark.django_db
def test_a_retry_waits_from_its_due_time_and_a_deferred_task_does_not_wait(client, queue):
    live_worker()
    now = timezone.now()
    # queued 30 minutes ago, retried after a backoff that ended 2 minutes ago
    waiting_task(minutes=30, run_after=now - timedelta(minutes=2))
    # a retry still in its backoff is not waiting yet
    waiting_task(minutes=30, run_after=now + timedelta(minutes=10))
    response = client.get("/readyz")
    assert response.status_code == 200
    queue = response.json()["queue"]
    assert queue["ready"] == 1
    assert 120 <= queue["oldest_wait_s"] < 160


@pytest.mark.django_db
def test_not_ready_with_a_migration_to_apply(client):
    class Pending:
        def __init__(self, connection):
            self.loader = mock.Mock()

        def migration_plan(self, targets):
            return [("ops", "9999_new")]

    with mock.patch.object(health, "MigrationExecutor", Pending):
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["failing"] == ["migrations"]
        assert response.json()["migrations"]["pending"] == 1
        # a pending migration is looked at again on the next probe, not remembered
        assert client.get("/readyz").status_code == 503


@pytest.mark.django_db
def test_applied_migrations_are_remembered_between_probes(client, django_assert_num_queries):
    first = health.check_migrations()
    assert first["ok"] and "cached" not in first
    with django_assert_num_queries(0):
        again = health.check_migrations()
    assert again["ok"] and again["cached"] is True


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_not_ready_when_the_database_fails(client, queue, error, caplog):
    failure = error('connection to server at "db-primary.internal" (10.0.0.5) failed')
    with mock.patch.object(connection, "cursor", side_effect=failure):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database", "migrations", "worker", "queue"]
    assert body["database"]["ok"] is False
    assert body["database"]["error"] == error.__name__
    for name in ("migrations", "worker", "queue"):  # not tried: each would wait again
        assert body[name] == {"ok": False, "skipped": "database", "required": True}
    # the operator reads the reason in the log; the probe's answer does not name the host
    assert "db-primary.internal" not in response.content.decode()
    assert "db-primary.internal" in caplog.text


@pytest.mark.django_db
def test_not_ready_when_the_cache_fails(client):
    with mock.patch.object(health.cache, "set", side_effect=ConnectionError("redis down")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]
    assert response.json()["cache"]["error"] == "ConnectionError"


@pytest.mark.django_db
def test_a_change_of_readiness_is_logged_once(client, queue, caplog):
    for _ in range(3):
        client.get("/readyz")
    live_worker()
    client.get("/readyz")
    client.get("/readyz")
    lines = [r.getMessage() for r in caplog.records if r.name == "binhyen.ops.health"]
    assert lines == ["readyz: not ready: worker", "readyz: ready again"]
    # and not Django's "Service Unavailable" at ERROR for each of the three failed probes
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.django_db
def test_the_probe_must_send_an_allowed_host(client, settings):
    settings.ALLOWED_HOSTS = ["binhyen.ldld.example"]
    assert client.get("/healthz", HTTP_HOST="10.0.0.7").status_code == 400
    assert client.get("/healthz", HTTP_HOST="binhyen.ldld.example").status_code == 200


PROBE_SCRIPT = """
import json, time
import django
django.setup()
from django.test import Client
client = Client()
live = client.get("/healthz", HTTP_HOST="localhost")  # also loads the URLconf (~3 s here)
started = time.perf_counter()
ready = client.get("/readyz", HTTP_HOST="localhost")
seconds = time.perf_counter() - started
print("RESULT " + json.dumps({
    "ready": ready.status_code, "body": ready.json(), "seconds": seconds,
    "live": live.status_code,
}))
"""


def test_a_database_that_cannot_be_reached_answers_503_at_once():
    """A real connection attempt to a port nobody listens on, in a process of its own with the
    production settings (JSON logs on stdout)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "binhyen.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/binhyen?connect_timeout=2",
        "PRODUCTION": "1",
        "SECRET_KEY": "k" * 50,
        "TASK_BACKEND": "database",
    }
    env.pop("LOG_FORMAT", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    result = json.loads(next(line for line in lines if line.startswith("RESULT "))[7:])
    assert result["ready"] == 503
    assert result["body"]["database"]["ok"] is False
    assert result["body"]["database"]["error"] == "OperationalError"
    assert result["body"]["failing"] == ["database", "migrations", "worker", "queue"]
    assert result["seconds"] < 2  # connect_timeout=2 bounds a host that never answers
    assert result["live"] == 200  # the process itself is alive: no restart
    # the logs of that process: JSON lines on stdout, the failed probe among them
    logs = [json.loads(line) for line in lines if not line.startswith("RESULT ")]
    probe = next(e for e in logs if e["logger"] == "binhyen.request")
    assert probe["path"] == "/readyz" and probe["status"] == 503
    assert any(
        e["message"] == "readyz: not ready: database, migrations, worker, queue" for e in logs
    )
