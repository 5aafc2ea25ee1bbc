"""`binhyen export-report --unit CODE --period P --format docx|xlsx|pdf --out FILE`: a unit's report as a document."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from binhyen.core.periods import parse_period
from binhyen.org.models import Unit
from binhyen.reports.render import build, build_pdf, build_xlsx

FORMATS = ("docx", "xlsx", "pdf")


class Command(BaseCommand):
    help = (
        "Xuất báo cáo kết quả công tác phòng, chống tội phạm của một đơn vị trong một kỳ, viết từ "
        "số liệu tổng hợp, theo thể thức Nghị định 30/2020/NĐ-CP. Đơn vị đã giải thể được tổng "
        "hợp theo cây đơn vị tại ngày cuối cùng nó hoạt động."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--unit", required=True, metavar="CODE", help="Mã đơn vị báo cáo, ví dụ LDLD-HCM."
        )
        parser.add_argument(
            "--period",
            required=True,
            metavar="P",
            help="Kỳ báo cáo: 2022, 2022Q1, 2022H1, 2022-03 hoặc 2018-01-01..2023-12-31.",
        )
        parser.add_argument(
            "--format", default="docx", choices=FORMATS, help="Định dạng tệp (mặc định docx)."
        )
        parser.add_argument("--out", required=True, metavar="FILE", help="Đường dẫn tệp kết quả.")
        parser.add_argument(
            "--number", default="", help="Số văn bản (phần trước “/BC-LĐLĐ”), ví dụ 12."
        )
        parser.add_argument(
            "--date", default=None, metavar="YYYY-MM-DD", help="Ngày ký (mặc định hôm nay)."
        )

    def handle(self, *args, unit, period, out, number, date, **options):
        target = Unit.objects.filter(code=unit).first()
        if target is None:
            raise CommandError(f"Không có đơn vị mã “{unit}”.")
        try:
            p = parse_period(period)
        except ValidationError as e:
            raise CommandError(e.message_dict["period"][0]) from None
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"Ngày ký “{date}” không hợp lệ; dùng dạng YYYY-MM-DD.") from None
        if options["format"] == "xlsx":
            data = build_xlsx(target, p)
        else:
            write = build_pdf if options["format"] == "pdf" else build
            data = write(target, p, number=number, day=day)
        with open(out, "wb") as fh:
            fh.write(data)
        self.stdout.write(f"Đã ghi {out} ({len(data):,} byte).".replace(",", "."))
