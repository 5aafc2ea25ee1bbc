"""`binhyen import-activities FILE --user USERNAME [--dry-run]`: import a filled template."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from binhyen.activities.services import import_activities
from binhyen.core.text import format_number


class Command(BaseCommand):
    help = (
        "Nhập hoạt động từ tệp Excel theo mẫu (kiểm tra mọi dòng; chỉ cần một lỗi thì không ghi "
        "dòng nào). Import activities from a filled .xlsx template, all rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx đã điền theo mẫu")
        parser.add_argument(
            "--user", required=True, help="tên đăng nhập của người nhập (quyền theo người này)"
        )
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")

    def handle(self, *args, file, user, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}")
        try:
            actor = get_user_model().objects.get(username=user, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(
                f"Không có người dùng '{user}' (hoặc tài khoản đã bị khóa)."
            ) from None
        with path.open("rb") as upload:
            result = import_activities(
                actor, upload, file_name=path.name, dry_run=dry_run, source="cli"
            )
        for notice in result.notices:
            self.stdout.write(str(notice))
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            if result.errors.hidden:
                self.stderr.write(f"… và {format_number(result.errors.hidden)} lỗi khác.")
            raise CommandError(
                f"Không nhập dòng nào: {format_number(result.errors.count)} lỗi trong {format_number(result.rows)} dòng."
            )
        verb = "Kiểm tra xong (chạy thử, không ghi)" if dry_run else "Đã nhập"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: {format_number(result.created)} hoạt động mới, "
                f"{format_number(result.skipped)} dòng trùng bỏ qua, tổng {format_number(result.rows)} dòng."
            )
        )
