from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "sigap.people"
    label = "people"
    verbose_name = "Organisasi dan pengguna"

    def ready(self) -> None:
        from . import orgtypes

        orgtypes.load()  # validate the data file at start: a broken file stops the app, loudly
