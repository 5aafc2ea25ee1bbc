"""`binhyen import-groups FILE --sheet to|thanh-vien|nha-tro --user USERNAME [--dry-run]`."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from binhyen.core.text import format_number
from binhyen.groups import excel


class Command(BaseCommand):
    help = (
        "Nhập tổ, mô hình (--sheet to), thành viên (thanh-vien) hoặc nhà trọ (nha-tro) từ tệp Excel "
        "theo mẫu; kiểm tra mọi dòng, chỉ cần một lỗi thì không ghi dòng nào. Import groups, "
        "members or boarding houses from a filled .xlsx template, all rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx đã điền theo mẫu")
        parser.add_argument(
            "--sheet",
            required=True,
            choices=sorted(excel.SPECS),
            help="loại dữ liệu: to (tổ, mô hình), thanh-vien, nha-tro",
        )
        parser.add_argument(
            "--user", required=True, help="tên đăng nhập của người nhập (quyền theo người này)"
        )
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")

    def handle(self, *args, file, sheet, user, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}")
        User = get_user_model()
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"Không có người dùng '{user}' (hoặc tài khoản đã bị khóa).")
        with path.open("rb") as upload:
            result = excel.import_spreadsheet(actor, sheet, upload, dry_run=dry_run)
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
                f"{verb}: {format_number(result.rows)} dòng {str(excel.TITLES[sheet]).lower()}."
            )
        )
