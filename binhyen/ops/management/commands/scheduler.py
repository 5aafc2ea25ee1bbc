"""`binhyen scheduler`: queue the scheduled tasks (settings.BINHYEN_SCHEDULE) when they fall due."""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from binhyen.ops import schedule


class Command(BaseCommand):
    help = (
        "Đưa các việc theo lịch (nhắc hạn báo cáo, ghi lượt truy cập, dọn phiên hết hạn…) vào "
        "hàng đợi khi đến giờ; worker chạy chúng. Một tiến trình cho cả hệ thống là đủ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Kiểm tra một lần rồi thoát.")
        parser.add_argument(
            "--interval", type=float, default=20, help="Số giây giữa hai lần kiểm tra (20)."
        )

    def handle(self, *args, once=False, interval=20, **options):
        running = {"on": True}

        def stop(signum, frame):
            running["on"] = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while running["on"]:
            close_old_connections()
            for name in schedule.tick():
                self.stdout.write(f"Đã đưa “{name}” vào hàng đợi.")
            if once:
                return
            slept = 0.0
            while running["on"] and slept < interval:
                time.sleep(0.5)
                slept += 0.5
