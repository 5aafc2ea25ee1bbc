"""binhyen seal_key: print a new key for SEAL_KEY (the sealed identity of tips' senders)."""

from django.core.management.base import BaseCommand

from binhyen.incidents.seal import new_key


class Command(BaseCommand):
    help = (
        "In ra một khóa mới cho SEAL_KEY (niêm phong danh tính người báo tin). Khi đổi khóa, "
        "đặt SEAL_KEY=khóa_mới,khóa_cũ để vẫn đọc được tin báo cũ. / Print a new SEAL_KEY."
    )

    def handle(self, *args, **options):
        self.stdout.write(new_key())
