"""`binhyen check-tree`: verify the union tree's invariants (paths, depths, ranks, dates)."""

from django.core.management.base import BaseCommand, CommandError

from binhyen.org.integrity import tree_problems
from binhyen.org.models import Unit


class Command(BaseCommand):
    help = (
        "Kiểm tra cây tổ chức công đoàn: đường dẫn và cấp của mỗi đơn vị khớp với đơn vị cấp "
        "trên, loại đơn vị thấp hơn cấp trên, ngày kết thúc không trước ngày thành lập, không "
        "đơn vị nào còn hoạt động sau khi cấp trên đã kết thúc. Trả mã lỗi 1 nếu có vi phạm."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=50, help="Số vi phạm tối đa in ra (mặc định 50)."
        )

    def handle(self, *args, limit, **options):
        problems = list(tree_problems())
        for code, text in problems[:limit]:
            self.stdout.write(f"{code}: {text}")
        total = Unit.objects.count()
        if problems:
            raise CommandError(f"{len(problems)} vi phạm trên {total} đơn vị.")
        self.stdout.write(self.style.SUCCESS(f"Cây tổ chức hợp lệ: {total} đơn vị."))
