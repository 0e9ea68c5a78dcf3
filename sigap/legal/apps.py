from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "sigap.legal"
    label = "legal"
    verbose_name = "Proses hukum"

    def ready(self) -> None:
        from sigap.cases import sections

        from . import reference
        from .sections import TEMPLATE, context

        # Fail at start, not on the first page, when a data file is broken.
        reference.stages()
        reference.countries()
        sections.register(sections.Section("legal", 50, TEMPLATE, context))
