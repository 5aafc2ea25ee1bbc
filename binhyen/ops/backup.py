"""Backup and restore of a whole Bình Yên: the database and the media folder in one dated tar
with a manifest, and back onto an empty database (`binhyen backup`, `binhyen restore`).

The archive is a plain, uncompressed tar: pg_dump's custom format is already compressed, and
the media are mostly PDF, DOCX, XLSX and images, compressed already; gzip over them would cost a
CPU for little, and an uncompressed tar can be listed and checked member by member. Members:

- `database.pgdump` (`pg_dump --format=custom`) or `database.sqlite3` (a copy made through
  SQLite's backup API, so a consistent file even while the app writes);
- `media/…`, the files of MEDIA_ROOT;
- `manifest.json`, written last: format, versions, engine, the applied migrations, the row
  count of every table of every installed model, the media totals and each member's sha256.

The counts and the dump come from one snapshot: on PostgreSQL a repeatable-read transaction
exports its snapshot and pg_dump reads through it (`--snapshot`), on SQLite the counts are
taken on the copy. So a restore can demand exactly the manifest's counts.

A restore checks the whole archive before it touches anything (format, every member's sha256,
migrations this code knows, an empty target, no different media file in the way), writes the
media (new files only), then the database in one transaction (pg_restore
`--single-transaction`, SQLite's backup API), recounts before `migrate`, then migrates. Each
step that fails says what is left and what to do; running the same restore again is safe
while the database is still empty.

The archive holds personal data (group members, tipsters): it is written readable by its
owner only.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.core.text import format_number

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DUMP = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1 << 20


class BackupError(Exception):
    """A refusal or a failure, with the message (Vietnamese) an operator reads."""


@dataclass
class Summary:
    path: Path
    size: int = 0
    tables: int = 0
    rows: int = 0
    media_files: int = 0
    media_bytes: int = 0
    migrated: list = field(default_factory=list)
    changed_by_migrate: dict = field(default_factory=dict)
    media_skipped: int = 0
    aside: str | None = None


# ---------------------------------------------------------------- what both sides share


def engine_of(database=None):
    """ "postgresql" or "sqlite" for a DATABASES entry (default: the default one); any other
    engine is refused."""
    name = (database or settings.DATABASES["default"])["ENGINE"]
    if name.endswith("postgresql"):
        return "postgresql"
    if name.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(
        _(
            "Cơ sở dữ liệu dùng %(engine)s: sao lưu và khôi phục chỉ hỗ trợ PostgreSQL và "
            "SQLite. Dùng công cụ sao lưu của hệ quản trị cơ sở dữ liệu đó."
        )
        % {"engine": name}
    )


def model_tables():
    """The table of every installed model (auto-created many-to-many tables and the task
    queue's table included) and django_migrations."""
    names = {"django_migrations"}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            names.add(model._meta.db_table)
    return sorted(names)


def human_size(size):
    """12.345.678 → "11,77 MB"."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if size >= scale:
            return f"{format_number(size / scale, trim=True)} {unit}"
    return f"{format_number(size)} B"


def default_directory():
    return Path(os.environ.get("BACKUP_DIR") or Path(settings.ROOT_DIR) / "backups")


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


class _Hashing:
    """A file read through tarfile, hashed on the way: the hash is of exactly the bytes that
    went into the archive, even if the file changes meanwhile."""

    def __init__(self, fh):
        self.fh = fh
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        block = self.fh.read(size)
        self.digest.update(block)
        return block


def _count(cursor, quote, tables):
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env(db):
    """libpq's environment for pg_dump/pg_restore from DATABASES: the password never appears
    on a command line (where `ps` shows it)."""
    env = dict(os.environ)
    options = db.get("OPTIONS") or {}
    values = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
        "PGPASSFILE": options.get("passfile"),
        "PGSERVICE": options.get("service"),
        "PGCONNECT_TIMEOUT": options.get("connect_timeout"),
    }
    env.update({k: str(v) for k, v in values.items() if v not in (None, "")})
    return env


def _pg_tool(name):
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _(
                "Không tìm thấy lệnh %(tool)s trong PATH: cài công cụ dòng lệnh của PostgreSQL "
                "(gói postgresql-client, cùng phiên bản chính với máy chủ hoặc mới hơn) rồi "
                "chạy lại."
            )
            % {"tool": name}
        )
    return path


# ---------------------------------------------------------------- backup


def backup(output=None, media=True, say=lambda line: None):
    """Write one archive into `output` (default: env BACKUP_DIR or <repo>/backups) and return
    its Summary."""
    kind = engine_of()
    if kind == "postgresql":
        _pg_tool("pg_dump")
    directory = Path(output) if output else default_directory()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if directory.resolve().is_relative_to(media_root):
        raise BackupError(
            _(
                "Thư mục sao lưu %(dir)s nằm trong MEDIA_ROOT %(media)s, nơi có thể được phục vụ "
                "ra ngoài: chọn một thư mục khác (--output hoặc BACKUP_DIR)."
            )
            % {"dir": directory, "media": media_root}
        )
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise BackupError(
            _("Không tạo được thư mục sao lưu %(dir)s (--output): %(error)s")
            % {"dir": directory, "error": exc.strerror or exc}
        ) from exc
    now = timezone.localtime()
    path = directory / f"binhyen-backup-{now:%Y%m%d-%H%M%S}.tar"
    if path.exists():
        raise BackupError(_("Đã có tệp %(path)s: chờ một giây rồi chạy lại.") % {"path": path})
    with tempfile.TemporaryDirectory(prefix=".binhyen-backup-", dir=directory) as work:
        dump = Path(work) / DUMP[kind]
        if kind == "postgresql":
            counts, migrations, server = _dump_postgresql(dump)
        else:
            counts, migrations, server = _copy_sqlite(dump)
        say(_("Đã chép cơ sở dữ liệu (%(size)s).") % {"size": human_size(dump.stat().st_size)})
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(timespec="seconds"),
            "django": django.get_version(),
            "binhyen": _version(),
            "engine": kind,
            "server": server,
            "database": DUMP[kind],
            "migrations": migrations,
            "tables": counts,
            "rows": sum(counts.values()),
            "media": {"files": 0, "bytes": 0, "included": bool(media)},
            "members": {},
        }
        partial = Path(work) / "archive.tar"
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
                manifest["members"][DUMP[kind]] = _add(tar, DUMP[kind], dump)
                dump.unlink()
                if media:
                    for name, source in _media_files():
                        try:
                            entry = _add(tar, name, source)
                        except FileNotFoundError:
                            continue  # deleted since it was listed: not part of this backup
                        except OSError as exc:
                            raise BackupError(
                                _(
                                    "Không đọc được tệp media %(file)s: %(error)s. Chưa tạo bản sao "
                                    "lưu; kiểm tra quyền đọc MEDIA_ROOT rồi chạy lại."
                                )
                                % {"file": source, "error": exc.strerror or exc}
                            ) from exc
                        manifest["members"][name] = entry
                        manifest["media"]["files"] += 1
                        manifest["media"]["bytes"] += entry["size"]
                body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = _tarinfo(MANIFEST, len(body))
                tar.addfile(info, io.BytesIO(body))
            os.replace(partial, path)
        except OSError as exc:
            raise BackupError(
                _(
                    "Không ghi được bản sao lưu vào %(dir)s: %(error)s. Không có bản sao lưu nào "
                    "được tạo; kiểm tra chỗ trống và quyền ghi rồi chạy lại."
                )
                % {"dir": directory, "error": exc.strerror or exc}
            ) from exc
    return Summary(
        path=path,
        size=path.stat().st_size,
        tables=len(counts),
        rows=manifest["rows"],
        media_files=manifest["media"]["files"],
        media_bytes=manifest["media"]["bytes"],
    )


def _version():
    try:
        return metadata.version("binhyen")
    except metadata.PackageNotFoundError:
        return ""


def _tarinfo(name, size, mtime=None):
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime if mtime is not None else timezone.now().timestamp())
    info.mode = 0o600
    return info


def _add(tar, name, source):
    with open(source, "rb") as fh:
        stat = os.fstat(fh.fileno())
        reader = _Hashing(fh)
        tar.addfile(_tarinfo(name, stat.st_size, stat.st_mtime), reader)
    return {"sha256": reader.digest.hexdigest(), "size": stat.st_size}


def _media_files():
    """(member name, path) of every regular file under MEDIA_ROOT, sorted; symbolic links are
    not followed (a link out of the folder is not the platform's file)."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            found.append((f"{MEDIA}/{path.relative_to(root).as_posix()}", path))
    return found


def _applied(cursor):
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return [list(row) for row in cursor.fetchall()]


def _dump_postgresql(path):
    """pg_dump through the snapshot the counts were taken in."""
    connection = connections["default"]
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        raise BackupError(
            _(
                "Không kết nối được cơ sở dữ liệu %(name)s: %(error)s. Kiểm tra DATABASE_URL và "
                "máy chủ PostgreSQL."
            )
            % {"name": connection.settings_dict["NAME"], "error": str(exc).strip()}
        ) from exc
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server = cursor.fetchone()
        existing = set(connection.introspection.table_names(cursor))
        if "django_migrations" not in existing:
            raise BackupError(_not_migrated(connection.settings_dict["NAME"]))
        tables = [t for t in model_tables() if t in existing]
        counts = _count(cursor, connection.ops.quote_name, tables)
        migrations = _applied(cursor)
        command = [
            _pg_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--snapshot={snapshot}",
            f"--file={path}",
        ]
        try:
            done = subprocess.run(
                command, env=_pg_env(connection.settings_dict), capture_output=True, text=True
            )
        except OSError as exc:
            raise BackupError(
                _("Không chạy được pg_dump: %(error)s") % {"error": exc.strerror or exc}
            ) from exc
    if done.returncode != 0:
        raise BackupError(
            _(
                "pg_dump không thành công (mã %(code)s); chưa tạo bản sao lưu. pg_dump báo:\n%(stderr)s"
            )
            % {"code": done.returncode, "stderr": done.stderr.strip()}
        )
    return counts, migrations, f"PostgreSQL {server}"


def _not_migrated(name):
    return _(
        "Cơ sở dữ liệu %(name)s chưa có bảng của Bình Yên (chưa chạy `binhyen migrate`): "
        "không có gì để sao lưu."
    ) % {"name": name}


def _sqlite_path(db):
    name = str(db["NAME"])
    if name == ":memory:" or name.startswith("file::memory:") or "mode=memory" in name:
        raise BackupError(
            _(
                "Cơ sở dữ liệu SQLite nằm trong bộ nhớ: không sao lưu hay khôi phục được. Đặt "
                "DATABASE_URL=sqlite:///đường/dẫn/tệp.sqlite3."
            )
        )
    return Path(name)


def _copy_sqlite(path):
    """SQLite's backup API: a consistent copy even while the app writes; the counts and the
    migrations are read from the copy, so they are the archive's."""
    source_path = _sqlite_path(connections["default"].settings_dict)
    if not source_path.exists():
        raise BackupError(_not_migrated(source_path))
    source = sqlite3.connect(source_path, timeout=20)
    target = sqlite3.connect(path)
    try:
        with target:
            source.backup(target)
        # one self-contained file (no -wal beside it)
        target.execute("PRAGMA journal_mode=DELETE")
        existing = {
            r[0] for r in target.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if "django_migrations" not in existing:
            raise BackupError(_not_migrated(source_path))
        cursor = target.cursor()
        tables = [t for t in model_tables() if t in existing]
        counts = _count(cursor, _quote_sqlite, tables)
        migrations = _applied(cursor)
        version = sqlite3.sqlite_version
    except sqlite3.Error as exc:
        raise BackupError(
            _("Không sao chép được cơ sở dữ liệu SQLite %(path)s: %(error)s")
            % {"path": source_path, "error": exc}
        ) from exc
    finally:
        target.close()
        source.close()
    return counts, migrations, f"SQLite {version}"


def _quote_sqlite(name):
    return '"' + name.replace('"', '""') + '"'


# ---------------------------------------------------------------- restore


def read_archive(archive):
    """Open and check the archive as a whole; returns the manifest. Nothing is written."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("Không có tệp sao lưu %(path)s.") % {"path": archive})
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            manifest = _manifest(tar, archive)
            _verify_members(tar, manifest, archive)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(
            _("Tệp %(path)s không phải bản sao lưu đọc được: %(error)s")
            % {"path": archive, "error": exc}
        ) from exc
    return manifest


def _manifest(tar, archive):
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.loads(tar.extractfile(member).read().decode())
    except (KeyError, ValueError, AttributeError) as exc:
        raise BackupError(
            _("Tệp %(path)s không có manifest.json đọc được: không phải bản sao lưu Bình Yên.")
            % {"path": archive}
        ) from exc
    version = manifest.get("format")
    if version != FORMAT:
        raise BackupError(
            _(
                "Bản sao lưu có định dạng %(found)s, phiên bản này chỉ đọc định dạng "
                "%(known)s: khôi phục bằng phiên bản Bình Yên đã tạo ra nó."
            )
            % {"found": version, "known": FORMAT}
        )
    return manifest


def _safe_name(name):
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _verify_members(tar, manifest, archive):
    expected = dict(manifest.get("members") or {})
    for member in tar:
        if member.name == MANIFEST:
            continue
        entry = expected.pop(member.name, None)
        if entry is None or not member.isfile() or not _safe_name(member.name):
            raise BackupError(
                _(
                    "Bản sao lưu %(path)s có thành phần %(member)s không ghi trong manifest: "
                    "tệp đã bị sửa, không khôi phục."
                )
                % {"path": archive, "member": member.name}
            )
        digest = hashlib.sha256()
        source = tar.extractfile(member)
        while block := source.read(CHUNK):
            digest.update(block)
        if digest.hexdigest() != entry.get("sha256") or member.size != entry.get("size"):
            raise BackupError(
                _(
                    "Thành phần %(member)s của bản sao lưu %(path)s không khớp mã sha256 trong "
                    "manifest: tệp bị hỏng hoặc bị sửa, không khôi phục. Dùng một bản sao lưu "
                    "khác."
                )
                % {"path": archive, "member": member.name}
            )
    if expected:
        raise BackupError(
            _("Bản sao lưu %(path)s thiếu thành phần %(member)s: tệp bị cắt cụt, không khôi phục.")
            % {"path": archive, "member": sorted(expected)[0]}
        )
    if manifest.get("database") not in (manifest.get("members") or {}):
        raise BackupError(_("Bản sao lưu %(path)s không có cơ sở dữ liệu.") % {"path": archive})


def check_migrations(manifest):
    """Every migration the archive's database had must be one this code knows; a newer
    archive than the code cannot be brought forward."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces or ())
    for app, name in manifest.get("migrations") or []:
        if (app, name) not in known:
            raise BackupError(
                _(
                    "Bản sao lưu có migration %(app)s.%(name)s mà phiên bản Bình Yên này không "
                    "có: nó được tạo bởi một phiên bản mới hơn. Cập nhật mã nguồn rồi khôi phục."
                )
                % {"app": app, "name": name}
            )


def _target_tables(connection):
    """(table, rows) of every table in the target database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT n.nspname, c.relname FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN "
                "('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' "
                "ORDER BY 1, 2"
            )
            names = [(r[1] if r[0] == "public" else f"{r[0]}.{r[1]}", r) for r in cursor.fetchall()]
            quote = connection.ops.quote_name
            return [
                (name, _rows(cursor, f"{quote(schema)}.{quote(table)}"))
                for name, (schema, table) in names
            ]
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite\\_%' "
            "ESCAPE '\\' ORDER BY name"
        )
        return [(n, _rows(cursor, _quote_sqlite(n))) for (n,) in cursor.fetchall()]


def _rows(cursor, quoted):
    cursor.execute(f"SELECT COUNT(*) FROM {quoted}")
    return cursor.fetchone()[0]


def check_target_empty(kind, force=False):
    """Refuse a target that holds anything: a restore never writes over data. With `force`,
    say True instead: the target is to be set aside (kept under another name) first."""
    connection = connections["default"]
    name = connection.settings_dict["NAME"]
    if kind == "sqlite":
        path = _sqlite_path(connection.settings_dict)
        if not path.parent.is_dir():
            raise BackupError(
                _("Không có thư mục %(dir)s cho tệp cơ sở dữ liệu %(path)s: tạo nó rồi chạy lại.")
                % {"dir": path.parent, "path": path}
            )
        if not path.exists() or path.stat().st_size == 0:
            return False
    try:
        tables = _target_tables(connection)
    except Exception as exc:  # noqa: BLE001 — any failure to connect is said the same way
        raise BackupError(
            _(
                "Không kết nối được cơ sở dữ liệu đích %(name)s: %(error)s. Tạo cơ sở dữ liệu "
                "trống (PostgreSQL: createdb -T template0 %(name)s) và kiểm tra DATABASE_URL."
            )
            % {"name": name, "error": str(exc).strip()}
        ) from exc
    finally:
        connection.close()
    full = [(t, n) for t, n in tables if n]
    if force and (full or (tables and kind == "postgresql")):
        return True
    if full:
        shown = ", ".join(f"{t} ({format_number(n)})" for t, n in full[:5])
        raise BackupError(
            _(
                "Cơ sở dữ liệu đích %(name)s đã có dữ liệu (%(count)s bảng có bản ghi: "
                "%(tables)s…). Khôi phục không ghi đè dữ liệu: tạo một cơ sở dữ liệu trống "
                "(PostgreSQL: createdb -T template0 TÊN; SQLite: một tệp mới) và trỏ "
                "DATABASE_URL vào đó, hoặc chạy lại với --force để giữ nguyên cơ sở dữ liệu này "
                "dưới một tên khác và khôi phục vào một cơ sở dữ liệu mới cùng tên. Không có gì "
                "bị thay đổi."
            )
            % {"name": name, "count": len(full), "tables": shown}
        )
    if tables and kind == "postgresql":
        raise BackupError(
            _(
                "Cơ sở dữ liệu đích %(name)s đã có %(count)s bảng (chưa có bản ghi, ví dụ "
                "%(table)s): pg_restore cần một cơ sở dữ liệu chưa có bảng nào. Xoá và tạo lại "
                "nó (dropdb %(name)s; createdb -T template0 %(name)s) rồi chạy lại. Không có gì "
                "bị thay đổi."
            )
            % {"name": name, "count": len(tables), "table": tables[0][0]}
        )
    return False


def _set_aside(kind, stamp):
    """Keep the non-empty target under another name, never deleted (restore --force), and
    leave an empty one in its place; returns the other name."""
    connection = connections["default"]
    connection.close()
    db = connection.settings_dict
    if kind == "sqlite":
        path = _sqlite_path(db)
        aside = path.with_name(f"{path.name}.truoc-khoi-phuc-{stamp}")
        try:
            held = sqlite3.connect(path, timeout=5)
            try:
                # the WAL folded in, so the file alone is the database; fails while another
                # process has it open
                held.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                held.execute("PRAGMA journal_mode=DELETE")
            finally:
                held.close()
            os.rename(path, aside)
        except (sqlite3.Error, OSError) as exc:
            raise BackupError(_busy(path, exc)) from exc
        return str(aside)
    import psycopg
    from psycopg import sql

    name = db["NAME"]
    aside = f"{name[:30]}_truoc_khoi_phuc_{stamp.replace('-', '_')}"
    try:
        with psycopg.connect(
            dbname="postgres",
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            autocommit=True,
            **{k: v for k, v in (db.get("OPTIONS") or {}).items() if k.startswith("ssl")},
        ) as admin:
            owner, encoding, collate, ctype = admin.execute(
                "SELECT pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datcollate, "
                "datctype FROM pg_database WHERE datname = %s",
                [name],
            ).fetchone()
            admin.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(name), sql.Identifier(aside)
                )
            )
            try:
                admin.execute(
                    sql.SQL(
                        "CREATE DATABASE {} TEMPLATE template0 OWNER {} ENCODING {} "
                        "LC_COLLATE {} LC_CTYPE {}"
                    ).format(
                        sql.Identifier(name),
                        sql.Identifier(owner),
                        sql.Literal(encoding),
                        sql.Literal(collate),
                        sql.Literal(ctype),
                    )
                )
            except psycopg.Error:
                admin.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(aside), sql.Identifier(name)
                    )
                )
                raise
    except psycopg.Error as exc:
        raise BackupError(_busy(name, exc)) from exc
    return aside


def _busy(name, exc):
    return _(
        "Không đặt được cơ sở dữ liệu %(name)s sang tên khác (--force): %(error)s. Dừng ứng "
        "dụng và worker đang dùng nó rồi chạy lại. Cơ sở dữ liệu vẫn như trước."
    ) % {"name": name, "error": str(exc).strip()}


def _media_plan(manifest):
    """(member, target path) of the media to write; refuses a different file in the way.
    Identical files already in place are skipped (a restore run again)."""
    root = Path(settings.MEDIA_ROOT)
    plan, same, clash = [], 0, []
    for name, entry in sorted((manifest.get("members") or {}).items()):
        if not name.startswith(MEDIA + "/"):
            continue
        target = root.joinpath(*PurePosixPath(name).parts[1:])
        if target.is_symlink() or target.exists():
            if target.is_file() and not target.is_symlink() and _sha256(target) == entry["sha256"]:
                same += 1
                continue
            clash.append(target)
            continue
        plan.append((name, target))
    if clash:
        raise BackupError(
            _(
                "MEDIA_ROOT %(root)s đã có %(count)s tệp khác với tệp cùng tên trong bản sao "
                "lưu (ví dụ %(file)s): khôi phục không ghi đè tệp. Chuyển chúng đi hoặc dùng một "
                "MEDIA_ROOT trống. Không có gì bị thay đổi."
            )
            % {"root": root, "count": len(clash), "file": clash[0]}
        )
    return plan, same


def restore(archive, force=False, say=lambda line: None):
    """Restore `archive` onto the (empty) default database and MEDIA_ROOT; returns a Summary
    whose `changed_by_migrate` lists tables `migrate` added rows to. With `force` a non-empty
    database is first set aside under another name (kept, never deleted)."""
    archive = Path(archive)
    kind = engine_of()
    manifest = read_archive(archive)
    say(
        _("Bản sao lưu hợp lệ: tạo lúc %(at)s, %(rows)s bản ghi, %(files)s tệp media.")
        % {
            "at": _when(manifest.get("created_at")),
            "rows": format_number(manifest.get("rows", 0)),
            "files": format_number(manifest["media"]["files"]),
        }
    )
    if manifest.get("engine") != kind:
        raise BackupError(
            _(
                "Bản sao lưu là của %(archive)s, cơ sở dữ liệu đích là %(target)s: khôi phục vào "
                "cùng loại cơ sở dữ liệu (đặt DATABASE_URL cho đúng)."
            )
            % {"archive": manifest.get("engine"), "target": kind}
        )
    if kind == "postgresql":
        _pg_tool("pg_restore")
    check_migrations(manifest)
    occupied = check_target_empty(kind, force)
    plan, same = _media_plan(manifest)
    name = connections["default"].settings_dict["NAME"]
    aside = None
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            written = _write_media(tar, manifest, plan, name)
            if occupied:
                aside = _set_aside(kind, timezone.localtime().strftime("%Y%m%d-%H%M%S"))
                say(
                    _("Cơ sở dữ liệu %(name)s có dữ liệu được giữ nguyên với tên %(aside)s.")
                    % {"name": name, "aside": aside}
                )
            _restore_database(kind, tar, manifest, written)
        summary = _check_and_migrate(archive, manifest, name, say)
    except BackupError as exc:
        if aside:
            raise BackupError(
                f"{exc}\n"
                + _("Cơ sở dữ liệu cũ vẫn còn nguyên với tên %(aside)s.") % {"aside": aside}
            ) from exc
        raise
    summary.media_files, summary.media_skipped, summary.aside = written, same, aside
    return summary


def _restore_database(kind, tar, manifest, written):
    """The database member through a temporary file: pg_restore or the backup API."""
    with tempfile.TemporaryDirectory(prefix=".binhyen-restore-") as work:
        dump = Path(work) / manifest["database"]
        with tar.extractfile(manifest["database"]) as source, open(dump, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
        if _sha256(dump) != manifest["members"][manifest["database"]]["sha256"]:
            raise BackupError(
                _("Bản sao lưu thay đổi trong khi khôi phục; cơ sở dữ liệu chưa bị ghi.")
            )
        if kind == "postgresql":
            _pg_restore(dump, written)
        else:
            _sqlite_restore(dump, written)


def _check_and_migrate(archive, manifest, name, say):
    say(_("Đã nạp cơ sở dữ liệu %(name)s.") % {"name": name})
    counts = _recount(manifest["tables"])
    differ = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if differ:
        lines = "\n".join(
            _("  %(table)s: bản sao lưu %(want)s, sau khôi phục %(got)s")
            % {"table": t, "want": format_number(w), "got": "—" if g is None else format_number(g)}
            for t, (w, g) in sorted(differ.items())
        )
        raise BackupError(
            _(
                "Số bản ghi của %(count)s bảng khác với manifest:\n%(lines)s\nCơ sở dữ liệu %(name)s "
                "đã được nạp nhưng không giống bản sao lưu: đừng dùng nó; xoá và tạo lại cơ sở "
                "dữ liệu trống rồi khôi phục lại, hoặc dùng một bản sao lưu khác."
            )
            % {"count": len(differ), "lines": lines, "name": name}
        )

    migrated = _migrate(name)
    after = _recount(manifest["tables"]) if migrated else counts
    return Summary(
        path=archive,
        size=archive.stat().st_size,
        tables=len(manifest["tables"]),
        rows=sum(counts.values()),
        media_bytes=manifest["media"]["bytes"],
        migrated=migrated,
        changed_by_migrate={t: (counts[t], n) for t, n in after.items() if counts.get(t) != n},
    )


def _when(value):
    try:
        return timezone.localtime(datetime.datetime.fromisoformat(value)).strftime(
            "%d/%m/%Y %H:%M:%S"
        )
    except (TypeError, ValueError):
        return value or "?"


def _write_media(tar, manifest, plan, name):
    """New files only, each written aside and renamed into place."""
    written = 0
    for member, target in plan:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.{os.getpid()}.restore")
            with tar.extractfile(member) as source, open(partial, "wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
            os.replace(partial, target)
        except OSError as exc:
            raise BackupError(
                _(
                    "Không ghi được tệp media %(file)s: %(error)s. Đã ghi %(done)s/%(total)s tệp "
                    "media (đúng như bản sao lưu); cơ sở dữ liệu %(name)s chưa bị ghi. Sửa lỗi "
                    "(chỗ trống, quyền ghi) rồi chạy lại cùng lệnh: các tệp đã ghi được bỏ qua."
                )
                % {
                    "file": target,
                    "error": exc.strerror or exc,
                    "done": written,
                    "total": len(plan),
                    "name": name,
                }
            ) from exc
        written += 1
    return written


def _pg_restore(dump, written):
    connection = connections["default"]
    connection.close()
    db = connection.settings_dict
    from psycopg.conninfo import make_conninfo

    command = [
        _pg_tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={make_conninfo(dbname=db['NAME'])}",
        str(dump),
    ]
    done = subprocess.run(command, env=_pg_env(db), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(
            _(
                "pg_restore không thành công (mã %(code)s); nó chạy trong một giao dịch nên cơ sở "
                "dữ liệu %(name)s vẫn trống như trước. %(media)s tệp media đã được ghi (đúng như "
                "bản sao lưu). pg_restore báo:\n%(stderr)s\nSửa lỗi rồi chạy lại cùng lệnh."
            )
            % {
                "code": done.returncode,
                "name": db["NAME"],
                "media": written,
                "stderr": done.stderr.strip(),
            }
        )


def _sqlite_restore(dump, written):
    connection = connections["default"]
    connection.close()
    path = _sqlite_path(connection.settings_dict)
    source = sqlite3.connect(dump)
    target = sqlite3.connect(path, timeout=20)
    try:
        # one step (pages=-1): the whole copy is one write transaction on the target
        source.backup(target)
    except sqlite3.Error as exc:
        raise BackupError(
            _(
                "Không ghi được cơ sở dữ liệu SQLite %(path)s: %(error)s. Việc chép bị huỷ nên "
                "tệp vẫn như trước; %(media)s tệp media đã được ghi (đúng như bản sao lưu). Sửa "
                "lỗi rồi chạy lại cùng lệnh."
            )
            % {"path": path, "error": exc, "media": written}
        ) from exc
    finally:
        target.close()
        source.close()


def _recount(tables):
    connection = connections["default"]
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        counts = _count(cursor, connection.ops.quote_name, [t for t in tables if t in existing])
    return counts


def _migrate(name):
    """`migrate`, so an archive from an older version is brought forward; the migrations it
    applied, as "app.name"."""
    from django.core.management import call_command
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections["default"]
    before = set(MigrationRecorder(connection).applied_migrations())
    try:
        call_command("migrate", interactive=False, verbosity=0)
    except Exception as exc:
        raise BackupError(
            _(
                "Dữ liệu đã được khôi phục đủ vào %(name)s, nhưng migrate không thành công: "
                "%(error)s. Cơ sở dữ liệu đang ở các migration của bản sao lưu; sửa lỗi rồi chạy "
                "`binhyen migrate`."
            )
            % {"name": name, "error": exc}
        ) from exc
    after = MigrationRecorder(connection).applied_migrations()
    return [f"{app}.{migration}" for app, migration in after if (app, migration) not in before]
