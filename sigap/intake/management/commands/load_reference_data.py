from django.core.management.base import BaseCommand

from sigap.intake.setup import ensure_reference_data
from sigap.screening.services import sync_instruments


class Command(BaseCommand):
    help = (
        "Create the default routing rules and first-contact clock from the data files (missing rows only) "
        "and store the current version of every screening instrument."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        created = ensure_reference_data()
        stored = sync_instruments()
        self.stdout.write(
            f"Reference data ready: {created['routing_rules']} routing rule(s), {created['clocks']} clock row(s), "
            f"{stored['instrument_versions']} screening instrument version(s) created."
        )
