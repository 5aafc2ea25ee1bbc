"""`binhyen rebuild-facts [--unit CODE]`: recompute the rollup cubes (activities, groups' stocks) from the raw records."""

import time

from django.core.management.base import BaseCommand, CommandError

from binhyen.org.models import Unit, UnitEvent, UnitEventKind
from binhyen.reporting import facts, stock_facts


def anchors_for(unit):
    """The unit itself and every former parent of a unit moved out of or into it: the cube rows
    of both the old and the new place of a move are recomputed."""
    anchors = {unit.pk: unit}
    events = UnitEvent.objects.filter(kind=UnitEventKind.MOVED).filter(unit=unit) | UnitEvent.objects.filter(
        kind=UnitEventKind.MOVED, new_parent=unit
    )
    for event in events.select_related("old_parent"):
        if event.old_parent is not None:
            anchors.setdefault(event.old_parent_id, event.old_parent)
    return list(anchors.values())


class Command(BaseCommand):
    help = (
        "Tính lại số liệu tổng hợp hoạt động (khối tổng hợp theo cấp) từ dữ liệu gốc. Chạy sau "
        "khi chuyển, sáp nhập hoặc giải thể đơn vị. Không có --unit: tính lại toàn bộ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--unit", metavar="CODE",
            help="Chỉ tính lại phần bị ảnh hưởng quanh đơn vị này (đơn vị, các đơn vị cấp dưới, "
                 "các cấp trên của nó và nơi cũ của các đơn vị đã chuyển đi hoặc chuyển đến).",
        )

    def handle(self, *args, unit=None, **options):
        started = time.monotonic()
        if unit:
            target = Unit.objects.filter(code=unit).first()
            if target is None:
                raise CommandError(f"Không có đơn vị mã “{unit}”.")
            written = 0
            for anchor in anchors_for(target):
                self.stdout.write(f"Tính lại quanh {anchor.code} — {anchor.name}…")
                written += facts.rebuild(anchor)
        else:
            self.stdout.write("Tính lại toàn bộ số liệu tổng hợp…")
            written = facts.rebuild()
            facts.tidy()
        # The stock cube is small (a few cells per group and member event): always rebuilt whole.
        self.stdout.write("Tính lại số liệu tổng hợp mô hình, thành viên, nhà trọ, camera…")
        written += stock_facts.rebuild()
        self.stdout.write(self.style.SUCCESS(
            f"Đã ghi {written} ô số liệu trong {time.monotonic() - started:.1f} giây."
        ))
