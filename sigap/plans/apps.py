from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "sigap.plans"
    label = "plans"
    verbose_name = "Rencana kasus dan layanan"
