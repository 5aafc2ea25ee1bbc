"""`binhyen rebuild-facts [--unit CODE]`: recompute the rollup cubes (activities, groups' stocks) from the raw records."""

import time

from django.core.management.base import BaseCommand, CommandError

from binhyen.figures import registry
from binhyen.org.models import Unit


class Command(BaseCommand):
    help = (
        "Tính lại số liệu tổng hợp hoạt động (khối tổng hợp theo cấp) từ dữ liệu gốc. Chạy sau "
        "khi chuyển, sáp nhập hoặc giải thể đơn vị. Không có --unit: tính lại toàn bộ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--unit",
            metavar="CODE",
            help="Chỉ tính lại phần bị ảnh hưởng quanh đơn vị này (đơn vị, các đơn vị cấp dưới, "
            "các cấp trên của nó và nơi cũ của các đơn vị đã chuyển đi hoặc chuyển đến).",
        )

    def handle(self, *args, unit=None, **options):
        started = time.monotonic()
        target = None
        if unit:
            target = Unit.objects.filter(code=unit).first()
            if target is None:
                raise CommandError(f"Không có đơn vị mã “{unit}”.")
        written = 0
        for cube in registry.cubes():  # each app's cube (activities; groups, members, cameras…)
            written += cube.rebuild(target, say=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã ghi {written} ô số liệu trong {time.monotonic() - started:.1f} giây."
            )
        )
