"""`binhyen cascade-targets [--plan ID]`: bring every unit's copy of the plans' targets in line
with the tree (after units were founded, moved, merged or closed)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from binhyen.core.text import format_number
from binhyen.documents.models import Document, Target
from binhyen.reporting import targets


class Command(BaseCommand):
    help = (
        "Giao lại chỉ tiêu của các kế hoạch cho đúng các đơn vị hiện thuộc diện áp dụng (theo cơ "
        "cấu tổ chức trong kỳ của chỉ tiêu): thêm bản chỉ tiêu cho đơn vị mới, bỏ bản của đơn vị "
        "không còn thuộc diện. Chạy sau khi thành lập, chuyển, sáp nhập hoặc giải thể đơn vị."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan", type=int, metavar="ID", help="Chỉ các chỉ tiêu của kế hoạch có id này."
        )
        parser.add_argument(
            "--as-user",
            default=None,
            metavar="USERNAME",
            help="Người được ghi vào lịch sử thay đổi (mặc định: quản trị hệ thống đầu tiên).",
        )

    def handle(self, *args, plan=None, as_user=None, **options):
        User = get_user_model()
        actor = (
            User.objects.filter(username=as_user).first()
            if as_user
            else User.objects.filter(is_superuser=True, is_active=True).order_by("id").first()
        )
        if actor is None or not actor.is_superuser:
            raise CommandError(
                "Cần một tài khoản quản trị hệ thống (--as-user) để ghi lịch sử thay đổi."
            )
        chosen = Target.objects.select_related("plan__unit").filter(plan__in=Document.objects.all())
        if plan is not None:
            chosen = chosen.filter(plan_id=plan)
            if not chosen.exists():
                raise CommandError(
                    f"Kế hoạch id {plan} không có chỉ tiêu nào (hoặc không tồn tại)."
                )
        added = removed = 0
        for target in chosen.order_by("id"):
            a, r = targets.cascade_target(actor, target)
            added, removed = added + a, removed + r
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã rà soát {format_number(chosen.count())} chỉ tiêu: thêm {format_number(added)} bản giao cho "
                f"đơn vị, bỏ {format_number(removed)} bản."
            )
        )
