from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "sigap.identity"
    label = "identity"
    verbose_name = "Identitas anak"

    def ready(self) -> None:
        from sigap.cases import sections

        from . import views

        sections.register(sections.Section("identity", 5, "identity/_section.html", views.case_section))
