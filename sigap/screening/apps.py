from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "sigap.screening"
    label = "screening"
    verbose_name = "Skrining dan deteksi dini"

    def ready(self) -> None:
        from sigap.cases import sections

        from . import views

        sections.register(sections.Section("screening", 15, "screening/_section.html", views.case_section))
