"""`binhyen serve`: the production web server, gunicorn with deploy/gunicorn.conf.py.

The command replaces itself with gunicorn (exec), so that systemd, `kill -HUP` (graceful
reload) and `kill -TERM` (graceful stop) reach gunicorn's master directly. Before that it
checks, in a fresh process, that the settings start with PRODUCTION=1 (a missing SECRET_KEY
or DEBUG=1 is said here in one line instead of as every worker's failed boot).

Static files need no `collectstatic` first: WhiteNoise serves them from the code's own folders
(settings.WHITENOISE_USE_FINDERS), so a fresh clone after `make install` serves them.
"""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

CONFIG = Path(settings.ROOT_DIR) / "deploy" / "gunicorn.conf.py"
APP = "binhyen.wsgi:application"


def gunicorn_command(binds=(), workers=None):
    """The argv that runs gunicorn with the project's configuration."""
    script = Path(sys.executable).with_name("gunicorn")
    argv = [str(script)] if script.exists() else [sys.executable, "-m", "gunicorn"]
    argv += [APP, "--config", str(CONFIG)]
    for bind in binds:
        argv += ["--bind", bind]
    if workers:
        argv += ["--workers", str(workers)]
    return argv


class Command(BaseCommand):
    help = (
        "Chạy máy chủ web thật (gunicorn với deploy/gunicorn.conf.py, PRODUCTION=1): số tiến "
        "trình theo số lõi CPU, nhật ký truy cập ra stdout. Tải lại mã mới không gián đoạn: "
        "kill -HUP <pid>. Cấu hình bằng biến môi trường (deploy/binhyen.env.example)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            action="append",
            default=[],
            metavar="ĐỊA_CHỈ:CỔNG",
            help="Địa chỉ nghe, có thể lặp lại (mặc định: biến BIND, nếu không 127.0.0.1:8000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            metavar="SỐ",
            help="Số tiến trình web (mặc định: 2 × số lõi + 1, tối đa biến WEB_WORKERS).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Chỉ kiểm tra cấu hình và in lệnh gunicorn sẽ chạy, không chạy.",
        )

    def handle(self, *args, bind, workers, dry_run, **options):
        if workers is not None and workers < 1:
            raise CommandError("--workers: cần một số nguyên từ 1 trở lên.")
        if not CONFIG.exists():
            raise CommandError(f"Không thấy {CONFIG}: chạy lệnh từ bản mã nguồn đầy đủ.")
        os.environ.setdefault("PRODUCTION", "1")
        self._check_settings()
        argv = gunicorn_command(bind, workers)
        if dry_run:
            self.stdout.write(" ".join(argv))
            return
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(argv[0], argv)

    def _check_settings(self):
        """Start the settings as the workers will (PRODUCTION from the environment, default 1)
        and stop with the reason if they refuse."""
        probe = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "binhyen.settings"},
            capture_output=True,
            text=True,
        )
        if probe.returncode:
            lines = [line for line in probe.stderr.strip().splitlines() if line.strip()]
            reason = lines[-1] if lines else f"mã thoát {probe.returncode}"
            kind, _, message = reason.partition(": ")
            if message and kind.replace(".", "").isalnum():  # "module.Error: message"
                reason = message
            raise CommandError(f"Cấu hình chưa chạy được: {reason}")
