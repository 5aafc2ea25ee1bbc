"""`binhyen verify-facts`: recompute every cube figure from the raw records and compare."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from binhyen.core import periods
from binhyen.core.periods import Period
from binhyen.figures import registry
from binhyen.org.models import Unit
from binhyen.reporting.rollup import Engine


def stock_days(today=None):
    """The days the stock figures are compared on: the last day of each of the three past
    years, and today."""
    today = today or periods.today()
    return [datetime.date(today.year - k, 12, 31) for k in (3, 2, 1)] + [today]


def stock_figure_differences(days):
    """(unit code, day, indicator, cube by child, raw by child) wherever a stock figure of a
    top unit, by child, differs from the same figure counted from the records (each stock
    source's stock_raw, e.g. binhyen.groups.stats querysets)."""
    stocks = [
        registry.parse(i.code, resolve=False)
        for i in registry.all_indicators()
        if i.kind == registry.STOCK
    ]
    out = []
    for unit in Unit.objects.filter(parent__isnull=True).order_by("code"):
        for day in days:
            engine = Engine(unit, Period(day, day, "range", "range"))
            for request in stocks:
                cube = engine.stock(request, True, day)
                raw = {k: v for k, v in engine.stock_raw(request, True, day).items() if v}
                if cube != raw:
                    out.append((unit.code, day, request.indicator, cube, raw))
    return out


class Command(BaseCommand):
    help = (
        "Kiểm tra số liệu tổng hợp: tính lại mọi ô của các khối tổng hợp (hoạt động; mô hình, "
        "thành viên, nhà trọ, camera) từ dữ liệu gốc và in các chỗ khác nhau; so số liệu mô hình "
        "của đơn vị cao nhất theo từng đơn vị trực thuộc với cách đếm trực tiếp. Trả mã lỗi 1 nếu "
        "có khác biệt."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=50, help="Số khác biệt tối đa in ra (mặc định 50)."
        )

    def handle(self, *args, limit, **options):
        started = time.monotonic()
        cells = [line for cube in registry.cubes() for line in cube.verify(None)]
        for line in cells[:limit]:
            self.stdout.write(line)
        figures = stock_figure_differences(stock_days())
        for code, day, indicator, cube, raw in figures[:limit]:
            self.stdout.write(
                f"{code}, {indicator.label} ngày {day:%d/%m/%Y}: khối tổng hợp {cube}; đếm trực tiếp {raw}"
            )
        elapsed = time.monotonic() - started
        total = len(cells) + len(figures)
        if total:
            raise CommandError(f"{total} ô số liệu khác với dữ liệu gốc ({elapsed:.1f} giây).")
        self.stdout.write(
            self.style.SUCCESS(f"Số liệu tổng hợp khớp với dữ liệu gốc ({elapsed:.1f} giây).")
        )
