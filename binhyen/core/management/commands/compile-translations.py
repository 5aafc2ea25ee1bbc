"""`binhyen compile-translations`: build the .mo catalogs from the .po files with polib, so an
install needs no system gettext (the .mo files are build output, never committed)."""

import os
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Biên dịch các tệp bản dịch .po thành .mo (không cần gettext của hệ thống). "
        "Compile the gettext catalogs (.po → .mo) in LOCALE_PATHS and in the apps' locale folders."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Chỉ kiểm tra: báo lỗi nếu có tệp .mo thiếu hoặc cũ hơn .po. Only report stale or missing .mo files.",
        )

    def handle(self, *args, check=False, **options):
        stale = []
        compiled = 0
        for po_path in sorted(self._po_files()):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime and check:
                continue
            if check:
                stale.append(mo_path)
                continue
            catalog = polib.pofile(str(po_path))
            # written aside, then renamed over the old one: a process reading the catalogs
            # meanwhile (a server, another test worker) sees the old file or the new, never half
            partial = mo_path.with_name(f".{mo_path.name}.{os.getpid()}.tmp")
            catalog.save_as_mofile(str(partial))
            os.replace(partial, mo_path)
            compiled += 1
            if options["verbosity"] > 1:
                self.stdout.write(f"{po_path} → {mo_path.name} ({catalog.percent_translated()}%)")
        if check:
            if stale:
                self.stderr.write(
                    "\n".join(f"cũ hoặc thiếu / stale or missing: {p}" for p in stale)
                )
                raise SystemExit(1)
            return
        self.stdout.write(f"Đã biên dịch {compiled} tệp bản dịch. Compiled {compiled} catalog(s).")

    def _po_files(self):
        from django.apps import apps

        roots = [Path(p) for p in settings.LOCALE_PATHS]
        roots += [
            Path(app.path) / "locale"
            for app in apps.get_app_configs()
            if app.name.startswith("binhyen")
        ]
        for root in roots:
            if root.is_dir():
                yield from root.glob("*/LC_MESSAGES/*.po")
