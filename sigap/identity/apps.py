from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "sigap.identity"
    label = "identity"
    verbose_name = "Identitas anak"
