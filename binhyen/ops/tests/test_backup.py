"""`binhyen backup` and `binhyen restore`: a round trip gives back every row of every table,
the same `verify-facts` figures and the media byte for byte; a restore refuses a database with
data, a tampered archive and an archive from newer code; a missing pg_dump is said plainly.

The round trip runs on the engine of the test run (SQLite in `make test`, PostgreSQL with
DATABASE_URL=postgres://…; CI runs both). Its source is a copy of the migrated, seeded test
database (a fresh `binhyen migrate` takes 30 s on SQLite and over a minute on PostgreSQL here):
SQLite's backup API copies the in-memory test database into a file, PostgreSQL creates a
database from the test database as template. A child process then writes a small data set
through the services (so the cubes are filled), and the commands run in child processes on
those databases, as an operator runs them.
"""

import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from binhyen.ops import backup

ROOT = Path(__file__).resolve().parents[3]
ENGINE = connections["default"].vendor  # "sqlite" or "postgresql"
SUFFIX = f"binhyen_bk_{os.getpid()}"

# so that the test database is set up (the round trip's source is a copy of it)
pytestmark = pytest.mark.django_db

# Written in the source database by a child process, through the factories (the services).
DATA = """
import datetime

import django

django.setup()
from binhyen import factories as f

tree = f.small_tree()
for unit, day, sessions, people in [
    (tree["cs1"], datetime.date(2022, 3, 15), 2, 40),
    (tree["cs2"], datetime.date(2023, 5, 2), 1, 25),
    (tree["cs3"], datetime.date(2024, 11, 20), 3, 60),
    (tree["q9"], datetime.date(2021, 8, 16), 4, 120),
]:
    f.activity(unit, date=day, sessions=sessions, attendances=people)
world = f.group_tree()
group = f.group(world["cs"], name="Tổ tự quản thử sao lưu")
for i in range(3):
    f.member(group, full_name=f"Người thử sao lưu {i}")
f.document(tree["hcm"], number="329", symbol="329/KH-LĐLĐ")

from django.core.management import call_command

call_command("verify-facts")  # the source's figures, printed
"""

MEDIA = {
    "tài liệu/Kế hoạch 329-KH-LĐLĐ.pdf": os.urandom(70_000),
    "jobs/2026/12/7-xuat-hoat-dong.xlsx": os.urandom(5_000),
    "rỗng.txt": b"",
}


def child(*args, url, media, extra=None, code=None):
    """`binhyen ARGS` (or `python -c CODE`) in a child process on database `url`."""
    dropped = {"DEBUG", "SECURE_COOKIES", "DJANGO_ALLOW_ASYNC_UNSAFE", "BACKUP_DIR"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DATABASE_URL=url,
        MEDIA_ROOT=str(media),
        DJANGO_SETTINGS_MODULE="binhyen.settings",
        PYTHONPATH=str(ROOT),
        **(extra or {}),
    )
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "binhyen.cli", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)


# ---------------------------------------------------------------- the two engines


class Sqlite:
    def __init__(self, folder):
        self.folder = folder

    def url(self, name):
        return f"sqlite:///{self.folder / f'{name}.sqlite3'}"

    def copy_test_database(self, name):
        target = sqlite3.connect(self.folder / f"{name}.sqlite3")
        connection = connections["default"]
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()

    def create_empty(self, name):
        pass  # the restore creates the file

    def fingerprint(self, name):
        """{table: (rows, sha256 of the rows)} of every table."""
        db = sqlite3.connect(self.folder / (name if ".sqlite3" in name else f"{name}.sqlite3"))
        tables = [
            t
            for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if not t.startswith("sqlite_")
        ]
        out = {}
        for table in tables:
            rows = sorted(repr(r) for r in db.execute(f'SELECT * FROM "{table}"'))
            out[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        db.close()
        return out

    def aside(self, name):
        return [p.name for p in self.folder.glob(f"{name}.sqlite3.truoc-khoi-phuc-*")]

    def drop_all(self):
        pass


class Postgresql:
    def __init__(self):
        self.settings = dict(connections["default"].settings_dict)
        self.created = []

    def url(self, name):
        s = self.settings
        auth = quote(s["USER"] or "")
        if s.get("PASSWORD"):
            auth += ":" + quote(s["PASSWORD"])
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"

    def connect(self, name="postgres"):
        import psycopg

        s = self.settings
        return psycopg.connect(
            dbname=name,
            user=s["USER"] or None,
            password=s.get("PASSWORD") or None,
            host=s["HOST"] or "127.0.0.1",
            port=s["PORT"] or 5432,
            autocommit=True,
        )

    def copy_test_database(self, name):
        template = connections["default"].settings_dict["NAME"]
        connections.close_all()  # a template database must have no session
        with self.connect() as db:
            db.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self.created.append(name)

    def create_empty(self, name):
        with self.connect() as db:
            db.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        self.created.append(name)

    def fingerprint(self, name):
        with self.connect(name) as db:
            tables = [
                t
                for (t,) in db.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                )
            ]
            out = {}
            for table in tables:
                rows, digest = db.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' "
                    f"ORDER BY t::text), '')) FROM \"{table}\" t"
                ).fetchone()
                out[table] = (rows, digest)
            return out

    def aside(self, name):
        """The databases restore --force set `name` aside as."""
        with self.connect() as db:
            return [
                n
                for (n,) in db.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{name}_truoc%"]
                )
            ]

    def drop_all(self):
        with self.connect() as db:
            for name in self.created + self.aside(f"{SUFFIX}_src"):
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """A source database with a small data set and media, and its archive."""
    if request.param != ENGINE:
        pytest.skip(
            f"the {request.param} round trip runs in the test run on {request.param} "
            f"(this run is on {ENGINE}; CI runs both, `make test` and with DATABASE_URL=postgres://…)"
        )
    folder = tmp_path_factory.mktemp("backup")
    engine = Sqlite(folder) if ENGINE == "sqlite" else Postgresql()
    with django_db_blocker.unblock():
        engine.copy_test_database(f"{SUFFIX}_src")
    media = folder / "media"
    for name, body in MEDIA.items():
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(body)
    url = engine.url(f"{SUFFIX}_src")
    try:
        facts = child(code=DATA, url=url, media=media)
        assert facts.returncode == 0, facts.stdout + facts.stderr[-3000:]
        made = child("backup", "--output", str(folder / "out"), url=url, media=media)
        assert made.returncode == 0, made.stderr[-3000:]
        (archive,) = (folder / "out").glob("*.tar")
        yield dict(
            engine=engine,
            folder=folder,
            url=url,
            media=media,
            archive=archive,
            said=made.stdout,
            facts=facts.stdout,
        )
    finally:
        engine.drop_all()


def _figures(verify_output):
    """verify-facts' lines without its timing."""
    return re.sub(r"\(\d+[.,]\d+ giây\)", "", verify_output).strip()


def test_backup_is_one_dated_archive_with_its_manifest(world):
    archive = world["archive"]
    assert re.fullmatch(r"binhyen-backup-\d{8}-\d{6}\.tar", archive.name)
    assert archive.stat().st_mode & 0o077 == 0  # personal data: the owner's only
    source = world["engine"].fingerprint(f"{SUFFIX}_src")
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        members = {m.name: tar.extractfile(m).read() for m in tar if m.name != "manifest.json"}
    assert manifest["engine"] == ENGINE
    assert ["ops", "0001_initial"] in manifest["migrations"]
    assert manifest["tables"] == {t: source[t][0] for t in manifest["tables"]}
    for table in (
        "activities_activity",
        "groups_groupmember",
        "django_tasks_database_dbtaskresult",
    ):
        assert table in manifest["tables"]
    assert "auth_user_groups" in manifest["tables"]  # auto-created many-to-many tables
    assert manifest["tables"]["groups_groupmember"] >= 3
    assert {n: members[f"media/{n}"] for n in MEDIA} == MEDIA
    assert manifest["media"] == {
        "files": 3,
        "bytes": sum(map(len, MEDIA.values())),
        "included": True,
    }
    assert {n: hashlib.sha256(b).hexdigest() for n, b in members.items()} == {
        n: e["sha256"] for n, e in manifest["members"].items()
    }
    rows = f"{manifest['rows']:,}".replace(",", ".")
    assert f"Đã sao lưu {rows} bản ghi của {len(manifest['tables'])} bảng" in world["said"]
    assert str(archive) in world["said"]


def test_round_trip_gives_back_every_row_the_figures_and_the_media(world):
    engine, folder = world["engine"], world["folder"]
    engine.create_empty(f"{SUFFIX}_dst")
    url, media = engine.url(f"{SUFFIX}_dst"), folder / "media-restored"
    done = child("restore", str(world["archive"]), url=url, media=media)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "Đã khôi phục" in done.stdout and "khớp manifest" in done.stdout

    assert engine.fingerprint(f"{SUFFIX}_dst") == engine.fingerprint(f"{SUFFIX}_src")
    facts = child("verify-facts", url=url, media=media)
    assert facts.returncode == 0, facts.stdout + facts.stderr[-3000:]
    assert _figures(facts.stdout) == _figures(world["facts"])
    restored = {
        p.relative_to(media).as_posix(): p.read_bytes() for p in media.rglob("*") if p.is_file()
    }
    assert restored == MEDIA


def test_restore_refuses_a_database_with_data_and_changes_nothing(world):
    engine = world["engine"]
    before = engine.fingerprint(f"{SUFFIX}_src")
    media = world["folder"] / "media-untouched"
    done = child("restore", str(world["archive"]), url=world["url"], media=media)
    assert done.returncode != 0
    assert "đã có dữ liệu" in done.stderr and "tạo một cơ sở dữ liệu trống" in done.stderr
    assert engine.fingerprint(f"{SUFFIX}_src") == before
    assert not media.exists()


def test_restore_force_keeps_the_database_with_data_under_another_name(world):
    """Runs after the refusal: the source is set aside whole and restored anew in its place."""
    engine = world["engine"]
    before = engine.fingerprint(f"{SUFFIX}_src")
    media = world["folder"] / "media-forced"
    done = child("restore", "--force", str(world["archive"]), url=world["url"], media=media)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    (aside,) = engine.aside(f"{SUFFIX}_src")
    assert f"giữ nguyên với tên {aside}" in done.stdout.replace(str(world["folder"]) + "/", "")
    assert engine.fingerprint(aside) == before
    assert engine.fingerprint(f"{SUFFIX}_src") == before


def _rewritten(archive, target, change):
    """A copy of `archive` with change(name, bytes) → bytes applied to each member."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as out:
        for member in source:
            body = change(member.name, source.extractfile(member).read())
            member.size = len(body)
            out.addfile(member, io.BytesIO(body))
    return target


def test_restore_refuses_a_tampered_archive(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    pdf = "media/tài liệu/Kế hoạch 329-KH-LĐLĐ.pdf"
    tampered = _rewritten(
        world["archive"],
        tmp_path / "tampered.tar",
        lambda name, body: bytes([body[0] ^ 1]) + body[1:] if name == pdf else body,
    )
    with pytest.raises(CommandError, match="không khớp mã sha256") as refused:
        call_command("restore", str(tampered))
    assert pdf in str(refused.value)
    assert not settings.MEDIA_ROOT.exists()


def test_restore_refuses_an_archive_from_newer_code(world, tmp_path):
    def newer(name, body):
        if name != "manifest.json":
            return body
        manifest = json.loads(body)
        manifest["migrations"].append(["reports", "9999_from_the_future"])
        return json.dumps(manifest).encode()

    newer_archive = _rewritten(world["archive"], tmp_path / "newer.tar", newer)
    with pytest.raises(CommandError, match=r"reports\.9999_from_the_future"):
        call_command("restore", str(newer_archive))


def test_backup_without_pg_dump_says_what_to_install(tmp_path):
    done = child(
        "backup",
        "--output",
        str(tmp_path / "out"),
        url="postgres://postgres@127.0.0.1:5432/nowhere",
        media=tmp_path / "media",
        extra={"PATH": str(tmp_path)},  # a PATH without pg_dump
    )
    assert done.returncode != 0
    assert "Không tìm thấy lệnh pg_dump" in done.stderr
    assert "postgresql-client" in done.stderr
    assert list((tmp_path / "out").glob("*")) == []


def test_other_engines_are_refused():
    with pytest.raises(backup.BackupError, match="chỉ hỗ trợ PostgreSQL và SQLite"):
        backup.engine_of({"ENGINE": "django.db.backends.mysql"})
