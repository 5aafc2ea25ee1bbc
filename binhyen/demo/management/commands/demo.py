"""`binhyen demo`: from an empty database to a served demo site in one command."""

import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from binhyen.org import demo


class Command(BaseCommand):
    help = (
        "Chạy bản demo: tạo/cập nhật cơ sở dữ liệu (migrate), nạp địa giới hành chính "
        "(load-areas), nạp dữ liệu mẫu (load-demo), in các tài khoản demo rồi chạy máy chủ "
        "thử nghiệm trên 127.0.0.1."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--port", type=int, default=8000, help="Cổng của máy chủ (mặc định 8000)."
        )
        parser.add_argument(
            "--password",
            default=demo.DEFAULT_PASSWORD,
            help=f"Mật khẩu chung của các tài khoản demo (mặc định {demo.DEFAULT_PASSWORD}).",
        )
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Chỉ chuẩn bị dữ liệu, không chạy máy chủ (dùng cho kiểm thử, CI).",
        )

    def handle(self, *args, port, password, no_serve, verbosity, **options):
        quiet = max(verbosity - 1, 0)
        self.stdout.write("Cập nhật cơ sở dữ liệu…")
        call_command("migrate", interactive=False, verbosity=quiet, stdout=self.stdout)
        self.stdout.write("Nạp địa giới hành chính…")
        call_command("load-areas", verbosity=verbosity, stdout=self.stdout)
        call_command("load-demo", password=password, verbosity=verbosity, stdout=self.stdout)
        url = f"http://127.0.0.1:{port}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Mở {url} và đăng nhập bằng một tài khoản ở trên."))
        if no_serve:
            return
        # the production topology in miniature: the background worker (imports, exports,
        # rebuilds, mail) and the scheduler run beside the web server, and stop with it
        helpers = [_spawn("worker", "--no-reload", "--no-startup-delay"), _spawn("scheduler")]
        self.stdout.write("Đã chạy worker và scheduler cho các việc nền.")
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        finally:
            for process in helpers:
                process.terminate()
            for process in helpers:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


def _spawn(*args):
    code = "import sys; from binhyen.cli import main; main(['binhyen', *sys.argv[1:]])"
    return subprocess.Popen([sys.executable, "-c", code, *args])
