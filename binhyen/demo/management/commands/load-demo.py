"""`binhyen load-demo`: the demo union tree, its accounts, then every other app's demo data."""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from binhyen.core.text import format_number
from binhyen.demo import loader
from binhyen.org import demo
from binhyen.org.models import Unit


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu: cây tổ chức công đoàn (Tổng Liên đoàn → LĐLĐ TP Hồ Chí Minh, LĐLĐ tỉnh "
        "Tiền Giang → LĐLĐ TP Mỹ Tho, trước và sau sắp xếp 01/07/2025), các tài khoản demo, rồi "
        "dữ liệu mẫu của từng ứng dụng có tệp demo.py. Chạy lại không tạo bản ghi trùng; mật khẩu "
        "các tài khoản demo được đặt lại theo --password."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=demo.DEFAULT_PASSWORD,
            help=f"Mật khẩu chung của các tài khoản demo (mặc định {demo.DEFAULT_PASSWORD}).",
        )

    def handle(self, *args, password, verbosity, **options):
        out = self.stdout if verbosity > 0 else None
        started = time.perf_counter()
        try:
            stats = demo.load(out, password=password)
        except ValidationError as exc:
            messages = "; ".join(m for ms in exc.message_dict.values() for m in ms)
            raise CommandError(f"Không nạp được dữ liệu mẫu: {messages}") from None
        tree_seconds = time.perf_counter() - started
        if out is not None:
            self._tree_summary(out, stats, tree_seconds)
        for label, module in loader.app_loaders():
            if out is not None:
                out.write(f"Dữ liệu mẫu của ứng dụng {label}…")
            module.load(out)
        if out is not None:
            self._accounts(out, password)

    def _tree_summary(self, out, stats, seconds):
        out.write(
            self.style.SUCCESS(
                "Cây tổ chức: {total} đơn vị ({created} tạo mới, {updated} cập nhật, {events} thay đổi "
                "tổ chức) trong {s} giây.".format(
                    total=format_number(Unit.objects.count()),
                    s=f"{seconds:.1f}".replace(".", ","),
                    **stats,
                )
            )
        )
        by_kind = (
            Unit.objects.values_list("kind__name")
            .annotate(n=Count("id"))
            .order_by("kind__rank", "kind__name")
        )
        for name, n in by_kind:
            out.write(f"  {format_number(n):>5}  {name}")

    def _accounts(self, out, password):
        out.write("")
        out.write(f"Tài khoản demo (mật khẩu chung: {password}):")
        rows = demo.account_rows()
        widths = [max(len(r[i]) for r in rows) for i in range(2)] if rows else [0, 0]
        for username, roles, scope in rows:
            out.write(f"  {username:<{widths[0]}}  {roles:<{widths[1]}}  {scope}")
