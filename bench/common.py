"""What the benchmarks share: Django set up on DATABASE_URL, or, without it, on a small
generated nation (with the 2025 reform) in a temporary SQLite file."""

import datetime
import io
import os
import tempfile


def setup_django(args):
    generate = False
    if not os.environ.get("DATABASE_URL"):
        tmp = tempfile.NamedTemporaryFile(prefix="binhyen-bench-", suffix=".sqlite3", delete=False)
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}"
        generate = True
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhyen.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if generate:
        call_command("migrate", verbosity=0)
        call_command("load-areas", verbosity=0, stdout=io.StringIO())
        call_command(
            "generate-national",
            units=args.units,
            activities=args.activities,
            seed=1,
            code=args.code,
            # bench/export.py has no --reform: a nation without the 2025 reform
            reform=datetime.date.fromisoformat(args.reform)
            if getattr(args, "reform", None)
            else None,
        )
