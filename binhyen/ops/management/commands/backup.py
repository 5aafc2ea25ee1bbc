"""`binhyen backup`: the database and the media folder into one dated archive with a manifest."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhyen.core.text import format_number
from binhyen.ops import backup


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu (PostgreSQL: pg_dump định dạng custom; SQLite: API sao lưu của "
        "SQLite) và thư mục media vào một tệp binhyen-backup-YYYYmmdd-HHMMSS.tar, kèm "
        "manifest.json (phiên bản, các migration, số bản ghi của từng bảng, mã sha256 của từng "
        "thành phần). Khôi phục bằng `binhyen restore TỆP`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            metavar="THƯ_MỤC",
            help="Thư mục ghi bản sao lưu (mặc định: biến môi trường BACKUP_DIR, hoặc backups/ "
            "trong thư mục mã nguồn).",
        )
        parser.add_argument(
            "--no-media",
            action="store_true",
            help="Không chép thư mục media (MEDIA_ROOT), chỉ cơ sở dữ liệu.",
        )

    def handle(self, *args, output=None, no_media=False, **options):
        started = time.monotonic()
        try:
            done = backup.backup(output=output, media=not no_media, say=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Đã sao lưu %(rows)s bản ghi của %(tables)s bảng và %(files)s tệp media "
                    "(%(media)s) vào %(path)s (%(size)s, %(seconds)s giây)."
                )
                % {
                    "rows": format_number(done.rows),
                    "tables": format_number(done.tables),
                    "files": format_number(done.media_files),
                    "media": backup.human_size(done.media_bytes),
                    "path": done.path,
                    "size": backup.human_size(done.size),
                    "seconds": format_number(round(time.monotonic() - started, 1), trim=True),
                }
            )
        )
