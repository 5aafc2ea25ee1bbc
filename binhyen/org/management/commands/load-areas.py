"""`binhyen load-areas`: load or refresh Vietnam's administrative geography (org.Area)."""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from binhyen.core.text import format_number
from binhyen.org.geography import load_areas


class Command(BaseCommand):
    help = _(
        "Nạp địa giới hành chính vào bảng địa bàn: 34 tỉnh/thành phố và 3.321 phường/xã/đặc khu "
        "từ 01/07/2025 (gói vietnam-provinces), cùng 63 tỉnh, các quận/huyện và phường/xã trước "
        "01/07/2025 với đơn vị mới mà mỗi nơi đã nhập vào (gói vietnamadminunits). Chạy lại bao "
        "nhiêu lần cũng được: chỉ tạo hoặc sửa những gì khác với dữ liệu nguồn, không xoá địa bàn "
        "nào, tất cả trong một giao dịch."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        quiet = options["verbosity"] == 0
        counts = load_areas(stdout=None if quiet else self.stdout)
        changed = sum(c["created"] + c["updated"] for c in counts.values())
        seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
        if changed:
            message = _("Đã nạp địa giới: %(n)s địa bàn được tạo mới hoặc cập nhật (%(s)s giây).")
        else:
            message = _("Địa giới đã đầy đủ và khớp dữ liệu nguồn, không có thay đổi (%(s)s giây).")
        if not quiet:
            self.stdout.write(
                self.style.SUCCESS(message % {"n": format_number(changed), "s": seconds})
            )
