"""`binhyen restore ARCHIVE`: a `binhyen backup` archive back onto an empty database."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhyen.core.text import format_number
from binhyen.ops import backup


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu của `binhyen backup` vào cơ sở dữ liệu trống của "
        "DATABASE_URL và vào MEDIA_ROOT: kiểm tra manifest và mã sha256, nạp cơ sở dữ liệu "
        "trong một giao dịch, chạy migrate (bản sao lưu cũ được nâng lên phiên bản này), rồi "
        "đếm lại số bản ghi từng bảng so với manifest. Không bao giờ ghi đè dữ liệu có sẵn."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", metavar="TỆP", help="Tệp .tar do `binhyen backup` tạo.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Nếu cơ sở dữ liệu đích đã có dữ liệu: giữ nguyên nó dưới một tên khác (SQLite: "
            "TỆP.truoc-khoi-phuc-NGÀY-GIỜ; PostgreSQL: TÊN_truoc_khoi_phuc_NGÀY_GIỜ, cần dừng ứng "
            "dụng và worker trước) rồi khôi phục vào một cơ sở dữ liệu mới cùng tên. Không xoá, "
            "không ghi đè gì; tệp media trùng tên mà khác nội dung vẫn bị từ chối.",
        )

    def handle(self, *args, archive, force=False, **options):
        started = time.monotonic()
        try:
            done = backup.restore(archive, force=force, say=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        if done.migrated:
            self.stdout.write(
                _("migrate đã áp dụng %(count)s migration mới: %(names)s.")
                % {"count": len(done.migrated), "names": ", ".join(done.migrated)}
            )
        for table, (before, after) in sorted(done.changed_by_migrate.items()):
            self.stdout.write(
                _("  %(table)s: %(before)s → %(after)s bản ghi (do migrate)")
                % {"table": table, "before": format_number(before), "after": format_number(after)}
            )
        if done.aside:
            self.stdout.write(
                _("Cơ sở dữ liệu cũ được giữ nguyên với tên %(aside)s: xoá nó khi không còn cần.")
                % {"aside": done.aside}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Đã khôi phục %(rows)s bản ghi của %(tables)s bảng (khớp manifest) và "
                    "%(files)s tệp media (%(same)s tệp đã có sẵn, giống hệt) từ %(path)s "
                    "(%(seconds)s giây)."
                )
                % {
                    "rows": format_number(done.rows),
                    "tables": format_number(done.tables),
                    "files": format_number(done.media_files),
                    "same": format_number(done.media_skipped),
                    "path": done.path,
                    "seconds": format_number(round(time.monotonic() - started, 1), trim=True),
                }
            )
        )
