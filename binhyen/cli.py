"""The `binhyen` command: this project's manage.py, installed as a console script."""

import os
import sys


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhyen.settings")
    if len(argv) > 1 and argv[1] == "demo":
        # The demo serves plain HTTP on the loopback: debug pages and non-secure cookies.
        os.environ.setdefault("DEBUG", "1")
        os.environ.setdefault("SECURE_COOKIES", "0")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
