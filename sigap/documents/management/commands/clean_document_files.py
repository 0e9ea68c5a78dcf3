from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sigap.documents.storage import remove_stale_parts


class Command(BaseCommand):
    help = "Delete temporary document files left by a crashed upload (older than --hours, default 1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        removed = remove_stale_parts(options["hours"] * 3600)
        self.stdout.write(f"{len(removed)} temporary file(s) removed.")
