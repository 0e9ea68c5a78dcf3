from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from sigap.regions.loader import LEVEL_FILES, default_source_dir, load_regions


class Command(BaseCommand):
    help = (
        "Load Indonesia's provinces, regencies/cities, districts and villages (Kemendagri codes) from the "
        "idn-area-data CSV files. Safe to run again: only new or renamed regions are written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="CODE",
            help="Load only this province (two-digit code, e.g. 32) and everything under it. Repeatable.",
        )
        parser.add_argument(
            "--source",
            type=Path,
            default=None,
            help=f"Directory holding provinces.csv, regencies.csv, districts.csv, villages.csv "
            f"(default: {default_source_dir()}).",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        counts = load_regions(source_dir=options["source"], provinces=options["provinces"])
        elapsed = time.perf_counter() - started
        for spec in LEVEL_FILES:
            key = spec.key
            self.stdout.write(
                f"{key:<10} {counts[key]:>6}  (created {counts[f'{key}_created']}, "
                f"updated {counts[f'{key}_updated']}, unchanged {counts[f'{key}_unchanged']})"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Regions loaded in {elapsed:.1f} s: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged."
            )
        )
