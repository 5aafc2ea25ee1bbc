"""`binhyen flush-portal-counters`: move buffered visit and view counts into the database."""

from django.core.management.base import BaseCommand

from binhyen.core.text import format_number
from binhyen.portal import counters


class Command(BaseCommand):
    help = (
        "Ghi các lượt truy cập và lượt xem bài viết đang đệm trong bộ nhớ đệm (cache) vào cơ sở dữ "
        "liệu. Máy chủ tự làm việc này định kỳ (PORTAL_COUNTER_FLUSH_SECONDS, mặc định 60 giây); "
        "chạy lệnh trước khi dừng máy chủ dùng Redis để không chờ lượt ghi kế tiếp."
    )

    def handle(self, *args, **options):
        visits, views = counters.flush()
        self.stdout.write(
            f"Đã ghi {format_number(visits)} lượt truy cập và {format_number(sum(views.values()))} "
            f"lượt xem của {format_number(len(views))} bài viết."
        )
