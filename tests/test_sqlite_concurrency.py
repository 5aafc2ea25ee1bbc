"""The embedded SQLite default holds a few people saving at the same moment: no 500, no
"database is locked", every row written.

The test database is in memory, so the test copies it (migrated, seeded, areas loaded) into a
file and runs a child process on that file with the project's own settings.py, the way
`binhyen demo` runs. The child builds a union, a group and an editor, then releases twelve
threads at once through a barrier: six post an activity, six add a group member, each with its
own database connection."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

WRITERS = 6  # of each kind

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
        reason="about the embedded SQLite default; PostgreSQL has row locks",
    ),
    pytest.mark.django_db,  # so the test database is set up; the copy is it as migrated and seeded
]


@pytest.fixture(scope="module")
def database_file(django_db_setup, django_db_blocker, tmp_path_factory):
    """The test database copied to a file, before any test transaction is open (SQLite will
    not back up a database while a connection holds a write transaction on it)."""
    from django.db import connection

    path = tmp_path_factory.mktemp("concurrency") / "db.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
    return path


def test_concurrent_writers_all_succeed(database_file):
    path = database_file
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{path}",
        ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="binhyen.settings",
        MEDIA_ROOT=str(path.parent / "media"),
        DEBUG="0",
    )
    child = subprocess.run(
        [sys.executable, __file__],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert child.returncode == 0, child.stderr[-3000:]
    result = json.loads(child.stdout.strip().splitlines()[-1])
    assert result["options"]["transaction_mode"] == "IMMEDIATE"
    assert result["statuses"] == [302] * (2 * WRITERS), child.stderr[-3000:]
    assert "database is locked" not in child.stderr
    assert result["activities"] == WRITERS
    assert result["members"] == WRITERS


def _child():
    """Runs in the child process, on the file database."""
    import threading

    import django

    django.setup()
    from django.conf import settings as live
    from django.db import connection, connections
    from django.test import Client

    live.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from binhyen import factories as f
    from binhyen.activities.models import Activity, ActivityKind, Audience, Topic
    from binhyen.groups.models import GroupMember
    from binhyen.org.scoping import Role

    world = f.group_tree()
    group = f.group(world["cs"], name="Tổ tự quản thử ghi đồng thời")
    editor = f.user(role=Role.EDITOR, unit=world["cs"])
    activity = {
        "unit": world["cs"].pk,
        "date": "15/03/2024",
        "end_date": "",
        "kind": ActivityKind.objects.get(code="tuyen_truyen").pk,
        "topics": [Topic.objects.get(code="ma_tuy").pk],
        "audiences": [Audience.objects.get(code="cnvcld").pk],
        "sessions": "1",
        "attendances": "40",
        "leaflets": "",
        "place": "",
        "document_ref": "",
        "notes": "",
    }
    posts = [
        ("/hoat-dong/moi/", {**activity, "title": f"Tuyên truyền đồng thời {i}"})
        for i in range(WRITERS)
    ]
    posts += [
        (
            f"/mo-hinh/{group.pk}/them-thanh-vien/",
            {
                "full_name": f"Nguyễn Văn Đồng Thời {i}",
                "role": "thanh_vien",
                "joined": "01/05/2024",
            },
        )
        for i in range(WRITERS)
    ]
    clients = []
    for _ in posts:  # signing in writes too (session, axes): done one by one, before the race
        client = Client(raise_request_exception=False)
        client.force_login(editor)
        clients.append(client)
    connections.close_all()

    barrier = threading.Barrier(len(posts))
    statuses = [None] * len(posts)

    def post(i):
        url, data = posts[i]
        barrier.wait()
        try:
            statuses[i] = clients[i].post(url, data).status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(posts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(
        json.dumps(
            {
                "options": {
                    k: v
                    for k, v in connection.settings_dict["OPTIONS"].items()
                    if k == "transaction_mode"
                },
                "statuses": statuses,
                "activities": Activity.objects.filter(
                    title__startswith="Tuyên truyền đồng thời"
                ).count(),
                "members": GroupMember.objects.filter(
                    group=group, full_name__startswith="Nguyễn Văn Đồng Thời"
                ).count(),
            }
        )
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    _child()
