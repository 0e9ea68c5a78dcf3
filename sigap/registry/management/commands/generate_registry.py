"""``manage.py generate_registry OUT --rows N``: write a synthetic social-protection registry (seeded)."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sigap.registry.generate import DEFAULT_AS_OF, generate


def _count(value: str) -> int:
    number = int(value.replace("_", "").replace(",", "").replace(".", ""))
    if number < 0:
        raise ValueError(value)
    return number


def _fraction(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Write a synthetic registry of children (CSV or Parquet, seeded: the same arguments give the same "
        "file) for tests and benchmarks. Every name and NIK is invented."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="file to write (e.g. var/registri.csv)")
        parser.add_argument("--rows", type=_count, required=True, help="number of children, e.g. 11_000_000")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")
        parser.add_argument("--format", choices=("csv", "parquet"), default=None, help="default: from OUT's suffix")
        parser.add_argument(
            "--bad-rows", type=_fraction, default=0.0, help="share of invalid rows, 0–1 (default: %(default)s)"
        )
        parser.add_argument(
            "--with-outcome", action="store_true", help="add an `outcome` column (0/1) for calibration tests"
        )
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=DEFAULT_AS_OF,
            help="date the ages refer to (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        fmt = options["format"] or ("parquet" if out.suffix.lower() == ".parquet" else "csv")
        started = time.monotonic()
        try:
            made = generate(
                out,
                options["rows"],
                seed=options["seed"],
                fmt=fmt,
                bad_fraction=options["bad_rows"],
                with_outcome=options["with_outcome"],
                as_of=options["as_of"],
            )
        except OSError as exc:
            raise CommandError(f"Tidak dapat menulis {out}: {exc.strerror or exc}") from exc
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{made.rows:,} anak ({made.bad_rows:,} baris sengaja salah) di {made.villages:,} desa "
            f"ditulis ke {made.path} ({fmt}, {seconds:.1f} detik)."
        )
