"""`binhyen verify-facts`: recompute every cube figure from the raw records and compare."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from binhyen.activities.models import Dim
from binhyen.core import periods
from binhyen.core.periods import Period
from binhyen.org.models import Unit
from binhyen.reporting import facts, stock_facts
from binhyen.reporting.rollup import Engine

MEASURES = ("hoạt động", "cuộc", "lượt người", "tờ rơi")
STOCK_LABELS = {
    "groups": "tổ, mô hình", "members": "thành viên", "wards": "phường, xã",
    "boarding_houses": "nhà trọ", "resident_workers": "công nhân lưu trú", "cameras": "camera",
}


def _describe(key, values):
    if values is None:
        return "(không có)"
    return ", ".join(f"{v} {m}" for v, m in zip(values, MEASURES, strict=True))


class _Request:
    """The part of a rollup request the stock evaluators read."""

    def __init__(self, measure):
        self.indicator = type("Indicator", (), {"measure": measure})()

    def filter_codes(self):
        return {}


def stock_days(today=None):
    """The days the stock figures are compared on: the last day of each of the three past
    years, and today."""
    today = today or periods.today()
    return [datetime.date(today.year - k, 12, 31) for k in (3, 2, 1)] + [today]


def stock_figure_differences(days):
    """(unit code, day, measure, cube by child, raw by child) wherever the cube's figures of a
    top unit, by child, differ from the raw count (binhyen.groups.stats querysets)."""
    out = []
    for unit in Unit.objects.filter(parent__isnull=True).order_by("code"):
        for day in days:
            engine = Engine(unit, Period(day, day, "range", "range"))
            for measure in stock_facts.MEASURES:
                request = _Request(measure)
                cube = engine.stock(request, True, day)
                raw = {k: v for k, v in engine.stock_raw(request, True, day).items() if v}
                if cube != raw:
                    out.append((unit.code, day, measure, cube, raw))
    return out


class Command(BaseCommand):
    help = (
        "Kiểm tra số liệu tổng hợp: tính lại mọi ô của các khối tổng hợp (hoạt động; mô hình, "
        "thành viên, nhà trọ, camera) từ dữ liệu gốc và in các chỗ khác nhau; so số liệu mô hình "
        "của đơn vị cao nhất theo từng đơn vị trực thuộc với cách đếm trực tiếp. Trả mã lỗi 1 nếu "
        "có khác biệt."
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
        stock_cells = stock_facts.verify(limit=limit)
        names = {v: k for k, v in stock_facts.MEASURES.items()}
        for (ancestor, measure, grain, day, child, kind, ward), stored, expected in stock_cells:
            when = f"ngày {day:%d/%m/%Y}" if grain else f"tháng {day:%m/%Y}"
            self.stdout.write(
                f"đơn vị {ancestor} / nhánh {child}, {STOCK_LABELS[names[measure]]}, {when}, loại {kind}, "
                f"phường {ward}: đang lưu {stored if stored is not None else '(không có)'}; "
                f"tính lại {expected if expected is not None else '(không có)'}"
            )
        figures = stock_figure_differences(stock_days())
        for code, day, measure, cube, raw in figures[:limit]:
            self.stdout.write(
                f"{code}, {STOCK_LABELS[measure]} ngày {day:%d/%m/%Y}: khối tổng hợp {cube}; đếm trực tiếp {raw}"
            )
        elapsed = time.monotonic() - started
        total = len(differences) + len(stock_cells) + len(figures)
        if total:
            raise CommandError(f"{total} ô số liệu khác với dữ liệu gốc ({elapsed:.1f} giây).")
        self.stdout.write(self.style.SUCCESS(f"Số liệu tổng hợp khớp với dữ liệu gốc ({elapsed:.1f} giây)."))
