"""`binhyen verify-facts`: recompute every cube figure from the raw activities and compare."""

import time

from django.core.management.base import BaseCommand, CommandError

from binhyen.reporting import facts
from binhyen.reporting.models import Dim

MEASURES = ("hoạt động", "cuộc", "lượt người", "tờ rơi")


def _describe(key, values):
    if values is None:
        return "(không có)"
    return ", ".join(f"{v} {m}" for v, m in zip(values, MEASURES, strict=True))


class Command(BaseCommand):
    help = (
        "Kiểm tra số liệu tổng hợp: tính lại mọi ô của khối tổng hợp từ dữ liệu hoạt động gốc "
        "và in các chỗ khác nhau. Trả mã lỗi 1 nếu có khác biệt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=50, help="Số khác biệt tối đa in ra (mặc định 50).")

    def handle(self, *args, limit, **options):
        started = time.monotonic()
        differences = facts.verify()
        for key, stored, expected in differences[:limit]:
            ancestor, month, child, kind, dim, dim_id = key
            self.stdout.write(
                f"đơn vị {ancestor} / nhánh {child}, tháng {month:%m/%Y}, loại {kind}, "
                f"{Dim(dim).label} {dim_id}: đang lưu {_describe(key, stored)}; "
                f"tính lại {_describe(key, expected)}"
            )
        elapsed = time.monotonic() - started
        if differences:
            raise CommandError(f"{len(differences)} ô số liệu khác với dữ liệu gốc ({elapsed:.1f} giây).")
        self.stdout.write(self.style.SUCCESS(f"Số liệu tổng hợp khớp với dữ liệu gốc ({elapsed:.1f} giây)."))
