from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "sigap.intake"
    label = "intake"
    verbose_name = "Pengaduan"

    def ready(self) -> None:
        from . import reference, routing  # noqa: F401  (routing connects its cache invalidation)

        reference.concern_types()  # validate the data files at start
        reference.default_clock_hours()
