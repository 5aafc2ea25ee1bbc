"""What the benchmarks share: Django set up on DATABASE_URL, or, without it, on a small
generated nation (with the 2025 reform) in a temporary SQLite file."""

import datetime
import io
import os
import signal
import tempfile
from contextlib import contextmanager


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


class OverBudget(Exception):
    pass


@contextmanager
def budget(seconds):
    """Raise OverBudget in Python after `seconds` (the database stops first: statement_timeout)."""

    def expire(_signum, _frame):
        raise OverBudget(f"did not finish in {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds + 2)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def session(seconds, jit):
    """Every database session of the bench: statement_timeout, JIT off unless asked."""
    from django.db.backends.signals import connection_created

    def configure(sender, connection, **_kwargs):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")
                if not jit:
                    cursor.execute("SET jit = off")

    connection_created.connect(configure, weak=False)
