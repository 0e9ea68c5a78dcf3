from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "sigap.legal"
    label = "legal"
    verbose_name = "Proses hukum"
