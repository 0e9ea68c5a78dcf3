"""``manage.py seed_demo``: synthetic demo organisations, logins, reports and cases (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sigap.demo import generator
from sigap.demo.generator import Login


def _id(number: float, decimals: int = 0) -> str:
    """A number written the Indonesian way: 12.345,6."""
    return f"{number:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _count(value: str) -> int:
    number = int(value.replace("_", "").replace(",", ""))
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic demo data (Faker id_ID, seeded): organisations, one login per role, "
        "reports and cases. Does nothing if demo data already exists (use --reset to start again). "
        "Run `manage.py load_regions` first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reports", type=_count, default=generator.DEFAULT_REPORTS, help="number of reports")
        parser.add_argument(
            "--cases", type=_count, default=generator.DEFAULT_CASES, help="number of cases (each from one report)"
        )
        parser.add_argument("--seed", type=int, default=generator.DEFAULT_SEED, help="random seed")
        parser.add_argument(
            "--provinces",
            default=",".join(generator.DEFAULT_PROVINCES),
            help="comma-separated province codes; only the loaded ones are used (default: %(default)s)",
        )
        parser.add_argument("--reset", action="store_true", help="delete the previous demo data first")
        parser.add_argument("--quiet", action="store_true", help="print nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        out = None if options["quiet"] else self.stdout
        wanted = [p.strip() for p in options["provinces"].split(",") if p.strip()]
        provinces = generator.loaded_provinces(wanted)
        if not provinces:
            raise CommandError(
                f"None of the provinces {', '.join(wanted)} is loaded. Run `manage.py load_regions` first."
            )
        skipped = [p for p in wanted if p not in provinces]
        if skipped and out:
            out.write(f"Provinsi belum dimuat, dilewati: {', '.join(skipped)}")
        if options["cases"] > options["reports"]:
            raise CommandError("--cases cannot be more than --reports: every case is opened from one report.")
        try:
            result = generator.seed_demo(
                options["reports"],
                options["cases"],
                options["seed"],
                provinces,
                reset=options["reset"],
                stdout=out,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if out is None:
            return
        if not result["created"]:
            out.write("Data demo sudah ada; tidak ada yang ditambahkan (pakai --reset untuk membuat ulang).")
        else:
            out.write(
                f"Data demo dibuat (seed {result['seed']}, provinsi {', '.join(result['provinces'])}): "
                f"{result['organisations_created']} organisasi, {result['users_created']} pengguna, "
                f"{_id(result['reports'])} laporan ({_id(result['open'])} masih terbuka), {_id(result['cases'])} kasus, "
                f"{_id(result['rows'])} baris dalam {_id(result['seconds'], 1)} detik "
                f"({_id(result['rows_per_second'])} baris/detik)."
            )
        logins = [Login(x["username"], x["role"], x["organisation"], x["totp_secret"]) for x in result["logins"]]
        out.write(generator.format_logins(logins))
