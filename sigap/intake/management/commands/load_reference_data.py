from django.core.management.base import BaseCommand

from sigap.intake.setup import ensure_reference_data


class Command(BaseCommand):
    help = "Create the default routing rules and first-contact clock from the data files (missing rows only)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        created = ensure_reference_data()
        self.stdout.write(
            f"Reference data ready: {created['routing_rules']} routing rule(s), {created['clocks']} clock row(s) created."
        )
