"""`binhyen send-report-reminders`: notify the units still missing a report due within three days."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from binhyen.reports import services


class Command(BaseCommand):
    help = (
        "Gửi thông báo (trong ứng dụng và email) cho các đơn vị chưa nộp báo cáo có hạn trong "
        "3 ngày tới. Mỗi người chỉ nhận một lần cho mỗi báo cáo; chạy hằng ngày."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", metavar="YYYY-MM-DD", help="Tính như thể hôm nay là ngày này."
        )

    def handle(self, *args, today=None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(f"Ngày “{today}” không hợp lệ; dùng dạng YYYY-MM-DD.") from None
        sent = services.send_deadline_reminders(day)
        self.stdout.write(f"Đã gửi {sent} thông báo nhắc hạn nộp báo cáo.")
