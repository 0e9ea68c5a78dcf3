"""The ``sigap`` command: Sigap's management commands without ``manage.py``, e.g.
``sigap screen REGISTRY.csv --out lists/`` (installed into the virtual environment by ``make``)."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sigap", *sys.argv[1:]])


if __name__ == "__main__":
    main()
