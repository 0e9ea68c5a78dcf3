from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic demo data (``manage.py seed_demo``, ``manage.py demo_totp``). No models."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "sigap.demo"
    label = "demo"
    verbose_name = "Data demo"
