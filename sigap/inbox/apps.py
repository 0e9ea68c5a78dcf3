from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "sigap.inbox"
    label = "inbox"
    verbose_name = "Kotak masuk"
